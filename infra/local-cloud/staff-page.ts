import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { collectDigest, lookup } from '#functions/staff-reports/staff-reports.ts';
import type { DirectReport } from '#functions/report-relisting/events.ts';
import type { RelistingResult } from '#functions/report-relisting/report-relisting.ts';
import type { DirectDecision } from '#functions/staff-decision/events.ts';
import type { StaffDecisionResult } from '#functions/staff-decision/staff-decision.ts';
import type { CaseRecord } from '#shared/case.ts';
import { CASE_VIEWS, workingDaysOverdue, type CaseView } from '#shared/digest.ts';
import { digestEmail } from '#shared/emails/digest-email.ts';
import { HTML_HEADERS } from '#shared/pages/headers.ts';
import { trustedUrl } from '#shared/trusted-links.ts';
import { scorecard } from '#shared/scorecard.ts';
import type { AuditLog } from '#shared/store/audit-log.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import type { MarketplaceStore } from '#shared/store/marketplace-store.ts';
import type { RecallStore } from '#shared/store/recall-store.ts';
import { agencyInstant, endOfAgencyDay, ISO_DATE, type WorkingCalendar } from '#shared/working-days.ts';
import { caseExecutions } from '../execution-history.ts';
import { PayloadTooLarge, readBody } from './http.ts';
import { casePage, casesPage, notFoundPage, scorecardPage, STATUS_FILTERS, type CaseRow } from './staff-views.ts';

/** What the staff page reads and does: the tables, the Step Functions API, and the staff-decision function. */
export interface StaffPageContext {
  stores: { cases: CaseStore; recalls: RecallStore; marketplaces: MarketplaceStore; audit: AuditLog };
  sfn: SFNClient;
  calendar: WorkingCalendar;
  now: () => Date;
  authority: string;
  /** Hosts whose recall pages are shown as links. */
  trustedHosts: readonly string[];
  /** Who decisions are recorded as, unless the form says otherwise. */
  staffEmail: string;
  /** The deployed staff-decision function: the same callback as in AWS. */
  decide: (input: DirectDecision) => Promise<StaffDecisionResult>;
  /** The deployed report-relisting function. */
  reportRelisting: (input: DirectReport) => Promise<RelistingResult>;
  /** Waits until the work a decision started has run (the local cloud's clock settles). */
  settle: () => Promise<void>;
}

export const STAFF_CASE_URL = '/cases/{caseId}';
export const STAFF_LIST_URL = '/cases?status={status}&marketplace={marketplaceId}';

/** At most this many rows on one list page: the count says how many there are. */
const SHOWN = 1000;

function send(response: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...HTML_HEADERS, ...headers });
  response.end(html);
}

/** The staff page: cases with filters, a page per case with its timeline and decisions, the scorecard, today's digest. */
export function staffPage(ctx: StaffPageContext) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    // The digest's links lead back here, as the emailed digest's do.
    const baseUrl = `http://${request.headers.host ?? '127.0.0.1'}`;
    const url = new URL(request.url ?? '/', 'http://staff');
    const now = ctx.now();
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const caseMatch = /^\/cases\/([^/]+)(\/decision|\/relisting)?$/.exec(path);

    if (request.method === 'GET' && path === '/') return send(response, 302, '', { location: '/cases' });
    if (request.method === 'GET' && path === '/cases') return send(response, 200, await listPage(ctx, url.searchParams, now));
    if (request.method === 'GET' && path === '/scorecard') {
      const since = url.searchParams.get('since') ?? '';
      const until = url.searchParams.get('until') ?? '';
      const bad = [since, until].find((d) => d && !ISO_DATE.test(d));
      const period = {
        since: since && !bad ? agencyInstant(since, 0, 0, 0) : undefined,
        until: until && !bad ? new Date(endOfAgencyDay(until).getTime() + 1000) : undefined,
      };
      const scores = scorecard(await ctx.stores.cases.list(), ctx.calendar, now, period);
      return send(response, bad ? 400 : 200, scorecardPage({ scores, since, until, now, error: bad && `${bad} is not a date: give YYYY-MM-DD` }));
    }
    if (request.method === 'GET' && path === '/digest') {
      const settings = {
        caseUrlTemplate: `${baseUrl}${STAFF_CASE_URL}`,
        caseListUrlTemplate: `${baseUrl}${STAFF_LIST_URL}`,
        authority: ctx.authority,
        staffEmails: [ctx.staffEmail],
        digestWhenEmpty: true,
      };
      const digest = await collectDigest(now, { ...ctx.stores, calendar: ctx.calendar, settings });
      return send(response, 200, digestEmail(digest, ctx.authority).html);
    }
    if (caseMatch) {
      const caseId = decodeURIComponent(caseMatch[1]!);
      const record = await ctx.stores.cases.get(caseId);
      if (!record) return send(response, 404, notFoundPage(now, `There is no case ${caseId}.`));
      if (request.method === 'GET' && !caseMatch[2]) {
        const decided = url.searchParams.get('decided');
        const done = decided
          ? `Decision recorded: ${decided.replace(/_/g, ' ')}.`
          : url.searchParams.has('relisted')
            ? 'Relisting reported: the case is RELISTED.'
            : '';
        return send(response, 200, await caseView(ctx, record, now, done ? { done } : undefined));
      }
      if (request.method === 'POST' && caseMatch[2] === '/decision') return decision(ctx, record, request, response, now);
      if (request.method === 'POST' && caseMatch[2] === '/relisting') return relisting(ctx, record, request, response, now);
    }
    send(response, request.method === 'GET' ? 404 : 405, notFoundPage(now, `${request.method} ${path} is not a page here.`));
  };
}

