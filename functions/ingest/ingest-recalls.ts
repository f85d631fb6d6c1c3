import { createHash, randomBytes } from 'node:crypto';
import { now } from '#shared/clock.ts';
import { InvalidRecallError, type Recall } from '#shared/recall.ts';
import { normalizeRecord, type RecallFile } from '#shared/recall-file.ts';
import type { AuditLog } from '#shared/store/audit-log.ts';
import { inParallel } from '#shared/store/batch.ts';
import type { HashSnapshot, IngestState, KnownHashes } from '#shared/store/ingest-state.ts';
import type { QuarantinedRecord, QuarantineStore } from '#shared/store/quarantine-store.ts';
import type { DynamoRecallStore, StoredRecall } from '#shared/store/recall-store.ts';
import { startRecallWorkflows, type StartDeps } from '../case-operations/start-recalls.ts';

export interface IngestInput {
  /** Where the records come from (a file name, an API window), kept with any quarantined one. */
  source: string;
  format?: RecallFile['format'];
  records: unknown[];
  /** False leaves new recalls for the scheduled sweep to start (bulk loads). Default true. */
  startWorkflows?: boolean;
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
  ingestState: IngestState;
  quarantine: QuarantineStore;
  audit: AuditLog;
  /** Without it, new recalls stay marked for the scheduled sweep to start. */
  start?: Omit<StartDeps, 'recalls' | 'ingestState'>;
}

/** Hashes in the index are cut to 64 bits: enough to tell a change, small enough to read 100,000 at once. */
const HASH_CHARS = 16;

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

type Candidate = StoredRecall & { rawHash: string };

/** A batch sorted out: records known unchanged by their raw text, the others in waves, and the quarantined. */
interface Classified {
  unchanged: number;
  /** A recall number that repeats in the batch is taken in order, one wave per repeat. */
  waves: Candidate[][];
  quarantined: QuarantinedRecord[];
}

/** Normalizes one record, or says why it cannot be stored. */
function normalized(raw: unknown, text: string, format: RecallFile['format']): Recall {
  const recall = normalizeRecord(raw, format);
  const size = Buffer.byteLength(JSON.stringify(recall)) + Buffer.byteLength(text);
  if (size > MAX_STORED_BYTES) {
    throw new InvalidRecallError(`the record takes ${size} bytes to store, more than a DynamoDB item holds (400 KB): quarantined whole, not truncated`);
  }
  return recall;
}

/** Records whose raw text is unchanged are known without normalizing them again; the rest are normalized or quarantined. */
function classify(input: IngestInput, snapshot: HashSnapshot): Classified {
  const result: Classified = { unchanged: 0, waves: [], quarantined: [] };
  const seen = new Map<string, number>();
  input.records.forEach((raw, index) => {
    const text = rawText(raw);
    const rawHash = createHash('sha256').update(text).digest('hex').slice(0, HASH_CHARS);
    const number = recallNumberIn(raw)?.replace(/-/g, '');
    if (number && !seen.has(number) && snapshot.hashes.get(number)?.raw === rawHash) {
      seen.set(number, 1);
      result.unchanged++;
      return;
    }
    let recall: Recall;
    try {
      recall = normalized(raw, text, input.format ?? 'cpsc-api-json');
    } catch (error) {
      if (!(error instanceof InvalidRecallError)) throw error;
      result.quarantined.push({ source: input.source, index, recallNumber: recallNumberIn(raw), reason: error.message, raw: text });
      return;
    }
    const wave = seen.get(recall.recallNumber) ?? 0;
    seen.set(recall.recallNumber, wave + 1);
    (result.waves[wave] ??= []).push({ recall, raw: text, rawHash });
  });
  return result;
}

/** What writing the waves did. */
interface Written {
  inserted: string[];
  updated: number;
  unchanged: number;
  /** The hashes now stored, for the index. */
  stored: Map<string, KnownHashes>;
}

const contentHash = (r: StoredRecall) => r.recall.contentHash.slice(0, HASH_CHARS);

