import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type * as Library from 'aws-local-stepfunctions';
import type { EngineClock } from './engine-timers.ts';

export type Engine = typeof Library & { bindEngineClock(clock: EngineClock): void };

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TIMERS = fileURLToPath(new URL('./engine-timers.ts', import.meta.url));
let instances = 0;

/**
 * Step Functions reads TimeoutSecondsPath from the state's input; the library reads it from the
 * resolved Parameters. These edits hand it the state's input; each must match exactly once.
 */
export const TIMEOUT_PATCHES: [string, string][] = [
  [
    'await taskStateAction.execute(input, context, { overrideFn, awsConfig });',
    'await taskStateAction.execute(input, context, { overrideFn, awsConfig, rawInput });',
  ],
  ['const timeoutMs = this.getTimeoutMs(input, context);', 'const timeoutMs = this.getTimeoutMs(options.rawInput ?? input, context);'],
];

function stateInputForTimeouts(library: string): Plugin {
  return {
    name: 'state-input-for-timeouts',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /main\.node\.esm\.js$/ }, async ({ path }) => {
        if (path !== library) return undefined;
        let contents = await readFile(path, 'utf8');
        for (const [from, to] of TIMEOUT_PATCHES) {
          if (contents.split(from).length !== 2) throw new Error(`aws-local-stepfunctions changed: cannot find "${from}" exactly once`);
          contents = contents.replace(from, to);
        }
        return { contents, loader: 'js' };
      });
    },
  };
}

/**
 * aws-local-stepfunctions, bundled with its timers and Date replaced by the virtual clock's.
 * The bundle is cached under .local/ by the hash of its inputs; each call loads a fresh module
 * instance, so every local cloud in a process has its own clock.
 */
export async function loadEngine(clock: EngineClock): Promise<Engine> {
  const library = fileURLToPath(import.meta.resolve('aws-local-stepfunctions'));
  const hash = createHash('sha256')
    .update(await readFile(library))
    .update(JSON.stringify(TIMEOUT_PATCHES))
    .update(await readFile(TIMERS))
    .digest('hex')
    .slice(0, 16);
  const outfile = `${PROJECT_ROOT}.local/engine/step-functions-${hash}.mjs`;
  const exists = await stat(outfile).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await mkdir(`${PROJECT_ROOT}.local/engine`, { recursive: true });
    const result = await build({
      stdin: {
        contents: `export * from ${JSON.stringify(library)};\nexport { bindEngineClock } from ${JSON.stringify(TIMERS)};`,
        resolveDir: PROJECT_ROOT,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      inject: [TIMERS],
      plugins: [stateInputForTimeouts(library)],
      // Only the engine itself is bundled (and gets the virtual timers); its dependencies load as they are.
      packages: 'external',
      write: false,
      logLevel: 'silent',
    });
    const temp = `${outfile}.${process.pid}.tmp`;
    await writeFile(temp, result.outputFiles[0]!.contents);
    await rename(temp, outfile);
  }
  const engine = (await import(`${pathToFileURL(outfile).href}?instance=${++instances}`)) as Engine;
  engine.bindEngineClock(clock);
  return engine;
}
