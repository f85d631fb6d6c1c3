import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CPSC_DATA } from '../support/data.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const cli = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/cli/main.ts', ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });

describe('npm run cli -- identifiers', () => {
  it('prints what each recall of a CPSC file offers to search by, with --json one object keyed by recall number', async () => {
    const dir = await mkdtemp(`${tmpdir()}/recallguard-identifiers-`);
    const records = [
      ...(JSON.parse(await readFile(`${ROOT}infra/demo/recalls.json`, 'utf8')) as unknown[]),
      { RecallID: 0, RecallNumber: null, Title: 'Error retrieving Recalls' },
    ];
    await writeFile(`${dir}/recalls.json`, JSON.stringify(records));
    const { stdout } = await cli('identifiers', '--file', `${dir}/recalls.json`, '--json');
    const report = JSON.parse(stdout) as { records: Record<string, Record<string, unknown>>; quarantined: { index: number; reason: string }[] };
    expect(Object.keys(report.records).sort()).toEqual(['26580', '26582', '26607']);
    expect(report.records['26580']).toMatchObject({
      models: ['HON-302HE'],
      modelPatterns: [],
      lots: [],
      upcs: [],
      brands: ['Honlyne'],
      marketplaces: ['amazon'],
    });
    expect(report.records['26607']).toMatchObject({ models: ['QHXP029B'], brands: ['MouTec', 'BBRKIN'], lots: ['SQC200034980 through SQC202319171'] });
    expect(report.quarantined).toEqual([{ index: 3, reason: 'the API answered with its error record ("Error retrieving Recalls")' }]);

    const text = (await cli('identifiers', '--file', `${CPSC_DATA}recalls-api-sample-9.json`)).stdout;
    expect(text).toContain('Recall 26580: Honlyne LED Party Favors');
    expect(text).toMatch(/ {2}Models:\n {4}HON-302HE \(description: ".*Mo\. Number: HON-302HE.*"\)/);
    expect(text).toContain('  Importer: ABGA Advanced Trading Co., Ltd., of Walnut, California');
  }, 60_000);
});