/**
 * Writes each wave: new recalls in batches (marked as waiting for their workflow), changed ones
 * one by one with an audit entry, unchanged ones not at all.
 */
async function writeWaves(waves: Candidate[][], snapshot: HashSnapshot, source: string, deps: IngestDeps, at: Date): Promise<Written> {
  const written: Written = { inserted: [], updated: 0, unchanged: 0, stored: new Map() };
  const known = (n: string) => written.stored.get(n) ?? snapshot.hashes.get(n);
  // A wave is empty when every earlier occurrence of its recalls was unchanged.
  for (const wave of waves.filter(Boolean)) {
    const fresh = wave.filter((r) => !known(r.recall.recallNumber));
    const changed = wave.filter((r) => known(r.recall.recallNumber) && known(r.recall.recallNumber)!.content !== contentHash(r));
    const same = wave.filter((r) => known(r.recall.recallNumber)?.content === contentHash(r));
    await deps.recalls.insertMany(fresh, at);
    if (fresh.length) await deps.ingestState.addPendingStarts(fresh.map((r) => r.recall.recallNumber));
    await inParallel(changed, 4, async (record) => {
      await deps.recalls.replaceContent(record, at);
      await deps.audit.append({
        subject: `recall-${record.recall.recallNumber}`,
        at: at.toISOString(),
        actor: 'system',
        action: 'RECALL_UPDATED',
        detail: { source, contentHash: record.recall.contentHash, previousHash: known(record.recall.recallNumber)?.content },
      });
    });
    for (const r of [...fresh, ...changed, ...same]) written.stored.set(r.recall.recallNumber, { raw: r.rawHash, content: contentHash(r) });
    written.inserted.push(...fresh.map((r) => r.recall.recallNumber));
    written.updated += changed.length;
    written.unchanged += same.length;
  }
  return written;
}

/** Starts the new recalls' workflows, unless the batch leaves them to the scheduled sweep. */
async function startNew(inserted: string[], input: IngestInput, deps: IngestDeps, at: Date): Promise<Pick<IngestResult, 'workflowsStarted' | 'startsPending'>> {
  if (!deps.start || !inserted.length || input.startWorkflows === false) return { workflowsStarted: 0, startsPending: inserted.length };
  const started = await startRecallWorkflows(inserted, { ...deps.start, recalls: deps.recalls, ingestState: deps.ingestState }, at);
  return { workflowsStarted: started.started, startsPending: started.failed.length };
}

/**
 * Ingests a batch losslessly: every record ends stored (inserted, updated or unchanged) or
 * quarantined with its reason and raw content; a bad record never stops the good ones.
 * Unchanged records cost no write (content hash); new ones are written in batches and their
 * workflows started.
 */
export async function ingestRecalls(input: IngestInput, deps: IngestDeps): Promise<IngestResult> {
  if (!Array.isArray(input.records))
    throw new Error('ingest expects {"source": "...", "records": [...]} with the records of the CPSC Recalls API or the CSV export');
  const at = now();
  const batchId = `${at.toISOString()}#${randomBytes(4).toString('hex')}`;
  const numbers = input.records.map((raw) => recallNumberIn(raw)?.replace(/-/g, ''));
  const snapshot = await deps.ingestState.read(numbers.filter((n): n is string => n !== undefined && /^\d{5,6}$/.test(n)));
  const classified = classify(input, snapshot);
  const written = await writeWaves(classified.waves, snapshot, input.source, deps, at);
  if (written.stored.size) await deps.ingestState.remember(written.stored, snapshot);
  if (classified.quarantined.length) await deps.quarantine.add(batchId, at, classified.quarantined);
  return {
    batchId,
    received: input.records.length,
    inserted: written.inserted.length,
    updated: written.updated,
    unchanged: classified.unchanged + written.unchanged,
    quarantined: classified.quarantined.map(({ index, recallNumber, reason }) => ({ index, recallNumber, reason })),
    ...(await startNew(written.inserted, input, deps, at)),
  };
}
