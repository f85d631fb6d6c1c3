import { randomBytes } from 'node:crypto';
import { now } from '#shared/clock.ts';
import { InvalidRecallError, type Recall } from '#shared/recall.ts';
import { normalizeRecord, type RecallFile } from '#shared/recall-file.ts';
import type { AuditLog } from '#shared/store/audit-log.ts';
import { inParallel } from '#shared/store/batch.ts';
import type { IngestState } from '#shared/store/ingest-state.ts';
import type { QuarantinedRecord, QuarantineStore } from '#shared/store/quarantine-store.ts';
import type { DynamoRecallStore, StoredRecall } from '#shared/store/recall-store.ts';
import { startRecallWorkflows, type StartDeps } from '../runtime/start-recalls.ts';

export interface IngestInput {
  /** Where the records come from (a file name, an API window), kept with any quarantined one. */
  source: string;
  format?: RecallFile['format'];
  records: unknown[];
}

export interface IngestResult {
  batchId: string;
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: { index: number; recallNumber: string | null; reason: string }[];
  workflowsStarted: number;
  /** Starts that failed: the recalls stay marked and the scheduled sweep starts them. */
  startsPending: number;
}

export interface IngestDeps {
  recalls: DynamoRecallStore;
  state: IngestState;
  quarantine: QuarantineStore;
  audit: AuditLog;
  /** Without it, new recalls stay marked for the scheduled sweep to start. */
  start?: Omit<StartDeps, 'recalls'>;
}

/** DynamoDB's item limit is 400 KB; a record must fit with its raw text and room to spare. */
export const MAX_STORED_BYTES = 350_000;

function recallNumberIn(raw: unknown): string | null {
  if (!raw || typeof raw !== 'object') return null;
  const value = (raw as Record<string, unknown>).RecallNumber ?? (raw as Record<string, unknown>)['Recall Number'];
  return typeof value === 'string' && value.length < 40 ? value : null;
}

function rawText(raw: unknown): string {
  return raw === undefined ? 'undefined' : (JSON.stringify(raw) ?? String(raw));
}

/**
 * Ingests a batch losslessly: every record ends stored (inserted, updated or unchanged) or
 * quarantined with its reason and raw content; a bad record never stops the good ones.
 * Unchanged records cost no write (content hash); new ones are written in batches and their
 * workflows started.
 */
export async function ingestRecalls(input: IngestInput, deps: IngestDeps): Promise<IngestResult> {
  if (!Array.isArray(input.records)) throw new Error('ingest expects {"source": "...", "records": [...]} with the records of the CPSC Recalls API or the CSV export');
  const at = now();
  const batchId = `${at.toISOString()}#${randomBytes(4).toString('hex')}`;
  const result: IngestResult = { batchId, received: input.records.length, inserted: 0, updated: 0, unchanged: 0, quarantined: [], workflowsStarted: 0, startsPending: 0 };
  const quarantined: QuarantinedRecord[] = [];

  // A recall number that repeats in the batch is taken in order, one wave per repeat.
  const waves: StoredRecall[][] = [];
  const seen = new Map<string, number>();
  input.records.forEach((raw, index) => {
    let recall: Recall;
    const text = rawText(raw);
    try {
      recall = normalizeRecord(raw, input.format ?? 'cpsc-api-json');
      const size = Buffer.byteLength(JSON.stringify(recall)) + Buffer.byteLength(text);
      if (size > MAX_STORED_BYTES) {
        throw new InvalidRecallError(`the record takes ${size} bytes to store, more than a DynamoDB item holds (400 KB): quarantined whole, not truncated`);
      }
    } catch (error) {
      if (!(error instanceof InvalidRecallError)) throw error;
      quarantined.push({ source: input.source, index, recallNumber: recallNumberIn(raw), reason: error.message, raw: text });
      return;
    }
    const wave = seen.get(recall.recallNumber) ?? 0;
    seen.set(recall.recallNumber, wave + 1);
    (waves[wave] ??= []).push({ recall, raw: text });
  });

  const inserted: string[] = [];
  for (const wave of waves) {
    const known = await deps.state.hashesOf(wave.map((r) => r.recall.recallNumber));
    const fresh = wave.filter((r) => !known.has(r.recall.recallNumber));
    const changed = wave.filter((r) => known.has(r.recall.recallNumber) && known.get(r.recall.recallNumber) !== r.recall.contentHash);
    result.unchanged += wave.length - fresh.length - changed.length;
    await deps.recalls.insertMany(fresh, at);
    await inParallel(changed, 4, async (record) => {
      await deps.recalls.replaceContent(record, at);
      await deps.audit.append({
        caseId: `recall-${record.recall.recallNumber}`,
        at: at.toISOString(),
        actor: 'system',
        action: 'RECALL_UPDATED',
        detail: { source: input.source, contentHash: record.recall.contentHash, previousHash: known.get(record.recall.recallNumber) },
      });
    });
    await deps.state.rememberHashes(new Map([...fresh, ...changed].map((r) => [r.recall.recallNumber, r.recall.contentHash])));
    result.inserted += fresh.length;
    result.updated += changed.length;
    inserted.push(...fresh.map((r) => r.recall.recallNumber));
  }

  if (quarantined.length) await deps.quarantine.add(batchId, at, quarantined);
  result.quarantined = quarantined.map(({ index, recallNumber, reason }) => ({ index, recallNumber, reason }));

  if (deps.start && inserted.length) {
    const started = await startRecallWorkflows(inserted, { ...deps.start, recalls: deps.recalls }, at);
    result.workflowsStarted = started.started;
    result.startsPending = started.failed.length;
  } else {
    result.startsPending = inserted.length;
  }
  return result;
}
