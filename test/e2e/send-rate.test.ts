import { describe, expect, it } from 'vitest';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { cpscRecords } from '../support/data.ts';

describe("notices within SES's sending rate", () => {
  it('spreads a burst of 180 notices at 14 a second at most (the default), in virtual time', { timeout: 180_000 }, async () => {
    const start = new Date('2026-03-02T14:00:00Z');
    const cloud = await LocalCloud.start({ start, deployTimeWrites: false });
    try {
      await cloud.importMarketplaces(Array.from({ length: 20 }, (_, i) => ({ id: `market-${i + 1}`, name: `Market ${i + 1}`, noticeEmails: [`safety@market-${i + 1}.example`] })));
      const records = cpscRecords();
      expect(records).toHaveLength(9);
      await cloud.invoke('ingest', { source: 'test', records });
      await cloud.clock.run({ until: new Date(start.getTime() + 3_600_000) });

      const sent: number[] = [];
      for (const record of await cloud.stores().cases.list()) {
        const notices = (await cloud.stores().audit.list(record.caseId)).filter((e) => e.action === 'NOTICE_SENT');
        expect(notices, record.caseId).toHaveLength(1);
        sent.push(Date.parse(notices[0]!.at));
      }
      expect(sent).toHaveLength(180);
      const perSecond = new Map<number, number>();
      for (const at of sent) perSecond.set(Math.floor((at - start.getTime()) / 1000), (perSecond.get(Math.floor((at - start.getTime()) / 1000)) ?? 0) + 1);
      expect(Math.max(...perSecond.values())).toBe(14);
      // 180 notices at 14 a second: 13 seconds, the first at once.
      expect(Math.min(...sent)).toBe(start.getTime());
      expect(Math.max(...sent) - start.getTime()).toBe(12_000);
      expect([...perSecond.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 13 }, (_, i) => i));
    } finally {
      await cloud.stop();
    }
  });
});
