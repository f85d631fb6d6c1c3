import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { FINAL_ANSWERS, STATUS_OF_ANSWER, type CaseRecord, type CaseStatus } from '#shared/case.ts';
import { audited, closed, delivered, handedToStaff } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import { staffDecisionNeededEmail } from '#shared/emails/case-emails.ts';
import { timerOf, type WorkflowTimer } from '#shared/ladder.ts';
import { describeAnswer } from '#shared/pages/response-page.ts';
import { blockedPeriodStarted, staydownExecutionName } from '#shared/staydown.ts';
import { loadCase, sendCaseEmail, staffContext, type CaseMailDeps } from '../case-operations/case-mail.ts';
import type { AnswerResult } from '../case-operations/deliver.ts';

export interface AnswerInput {
  caseId: string;
  result: AnswerResult;
}

/** CloseCase's result: the case ended in this status; a "blocked" one names the execution that runs its stay-down checks. */
export interface CaseClosed {
  closed: true;
  status: CaseStatus;
  staydownExecution?: string;
}

/** What the stay-down checks of a blocked case need: the marketplace's policy, the calendar, and the workflow that runs them. */
export interface StaydownStart {
  sfn: SFNClient;
  stateMachineArn: string;
}

/**
 * A BLOCKED or NOT_LISTED answer ends the case (a retry finds it closed and writes nothing more).
 * A "blocked" one starts a stay-down period, in the same write: its checks are due on the
 * policy's working days after the answer's, and a linked execution asks for them.
 */
export async function closeCase(
  input: AnswerInput,
  deps: Pick<CaseMailDeps, 'cases' | 'marketplaces' | 'calendar'> & { staydown: StaydownStart },
): Promise<CaseClosed> {
  const at = now();
  const status = STATUS_OF_ANSWER[input.result.answer.answer];
  const current = await deps.cases.get(input.caseId);
  const policy = current && (await deps.marketplaces.get(current.marketplaceId))?.policy;
  const entry = { actor: 'system' as const, action: 'CASE_CLOSED', detail: { status, onTime: input.result.onTime, answeredAt: input.result.answeredAt } };
  const { record } = await deps.cases.mutate(
    input.caseId,
    at,
    (latest) => {
      const patch = audited(delivered(closed(latest, status, at), 'answerDelivered'), entry);
      const staydown = status === 'BLOCKED' && policy ? blockedPeriodStarted(latest, input.result.answeredAt, policy, deps.calendar) : {};
      return patch && { ...patch, set: { ...patch.set, ...staydown } };
    },
    current,
  );
  const staydownExecution = await startStaydown(record, deps.staydown);
  return { closed: true, status, ...(staydownExecution ? { staydownExecution } : {}) };
}

/**
 * Starts the stay-down execution of the case's current blocked period, if it has checks: one
 * execution per period, named by it, so a retry starts nothing new. It is an execution of its
 * own, linked by name: a case can stay watched for longer than one execution may last.
 */
async function startStaydown(record: CaseRecord, staydown: StaydownStart): Promise<string | undefined> {
  const period = record.staydown?.period;
  if (record.status !== 'BLOCKED' || !period || !record.staydown!.checks.some((c) => c.period === period)) return undefined;
  const name = staydownExecutionName(record.caseId, period);
  try {
    const started = await staydown.sfn.send(
      new StartExecutionCommand({ stateMachineArn: staydown.stateMachineArn, name, input: JSON.stringify({ caseId: record.caseId, period }) }),
    );
    return started.executionArn;
  } catch (error) {
    // Started by an earlier attempt (Step Functions answers a repeat with the same input with the same execution).
    if (error instanceof ExecutionAlreadyExists) return `${staydown.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    throw error;
  }
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
export function actOnAnswer(input: AnswerInput, deps: CaseMailDeps & { staydown: StaydownStart }): Promise<CaseClosed | WorkflowTimer> {
  return FINAL_ANSWERS.has(input.result.answer.answer) ? closeCase(input, deps) : handToStaff(input, deps);
}
