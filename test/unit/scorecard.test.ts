import { describe, expect, it } from 'vitest';
import type { Answer, CaseRecord, CaseStatus } from '#shared/case.ts';
import { scorecard, scorecardTotals } from '#shared/scorecard.ts';
import { WorkingCalendar } from '#shared/working-days.ts';
import { NO_STAYDOWN } from '../support/scores.ts';

const NOW = new Date('2026-04-15T00:00:00Z');

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
    expect(scorecard(records, new WorkingCalendar(), NOW, { since: new Date('2026-03-01'), until: new Date('2026-04-01') })).toEqual([
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
        ...NO_STAYDOWN,
        listingsRemoved: 3,
        listingsRemovedWithin2Wd: 3,
        listingsRemovedWithin2WdPct: 100,
        everBlocked: 3,
        reappearanceRatePct: 0,
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
        ...NO_STAYDOWN,
      },
    ]);
  });

  it('counts listings removed (within 2 working days of the notice they answered), stay-down checks and re-appearance', () => {
    const at = (iso: string) => new Date(iso).toISOString();
    // Notice Wednesday 2026-11-25, the day before Thanksgiving: 2 working days end Monday 30 November.
    const notice = at('2026-11-25T15:00:00Z');
    const late: Answer = { answer: 'blocked', listings: ['L1', 'L2', 'L3'], count: 3, blockedAt: at('2026-12-02T12:00:00Z') };
    const prompt: Answer = { answer: 'blocked', listings: ['P1', 'P2'], count: 2, blockedAt: at('2026-11-30T20:00:00Z') };
    const check = (onTime: boolean | undefined, deadline: string) => ({
      period: 1,
      afterWorkingDays: 20,
      dueAt: notice,
      requestedAt: notice,
      deadline: at(deadline),
      ...(onTime === undefined ? {} : { answer: { answer: 'still_blocked' as const }, answeredAt: notice, onTime }),
    });
    const records = [
      // Blocked in time, relisted, blocked again 30 hours after the report (late for its notice).
      record('1', 'mart', 'BLOCKED', {
        noticeSentAt: notice,
        previousAnswers: [{ answer: prompt, answeredAt: at('2026-11-30T20:00:00Z'), onTime: true }],
        answer: late,
        answeredAt: at('2026-12-02T12:00:00Z'),
        relistings: [
          {
            reportedAt: at('2026-12-01T06:00:00Z'),
            seenAt: at('2026-12-01T06:00:00Z'),
            listing: 'L9',
            by: 'staff:a@b.gov',
            noticeAt: at('2026-11-28T06:00:00Z'),
            removedAt: at('2026-12-02T12:00:00Z'),
          },
        ],
        staydown: {
          period: 2,
          blockedAt: notice,
          checks: [
            check(true, '2026-12-20T00:00:00Z'),
            check(false, '2026-12-20T00:00:00Z'),
            check(undefined, '2026-12-10T00:00:00Z'),
            check(undefined, '2027-01-10T00:00:00Z'),
          ],
        },
      }),
      record('2', 'mart', 'BLOCKED', { noticeSentAt: notice, answer: prompt, answeredAt: at('2026-11-30T20:00:00Z') }),
    ];
    const [score] = scorecard(records, new WorkingCalendar(), new Date('2026-12-15T00:00:00Z'));
    expect(score).toMatchObject({
      listingsRemoved: 7,
      listingsRemovedWithin2Wd: 4,
      listingsRemovedWithin2WdPct: 57.1,
      staydownChecks: 4,
      // The check still open before its deadline is not yet counted.
      staydownChecksDue: 3,
      staydownAnsweredOnTime: 1,
      staydownAnsweredOnTimePct: 33.3,
      everBlocked: 2,
      relisted: 1,
      reappearanceRatePct: 50,
      medianHoursToReRemoval: 30,
    });
    // At the instant of the open check's deadline, it is due (the workflow escalates it then), and missed.
    const [atDeadline] = scorecard(records, new WorkingCalendar(), new Date('2027-01-10T00:00:00Z'));
    expect(atDeadline).toMatchObject({ staydownChecksDue: 4, staydownAnsweredOnTime: 1, staydownAnsweredOnTimePct: 25 });
    const [before] = scorecard(records, new WorkingCalendar(), new Date('2027-01-09T23:59:59.999Z'));
    expect(before).toMatchObject({ staydownChecksDue: 3 });
    const totals = scorecardTotals([
      score!,
      { ...score!, marketplaceId: 'other', listingsRemoved: 1, listingsRemovedWithin2Wd: 1, listingsRemovedWithin2WdPct: 100 },
    ]);
    // Per listing: 5 of 8; the mean of the marketplaces' figures: (57.1 + 100) / 2.
    expect(totals.weighted.listingsRemovedWithin2WdPct).toBe(62.5);
    expect(totals.meanOfMarketplaces.listingsRemovedWithin2WdPct).toBe(78.6);
  });
});
