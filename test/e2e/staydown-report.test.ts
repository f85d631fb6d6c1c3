import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { MarketplaceScore, ScorecardTotals } from '#shared/scorecard.ts';
import { WorkingCalendar } from '#shared/working-days.ts';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { staydownRecount } from '../support/recount.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'infra/cli/main.ts', ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });

/** Three marketplaces, three stay-down policies. */
const MARKETPLACES = [
  { id: 'watchful', name: 'Watchful', noticeEmails: ['safety@watchful.example'], policy: { staydownChecksAfterWorkingDays: [5, 15] } },
  {
    id: 'relaxed',
    name: 'Relaxed',
    noticeEmails: ['safety@relaxed.example'],
    policy: { deadlineWorkingDays: 3, staydownChecksAfterWorkingDays: [10], staydownAnswerWorkingDays: 3 },
  },
  { id: 'trusting', name: 'Trusting', noticeEmails: ['safety@trusting.example'], policy: { staydownChecksAfterWorkingDays: [] } },
];
const KEYS = [
  'listingsRemoved',
  'listingsRemovedWithin2Wd',
  'listingsRemovedWithin2WdPct',
  'staydownChecks',
  'staydownChecksDue',
  'staydownAnsweredOnTime',
  'staydownAnsweredOnTimePct',
  'everBlocked',
  'relisted',
  'reappearanceRatePct',
  'medianHoursToReRemoval',
] as const;

const et = (day: string, hour: string) => `2026-11-${day}T${hour}:00-05:00`;
const blocked = (recall: string, market: string, day: string, count: number, blockedDay = day) => ({
  recallNumber: recall,
  marketplaceId: market,
  action: 'blocked',
  at: et(day, '15:00'),
  listings: Array.from({ length: count }, (_, i) => `https://${market}.example/item/${recall}-${i}`),
  blockedAt: et(blockedDay, '10:00'),
});
const act = (recall: string, market: string, action: string, day: string, extra: Record<string, unknown> = {}) => ({
  recallNumber: recall,
  marketplaceId: market,
  action,
  at: et(day, '14:00'),
  ...extra,
});

/** Notices go out Monday 2026-11-02; Thanksgiving (the 26th) is skipped by every count. */
const RESPONSES = [
  blocked('26582', 'watchful', '02', 3),
  act('26582', 'watchful', 'still_blocked', '09'),
  act('26582', 'watchful', 'found_removed', '24', { listings: ['https://watchful.example/again/1', 'https://watchful.example/again/2'], count: 2 }),
  // Blocked on the Friday, said to be blocked on the Friday: after the 2 working days.
  blocked('26580', 'watchful', '06', 4),
  blocked('26607', 'watchful', '03', 1),
  act('26607', 'watchful', 'relisted', '05', { listing: 'https://watchful.example/item/back' }),
  blocked('26607', 'watchful', '06', 1),
  // Its first check of the new period (Monday the 16th: Veterans Day is skipped) answered the
  // day after its deadline: late.
  act('26607', 'watchful', 'still_blocked', '19'),
  blocked('26582', 'relaxed', '03', 2),
  act('26582', 'relaxed', 'still_blocked', '18'),
  act('26580', 'relaxed', 'not_listed', '03'),
  blocked('26607', 'relaxed', '04', 5),
  act('26607', 'relaxed', 'relisted', '10', { listing: 'https://relaxed.example/item/back' }),
  blocked('26607', 'relaxed', '12', 1),
  act('26607', 'relaxed', 'still_blocked', '30'),
  blocked('26582', 'trusting', '02', 2),
  act('26582', 'trusting', 'relisted', '09', { listing: 'https://trusting.example/item/back' }),
  blocked('26580', 'trusting', '02', 1),
];

