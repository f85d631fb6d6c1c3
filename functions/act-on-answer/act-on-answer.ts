import { FINAL_ANSWERS, STATUS_OF_ANSWER, type CaseStatus } from '#shared/case.ts';
import { audited, closed, delivered, handedToStaff } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import { staffDecisionNeededEmail } from '#shared/emails/case-emails.ts';
import { timerOf, type WorkflowTimer } from '#shared/ladder.ts';
import { describeAnswer } from '#shared/pages/response-page.ts';
import { loadCase, sendCaseEmail, staffContext, type CaseMailDeps } from '../case-operations/case-mail.ts';
import type { AnswerResult } from '../case-operations/deliver.ts';

export interface AnswerInput {
  caseId: string;
  result: AnswerResult;
}

/** CloseCase's result: the case ended in this status. */
export interface CaseClosed {
  closed: true;
  status: CaseStatus;
}

/** A BLOCKED or NOT_LISTED answer ends the case (a retry finds it closed and writes nothing more). */
export async function closeCase(input: AnswerInput, deps: Pick<CaseMailDeps, 'cases'>): Promise<CaseClosed> {
  const at = now();
  const status = STATUS_OF_ANSWER[input.result.answer.answer];
  const entry = { actor: 'system' as const, action: 'CASE_CLOSED', detail: { status, onTime: input.result.onTime, answeredAt: input.result.answeredAt } };
  await deps.cases.mutate(input.caseId, at, (current) => audited(delivered(closed(current, status, at), 'answerDelivered'), entry));
  return { closed: true, status };
}

/**
 * A dispute or an extension request goes to staff, who are emailed once per answer (the case
 * records which answer they were told of, with the email's audit entry) and decide through a
 * callback. The workflow waits for them until the case would expire.
 */
export async function handToStaff(input: AnswerInput, deps: CaseMailDeps): Promise<WorkflowTimer> {
  const at = now();
  const kind = input.result.answer.answer;
  const loaded = await loadCase(input.caseId, deps);
  if (loaded.record.handedToStaffFor === input.result.answeredAt) await deps.cases.settle(loaded.record);
  else {
    const context = staffContext(loaded, deps);
    const email = await sendCaseEmail(deps, input.caseId, {
      to: deps.settings.staffEmails,
      email: staffDecisionNeededEmail(context, kind === 'dispute' ? 'dispute' : 'extension', describeAnswer(input.result.answer)),
      kind: 'HANDED_TO_STAFF',
    });
    const entry = {
      actor: 'system' as const,
      action: 'HANDED_TO_STAFF',
      detail: { status: STATUS_OF_ANSWER[kind], answeredAt: input.result.answeredAt, onTime: input.result.onTime, email },
    };
    await deps.cases.mutate(input.caseId, at, (current) => audited(handedToStaff(current, input.result.answeredAt), entry), loaded.record);
  }
  return timerOf(
    loaded.record.timers?.filter((t) => t.step === 'EXPIRE'),
    at,
  );
}

/**
 * What the workflow does with the marketplace's answer (CloseCase and HandToStaff): BLOCKED and
 * NOT_LISTED end the case; a dispute or an extension request goes to staff.
 */
export function actOnAnswer(input: AnswerInput, deps: CaseMailDeps): Promise<CaseClosed | WorkflowTimer> {
  return FINAL_ANSWERS.has(input.result.answer.answer) ? closeCase(input, deps) : handToStaff(input, deps);
}
