import type { CaseRecord } from './case.ts';

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

/**
 * The scorecard of each marketplace for the cases notified in [since, until): answered, on time
 * (by the first answer, against the deadline then in force), hours from notice to first answer
 * (median and 90th percentile, nearest rank), and where the cases stand now.
 */
export function scorecard(records: CaseRecord[], period: { since?: Date; until?: Date } = {}): MarketplaceScore[] {
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
      };
    });
}
