import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestResult } from '#functions/ingest/ingest-recalls.ts';
import { ingestRecalls } from '#functions/ingest/ingest-recalls.ts';
import { pullRecalls, type PullDeps } from '#functions/pull-recalls/pull-recalls.ts';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { readRecallFile } from '#shared/recall-file.ts';
import { agencyDate, WorkingCalendar } from '#shared/working-days.ts';
import { CPSC_DATA, cpscRecords } from '../support/data.ts';

const api9 = cpscRecords();
const h1 = cpscRecords('recalls-2026h1-sample.json');
const csv = readRecallFile(readFileSync(`${CPSC_DATA}cpsc-website-export-2020-sample.csv`, 'utf8'));

describe('ingestion on the local cloud', () => {
  let cloud: LocalCloud;
  const ingest = async (source: string, records: unknown[], format?: string) => (await cloud.invoke('ingest', { source, records, format })) as IngestResult;

  beforeAll(async () => {
    cloud = await LocalCloud.start({ start: new Date('2026-07-06T14:00:00Z') });
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('takes every real record, from the API and the CSV export, with no quarantine', async () => {
    const unique = new Set([...api9, ...h1].map((r) => r.RecallNumber)).size;
    const api = await ingest('fixtures', [...api9, ...h1]);
    expect(api).toMatchObject({ received: api9.length + h1.length, inserted: unique, quarantined: [] });
    expect(api.inserted + api.updated + api.unchanged).toBe(api.received);
    const fromCsv = await ingest('export.csv', csv.records, csv.format);
    expect(fromCsv).toMatchObject({ received: 20, inserted: 20, quarantined: [] });
    expect(await cloud.stores().recalls.get('21707')).toMatchObject({ recallNumber: '21707', recallDate: '2020-11-12', source: 'cpsc-csv', recallId: null });
  });

  it('writes nothing when the same data comes again', async () => {
    const again = await ingest('fixtures', [...api9, ...h1]);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: api9.length + h1.length, quarantined: [] });
    // The same record twice in one batch, already stored: both unchanged.
    expect(await ingest('repeat', [api9[1], api9[1]])).toMatchObject({ received: 2, inserted: 0, updated: 0, unchanged: 2 });
  });

  it('updates a changed record and says so in its audit log', async () => {
    const changed = { ...api9[0]!, Description: `${api9[0]!.Description} Corrected model numbers.` };
    expect(await ingest('correction', [changed])).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });
    const recallNumber = String(api9[0]!.RecallNumber);
    expect((await cloud.stores().recalls.get(recallNumber))?.description).toContain('Corrected model numbers.');
    const audit = await cloud.stores().audit.list(`recall-${recallNumber}`);
    expect(audit.map((e) => e.action)).toEqual(['RECALL_UPDATED']);
  });

  it('quarantines hostile records with their reasons and raw content, and lands the good ones around them', async () => {
    const base = { ...h1[0]!, RecallNumber: '27001', RecallID: 27001 };
    const hostile = [
      { ...base, RecallNumber: '27002', RecallID: 27002, Title: '<script>alert("x")</script> Space Heaters Recalled' },
      { RecallID: 0, RecallNumber: null, Title: 'Error retrieving Recalls: The operation has timed out' },
      { ...base, RecallNumber: '27003', RecallDate: undefined },
      { ...base, RecallNumber: '27004', RecallID: 'ten' },
      { ...base, RecallNumber: '27005', Title: 'x'.repeat(1024 * 1024) },
      null,
      'a string',
      [1, 2],
      base,
    ];
    const result = await ingest('hostile.json', hostile);
    expect(result).toMatchObject({ received: 9, inserted: 2 });
    expect(result.quarantined.map((q) => [q.index, q.recallNumber])).toEqual([
      [1, null],
      [2, '27003'],
      [3, '27004'],
      [4, '27005'],
      [5, null],
      [6, null],
      [7, null],
    ]);
    expect(result.quarantined.map((q) => q.reason)).toEqual([
      'the API answered with its error record ("Error retrieving Recalls")',
      expect.stringContaining('RecallDate must be YYYY-MM-DD'),
      expect.stringContaining('RecallID'),
      expect.stringContaining('more than a DynamoDB item holds (400 KB): quarantined whole, not truncated'),
      'a record must be an object, got null',
      'a record must be an object, got string',
      'a record must be an object, got an array',
    ]);
    const kept = await cloud.stores().quarantine.list(result.batchId);
    expect(kept.find((q) => q.index === 4)?.raw).toBe(JSON.stringify(hostile[4]));
    expect((await cloud.stores().recalls.get('27002'))?.title).toBe('<script>alert("x")</script> Space Heaters Recalled');
  });

  it('starts a recall whose workflow start failed, on the next sweep', async () => {
    const { recalls, ingestState, quarantine, audit } = cloud.stores();
    const unreachable = new SFNClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const record = { ...h1[1]!, RecallNumber: '27100', RecallID: 27100 };
    const result = await ingestRecalls(
      { source: 'start fails', records: [record] },
      { recalls, ingestState, quarantine, audit, start: { sfn: unreachable, recallStateMachineArn: cloud.recallStateMachineArn } },
    );
    expect(result).toMatchObject({ inserted: 1, workflowsStarted: 0, startsPending: 1 });
    expect(await ingestState.pendingStarts()).toContain('27100');
    const swept = await cloud.invoke('startWorkflows', {});
    expect(swept).toMatchObject({ failed: [] });
    expect(await ingestState.pendingStarts()).not.toContain('27100');
    await cloud.clock.settle();
    expect(cloud.stepFunctions.describeExecution(`arn:aws:states:us-east-1:000000000000:execution:RecallGuard-recall:recall-27100`).status).toBe('SUCCEEDED');
  });
});

