import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { buildApp, STACK_NAME } from '#infra/app.ts';
import { TemplateResolver, type Template } from '#infra/local-cloud/template.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = `${ROOT}.local/bench-bundles/`;
const run = promisify(execFile);

export interface BundleResult {
  function: string;
  bytes: number;
  importMs: number;
  /** The same function with the AWS SDK left to the runtime. */
  externalSdkBytes: number;
  externalSdkImportMs: number;
}

export interface BundlesResult {
  bundles: BundleResult[];
  baselineImportMs: number;
  runs: number;
}

/** The bundling options of infra/constructs/handler-function.ts, for esbuild directly. */
const OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minifyWhitespace: true,
  minifySyntax: true,
  mainFields: ['module', 'main'],
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'error',
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** Wall time of a fresh Node process that imports `file` and calls nothing. */
async function importMs(file: string, env: Record<string, string>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(file).href)});`], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    times.push(performance.now() - started);
  }
  return Math.round(median(times) * 10) / 10;
}

/** Every function's environment as deployed (resolved to placeholder names), so its module loads as in Lambda. */
function environments(): Record<string, Record<string, string>> {
  const { app, stack } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] } });
  const template = app.synth().getStackByName(STACK_NAME).template as Template;
  const resolver = new TemplateResolver(template, { region: 'us-east-1', account: '000000000000', stackName: STACK_NAME });
  const result: Record<string, Record<string, string>> = {};
  for (const fn of Object.values(stack.functions)) {
    const id = stack.getLogicalId(fn.node.defaultChild as never);
    const variables = resolver.resolve(template.Resources[id]!.Properties?.Environment) as { Variables: Record<string, unknown> };
    result[id] = Object.fromEntries(Object.entries(variables.Variables).map(([k, v]) => [k, String(v)]));
  }
  return result;
}

/**
 * Each function's bundle size and cold import time (median of `runs` fresh processes), with the
 * AWS SDK bundled (as deployed) and left external (the runtime's), against a hello-world bundle.
 */
export async function bundlesBenchmark(runs = 20): Promise<BundlesResult> {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  const envs = Object.values(environments());
  // Each function is a folder with a handler.ts (runtime/ and case-operations/ are shared code).
  const folders = (await readdir(`${ROOT}functions`, { recursive: true }))
    .filter((f) => f.endsWith('/handler.ts'))
    .map((f) => f.slice(0, -'/handler.ts'.length));
  const base = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };

  await writeFile(`${OUT}hello.mjs`, 'export const handler = async () => "hello";\n');
  await build({ ...OPTIONS, entryPoints: [`${OUT}hello.mjs`], outfile: `${OUT}hello/index.mjs` });
  const baselineImportMs = await importMs(`${OUT}hello/index.mjs`, base, runs);

  const bundles: BundleResult[] = [];
  for (const name of folders) {
    const entry = `${ROOT}functions/${name}/handler.ts`;
    // The environment of the deployed function whose schema this handler checks: any one that passes will do.
    const env = { ...base, ...Object.assign({}, ...envs) };
    await build({ ...OPTIONS, entryPoints: [entry], outfile: `${OUT}bundled/${name}/index.mjs` });
    await build({ ...OPTIONS, entryPoints: [entry], outfile: `${OUT}external/${name}/index.mjs`, external: ['@aws-sdk/*', '@smithy/*'] });
    bundles.push({
      function: name,
      bytes: (await stat(`${OUT}bundled/${name}/index.mjs`)).size,
      importMs: await importMs(`${OUT}bundled/${name}/index.mjs`, env, runs),
      externalSdkBytes: (await stat(`${OUT}external/${name}/index.mjs`)).size,
      externalSdkImportMs: await importMs(`${OUT}external/${name}/index.mjs`, env, runs),
    });
  }
  return { bundles, baselineImportMs, runs };
}
