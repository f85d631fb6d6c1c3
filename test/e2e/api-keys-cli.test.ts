import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { hashApiKey } from '#shared/store/api-key-store.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const cli = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/cli/main.ts', ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });

/** Runs `look` on the stored state of `dir`, as the next command would find it. */
async function inspect<T>(dir: string, look: (cloud: LocalCloud) => Promise<T>): Promise<T> {
  const cloud = await LocalCloud.start({ dataDir: dir, functions: false });
  try {
    return await look(cloud);
  } finally {
    await cloud.stop();
  }
}

describe('npm run cli -- marketplaces key / revoke-key', () => {
  it('issues a key shown once and stored as its hash, and revokes it', async () => {
    const dir = await mkdtemp(`${tmpdir()}/recallguard-keys-`);
    await writeFile(`${dir}/marketplaces.json`, JSON.stringify([{ id: 'alimart', name: 'AliMart', noticeEmails: ['safety@alimart.example'] }]));
    await cli('marketplaces', 'import', `${dir}/marketplaces.json`, '--data-dir', dir);
    const issued = JSON.parse((await cli('marketplaces', 'key', 'alimart', '--json', '--data-dir', dir)).stdout) as {
      marketplaceId: string;
      keyId: string;
      key: string;
    };
    expect(issued).toMatchObject({ marketplaceId: 'alimart', keyId: expect.stringMatching(/^[a-z2-7]{20}$/) });
    expect(issued.key.startsWith(`rgk_${issued.keyId}_`)).toBe(true);

    const revoked = await cli('marketplaces', 'revoke-key', issued.keyId, '--data-dir', dir);
    expect(revoked.stdout).toContain(`API key ${issued.keyId} of alimart is revoked`);
    const stored = await inspect(dir, async (cloud) => ({
      keys: await cloud.stores().apiKeys.list(),
      verified: await cloud.stores().apiKeys.verify(issued.key),
    }));
    expect(stored.keys).toEqual([
      { keyHash: hashApiKey(issued.key), keyId: issued.keyId, marketplaceId: 'alimart', createdAt: expect.any(String), revokedAt: expect.any(String) },
    ]);
    expect(JSON.stringify(stored.keys)).not.toContain(issued.key);
    expect(stored.verified).toBeUndefined();

    const unknown = await cli('marketplaces', 'key', 'nowhere', '--data-dir', dir).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(unknown?.code).toBe(1);
    expect(unknown?.stderr.split('\n').filter((l) => l.startsWith('recallguard:'))).toEqual([
      'recallguard: no key was issued (HTTP 404): there is no marketplace nowhere: import it first',
    ]);
    // Each change is in the marketplace's own audit log, under the IAM principal that signed it; never the key.
    const audit = await inspect(dir, (cloud) => cloud.stores().audit.list('marketplace-alimart'));
    expect(audit.map((e) => `${e.actor} ${e.action}`)).toEqual(
      ['MARKETPLACE_STORED', 'API_KEY_ISSUED', 'API_KEY_REVOKED'].map((action) => `agency:arn:aws:iam::000000000000:user/local ${action}`),
    );
    expect(JSON.stringify(audit)).not.toContain(issued.key);
  }, 180_000);
});
