import { describe, expect, it } from 'vitest';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { runSimulation } from '#infra/simulate/simulation.ts';
import { agencyDate } from '#shared/working-days.ts';
import { cpscRecords } from '../support/data.ts';

describe("the stack's schedules on the local clock", () => {
  it(
    'email the staff digest at 08:00 New York time on working mornings with something to report, and not on Christmas or the weekend',
    { timeout: 180_000 },
    async () => {
      // Thursday 2026-12-17: a notice whose deadline is Monday 2026-12-21, never answered.
      const cloud = await LocalCloud.start({
        start: new Date('2026-12-17T09:00:00-05:00'),
        schedules: { except: ['pullRecalls', 'startWorkflows'] },
      });
      try {
        await runSimulation(
          cloud,
          {
            recalls: cpscRecords().filter((r) => r.RecallNumber === '26582'),
            marketplaces: [{ id: 'silent', name: 'Silent', noticeEmails: ['safety@silent.example'] }],
            responses: [],
          },
          { until: new Date('2026-12-29T09:00:00-05:00') },
        );
        const digests = (await cloud.emails()).filter((e) => e.subject.startsWith('Recall cases'));
        const sent = digests.map((e) => new Date(e.at * 1000));
        // Friday 18th has nothing due or overdue; Christmas (Friday 25th) and the weekends are skipped.
        expect(sent.map(agencyDate)).toEqual(['2026-12-21', '2026-12-22', '2026-12-23', '2026-12-24', '2026-12-28', '2026-12-29']);
        expect(sent.every((at) => at.toLocaleTimeString('en-US', { timeZone: 'America/New_York', hour12: false }) === '08:00:00')).toBe(true);
        expect(digests.map((e) => e.subject.replace(/^Recall cases [^:]+: /, ''))).toEqual([
          '0 cases overdue, 1 due today, 0 decisions waiting, 0 bounced notices',
          ...Array(5).fill('1 case overdue, 0 due today, 0 decisions waiting, 0 bounced notices'),
        ]);
        expect(digests[5]!.body.text).toContain(' 5 working days overdue: 1 case');
        expect(digests[5]!.destination.to).toEqual(['compliance@example.gov']);
      } finally {
        await cloud.stop();
      }
    },
  );
});
