import { FINAL_ANSWERS, STATUS_OF_ANSWER } from '#shared/case.ts';
import { closed, delivered } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import { staffDecisionNeededEmail } from '#shared/emails/case-emails.ts';
import { timerOf, type WorkflowTimer } from '#shared/ladder.ts';
import { describeAnswer } from '#shared/pages/response-page.ts';
import { loadCase, sendAndAudit, staffContext, type CaseMailDeps } from '../runtime/case-mail.ts';
import type { AnswerResult } from '../runtime/deliver.ts';

export interface RecordInput {
  caseId: string;
  result: AnswerResult;
}

/** Until when the workflow waits for staff: the case's expiry. */
export type RecordResult = WorkflowTimer & { closed: boolean };

/**
 * What the workflow does with the answer: BLOCKED and NOT_LISTED end the case; a dispute or an
 * extension request goes to staff, who are emailed and decide through a callback.
 */
export async function recordAnswer(input: RecordInput, deps: CaseMailDeps): Promise<RecordResult> {
  const at = now();
  const kind = input.result.answer.answer;
  const status = STATUS_OF_ANSWER[kind];
  if (FINAL_ANSWERS.has(kind)) {
    const { changed } = await deps.cases.mutate(input.caseId, at, (current) => delivered(closed(current, status, at), 'answerDelivered'));
    if (changed) {
      await deps.audit.append({
        caseId: input.caseId,
        at: at.toISOString(),
        actor: 'system',
        action: 'CASE_CLOSED',
        detail: { status, onTime: input.result.onTime, answeredAt: input.result.answeredAt },
      });
    }
    return { step: 'EXPIRE', at: at.toISOString(), timeoutSeconds: 1, closed: true };
  }
  const loaded = await loadCase(input.caseId, deps);
  const already = await deps.audit.list(input.caseId);
  // One staff email per answer, even when this step is retried.
  if (!already.some((e) => e.action === 'HANDED_TO_STAFF' && e.detail?.answeredAt === input.result.answeredAt)) {
    await sendAndAudit(deps, input.caseId, at, {
      to: deps.settings.staffEmails,
      email: staffDecisionNeededEmail(staffContext(loaded, deps), kind === 'dispute' ? 'dispute' : 'extension', describeAnswer(input.result.answer)),
      action: 'HANDED_TO_STAFF',
      detail: { status, answeredAt: input.result.answeredAt, onTime: input.result.onTime },
    });
  }
  const expiry = loaded.record.timers?.filter((t) => t.step === 'EXPIRE');
  return { ...timerOf(expiry, at), closed: false };
}
