import { describe, expect, it } from 'vitest';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { cpscRecords, form, linkIn } from '../support/data.ts';

/** How many of `instants` fall in each whole second from `start`. */
function perSecond(instants: number[], start: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const at of instants) counts.set(Math.floor((at - start) / 1000), (counts.get(Math.floor((at - start) / 1000)) ?? 0) + 1);
  return counts;
}

describe("emails within SES's sending rate", () => {
  it(
    'spreads a burst of 180 notices, and their reminders a working day later, at 14 a second at most (the default), in virtual time; a case answered while its reminder waits for its slot gets none',
    { timeout: 180_000 },
    async () => {
      const start = new Date('2026-03-02T14:00:00Z');
      const cloud = await LocalCloud.start({ start });
      try {
        await cloud.importMarketplaces(
          Array.from({ length: 20 }, (_, i) => ({ id: `market-${i + 1}`, name: `Market ${i + 1}`, noticeEmails: [`safety@market-${i + 1}.example`] })),
        );
        const records = cpscRecords();
        expect(records).toHaveLength(9);
        await cloud.invoke('ingest', { source: 'test', records });
        // Nobody answers: every reminder falls due at the same instant, 23:59:59 on Tuesday in New York.
        const reminderDue = Date.parse('2026-03-04T04:59:59Z');
        // Two seconds into the reminders, a case still waiting for its slot is answered: it gets none.
        await cloud.clock.run({ until: new Date(reminderDue + 2_000) });
        const waiting = (await cloud.stores().cases.list()).find((r) => r.status === 'NOTIFIED' && r.timers?.some((t) => t.step === 'REMIND' && t.slotted));
        expect(waiting).toBeDefined();
        const notice = (await cloud.emails()).find(
          (e) => e.destination.to[0] === `safety@${waiting!.marketplaceId}.example` && e.subject.startsWith(`Recall ${waiting!.recallNumber}:`),
        );
        expect((await fetch(linkIn(notice!.body.text), form({ answer: 'not_listed' }))).status).toBe(200);
        await cloud.clock.run({ until: new Date(reminderDue + 3_600_000) });

        const notices: number[] = [];
        const reminders: number[] = [];
        for (const record of await cloud.stores().cases.list()) {
          const audit = await cloud.stores().audit.list(record.caseId);
          const times = (action: string) => audit.filter((e) => e.action === action).map((e) => Date.parse(e.at));
          const answered = record.caseId === waiting!.caseId;
          expect(times('NOTICE_SENT'), record.caseId).toHaveLength(1);
          expect(times('REMINDER_SENT'), record.caseId).toHaveLength(answered ? 0 : 1);
          expect(record.status).toBe(answered ? 'NOT_LISTED' : 'REMINDED');
          notices.push(...times('NOTICE_SENT'));
          reminders.push(...times('REMINDER_SENT'));
        }
        // 180 emails at 14 a second: 13 seconds, the first at once; the same for the 179 reminders.
        for (const [sent, from, count] of [
          [notices, start.getTime(), 180],
          [reminders, reminderDue, 179],
        ] as const) {
          expect(sent).toHaveLength(count);
          const counts = perSecond(sent, from);
          expect(Math.max(...counts.values())).toBe(14);
          expect(Math.min(...sent)).toBe(from);
          expect(Math.max(...sent) - from).toBe(12_000);
          expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 13 }, (_, i) => i));
        }
        const emails = await cloud.emails();
        expect(emails.filter((e) => e.subject.startsWith('Reminder'))).toHaveLength(179);
      } finally {
        await cloud.stop();
      }
    },
  );
});
