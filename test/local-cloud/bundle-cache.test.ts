import { lstat, mkdir, mkdtemp, readFile, readdir, realpath, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { bundleFingerprint, keepBundles, pruneBundleStores, reuseBundles } from '#infra/local-cloud/bundle-cache.ts';

async function project(): Promise<string> {
  const root = `${await mkdtemp(`${tmpdir()}/recallguard-bundles-`)}/`;
  await mkdir(`${root}functions/notify`, { recursive: true });
  await mkdir(`${root}shared`, { recursive: true });
  await mkdir(`${root}infra/constructs`, { recursive: true });
  await writeFile(`${root}functions/notify/handler.ts`, 'export const handler = 1;');
  await writeFile(`${root}shared/case.ts`, 'export const x = 1;');
  for (const file of ['package-lock.json', 'package.json', 'tsconfig.json']) await writeFile(`${root}${file}`, '{}');
  await writeFile(`${root}infra/constructs/handler-function.ts`, 'const BUNDLING = {};');
  return root;
}

describe('the local cloud keeps function bundles between deploys', () => {
  it('fingerprints every input of a bundle: a change to any of them is a new fingerprint', async () => {
    const root = await project();
    const first = await bundleFingerprint(root);
    expect(await bundleFingerprint(root)).toBe(first);
    const seen = new Set([first]);
    for (const file of ['functions/notify/handler.ts', 'shared/case.ts', 'package-lock.json', 'tsconfig.json', 'infra/constructs/handler-function.ts']) {
      await writeFile(`${root}${file}`, `${await readFile(`${root}${file}`, 'utf8')} `);
      const next = await bundleFingerprint(root);
      expect(seen.has(next), file).toBe(false);
      seen.add(next);
    }
    // A file that no bundle is built from changes nothing.
    await writeFile(`${root}README.md`, 'words');
    expect(await bundleFingerprint(root)).toBe([...seen].at(-1));
  });

  it('stores what a synthesis built and links it into the next assembly; a half-built bundle is neither kept nor reused', async () => {
    const root = await project();
    const store = `${root}.local/bundles/abc`;
    const first = `${root}.local/cdk.out/1`;
    await mkdir(`${first}/asset.f1`, { recursive: true });
    await writeFile(`${first}/asset.f1/index.mjs`, 'bundle');
    await mkdir(`${first}/asset.f2-building`, { recursive: true });
    await reuseBundles(store, first);
    await keepBundles(store, first);
    expect((await lstat(`${first}/asset.f1`)).isSymbolicLink()).toBe(true);
    expect(await readFile(`${first}/asset.f1/index.mjs`, 'utf8')).toBe('bundle');
    expect(await readdir(store)).toEqual(['asset.f1']);

    const second = `${root}.local/cdk.out/2`;
    await mkdir(second, { recursive: true });
    await reuseBundles(store, second);
    expect(await realpath(`${second}/asset.f1/index.mjs`)).toBe(await realpath(`${store}/asset.f1/index.mjs`));
  });

  it('keeps its own copy when another deploy stored the same bundle first', async () => {
    const root = await project();
    const store = `${root}.local/bundles/abc`;
    await mkdir(`${store}/asset.f1`, { recursive: true });
    await writeFile(`${store}/asset.f1/index.mjs`, 'theirs');
    const mine = `${root}.local/cdk.out/3`;
    await mkdir(`${mine}/asset.f1`, { recursive: true });
    await writeFile(`${mine}/asset.f1/index.mjs`, 'mine');
    await keepBundles(store, mine);
    expect((await lstat(`${mine}/asset.f1`)).isSymbolicLink()).toBe(false);
    expect(await readFile(`${mine}/asset.f1/index.mjs`, 'utf8')).toBe('mine');
  });

  it('removes the stores of other fingerprints once unused for a day', async () => {
    const root = await project();
    const stores = `${root}.local/bundles`;
    for (const name of ['old', 'recent', 'current']) await mkdir(`${stores}/${name}`, { recursive: true });
    const now = Date.parse('2026-12-02T12:00:00Z');
    await utimes(`${stores}/old`, new Date(now - 2 * 86_400_000), new Date(now - 2 * 86_400_000));
    await utimes(`${stores}/recent`, new Date(now - 3_600_000), new Date(now - 3_600_000));
    await utimes(`${stores}/current`, new Date(now - 5 * 86_400_000), new Date(now - 5 * 86_400_000));
    await pruneBundleStores(stores, 'current', now);
    expect((await readdir(stores)).sort()).toEqual(['current', 'recent']);
  });
});
