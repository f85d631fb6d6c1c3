import { exec, execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFingerprint, reuseBundles } from '#infra/local-cloud/bundle-cache.ts';
import { BUNDLE_FINGERPRINT_CONTEXT } from '#infra/constructs/handler-function.ts';
import type { Template } from '#infra/local-cloud/template.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const shell = promisify(exec);
const run = promisify(execFile);

/** The commands of the README's Deployment section that the CDK CLI runs offline: each `npx cdk synth` and `npx cdk deploy`. */
async function readmeCommands(): Promise<string[]> {
  const readme = await readFile(`${ROOT}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('\n## Deployment'), readme.indexOf('\n## ', readme.indexOf('\n## Deployment') + 1));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .flatMap((block) => block.split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => /^npx cdk (synth|deploy)\b/.test(line));
}

/**
 * A deploy command as `cdk synth` (its deploy-only flags dropped), writing into `out` with the
 * bundles of the local cloud's store, so that nothing is bundled again; a synth's own `-o DIR`
 * and an `--app DIR` name the same folder under `into`.
 */
function asSynth(command: string, into: string, fingerprint: string): string {
  const rewritten = command
    .replace(/^npx cdk deploy/, 'npx cdk synth')
    .replace(/\s--outputs-file\s+\S+/g, '')
    .replace(/\s--require-approval\s+\S+/g, '')
    .replace(/\s(-o|--output|--app)\s+(\S+)/g, (_, flag: string, dir: string) => ` ${flag} ${into}/${dir}`);
  if (/\s--app\s/.test(rewritten)) return `${rewritten} -q`;
  const out = /\s(-o|--output)\s+(\S+)/.exec(rewritten)?.[2];
  return `${rewritten}${out ? '' : ` -o ${into}/out`} -c ${BUNDLE_FINGERPRINT_CONTEXT}=${fingerprint}`;
}

const resourcesOf = (template: Template) => Object.values(template.Resources);

/**
 * The deploy path, rehearsed: the README's deploy commands run through the CDK CLI exactly as
 * written, less the flags only a deploy takes; the shipped cdk.json synthesizes with the warning
 * that its addresses are samples; and the artifact a cloud team ships runs here (simulate --app).
 */
describe("the README's deploy path", () => {
  let into: string;
  let fingerprint: string;
  const link = async (dir: string) => reuseBundles(`${ROOT}.local/bundles/${fingerprint}`, dir);

  beforeAll(async () => {
    into = await mkdtemp(`${tmpdir()}/recallguard-deploy-`);
    fingerprint = await bundleFingerprint(ROOT);
  });
  afterAll(async () => {
    await rm(into, { recursive: true, force: true });
  });

  it('synthesizes every deploy command the README gives, as written, with no marketplace and no sample-address warning, and runs its release assembly (simulate --app) with no call denied', async () => {
    const commands = await readmeCommands();
    expect(commands.some((c) => c.startsWith('npx cdk deploy'))).toBe(true);
    // Every deploy writes the outputs file the CLI's --aws reads.
    for (const command of commands.filter((c) => c.startsWith('npx cdk deploy'))) expect(command).toMatch(/--outputs-file \S+/);
    for (const command of commands) {
      const synth = asSynth(command, into, fingerprint);
      const out = /\s(?:-o|--output)\s+(\S+)/.exec(synth)?.[1];
      if (out) await mkdir(out, { recursive: true }).then(() => link(out));
      const { stderr } = await shell(synth, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
      expect(stderr, command).not.toContain('sample addresses');
      if (!out) continue;
      const template = JSON.parse(await readFile(`${out}/RecallGuard.template.json`, 'utf8')) as Template;
      expect(resourcesOf(template).filter((r) => r.Type === 'Custom::AWS' || /marketplace/i.test(JSON.stringify(r.Properties?.Create ?? '')))).toEqual([]);
      // The context on the command line is what was deployed.
      expect(resourcesOf(template).find((r) => r.Type === 'AWS::SES::EmailIdentity')?.Properties).toMatchObject({ EmailIdentity: 'agency.gov' });
    }

    // The release assembly the README ships, on the local cloud: authorized as AWS would, nothing denied.
    const release = commands.map((c) => /^npx cdk synth .*-o\s+(\S+)/.exec(c)?.[1]).find(Boolean);
    expect(release, 'the README synthesizes a release assembly').toBeDefined();
    const { stdout, stderr } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'infra/cli/main.ts',
        'simulate',
        '--app',
        `${into}/${release}`,
        '--recalls',
        'infra/demo/recalls.json',
        '--marketplaces',
        'infra/demo/marketplaces.json',
        '--start',
        '2026-12-23T09:00:00-05:00',
        '--until',
        '2026-12-23T12:00:00-05:00',
        '--json',
        '--data-dir',
        `${into}/state`,
      ],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
    );
    const { cases } = JSON.parse(stdout) as { cases: { status: string; notifiedAt: string | null }[] };
    expect(cases).toHaveLength(6);
    expect(cases.every((c) => c.status === 'NOTIFIED' && c.notifiedAt)).toBe(true);
    expect(stderr).not.toContain('[iam] denied');
  }, 240_000);

  it('warns, naming the keys to set, when cdk.json still has the sample addresses', async () => {
    await mkdir(`${into}/shipped`);
    await link(`${into}/shipped`);
    const { stderr } = await shell(`npx cdk synth -q -o ${into}/shipped -c ${BUNDLE_FINGERPRINT_CONTEXT}=${fingerprint}`, { cwd: ROOT });
    expect(stderr).toContain('recallguard.senderEmail (recalls@example.gov), recallguard.staffEmails[0] (compliance@example.gov): sample addresses');
  }, 120_000);
});
