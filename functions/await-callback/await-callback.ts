import type { SFNClient } from '@aws-sdk/client-sfn';
import { now } from '#shared/clock.ts';
import type { CaseStore, TokenFor } from '#shared/store/case-store.ts';
import { deliver, deliverAttestation, type Delivery } from '../case-operations/deliver.ts';

export interface AwaitInput {
  caseId: string;
  taskToken: string;
  /** What the workflow waits for: the marketplace's answer, a staff decision, or a stay-down check's answer. */
  waitingFor: TokenFor;
}

export interface AwaitDeps {
  cases: CaseStore;
  sfn: SFNClient;
}

/**
 * AwaitAnswer and AwaitDecision: stores the workflow's current task token on the case, where the
 * response endpoint and the staff decision find it. What was recorded before the token was
 * stored is delivered here. Waiting is no transition of the case: the audit log has none, the
 * execution history shows it.
 */
export async function awaitCallback(input: AwaitInput, deps: AwaitDeps): Promise<{ delivery: Delivery }> {
  const at = now();
  const { record } = await deps.cases.storeToken(input.caseId, input.taskToken, input.waitingFor, at);
  return { delivery: input.waitingFor === 'attestation' ? await deliverAttestation(record, deps.sfn) : await deliver(record, deps.sfn, at) };
}
