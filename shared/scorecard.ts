import type { Answer, CaseRecord } from './case.ts';
import type { WorkingCalendar } from './working-days.ts';

/** One marketplace's record over a period: how often and how fast it answered. */
export interface MarketplaceScore {
  marketplaceId: string;
  notified: number;
  answered: number;
  onTime: number;
  /** Of the cases notified; null when none was. */
  onTimePct: number | null;
  medianHoursToAnswer: number | null;
  p90HoursToAnswer: number | null;
  /** Past the deadline with no answer, now. */
  overdueNow: number;
  expired: number;
  disputed: number;
  /** Listings removed: the sum of the counts of its "blocked" answers. */
  listingsRemoved: number;
  /** Of those, the listings whose answer's blockedAt is within 2 working days of the notice it answered (the EU pledge's KPI 1). */
  listingsRemovedWithin2Wd: number;
  listingsRemovedWithin2WdPct: number | null;
  /** Stay-down checks asked for. */
  staydownChecks: number;
  /** Of the checks answered or at or past their deadline (escalated then), those answered by it. */
  staydownChecksDue: number;
  staydownAnsweredOnTime: number;
  staydownAnsweredOnTimePct: number | null;
  /** Cases answered "blocked" at least once. */
  everBlocked: number;
  /** Cases reported relisted at least once. */
  relisted: number;
  /** Relisted cases over cases ever blocked, x100. */
  reappearanceRatePct: number | null;
  /** From a relisting's report to the "blocked" answer that took it off again (median, hours). */
  medianHoursToReRemoval: number | null;
}

/** Percentages combined across marketplaces, both ways: the EU pledge publishes unweighted means. */
export interface ScorecardTotals {
  /** Per listing, check or case: every marketplace's counts added up. */
  weighted: Record<'onTimePct' | 'listingsRemovedWithin2WdPct' | 'staydownAnsweredOnTimePct' | 'reappearanceRatePct', number | null>;
  /** The mean of the marketplaces' own figures (each marketplace counts once). */
  meanOfMarketplaces: Record<'onTimePct' | 'listingsRemovedWithin2WdPct' | 'staydownAnsweredOnTimePct' | 'reappearanceRatePct', number | null>;
}

/** The marketplace's first answer on the case (a later one after staff sent it back does not count). */
function firstAnswer(record: CaseRecord): { at: string; onTime: boolean; kind: string } | undefined {
  const earlier = record.previousAnswers?.[0];
  if (earlier) return { at: earlier.answeredAt, onTime: earlier.onTime, kind: earlier.answer.answer };
  if (record.answer && record.answeredAt) return { at: record.answeredAt, onTime: record.answerOnTime ?? false, kind: record.answer.answer };
  return undefined;
}

/** The value below which `p` of the sorted values lie (nearest rank). */
function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const pct = (part: number, whole: number) => (whole ? round1((part / whole) * 100) : null);

/** Every answer of the case, oldest first: those staff sent back or a relisting reopened, then the current one. */
function answersOf(record: CaseRecord): { answer: Answer; answeredAt: string }[] {
  return [...(record.previousAnswers ?? []), ...(record.answer ? [{ answer: record.answer, answeredAt: record.answeredAt ?? '' }] : [])];
}

/** The notice each "blocked" answer answered: the first the case's notice, each later one its relisting's notice. */
function removals(record: CaseRecord, calendar: WorkingCalendar): { count: number; within2Wd: boolean }[] {
  const notices = [record.noticeSentAt, ...(record.relistings ?? []).map((r) => r.noticeAt)];
  return answersOf(record)
    .filter((a): a is { answer: Extract<Answer, { answer: 'blocked' }>; answeredAt: string } => a.answer.answer === 'blocked')
    .map((a, i) => {
      const notice = notices[i];
      return {
        count: a.answer.count,
        within2Wd: notice !== undefined && Date.parse(a.answer.blockedAt) <= calendar.workingDaysAfter(new Date(notice), 2).getTime(),
      };
    });
}

