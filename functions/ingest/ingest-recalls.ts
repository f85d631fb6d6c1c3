import { createHash, randomBytes } from 'node:crypto';
import { now } from '#shared/clock.ts';
import { InvalidRecallError, type Recall } from '#shared/recall.ts';
import { normalizeRecord, type RecallFile } from '#shared/recall-file.ts';
import type { AuditLog } from '#shared/store/audit-log.ts';
import { inParallel } from '#shared/store/batch.ts';
import type { IngestState, KnownHashes } from '#shared/store/ingest-state.ts';
import type { QuarantinedRecord, QuarantineStore } from '#shared/store/quarantine-store.ts';
import type { DynamoRecallStore, StoredRecall } from '#shared/store/recall-store.ts';
import { startRecallWorkflows, type StartDeps } from '../runtime/start-recalls.ts';

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
  state: IngestState;
  quarantine: QuarantineStore;
  audit: AuditLog;
  /** Without it, new recalls stay marked for the scheduled sweep to start. */
  start?: Omit<StartDeps, 'recalls' | 'state'>;
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
  const result: IngestResult = {
    batchId,
    received: input.records.length,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    quarantined: [],
    workflowsStarted: 0,
    startsPending: 0,
  };
  const quarantined: QuarantinedRecord[] = [];

  // Records whose raw text is unchanged are known without normalizing them again.
  const texts = input.records.map(rawText);
  const rawHashes = texts.map((text) => createHash('sha256').update(text).digest('hex').slice(0, HASH_CHARS));
  const numbers = input.records.map((raw) => recallNumberIn(raw)?.replace(/-/g, ''));
  const snapshot = await deps.state.read(numbers.filter((n): n is string => n !== undefined && /^\d{5,6}$/.test(n)));

  // A recall number that repeats in the batch is taken in order, one wave per repeat.
  const waves: (StoredRecall & { rawHash: string })[][] = [];
  const seen = new Map<string, number>();
  input.records.forEach((raw, index) => {
    const number = numbers[index];
    if (number && !seen.has(number) && snapshot.hashes.get(number)?.raw === rawHashes[index]) {
      seen.set(number, 1);
      result.unchanged++;
      return;
    }
    let recall: Recall;
    try {
      recall = normalizeRecord(raw, input.format ?? 'cpsc-api-json');
      const size = Buffer.byteLength(JSON.stringify(recall)) + Buffer.byteLength(texts[index]!);
      if (size > MAX_STORED_BYTES) {
        throw new InvalidRecallError(`the record takes ${size} bytes to store, more than a DynamoDB item holds (400 KB): quarantined whole, not truncated`);
      }
    } catch (error) {
      if (!(error instanceof InvalidRecallError)) throw error;
      quarantined.push({ source: input.source, index, recallNumber: recallNumberIn(raw), reason: error.message, raw: texts[index]! });
      return;
    }
    const wave = seen.get(recall.recallNumber) ?? 0;
    seen.set(recall.recallNumber, wave + 1);
    (waves[wave] ??= []).push({ recall, raw: texts[index]!, rawHash: rawHashes[index]! });
  });

  const inserted: string[] = [];
  const stored = new Map<string, KnownHashes>();
  // A wave is empty when every earlier occurrence of its recalls was unchanged.
  for (const wave of waves.filter(Boolean)) {
    const known = (n: string) => stored.get(n) ?? snapshot.hashes.get(n);
    const fresh = wave.filter((r) => !known(r.recall.recallNumber));
    const content = (r: StoredRecall) => r.recall.contentHash.slice(0, HASH_CHARS);
    const changed = wave.filter((r) => known(r.recall.recallNumber) && known(r.recall.recallNumber)!.content !== content(r));
    const same = wave.filter((r) => known(r.recall.recallNumber)?.content === content(r));
    result.unchanged += same.length;
    await deps.recalls.insertMany(fresh, at);
    if (fresh.length) await deps.state.addPendingStarts(fresh.map((r) => r.recall.recallNumber));
    await inParallel(changed, 4, async (record) => {
      await deps.recalls.replaceContent(record, at);
      await deps.audit.append({
        caseId: `recall-${record.recall.recallNumber}`,
        at: at.toISOString(),
        actor: 'system',
        action: 'RECALL_UPDATED',
        detail: { source: input.source, contentHash: record.recall.contentHash, previousHash: known(record.recall.recallNumber)?.content },
      });
    });
    for (const r of [...fresh, ...changed, ...same]) stored.set(r.recall.recallNumber, { raw: r.rawHash, content: content(r) });
    result.inserted += fresh.length;
    result.updated += changed.length;
    inserted.push(...fresh.map((r) => r.recall.recallNumber));
  }
  if (stored.size) await deps.state.remember(stored, snapshot);

  if (quarantined.length) await deps.quarantine.add(batchId, at, quarantined);
  result.quarantined = quarantined.map(({ index, recallNumber, reason }) => ({ index, recallNumber, reason }));

  if (deps.start && inserted.length && input.startWorkflows !== false) {
    const started = await startRecallWorkflows(inserted, { ...deps.start, recalls: deps.recalls, state: deps.state }, at);
    result.workflowsStarted = started.started;
    result.startsPending = started.failed.length;
  } else {
    result.startsPending = inserted.length;
  }
  return result;
}