describe('the stay-down scorecard after a simulation', () => {
  it('report --json equals a recount from each case audit log, for every new key, across three policies', async () => {
    const dir = await mkdtemp(`${tmpdir()}/recallguard-staydown-`);
    const state = `${dir}/state`;
    await writeFile(`${dir}/marketplaces.json`, JSON.stringify(MARKETPLACES));
    await writeFile(`${dir}/responses.json`, JSON.stringify(RESPONSES));
    const simulated = JSON.parse(
      (
        await cli(
          'simulate',
          ...['--recalls', 'infra/demo/recalls.json', '--marketplaces', `${dir}/marketplaces.json`, '--responses', `${dir}/responses.json`],
          ...['--start', '2026-11-02T09:00:00-05:00', '--until', '2026-12-10T12:00:00-05:00', '--json', '--data-dir', state],
        )
      ).stdout,
    ) as { cases: Record<string, unknown>[] };
    const byId = new Map(simulated.cases.map((c) => [c.caseId as string, c]));
    expect(byId.get('26582.watchful')).toMatchObject({
      status: 'BLOCKED',
      staydown: [
        // Veterans Day (Wednesday the 11th) is not a working day.
        { answer: 'still_blocked', answeredAt: '2026-11-09T19:00:00.000Z', deadline: '2026-11-13T04:59:59.000Z' },
        // 15 working days after the 2nd; Thanksgiving pushes its deadline to the Friday.
        { answer: 'found_removed', requestedAt: '2026-11-24T14:00:00.000Z', answeredAt: '2026-11-24T19:00:00.000Z', deadline: '2026-11-28T04:59:59.000Z' },
      ],
      relistings: [],
    });
    expect(Object.keys((byId.get('26582.watchful')!.staydown as object[])[0]!).sort()).toEqual(['answer', 'answeredAt', 'deadline', 'requestedAt']);
    expect(byId.get('26607.relaxed')).toMatchObject({
      status: 'BLOCKED',
      relistings: [{ reportedAt: '2026-11-10T19:00:00.000Z', listing: 'https://relaxed.example/item/back', removedAt: '2026-11-12T20:00:00.000Z' }],
    });
    expect(Object.keys((byId.get('26607.relaxed')!.relistings as object[])[0]!).sort()).toEqual(['deadline', 'listing', 'noticeAt', 'removedAt', 'reportedAt']);
    // Relisted and never answered: the new ladder ran on (reminder, escalation, final notice).
    expect(byId.get('26582.trusting')).toMatchObject({ status: 'FINAL_NOTICE', staydown: [], relistings: [{ removedAt: null }] });

    const report = JSON.parse((await cli('report', '--since', '2026-11-01', '--until', '2026-11-30', '--json', '--data-dir', state)).stdout) as {
      marketplaces: MarketplaceScore[];
      totals: ScorecardTotals;
    };

    const cloud = await LocalCloud.start({ dataDir: state, functions: false });
    const recounts = new Map<string, ReturnType<typeof staydownRecount>>();
    try {
      const now = cloud.clock.date();
      for (const m of MARKETPLACES) {
        const logs = await Promise.all(['26582', '26580', '26607'].map((r) => cloud.stores().audit.list(`${r}.${m.id}`)));
        recounts.set(m.id, staydownRecount(logs, now, new WorkingCalendar()));
      }
    } finally {
      await cloud.stop();
    }
    for (const m of MARKETPLACES) {
      const score = report.marketplaces.find((s) => s.marketplaceId === m.id)!;
      expect(Object.fromEntries(KEYS.map((k) => [k, score[k]]))).toEqual(Object.fromEntries(KEYS.map((k) => [k, recounts.get(m.id)![k]])));
    }
    // The run is not trivial: every marketplace has removals and a relisting; the checks follow each policy.
    expect(report.marketplaces.map((s) => [s.marketplaceId, s.listingsRemoved, s.staydownChecks, s.relisted, s.everBlocked])).toEqual([
      ['relaxed', 8, 2, 1, 2],
      ['trusting', 3, 0, 1, 2],
      ['watchful', 9, 6, 1, 3],
    ]);

    // Combined both ways: weighted by listing, check or case, and the mean of the marketplaces' own figures.
    const all = [...recounts.values()];
    const sum = (pick: (r: (typeof all)[number]) => number) => all.reduce((n, r) => n + pick(r), 0);
    const pct = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : null);
    const mean = (values: (number | null)[]) => {
      const known = values.filter((v): v is number => v !== null);
      return known.length ? Math.round((known.reduce((a, b) => a + b, 0) / known.length) * 10) / 10 : null;
    };
    expect(report.totals.weighted).toMatchObject({
      listingsRemovedWithin2WdPct: pct(
        sum((r) => r.listingsRemovedWithin2Wd),
        sum((r) => r.listingsRemoved),
      ),
      staydownAnsweredOnTimePct: pct(
        sum((r) => r.staydownAnsweredOnTime),
        sum((r) => r.staydownChecksDue),
      ),
      reappearanceRatePct: pct(
        sum((r) => r.relisted),
        sum((r) => r.everBlocked),
      ),
    });
    expect(report.totals.meanOfMarketplaces).toMatchObject({
      listingsRemovedWithin2WdPct: mean(all.map((r) => r.listingsRemovedWithin2WdPct)),
      staydownAnsweredOnTimePct: mean(all.map((r) => r.staydownAnsweredOnTimePct)),
      reappearanceRatePct: mean(all.map((r) => r.reappearanceRatePct)),
    });
  }, 240_000);
});
