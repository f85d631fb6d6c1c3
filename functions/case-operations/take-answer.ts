import type { SFNClient } from '@aws-sdk/client-sfn';
import { STATUS_OF_ANSWER, type Answer, type CaseRecord } from '#shared/case.ts';
import { answerReceived, audited } from '#shared/case-rules.ts';
import type { CasePatch, CaseStore } from '#shared/store/case-store.ts';
import { deliver } from './deliver.ts';

export interface TakenAnswer {
  record: CaseRecord;
  /** False when an answer was already on record: nothing changed. */
  recorded: boolean;
  /** The answer on record came after the case had ended (it expired): kept, but it moved nothing. */
  afterEnd: boolean;
}

/**
 * Records a marketplace's answer with its audit entry in one conditional write, and resumes the
 * workflow with the token stored on the case. The response page and the JSON API both answer through it.
 */
export async function takeAnswer(
  record: CaseRecord,
  answer: Answer,
  at: Date,
  via: 'link' | 'api',
  deps: { cases: CaseStore; sfn: SFNClient },
): Promise<TakenAnswer> {
  const outcome = await deps.cases.mutate(record.caseId, at, (current) => withEntry(answerReceived(current, answer, at), current, answer, via), record);
  const kept = outcome.record.answer;
  const afterEnd = kept !== undefined && outcome.record.status !== STATUS_OF_ANSWER[kept.answer];
  // A repeat also retries a delivery that failed the first time.
  await deliver(outcome.record, deps.sfn, at);
  return { record: outcome.record, recorded: outcome.changed, afterEnd };
}

/** The answer's audit entry, written with it: what came, through which channel, on time or not, what the case became. */
function withEntry(patch: CasePatch | undefined, current: CaseRecord, answer: Answer, via: 'link' | 'api'): CasePatch | undefined {
  if (!patch) return undefined;
  const status = patch.set?.status ?? current.status;
  const afterEnd = status !== STATUS_OF_ANSWER[answer.answer];
  return audited(patch, {
    actor: `marketplace:${current.marketplaceId}`,
    action: 'ANSWER_RECEIVED',
    detail: { via, answer, onTime: patch.set?.answerOnTime, afterEnd, status },
  });
}