async function listPage(ctx: StaffPageContext, query: URLSearchParams, now: Date): Promise<string> {
  const status = query.get('status') ?? '';
  const marketplace = query.get('marketplace') ?? '';
  const records = (await ctx.stores.cases.list()).filter((r) => {
    if (marketplace && r.marketplaceId !== marketplace) return false;
    if (!status || !STATUS_FILTERS.includes(status)) return true;
    return Object.hasOwn(CASE_VIEWS, status) ? CASE_VIEWS[status as CaseView](r, now) : r.status === status;
  });
  const shown = records.slice(0, SHOWN);
  const recalls = await lookup(
    shown.map((r) => r.recallNumber),
    (n) => ctx.stores.recalls.get(n),
  );
  const names = new Map((await ctx.stores.marketplaces.listActive()).map((m) => [m.id, m.name]));
  const rows: CaseRow[] = shown.map((record) => ({
    record,
    title: recalls.get(record.recallNumber)?.title ?? `(recall ${record.recallNumber} is not stored)`,
    marketplaceName: names.get(record.marketplaceId) ?? record.marketplaceId,
    workingDaysOverdue: workingDaysOverdue(record, now, ctx.calendar),
  }));
  const marketplaces = [...new Set([...names.keys(), ...records.map((r) => r.marketplaceId)])].sort();
  return casesPage({ rows, total: records.length, status: STATUS_FILTERS.includes(status) ? status : '', marketplace, marketplaces, now });
}

async function caseView(ctx: StaffPageContext, record: CaseRecord, now: Date, message?: { error?: string; done?: string }): Promise<string> {
  const [recall, marketplace, audit, execution] = await Promise.all([
    ctx.stores.recalls.get(record.recallNumber),
    ctx.stores.marketplaces.get(record.marketplaceId),
    ctx.stores.audit.list(record.caseId),
    caseExecutions(ctx.sfn, record).catch((error: Error) => ({ error: error.message })),
  ]);
  return casePage({
    record,
    title: recall?.title ?? `(recall ${record.recallNumber} is not stored)`,
    recallUrl: (recall?.url && trustedUrl(recall.url, ctx.trustedHosts)?.href) || '',
    marketplaceName: marketplace?.name ?? record.marketplaceId,
    workingDaysOverdue: workingDaysOverdue(record, now, ctx.calendar),
    audit,
    execution,
    staffEmail: ctx.staffEmail,
    now,
    message,
  });
}

/** The form's fields, or the page that says it is too large. */
async function formOf(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  try {
    return new URLSearchParams((await readBody(request, 64 * 1024)).toString('utf8'));
  } catch (error) {
    if (!(error instanceof PayloadTooLarge)) throw error;
    return undefined;
  }
}

/** A relisting from the case page, through the report-relisting function; a refused one shows why. */
async function relisting(ctx: StaffPageContext, record: CaseRecord, request: IncomingMessage, response: ServerResponse, now: Date): Promise<void> {
  const form = await formOf(request);
  if (!form) return send(response, 413, await caseView(ctx, record, now, { error: 'The form is over 64 KB.' }));
  const seenAt = form.get('seenAt')?.trim();
  const result = await ctx.reportRelisting({
    caseId: record.caseId,
    listing: form.get('listing')?.trim() ?? '',
    ...(seenAt ? { seenAt } : {}),
    by: form.get('by')?.trim() || ctx.staffEmail,
  });
  if (!result.ok) return send(response, 400, await caseView(ctx, record, now, { error: `The relisting was refused: ${result.error}` }));
  await ctx.settle();
  send(response, 303, '', { location: `/cases/${encodeURIComponent(record.caseId)}?relisted=1` });
}

/** A decision from the case page, through the staff-decision function; refused ones show why. */
async function decision(ctx: StaffPageContext, record: CaseRecord, request: IncomingMessage, response: ServerResponse, now: Date): Promise<void> {
  const form = await formOf(request);
  if (!form) return send(response, 413, await caseView(ctx, record, now, { error: 'The form is over 64 KB: shorten the reason.' }));
  const kind = form.get('decision') ?? '';
  // Empty fields go through as they are: the decision's own schema says what is missing.
  const reason = form.get('reason') ?? undefined;
  const until = form.get('until')?.trim();
  const result = await ctx.decide({
    caseId: record.caseId,
    by: form.get('by')?.trim() || ctx.staffEmail,
    decision: { decision: kind, ...(reason === undefined ? {} : { reason }), ...(kind === 'grant_extension' ? { until } : {}) },
  });
  if (!result.ok) return send(response, 400, await caseView(ctx, record, now, { error: `The decision was refused: ${result.error}` }));
  await ctx.settle();
  send(response, 303, '', { location: `/cases/${encodeURIComponent(record.caseId)}?decided=${encodeURIComponent(kind)}` });
}
