import type { SFNClient } from '@aws-sdk/client-sfn';
import { STATUS_OF_ANSWER, type Answer, type CaseRecord } from '#shared/case.ts';
import { answerReceived } from '#shared/case-rules.ts';
import type { AuditLog } from '#shared/store/audit-log.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import { deliver } from './deliver.ts';

export interface TakenAnswer {
  record: CaseRecord;
  /** False when an answer was already on record: nothing changed. */
  recorded: boolean;
  /** The answer on record came after the case had ended (it expired): kept, but it moved nothing. */
  afterEnd: boolean;
}

/**
 * Records a marketplace's answer with a conditional write, audits it, and resumes the workflow
 * with the token stored on the case. The response page and the JSON API both answer through it.
 */
export async function takeAnswer(
  record: CaseRecord,
  answer: Answer,
  at: Date,
  via: 'link' | 'api',
  deps: { cases: CaseStore; audit: AuditLog; sfn: SFNClient },
): Promise<TakenAnswer> {
  const outcome = await deps.cases.mutate(record.caseId, at, (current) => answerReceived(current, answer, at), record);
  const kept = outcome.record.answer;
  const afterEnd = kept !== undefined && outcome.record.status !== STATUS_OF_ANSWER[kept.answer];
  if (outcome.changed) {
    await deps.audit.append({
      subject: record.caseId,
      at: at.toISOString(),
      actor: `marketplace:${record.marketplaceId}`,
      action: 'ANSWER_RECEIVED',
      detail: { via, answer, onTime: outcome.record.answerOnTime, afterEnd, status: outcome.record.status },
    });
  }
  // A repeat also retries a delivery that failed the first time.
  await deliver(outcome.record, deps.sfn, at);
  return { record: outcome.record, recorded: outcome.changed, afterEnd };
}
