import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { now } from '#shared/clock.ts';
import { InvalidRecallError, normalizeCpscRecord, type Recall } from '#shared/recall.ts';
import type { RecallStore } from '#shared/store/recall-store.ts';

export interface IngestInput {
  /** Records as the CPSC Recalls API answers them. */
  records: unknown[];
}

export interface IngestResult {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: { index: number; reason: string }[];
  workflowsStarted: number;
}

export interface IngestDeps {
  recalls: RecallStore;
  sfn: SFNClient;
  recallStateMachineArn: string;
}

/** The recall's execution name: a repeat of the start finds it already there. */
export function recallExecutionName(recallNumber: string): string {
  return `recall-${recallNumber}`;
}

/** Starts the recall's workflow, which starts one case per active marketplace. */
async function startRecall(recall: Recall, deps: IngestDeps): Promise<boolean> {
  try {
    await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deps.recallStateMachineArn,
        name: recallExecutionName(recall.recallNumber),
        input: JSON.stringify({ recallNumber: recall.recallNumber }),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return false;
    throw error;
  }
}

export async function ingestRecalls(input: IngestInput, deps: IngestDeps): Promise<IngestResult> {
  if (!Array.isArray(input.records)) throw new Error('ingest expects {"records": [...]} with the records of the CPSC Recalls API');
  const at = now();
  const result: IngestResult = { inserted: 0, updated: 0, unchanged: 0, rejected: [], workflowsStarted: 0 };
  for (const [index, raw] of input.records.entries()) {
    let recall: Recall;
    try {
      recall = normalizeCpscRecord(raw);
    } catch (error) {
      if (!(error instanceof InvalidRecallError)) throw error;
      result.rejected.push({ index, reason: error.message });
      continue;
    }
    const outcome = await deps.recalls.upsert(recall, raw, at);
    result[outcome]++;
    if (outcome === 'inserted' && (await startRecall(recall, deps))) result.workflowsStarted++;
  }
  return result;
}
