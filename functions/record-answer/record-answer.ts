import { FINAL_ANSWERS, STATUS_OF_ANSWER, type CaseStatus } from '#shared/case.ts';
import { now } from '#shared/clock.ts';
import type { AuditLog } from '#shared/store/audit-log.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import type { AnswerResult } from '../runtime/deliver-answer.ts';

export interface RecordInput {
  caseId: string;
  result: AnswerResult;
}

export interface RecordDeps {
  cases: CaseStore;
  audit: AuditLog;
}

/** Records what the workflow does with the answer: a final answer ends the case, the others go to staff. */
export async function recordAnswer(input: RecordInput, deps: RecordDeps): Promise<{ status: CaseStatus; closed: boolean }> {
  const at = now();
  const status = STATUS_OF_ANSWER[input.result.answer.answer];
  const closed = FINAL_ANSWERS.has(input.result.answer.answer);
  if (closed) await deps.cases.transition(input.caseId, [status], status, at, { closedAt: at.toISOString() });
  await deps.audit.append({
    caseId: input.caseId,
    at: at.toISOString(),
    actor: 'system',
    action: closed ? 'CASE_CLOSED' : 'HANDED_TO_STAFF',
    detail: { status, onTime: input.result.onTime, answeredAt: input.result.answeredAt },
  });
  return { status, closed };
}