describe('the scheduled pull from the CPSC API', () => {
  let cloud: LocalCloud;
  let server: Server;
  let apiUrl: string;
  const seen: URLSearchParams[] = [];
  let answer: (params: URLSearchParams) => unknown = () => [];

  beforeAll(async () => {
    cloud = await LocalCloud.start({ start: new Date('2026-07-06T14:00:00Z') });
    server = createServer((request, response) => {
      const params = new URL(request.url ?? '/', 'http://api').searchParams;
      seen.push(params);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer(params)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/RestWebServices/Recall`;
  });
  afterAll(async () => {
    server?.close();
    await cloud?.stop();
  });

  const deps = (): PullDeps => {
    const { recalls, ingestState, quarantine, audit } = cloud.stores();
    return {
      recalls,
      ingestState,
      quarantine,
      audit,
      calendar: new WorkingCalendar(),
      apiUrl,
      overlapDays: 3,
      rescanDays: 365,
      fetchOptions: { sleep: async () => undefined, attempts: 2 },
    };
  };
  const published = (params: URLSearchParams) =>
    h1.filter(
      (r) =>
        String(r.LastPublishDate).slice(0, 10) >= params.get('LastPublishDateStart')! &&
        String(r.LastPublishDate).slice(0, 10) <= params.get('LastPublishDateEnd')!,
    );

  it('treats the API error answer as a failed pull, not a recall, and keeps the watermark', async () => {
    answer = () => [{ RecallID: 0, RecallNumber: null, Title: 'Error retrieving Recalls: timeout' }];
    await expect(pullRecalls({ since: '2026-06-01', until: '2026-06-30' }, deps())).rejects.toThrow(/error record/);
    expect(await cloud.stores().ingestState.watermark('cpsc-api')).toBeUndefined();
  });

  it('refuses an answer far larger than its window: the whole catalogue', async () => {
    answer = () => Array.from({ length: 9_900 }, (_, i) => ({ ...h1[0]!, RecallNumber: String(50_000 + i) }));
    await expect(pullRecalls({ since: '2026-06-01', until: '2026-06-07' }, deps())).rejects.toThrow(
      /9900 records for the 7-day window.*filter was probably ignored/,
    );
  });

  it('pulls in windows shorter than a year, ingests them, and moves the watermark', async () => {
    answer = published;
    seen.length = 0;
    const result = await pullRecalls({ mode: 'daily', force: true }, deps());
    expect(result.windows.length).toBeGreaterThan(0);
    expect(await cloud.stores().ingestState.watermark('cpsc-api')).toBe(agencyDate(new Date()));
    const wide = await pullRecalls({ since: '2025-01-01', until: '2026-07-06' }, deps());
    expect(wide.windows.length).toBeGreaterThan(5);
    for (const params of seen.slice(-wide.windows.length)) {
      const days = (Date.parse(params.get('LastPublishDateEnd')!) - Date.parse(params.get('LastPublishDateStart')!)) / 86_400_000;
      expect(days).toBeLessThan(365);
    }
    const ingested = wide.windows.reduce((n, w) => n + w.inserted + w.unchanged + w.updated, 0);
    expect(ingested).toBe(h1.length);
  });

  it('re-scans by recall date, since edits do not always change the publish date', async () => {
    answer = (params) => (params.has('RecallDateStart') ? h1.slice(0, 3) : []);
    const result = await pullRecalls({ mode: 'rescan', force: true }, deps());
    expect(seen.at(-1)?.has('RecallDateStart')).toBe(true);
    expect(result.windows.length).toBe(5);
    expect(result.windows.every((w) => w.received === 3 && w.inserted + w.unchanged + w.updated === 3)).toBe(true);
  });
});
