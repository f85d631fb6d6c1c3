import { AWAITING_STATUSES, STAFF_STATUSES, type CaseRecord, type CaseStatus } from './case.ts';
import { agencyDate, endOfAgencyDay, type WorkingCalendar } from './working-days.ts';

/** One case in the digest: what staff need to see and where to open it. */
export interface DigestLine {
  caseId: string;
  recallNumber: string;
  title: string;
  marketplaceId: string;
  marketplaceName: string;
  status: CaseStatus;
  deadline: string | null;
  /** Working days since the deadline, today included; 0 when not past it. */
  workingDaysOverdue: number;
  /** For cases waiting for staff: when the marketplace answered. */
  answeredAt: string | null;
  url: string;
}

/** A counted list, of which only the first `lines` are shown. */
export interface DigestList {
  count: number;
  lines: DigestLine[];
  /** How many are counted but not shown. */
  more: number;
  /** Where every case of the list can be seen. */
  moreUrl: string;
}

export interface OverdueGroup extends DigestList {
  workingDaysOverdue: number;
}

export interface OverdueMarketplace {
  marketplaceId: string;
  marketplaceName: string;
  count: number;
  /** Most overdue first. */
  groups: OverdueGroup[];
  moreUrl: string;
}

export interface Digest {
  /** The agency date the digest is for, and the instant it was built. */
  date: string;
  at: string;
  counts: { overdue: number; dueToday: number; awaitingDecision: number; bouncedNotices: number };
  overdue: OverdueMarketplace[];
  dueToday: DigestList;
  awaitingDecision: DigestList;
  bouncedNotices: DigestList;
}

export interface DigestLimits {
  /** Lines shown per group of a marketplace's overdue cases (same working days overdue). */
  perGroup: number;
  /** Lines shown per marketplace, over all its groups. */
  perMarketplace: number;
  /** Lines shown per other section (due today, decisions, bounces). */
  perSection: number;
  /** Lines shown in the whole digest; past it, groups show their count only. */
  total: number;
}

export const DIGEST_LIMITS: DigestLimits = { perGroup: 10, perMarketplace: 25, perSection: 50, total: 400 };

export interface DigestInput {
  /** Every case that waits for a marketplace or for staff (closed ones are ignored). */
  cases: CaseRecord[];
  now: Date;
  calendar: WorkingCalendar;
  titleOf: (recallNumber: string) => string;
  marketplaceNameOf: (marketplaceId: string) => string;
  caseUrl: (record: CaseRecord) => string;
  /** A list of cases by status and marketplace (empty for all). */
  listUrl: (filter: { status?: string; marketplaceId?: string }) => string;
  limits?: DigestLimits;
}

export const isOverdue = (record: CaseRecord, now: Date) =>
  AWAITING_STATUSES.includes(record.status) && record.deadline !== undefined && Date.parse(record.deadline) < now.getTime();

/** Working days since the deadline, today included (a case due Monday is 1 working day overdue on Tuesday); 0 when not overdue. */
export function workingDaysOverdue(record: CaseRecord, now: Date, calendar: WorkingCalendar): number {
  return isOverdue(record, now) ? calendar.workingDaysBetween(new Date(record.deadline!), endOfAgencyDay(agencyDate(now))) : 0;
}

/** The digest's lists as filters, so every page and command that lists them agrees with it. */
export const CASE_VIEWS = {
  overdue: isOverdue,
  'due-today': (record: CaseRecord, now: Date) =>
    AWAITING_STATUSES.includes(record.status) &&
    record.deadline !== undefined &&
    !isOverdue(record, now) &&
    agencyDate(new Date(record.deadline)) === agencyDate(now),
  'awaiting-decision': (record: CaseRecord) => STAFF_STATUSES.includes(record.status),
  bounced: (record: CaseRecord) => record.noticeBouncedAt !== undefined && AWAITING_STATUSES.includes(record.status),
} as const;
export type CaseView = keyof typeof CASE_VIEWS;

