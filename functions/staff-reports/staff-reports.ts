import { AWAITING_STATUSES, STAFF_STATUSES, type CaseRecord } from '#shared/case.ts';
import { now } from '#shared/clock.ts';
import { buildDigest, isEmptyDigest, type Digest } from '#shared/digest.ts';
import { digestEmail } from '#shared/emails/digest-email.ts';
import { monthlyReportEmail } from '#shared/emails/report-email.ts';
import type { Mailer } from '#shared/mailer.ts';
import type { Marketplace } from '#shared/marketplace.ts';
import type { Recall } from '#shared/recall.ts';
import { scorecard, type MarketplaceScore } from '#shared/scorecard.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import { agencyDate, agencyInstant, type WorkingCalendar } from '#shared/working-days.ts';
import { fillUrlTemplate } from '../runtime/env-fields.ts';

export interface StaffReportsDeps {
  cases: CaseStore;
  recalls: { get(recallNumber: string): Promise<Recall | undefined> };
  marketplaces: { get(id: string): Promise<Marketplace | undefined> };
  mailer: Mailer;
  calendar: WorkingCalendar;
  settings: { authority: string; staffEmails: string[]; caseUrlTemplate: string; caseListUrlTemplate: string; digestWhenEmpty: boolean };
}

/** What the schedules (or staff, by hand) ask for. */
export type StaffReportEvent =
  | { report: 'digest'; /** Build and send it even on a day the agency is closed. */ force?: boolean }
  | { report: 'monthly'; /** YYYY-MM; default: the month before this one. */ month?: string };

export type DigestResult = { report: 'digest'; sent: boolean; messageId?: string; skipped?: string; digest?: Digest };
export type MonthlyResult = { report: 'monthly'; month: string; sent: boolean; messageId: string; marketplaces: MarketplaceScore[] };

/** Reads each distinct key once. */
export async function lookup<T>(keys: string[], read: (key: string) => Promise<T | undefined>): Promise<Map<string, T | undefined>> {
  const unique = [...new Set(keys)];
  const values = await Promise.all(unique.map(read));
  return new Map(unique.map((key, i) => [key, values[i]]));
}

/**
 * The morning digest: every case overdue, due today, waiting for a staff decision or whose
 * notice bounced, in one email to the staff list. Sent on working days only (the schedule
 * runs Monday to Friday; this skips federal holidays and closure days), and not at all when
 * there is nothing to report unless configured so.
 */
export async function sendDigest(event: { force?: boolean }, deps: StaffReportsDeps): Promise<DigestResult> {
  const at = now();
  const today = agencyDate(at);
  if (!event.force && !deps.calendar.isWorkingDay(today)) {
    return { report: 'digest', sent: false, skipped: `${today} is not a working day (${deps.calendar.closedFor(today)})` };
  }
  const digest = await collectDigest(at, deps);
  const { settings } = deps;
  if (isEmptyDigest(digest) && !settings.digestWhenEmpty) return { report: 'digest', sent: false, skipped: 'nothing to report', digest };
  const messageId = await deps.mailer.send({ to: settings.staffEmails, ...digestEmail(digest, settings.authority), tags: { kind: 'DIGEST' } });
  return { report: 'digest', sent: true, messageId, digest };
}

/** The digest as of `at`, from the cases waiting for a marketplace or for staff (the byStatus index). */
export async function collectDigest(
  at: Date,
  deps: Pick<StaffReportsDeps, 'cases' | 'recalls' | 'marketplaces' | 'calendar' | 'settings'>,
  only: (record: CaseRecord) => boolean = () => true,
): Promise<Digest> {
  const waiting = await Promise.all([...AWAITING_STATUSES, ...STAFF_STATUSES].map((status) => deps.cases.withStatus(status)));
  const cases: CaseRecord[] = waiting.flat().filter(only);
  const [recalls, marketplaces] = await Promise.all([
    lookup(
      cases.map((c) => c.recallNumber),
      (n) => deps.recalls.get(n),
    ),
    lookup(
      cases.map((c) => c.marketplaceId),
      (id) => deps.marketplaces.get(id),
    ),
  ]);
  const { settings } = deps;
  return buildDigest({
    cases,
    now: at,
    calendar: deps.calendar,
    titleOf: (n) => recalls.get(n)?.title ?? `(recall ${n} is not stored)`,
    marketplaceNameOf: (id) => marketplaces.get(id)?.name ?? id,
    caseUrl: (r) => fillUrlTemplate(settings.caseUrlTemplate, { executionArn: r.executionId, caseId: r.caseId }),
    listUrl: (filter) => fillUrlTemplate(settings.caseListUrlTemplate, { status: filter.status ?? '', marketplaceId: filter.marketplaceId ?? '' }),
  });
}

/** The month before the one `at` falls in, in the agency's time zone. */
export function previousMonth(at: Date): string {
  const [y, m] = agencyDate(at).split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The scorecard of the cases notified in a month (agency time), emailed to staff with its chart. */
export async function sendMonthlyReport(event: { month?: string }, deps: StaffReportsDeps): Promise<MonthlyResult> {
  const month = event.month ?? previousMonth(now());
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new Error(`month must be YYYY-MM, got ${month}`);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  const period = { since: agencyInstant(`${month}-01`, 0, 0, 0), until: agencyInstant(`${next}-01`, 0, 0, 0) };
  const scores = scorecard(await deps.cases.list(), deps.calendar, now(), period);
  const email = monthlyReportEmail({ authority: deps.settings.authority, month, scores });
  const messageId = await deps.mailer.send({ to: deps.settings.staffEmails, ...email, tags: { kind: 'MONTHLY_REPORT' } });
  return { report: 'monthly', month, sent: true, messageId, marketplaces: scores };
}

export async function staffReport(event: StaffReportEvent, deps: StaffReportsDeps): Promise<DigestResult | MonthlyResult> {
  switch (event?.report) {
    case 'digest':
      return sendDigest(event, deps);
    case 'monthly':
      return sendMonthlyReport(event, deps);
    default:
      throw new Error(`unknown report ${JSON.stringify((event as { report?: unknown })?.report)}: give {"report": "digest"} or {"report": "monthly"}`);
  }
}
