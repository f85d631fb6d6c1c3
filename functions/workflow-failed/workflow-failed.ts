import { now } from '#shared/clock.ts';
import { staffWorkflowFailedEmail } from '#shared/emails/case-emails.ts';
import { audited } from '#shared/case-rules.ts';
import { sendCaseEmail, type CaseMailDeps } from '../case-operations/case-mail.ts';
import { fillUrlTemplate } from '../runtime/env-fields.ts';

/** What a workflow's Catch passes on: whose execution failed, and Step Functions' error. */
export interface FailureInput {
  executionId: string;
  caseId?: string;
  recallNumber?: string;
  error?: string;
  cause?: string;
}

/** Cause texts can be long stack traces: staff get the start, the execution history has it all. */
const CAUSE_LIMIT = 2_000;

/**
 * A task failed after its retries: the case (or the recall) records the failure in its audit
 * log and on its record, and staff are emailed at once with a link to the execution.
 */
export async function workflowFailed(input: FailureInput, deps: CaseMailDeps): Promise<{ recorded: string }> {
  const at = now();
  const subject = input.caseId ?? (input.recallNumber ? `recall-${input.recallNumber}` : undefined);
  if (!subject) throw new Error('a workflow failure must name its caseId or recallNumber');
  const failure = { executionId: input.executionId, error: input.error ?? 'Unknown', cause: (input.cause ?? '').slice(0, CAUSE_LIMIT), at: at.toISOString() };
  const existing = input.caseId ? await deps.cases.get(input.caseId) : undefined;
  if (existing?.failure?.executionId === failure.executionId && existing.failure.error === failure.error) {
    // A retry after the failure was recorded: staff were told.
    await deps.cases.settle(existing);
    return { recorded: subject };
  }
  const caseUrl = fillUrlTemplate(deps.settings.caseUrlTemplate, { executionArn: input.executionId, caseId: subject });
  const email = await sendCaseEmail(deps, subject, {
    to: deps.settings.staffEmails,
    email: staffWorkflowFailedEmail({ authority: deps.settings.authority, subject, executionUrl: caseUrl, error: failure.error, cause: failure.cause }),
    kind: 'WORKFLOW_FAILED',
  });
  const entry = { actor: 'system' as const, action: 'WORKFLOW_FAILED', detail: { ...failure, email } };
  if (existing) await deps.cases.mutate(existing.caseId, at, () => audited({ set: { failure } }, entry), existing);
  else await deps.audit.append({ subject, at: at.toISOString(), ...entry });
  return { recorded: subject };
}
