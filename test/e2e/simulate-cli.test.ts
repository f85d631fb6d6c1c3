import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

describe('npm run cli -- simulate', () => {
  it('prints exactly one JSON object and leaves the final state in the data directory', async () => {
    const dir = await mkdtemp(`${tmpdir()}/recallguard-sim-`);
    await writeFile(
      `${dir}/responses.json`,
      JSON.stringify([
        { recallNumber: '26582', marketplaceId: 'alimart', action: 'blocked', at: '2026-12-23T18:00:00-05:00' },
        { recallNumber: '26-580', marketplaceId: 'bazaarly', action: 'not_listed', at: '2026-12-30T10:00:00-05:00' },
      ]),
    );
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'infra/cli/main.ts',
        'simulate',
        '--recalls',
        'infra/demo/recalls.json',
        '--marketplaces',
        'infra/demo/marketplaces.json',
        '--responses',
        `${dir}/responses.json`,
        '--start',
        '2026-12-23T09:00:00-05:00',
        '--json',
        '--data-dir',
        `${dir}/state`,
      ],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
    );
    const output = JSON.parse(stdout) as { cases: Record<string, unknown>[] };
    expect(Object.keys(output)).toEqual(['cases']);
    expect(output.cases).toHaveLength(6);
    const blocked = output.cases.find((c) => c.caseId === '26582.alimart')!;
    expect(blocked).toMatchObject({
      status: 'BLOCKED',
      notifiedAt: '2026-12-23T14:00:00.000Z',
      // Two working days after Wednesday 2026-12-23: Christmas skipped, due Monday 2026-12-28.
      deadline: '2026-12-29T04:59:59.000Z',
      respondedAt: '2026-12-23T23:00:00.000Z',
      onTime: true,
      remindedAt: null,
      transitions: 5,
    });
    expect(Object.keys(blocked).sort()).toEqual(
      [
        'caseId',
        'recallNumber',
        'marketplaceId',
        'status',
        'notifiedAt',
        'deadline',
        'remindedAt',
        'escalatedAt',
        'finalNoticeAt',
        'respondedAt',
        'onTime',
        'transitions',
        'emails',
        'staydownTransitions',
        'staydown',
        'relistings',
      ].sort(),
    );
    // 20 working days after Wednesday 2026-12-23: Christmas, New Year's Day and Martin Luther King Jr. Day skipped.
    expect(blocked.staydown).toMatchObject([{ requestedAt: '2027-01-25T14:00:00.000Z', answer: null }, { answer: null }]);
    expect(blocked.relistings).toEqual([]);
    expect(output.cases.find((c) => c.caseId === '26580.bazaarly')).toMatchObject({ status: 'NOT_LISTED', onTime: false });
    expect(output.cases.find((c) => c.caseId === '26607.alimart')).toMatchObject({ status: 'EXPIRED', respondedAt: null, onTime: null, transitions: 15 });

    const cloud = await LocalCloud.start({ dataDir: `${dir}/state` });
    try {
      expect(await cloud.caseRecord('26582.alimart')).toMatchObject({ status: 'BLOCKED' });
      const arn = 'arn:aws:states:us-east-1:000000000000:execution:RecallGuard-case:26582.alimart';
      expect(cloud.stepFunctions.describeExecution(arn).status).toBe('SUCCEEDED');
      expect(cloud.stepFunctions.history(arn).filter((e) => e.type.endsWith('StateEntered'))).toHaveLength(5);
    } finally {
      await cloud.stop();
    }

    // The other commands read that state: a case's history, and the cases by status.
    const cli = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'infra/cli/main.ts', ...args, '--json', '--data-dir', `${dir}/state`], {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
      });
    const history = JSON.parse((await cli('history', '26582.alimart')).stdout) as {
      status: string;
      audit: { action: string; actor: string }[];
      execution: { type: string; state: string | null }[];
    };
    expect(history.status).toBe('BLOCKED');
    // Then its two stay-down checks (20 and 60 working days on), neither answered: each reminded, then escalated.
    const unanswered = ['system STAYDOWN_CHECK_REQUESTED', 'system STAYDOWN_REMINDER_SENT', 'system STAYDOWN_CHECK_ESCALATED'];
    expect(history.audit.map((e) => `${e.actor} ${e.action}`)).toEqual([
      'system NOTICE_SENT',
      'marketplace:alimart ANSWER_RECEIVED',
      'system CASE_CLOSED',
      ...unanswered,
      ...unanswered,
    ]);
    expect(history.execution.filter((e) => e.type === 'TaskStateEntered').map((e) => e.state)).toEqual(['NotifyMarketplace', 'AwaitAnswer', 'CloseCase']);
    expect(history.execution.at(-1)?.type).toBe('ExecutionSucceeded');
    const expired = JSON.parse((await cli('cases', '--status', 'EXPIRED')).stdout) as { cases: { caseId: string }[] };
    expect(expired.cases.map((c) => c.caseId)).toEqual(
      output.cases
        .filter((c) => c.status === 'EXPIRED')
        .map((c) => c.caseId)
        .sort(),
    );
    const bazaarly = JSON.parse((await cli('cases', '--marketplace', 'bazaarly')).stdout) as { cases: { marketplaceId: string }[] };
    expect(bazaarly.cases).toHaveLength(3);
    expect(bazaarly.cases.every((c) => c.marketplaceId === 'bazaarly')).toBe(true);
    // The scorecard, recounted from the cases the simulation printed.
    const scores = JSON.parse((await cli('report', '--since', '2026-12-01', '--until', '2026-12-31')).stdout) as { marketplaces: Record<string, unknown>[] };
    for (const m of ['alimart', 'bazaarly']) {
      const mine = output.cases.filter((c) => c.marketplaceId === m);
      expect(scores.marketplaces.find((s) => s.marketplaceId === m)).toMatchObject({
        notified: mine.length,
        answered: mine.filter((c) => c.respondedAt !== null).length,
        onTime: mine.filter((c) => c.onTime === true).length,
        expired: mine.filter((c) => c.status === 'EXPIRED').length,
        overdueNow: 0,
      });
    }
  }, 180_000);
});
