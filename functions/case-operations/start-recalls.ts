import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { IngestState } from '#shared/store/ingest-state.ts';
import type { DynamoRecallStore } from '#shared/store/recall-store.ts';
import { inParallel } from '#shared/store/batch.ts';

/** The recall's execution name: a repeat of the start finds it already there. */
export function recallExecutionName(recallNumber: string): string {
  return `recall-${recallNumber}`;
}

export interface StartDeps {
  recalls: DynamoRecallStore;
  ingestState: IngestState;
  sfn: SFNClient;
  recallStateMachineArn: string;
}

/**
 * Starts each recall's workflow exactly once: the execution name is deterministic, an existing
 * execution counts as started, and the recall keeps its pending mark until the start succeeds,
 * so a failed start is retried by the next ingest or the scheduled sweep.
 */
export async function startRecallWorkflows(
  recallNumbers: readonly string[],
  deps: StartDeps,
  at: Date,
): Promise<{ started: number; failed: { recallNumber: string; error: string }[] }> {
  let started = 0;
  const failed: { recallNumber: string; error: string }[] = [];
  await inParallel(recallNumbers, 8, async (recallNumber) => {
    try {
      await deps.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: deps.recallStateMachineArn,
          name: recallExecutionName(recallNumber),
          input: JSON.stringify({ recallNumber }),
        }),
      );
      started++;
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ExecutionAlreadyExists')) {
        failed.push({ recallNumber, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
        return;
      }
    }
    await deps.recalls.markStarted(recallNumber, at);
    await deps.ingestState.clearPendingStart(recallNumber);
  });
  return { started, failed };
}