/** Lines left to show in the whole digest: each list takes what it shows from it, in order. */
class LineBudget {
  constructor(private left: number) {}

  take(lines: DigestLine[], max: number): DigestLine[] {
    const shown = lines.slice(0, Math.max(0, Math.min(max, this.left)));
    this.left -= shown.length;
    return shown;
  }
}

function lineOf(record: CaseRecord, input: DigestInput): DigestLine {
  return {
    caseId: record.caseId,
    recallNumber: record.recallNumber,
    title: input.titleOf(record.recallNumber),
    marketplaceId: record.marketplaceId,
    marketplaceName: input.marketplaceNameOf(record.marketplaceId),
    status: record.status,
    deadline: record.deadline ?? null,
    workingDaysOverdue: workingDaysOverdue(record, input.now, input.calendar),
    answeredAt: record.answeredAt ?? null,
    url: input.caseUrl(record),
  };
}

const byDeadline = (a: DigestLine, b: DigestLine) => (a.deadline ?? '').localeCompare(b.deadline ?? '') || a.caseId.localeCompare(b.caseId);

/** Overdue lines by marketplace (most first), then by working days overdue (most first), each capped. */
function overdueByMarketplace(lines: DigestLine[], input: DigestInput, limits: DigestLimits, budget: LineBudget): OverdueMarketplace[] {
  return [...groupBy(lines, (l) => l.marketplaceId).entries()]
    .sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b))
    .map(([marketplaceId, ofMarketplace]): OverdueMarketplace => {
      let room = limits.perMarketplace;
      const moreUrl = input.listUrl({ status: 'overdue', marketplaceId });
      const groups = [...groupBy(ofMarketplace, (l) => l.workingDaysOverdue).entries()]
        .sort(([a], [b]) => b - a)
        .map(([workingDaysOverdue, group]): OverdueGroup => {
          const shown = budget.take(group, Math.min(limits.perGroup, room));
          room -= shown.length;
          return { workingDaysOverdue, count: group.length, lines: shown, more: group.length - shown.length, moreUrl };
        });
      return { marketplaceId, marketplaceName: ofMarketplace[0]!.marketplaceName, count: ofMarketplace.length, groups, moreUrl };
    });
}

/**
 * The morning digest: overdue cases (by marketplace, then by working days overdue), cases due
 * today, answers waiting for a staff decision and notices that bounced, counted in full and
 * shown up to the limits, each list with a link to all of it.
 */
export function buildDigest(input: DigestInput): Digest {
  const { now } = input;
  const limits = input.limits ?? DIGEST_LIMITS;
  const budget = new LineBudget(limits.total);
  const linesOf = (view: (record: CaseRecord) => boolean) =>
    input.cases
      .filter(view)
      .map((record) => lineOf(record, input))
      .sort(byDeadline);
  const overdueLines = linesOf((r) => isOverdue(r, now));
  const overdue = overdueByMarketplace(overdueLines, input, limits, budget);
  const section = (view: CaseView): DigestList => {
    const lines = linesOf((r) => CASE_VIEWS[view](r, now));
    const shown = budget.take(lines, limits.perSection);
    return { count: lines.length, lines: shown, more: lines.length - shown.length, moreUrl: input.listUrl({ status: view }) };
  };
  const dueToday = section('due-today');
  const awaitingDecision = section('awaiting-decision');
  const bouncedNotices = section('bounced');
  return {
    date: agencyDate(now),
    at: now.toISOString(),
    counts: { overdue: overdueLines.length, dueToday: dueToday.count, awaitingDecision: awaitingDecision.count, bouncedNotices: bouncedNotices.count },
    overdue,
    dueToday,
    awaitingDecision,
    bouncedNotices,
  };
}

function groupBy<K, T>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

export function isEmptyDigest(digest: Digest): boolean {
  return Object.values(digest.counts).every((n) => n === 0);
}
