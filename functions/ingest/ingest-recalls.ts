import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { caseIdOf } from '#shared/case.ts';
import { now } from '#shared/clock.ts';
import { InvalidRecallError, normalizeCpscRecord, type Recall } from '#shared/recall.ts';
import type { MarketplaceStore } from '#shared/store/marketplace-store.ts';
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
  casesStarted: number;
}

export interface IngestDeps {
  recalls: RecallStore;
  marketplaces: MarketplaceStore;
  sfn: SFNClient;
  caseStateMachineArn: string;
}

/** Starts one case per active marketplace; the execution name is the case id, so a repeat starts nothing. */
async function startCases(recall: Recall, deps: IngestDeps): Promise<number> {
  let started = 0;
  for (const marketplace of await deps.marketplaces.listActive()) {
    const caseId = caseIdOf(recall.recallNumber, marketplace.id);
    try {
      await deps.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: deps.caseStateMachineArn,
          name: caseId,
          input: JSON.stringify({ caseId, recallNumber: recall.recallNumber, marketplaceId: marketplace.id }),
        }),
      );
      started++;
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ExecutionAlreadyExists')) throw error;
    }
  }
  return started;
}

export async function ingestRecalls(input: IngestInput, deps: IngestDeps): Promise<IngestResult> {
  if (!Array.isArray(input.records)) throw new Error('ingest expects {"records": [...]} with the records of the CPSC Recalls API');
  const at = now();
  const result: IngestResult = { inserted: 0, updated: 0, unchanged: 0, rejected: [], casesStarted: 0 };
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
    if (outcome === 'inserted') result.casesStarted += await startCases(recall, deps);
  }
  return result;
}
