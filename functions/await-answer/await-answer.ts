import type { SFNClient } from '@aws-sdk/client-sfn';
import { now } from '#shared/clock.ts';
import type { AuditLog } from '#shared/store/audit-log.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import { deliverAnswer } from '../runtime/deliver-answer.ts';

export interface AwaitInput {
  caseId: string;
  taskToken: string;
}

export interface AwaitDeps {
  cases: CaseStore;
  audit: AuditLog;
  sfn: SFNClient;
}

/**
 * Stores the workflow's current task token on the case, where the response endpoint finds it.
 * An answer recorded before the token was stored is delivered here.
 */
export async function awaitAnswer(input: AwaitInput, deps: AwaitDeps): Promise<{ waiting: boolean }> {
  const at = now();
  const record = await deps.cases.storeToken(input.caseId, input.taskToken, at);
  await deps.audit.append({ caseId: input.caseId, at: at.toISOString(), actor: 'system', action: 'AWAITING_ANSWER', detail: { deadline: record.deadline } });
  if (record.answer && !record.answerDelivered) {
    await deliverAnswer(record, deps.sfn, deps.cases, at);
    return { waiting: false };
  }
  return { waiting: true };
}
