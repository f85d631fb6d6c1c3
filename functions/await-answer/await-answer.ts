import type { SFNClient } from '@aws-sdk/client-sfn';
import { now } from '#shared/clock.ts';
import type { AuditLog } from '#shared/store/audit-log.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import { deliver, type Delivery } from '../runtime/deliver.ts';

export interface AwaitInput {
  caseId: string;
  taskToken: string;
  /** Whose answer the workflow waits for: the marketplace's, or a staff decision. */
  waitingFor: 'marketplace' | 'staff';
}

export interface AwaitDeps {
  cases: CaseStore;
  audit: AuditLog;
  sfn: SFNClient;
}

/**
 * Stores the workflow's current task token on the case, where the response endpoint and the
 * staff decision find it. What was recorded before the token was stored is delivered here.
 */
export async function awaitAnswer(input: AwaitInput, deps: AwaitDeps): Promise<{ delivery: Delivery }> {
  const at = now();
  const { record, changed } = await deps.cases.storeToken(input.caseId, input.taskToken, input.waitingFor, at);
  if (changed) {
    await deps.audit.append({
      caseId: input.caseId,
      at: at.toISOString(),
      actor: 'system',
      action: input.waitingFor === 'staff' ? 'AWAITING_DECISION' : 'AWAITING_ANSWER',
      detail: { status: record.status, deadline: record.deadline, next: record.timers?.[0] },
    });
  }
  return { delivery: await deliver(record, deps.sfn, deps.cases, at) };
}
