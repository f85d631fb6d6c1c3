import { now } from '#shared/clock.ts';
import { startRecallWorkflows, type StartDeps } from '../case-operations/start-recalls.ts';

/** The scheduled sweep: starts the workflow of every stored recall still marked as waiting for it. */
export async function startPendingWorkflows(input: { limit?: number }, deps: StartDeps) {
  const pending = await deps.ingestState.pendingStarts(input.limit ?? 500);
  return { pending: pending.length, ...(await startRecallWorkflows(pending, deps, now())) };
}
