import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm, stat, symlink, utimes } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * The local cloud's store of function bundles, so that a deploy whose functions have not changed
 * reuses the bundles of the one before instead of running esbuild again (about 20 s a deploy
 * here). A bundle is built from the function's sources, the shared code, the locked packages and
 * the bundling options, so the store is keyed by a fingerprint of exactly those files; the CDK
 * app, told that fingerprint in its context, gives each function's asset a hash derived from it
 * (`HandlerFunction`), and CDK skips bundling an asset whose folder is already in the assembly.
 * A deploy to AWS sets no fingerprint: its assets keep CDK's hash of the bundled output.
 */
export const BUNDLE_INPUTS = ['functions', 'shared', 'package-lock.json', 'package.json', 'tsconfig.json', 'infra/constructs/handler-function.ts'];

/** A fingerprint of every file a bundle is built from. */
export async function bundleFingerprint(projectRoot: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of (await Promise.all(BUNDLE_INPUTS.map((input) => filesUnder(join(projectRoot, input))))).flat().sort()) {
    hash
      .update(relative(projectRoot, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

async function filesUnder(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Links the stored bundles of this fingerprint into an assembly about to be synthesized. */
export async function reuseBundles(storeDir: string, assemblyDir: string): Promise<void> {
  await mkdir(storeDir, { recursive: true });
  const now = new Date();
  await utimes(storeDir, now, now);
  for (const name of await readdir(storeDir)) {
    if (name.startsWith('asset.') && !name.endsWith('-building')) await symlink(join(storeDir, name), join(assemblyDir, name), 'dir');
  }
}

/**
 * Moves the bundles a synthesis built into the store, each replaced by a link to where it went.
 * Another process may have stored the same bundle meanwhile: this one then keeps its own copy.
 */
export async function keepBundles(storeDir: string, assemblyDir: string): Promise<void> {
  for (const name of await readdir(assemblyDir)) {
    const built = join(assemblyDir, name);
    if (!name.startsWith('asset.') || name.endsWith('-building') || (await lstat(built)).isSymbolicLink()) continue;
    try {
      await rename(built, join(storeDir, name));
    } catch {
      continue; // stored by another deploy first (nothing moved): this one keeps its own copy
    }
    await symlink(join(storeDir, name), built, 'dir');
  }
}

/** Removes the stores of other fingerprints not used for a day (a fingerprint changes with every edit). */
export async function pruneBundleStores(storesDir: string, keep: string, now = Date.now()): Promise<void> {
  for (const name of await readdir(storesDir).catch(() => [])) {
    if (name === keep) continue;
    const { mtimeMs } = await stat(join(storesDir, name));
    if (now - mtimeMs > 86_400_000) await rm(join(storesDir, name), { recursive: true, force: true });
  }
}
