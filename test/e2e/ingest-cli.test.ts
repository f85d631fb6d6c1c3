import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CPSC_DATA } from '../support/data.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const cli = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/cli/main.ts', ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });

describe('npm run cli -- ingest', () => {
  it('ingests a file with --json, and again with nothing to write', async () => {
    const dir = await mkdtemp(`${tmpdir()}/recallguard-ingest-`);
    const first = await cli('ingest', '--file', `${CPSC_DATA}recalls-api-sample-9.json`, '--json', '--data-dir', dir);
    expect(JSON.parse(first.stdout)).toEqual({ received: 9, inserted: 9, updated: 0, unchanged: 0, quarantined: [] });
    const again = await cli('ingest', '--file', `${CPSC_DATA}recalls-api-sample-9.json`, '--json', '--data-dir', dir);
    expect(JSON.parse(again.stdout)).toEqual({ received: 9, inserted: 0, updated: 0, unchanged: 9, quarantined: [] });
  }, 120_000);

  it('refuses a file that is neither JSON nor CSV with one line and a non-zero exit', async () => {
    const dir = await mkdtemp(`${tmpdir()}/recallguard-ingest-`);
    await writeFile(`${dir}/notes.txt`, 'these are not recalls\n');
    const failure = await cli('ingest', '--file', `${dir}/notes.txt`, '--json', '--data-dir', dir).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toBe('');
    expect(failure?.stderr.trim().split('\n')).toEqual([
      `recallguard: ${dir}/notes.txt: the file is neither the CPSC Recalls API JSON (an array) nor the cpsc.gov CSV export`,
    ]);
  }, 60_000);
});
