import { describe, expect, it, vi } from 'vitest';
import { overdueCheck } from '#functions/overdue-check/overdue-check.ts';
import type { CaseRecord, CaseStatus } from '#shared/case.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import { WorkingCalendar } from '#shared/working-days.ts';

const record = (caseId: string, status: CaseStatus, deadline: string): CaseRecord => ({
  caseId,
  status,
  deadline,
  recallNumber: '26582',
  marketplaceId: 'm',
  executionId: 'x',
  openedAt: deadline,
  updatedAt: deadline,
  version: 1,
});

describe('the overdue check', () => {
  it('counts the cases unanswered more than N working days after their deadline, and publishes the count as an EMF metric', async () => {
    const cases = [
      // Deadline Monday 2026-03-02 (end of day, New York); now is Wednesday 2026-03-11 09:00 New York.
      record('a.m', 'OVERDUE', '2026-03-03T04:59:59.000Z'), // 6 working days past: counts
      record('b.m', 'FINAL_NOTICE', '2026-03-03T04:59:59.000Z'), // counts
      record('c.m', 'OVERDUE', '2026-03-06T04:59:59.000Z'), // Thursday's deadline: 3 working days past
      record('d.m', 'REMINDED', '2026-03-03T04:59:59.000Z'), // not past-deadline status: never counted
    ];
    const store = { withStatus: async (status: CaseStatus) => cases.filter((c) => c.status === status) } as unknown as CaseStore;
    const lines: string[] = [];
    const fixed = Date.parse('2026-03-11T13:00:00Z');
    vi.useFakeTimers({ now: fixed });
    try {
      const result = await overdueCheck({ cases: store, calendar: new WorkingCalendar([]), limit: 5, publish: (l) => lines.push(l) });
      expect(result).toEqual({ limitWorkingDays: 5, overdueBeyondLimit: 2, caseIds: ['a.m', 'b.m'] });
    } finally {
      vi.useRealTimers();
    }
    expect(JSON.parse(lines[0]!)).toEqual({
      _aws: {
        Timestamp: fixed,
        CloudWatchMetrics: [{ Namespace: 'RecallGuard', Dimensions: [[]], Metrics: [{ Name: 'CasesOverdueBeyondLimit', Unit: 'Count' }] }],
      },
      CasesOverdueBeyondLimit: 2,
    });
  });
});