/** Stay-down and re-appearance figures of one marketplace's cases, as of `now`. */
function staydownScore(cases: CaseRecord[], now: Date, calendar: WorkingCalendar) {
  const removed = cases.flatMap((r) => removals(r, calendar));
  const checks = cases.flatMap((r) => (r.staydown?.checks ?? []).filter((c) => c.requestedAt));
  // At its deadline's instant a check is due: the workflow escalates it then as missed.
  const due = checks.filter((c) => c.answer || Date.parse(c.deadline!) <= now.getTime());
  const onTime = due.filter((c) => c.onTime).length;
  const everBlocked = cases.filter((r) => answersOf(r).some((a) => a.answer.answer === 'blocked')).length;
  const relisted = cases.filter((r) => r.relistings?.length).length;
  const reRemoval = cases
    .flatMap((r) => (r.relistings ?? []).filter((l) => l.removedAt).map((l) => (Date.parse(l.removedAt!) - Date.parse(l.reportedAt)) / 3_600_000))
    .sort((a, b) => a - b);
  const median = percentile(reRemoval, 0.5);
  const listingsRemoved = removed.reduce((n, r) => n + r.count, 0);
  const within = removed.filter((r) => r.within2Wd).reduce((n, r) => n + r.count, 0);
  return {
    listingsRemoved,
    listingsRemovedWithin2Wd: within,
    listingsRemovedWithin2WdPct: pct(within, listingsRemoved),
    staydownChecks: checks.length,
    staydownChecksDue: due.length,
    staydownAnsweredOnTime: onTime,
    staydownAnsweredOnTimePct: pct(onTime, due.length),
    everBlocked,
    relisted,
    reappearanceRatePct: pct(relisted, everBlocked),
    medianHoursToReRemoval: median === null ? null : round1(median),
  };
}

/**
 * The scorecard of each marketplace for the cases notified in [since, until): answered, on time
 * (by the first answer, against the deadline then in force), hours from notice to first answer
 * (median and 90th percentile, nearest rank), and where the cases stand now.
 */
export function scorecard(records: CaseRecord[], calendar: WorkingCalendar, now: Date, period: { since?: Date; until?: Date } = {}): MarketplaceScore[] {
  const inPeriod = records.filter((r) => {
    if (!r.noticeSentAt) return false;
    const at = Date.parse(r.noticeSentAt);
    return (!period.since || at >= period.since.getTime()) && (!period.until || at < period.until.getTime());
  });
  const byMarketplace = new Map<string, CaseRecord[]>();
  for (const r of inPeriod) byMarketplace.set(r.marketplaceId, [...(byMarketplace.get(r.marketplaceId) ?? []), r]);
  return [...byMarketplace.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([marketplaceId, cases]) => {
      const answers = cases.map((r) => ({ record: r, first: firstAnswer(r) }));
      const answered = answers.filter((a) => a.first);
      const hours = answered.map((a) => (Date.parse(a.first!.at) - Date.parse(a.record.noticeSentAt!)) / 3_600_000).sort((x, y) => x - y);
      const onTime = answered.filter((a) => a.first!.onTime).length;
      const median = percentile(hours, 0.5);
      const p90 = percentile(hours, 0.9);
      return {
        marketplaceId,
        notified: cases.length,
        answered: answered.length,
        onTime,
        onTimePct: cases.length ? round1((onTime / cases.length) * 100) : null,
        medianHoursToAnswer: median === null ? null : round1(median),
        p90HoursToAnswer: p90 === null ? null : round1(p90),
        overdueNow: cases.filter((r) => r.status === 'OVERDUE' || r.status === 'FINAL_NOTICE').length,
        expired: cases.filter((r) => r.status === 'EXPIRED').length,
        disputed: cases.filter((r) => [r.answer, ...(r.previousAnswers ?? []).map((p) => p.answer)].some((a) => a?.answer === 'dispute')).length,
        ...staydownScore(cases, now, calendar),
      };
    });
}

/** The percentages over every marketplace, weighted (every listing, check or case counts once) and as the mean of the marketplaces' own. */
export function scorecardTotals(scores: MarketplaceScore[]): ScorecardTotals {
  const sum = (pick: (s: MarketplaceScore) => number) => scores.reduce((n, s) => n + pick(s), 0);
  const mean = (pick: (s: MarketplaceScore) => number | null) => {
    const values = scores.map(pick).filter((v): v is number => v !== null);
    return values.length ? round1(values.reduce((a, b) => a + b, 0) / values.length) : null;
  };
  const weighted = (part: (s: MarketplaceScore) => number, whole: (s: MarketplaceScore) => number) => pct(sum(part), sum(whole));
  return {
    weighted: {
      onTimePct: weighted(
        (s) => s.onTime,
        (s) => s.notified,
      ),
      listingsRemovedWithin2WdPct: weighted(
        (s) => s.listingsRemovedWithin2Wd,
        (s) => s.listingsRemoved,
      ),
      staydownAnsweredOnTimePct: weighted(
        (s) => s.staydownAnsweredOnTime,
        (s) => s.staydownChecksDue,
      ),
      reappearanceRatePct: weighted(
        (s) => s.relisted,
        (s) => s.everBlocked,
      ),
    },
    meanOfMarketplaces: {
      onTimePct: mean((s) => s.onTimePct),
      listingsRemovedWithin2WdPct: mean((s) => s.listingsRemovedWithin2WdPct),
      staydownAnsweredOnTimePct: mean((s) => s.staydownAnsweredOnTimePct),
      reappearanceRatePct: mean((s) => s.reappearanceRatePct),
    },
  };
}
