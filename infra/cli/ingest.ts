import { basename } from 'node:path';
import type { IngestResult } from '#functions/ingest/ingest-recalls.ts';
import type { PullResult } from '#functions/pull-recalls/pull-recalls.ts';
import { LocalCloud } from '../local-cloud/local-cloud.ts';
import { readRecallFileAt } from './files.ts';

export interface IngestSummary {
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: { index: number; recallNumber: string | null; reason: string }[];
}

const CHUNK = 500;

function progress(done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / Math.max(total, 1)) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} records`);
  if (done === total) process.stderr.write('\n');
}

/**
 * `ingest --file`: the file (the API's JSON or the cpsc.gov CSV) goes through the deployed
 * ingest function of the local cloud in the data directory, in chunks. New recalls wait there
 * for their workflows, which `start --data-dir` starts.
 */
export async function ingestFile(file: string, dataDir: string): Promise<IngestSummary> {
  const parsed = await readRecallFileAt(file);
  const cloud = await LocalCloud.start({ dataDir });
  try {
    const summary: IngestSummary = { received: 0, inserted: 0, updated: 0, unchanged: 0, quarantined: [] };
    for (let offset = 0; offset < parsed.records.length || offset === 0; offset += CHUNK) {
      const records = parsed.records.slice(offset, offset + CHUNK);
      const result = (await cloud.invoke('ingest', { source: basename(file), format: parsed.format, records, startWorkflows: false })) as IngestResult;
      summary.received += result.received;
      summary.inserted += result.inserted;
      summary.updated += result.updated;
      summary.unchanged += result.unchanged;
      summary.quarantined.push(...result.quarantined.map((q) => ({ ...q, index: q.index + offset })));
      progress(Math.min(offset + CHUNK, parsed.records.length), parsed.records.length);
      if (!parsed.records.length) break;
    }
    return summary;
  } finally {
    await cloud.stop();
  }
}

/** `ingest --since`: a pull from the CPSC API (or `--api-url`) over the given window. */
export async function ingestFromApi(options: { since: string; until?: string; apiUrl?: string; dataDir: string }): Promise<PullResult> {
  const cloud = await LocalCloud.start({ dataDir: options.dataDir });
  try {
    return (await cloud.invoke('pullRecalls', { since: options.since, until: options.until, apiUrl: options.apiUrl, force: true })) as PullResult;
  } finally {
    await cloud.stop();
  }
}
