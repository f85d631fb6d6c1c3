import type { AuditEntry } from '#shared/store/audit-log.ts';
import type { WorkingCalendar } from '#shared/working-days.ts';

/** The value below which `p` of the sorted values lie (nearest rank), or null. */
export const nearestRank = (sorted: number[], p: number) => (sorted.length ? sorted[Math.ceil(p * sorted.length) - 1]! : null);
const round1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
const pct = (part: number, whole: number) => (whole ? round1((part / whole) * 100) : null);

type Detail = Record<string, unknown>;

/**
 * One marketplace's stay-down and re-appearance figures, recounted from its cases' audit logs
 * alone (never from the case records): what `report --json` must equal.
 */
export function staydownRecount(logs: AuditEntry[][], now: Date, calendar: WorkingCalendar) {
  let listingsRemoved = 0;
  let within = 0;
  let checks = 0;
  let due = 0;
  let onTime = 0;
  let everBlocked = 0;
  let relisted = 0;
  const reRemovalHours: number[] = [];
  for (const log of logs) {
    const sorted = [...log].sort((a, b) => a.at.localeCompare(b.at));
    const notices = sorted.filter((e) => e.action === 'NOTICE_SENT' || e.action === 'RELISTED_NOTICE_SENT');
    const blockedAnswers = sorted.filter((e) => e.action === 'ANSWER_RECEIVED' && ((e.detail as Detail).answer as Detail).answer === 'blocked');
    blockedAnswers.forEach((e, k) => {
      const answer = (e.detail as Detail).answer as { count: number; blockedAt: string };
      listingsRemoved += answer.count;
      const notice = notices[k];
      if (notice && Date.parse(answer.blockedAt) <= calendar.workingDaysAfter(new Date(notice.at), 2).getTime()) within += answer.count;
    });
    if (blockedAnswers.length) everBlocked++;
    const requested = sorted.filter((e) => e.action === 'STAYDOWN_CHECK_REQUESTED');
    const attestations = sorted.filter((e) => e.action === 'ATTESTATION_RECEIVED');
    checks += requested.length;
    for (const r of requested) {
      const { period, afterWorkingDays, deadline } = r.detail as { period: number; afterWorkingDays: number; deadline: string };
      const answer = attestations.find((a) => (a.detail as Detail).period === period && (a.detail as Detail).afterWorkingDays === afterWorkingDays);
      if (answer || Date.parse(deadline) <= now.getTime()) due++;
      if (answer && (answer.detail as Detail).onTime === true) onTime++;
    }
    const reports = sorted.filter((e) => e.action === 'RELISTING_REPORTED');
    if (reports.length) relisted++;
    for (const report of reports) {
      const removal = blockedAnswers.find((a) => a.at > report.at);
      if (removal) reRemovalHours.push((Date.parse(removal.at) - Date.parse(report.at)) / 3_600_000);
    }
  }
  reRemovalHours.sort((a, b) => a - b);
  return {
    listingsRemoved,
    listingsRemovedWithin2Wd: within,
    listingsRemovedWithin2WdPct: pct(within, listingsRemoved),
    staydownChecks: checks,
    staydownChecksDue: due,
    staydownAnsweredOnTime: onTime,
    staydownAnsweredOnTimePct: pct(onTime, due),
    everBlocked,
    relisted,
    reappearanceRatePct: pct(relisted, everBlocked),
    medianHoursToReRemoval: round1(nearestRank(reRemovalHours, 0.5)),
  };
}
