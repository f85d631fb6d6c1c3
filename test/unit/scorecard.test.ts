import { describe, expect, it } from 'vitest';
import type { Answer, CaseRecord, CaseStatus } from '#shared/case.ts';
import { scorecard } from '#shared/scorecard.ts';

const NOTICE = '2026-03-02T14:00:00.000Z';
const hoursLater = (h: number) => new Date(Date.parse(NOTICE) + h * 3_600_000).toISOString();
function record(id: string, marketplaceId: string, status: CaseStatus, fields: Partial<CaseRecord> = {}): CaseRecord {
  return {
    caseId: `${id}.${marketplaceId}`,
    recallNumber: id,
    marketplaceId,
    status,
    executionId: 'x',
    openedAt: NOTICE,
    updatedAt: NOTICE,
    version: 1,
    noticeSentAt: NOTICE,
    ...fields,
  };
}
const blocked: Answer = { answer: 'blocked', listings: ['A'], count: 1, blockedAt: NOTICE };
const dispute: Answer = { answer: 'dispute', reason: 'not ours' };

describe('the marketplace scorecard', () => {
  it('counts answers, on-time answers, hours to the first answer and where cases stand', () => {
    const records = [
      record('1', 'fast', 'BLOCKED', { answer: blocked, answeredAt: hoursLater(2), answerOnTime: true }),
      record('2', 'fast', 'BLOCKED', { answer: blocked, answeredAt: hoursLater(10), answerOnTime: true }),
      record('3', 'fast', 'NOT_LISTED', { answer: { answer: 'not_listed' }, answeredAt: hoursLater(60), answerOnTime: false }),
      // Disputed at 30 h, sent back by staff, then blocked: the first answer counts.
      record('4', 'fast', 'BLOCKED', {
        answer: blocked,
        answeredAt: hoursLater(200),
        answerOnTime: true,
        previousAnswers: [{ answer: dispute, answeredAt: hoursLater(30), onTime: true }],
      }),
      record('1', 'slow', 'OVERDUE'),
      record('2', 'slow', 'EXPIRED'),
      record('3', 'slow', 'FINAL_NOTICE'),
      // Notified outside the period: left out.
      record('5', 'fast', 'BLOCKED', { noticeSentAt: '2026-04-02T14:00:00.000Z', answer: blocked, answeredAt: '2026-04-02T15:00:00.000Z', answerOnTime: true }),
    ];
    expect(scorecard(records, { since: new Date('2026-03-01'), until: new Date('2026-04-01') })).toEqual([
      {
        marketplaceId: 'fast',
        notified: 4,
        answered: 4,
        onTime: 3,
        onTimePct: 75,
        medianHoursToAnswer: 10,
        p90HoursToAnswer: 60,
        overdueNow: 0,
        expired: 0,
        disputed: 1,
      },
      {
        marketplaceId: 'slow',
        notified: 3,
        answered: 0,
        onTime: 0,
        onTimePct: 0,
        medianHoursToAnswer: null,
        p90HoursToAnswer: null,
        overdueNow: 2,
        expired: 1,
        disputed: 0,
      },
    ]);
  });
});
