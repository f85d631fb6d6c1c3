import type { CaseStatus } from '#shared/case.ts';
import { now } from '#shared/clock.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import type { WorkingCalendar } from '#shared/working-days.ts';

/** Statuses of a case past its deadline with no answer yet. */
const PAST_DEADLINE: readonly CaseStatus[] = ['OVERDUE', 'FINAL_NOTICE'];

export const METRIC_NAMESPACE = 'RecallGuard';
export const OVERDUE_METRIC = 'CasesOverdueBeyondLimit';

export interface OverdueResult {
  limitWorkingDays: number;
  overdueBeyondLimit: number;
  caseIds: string[];
}

/**
 * Counts the cases still unanswered more than `limit` working days after their deadline, and
 * publishes the count as a CloudWatch metric (embedded metric format), which an alarm watches.
 */
export async function overdueCheck(deps: {
  cases: CaseStore;
  calendar: WorkingCalendar;
  limit: number;
  publish: (line: string) => void;
}): Promise<OverdueResult> {
  const at = now();
  const late = [];
  for (const status of PAST_DEADLINE) {
    for (const record of await deps.cases.withStatus(status)) {
      if (record.deadline && deps.calendar.workingDaysBetween(new Date(record.deadline), at) > deps.limit) late.push(record.caseId);
    }
  }
  deps.publish(
    JSON.stringify({
      _aws: {
        Timestamp: at.getTime(),
        CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [[]], Metrics: [{ Name: OVERDUE_METRIC, Unit: 'Count' }] }],
      },
      [OVERDUE_METRIC]: late.length,
    }),
  );
  return { limitWorkingDays: deps.limit, overdueBeyondLimit: late.length, caseIds: late.sort().slice(0, 100) };
}
