import { timingSafeEqual } from 'node:crypto';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { CaseRecord } from '#shared/case.ts';
import { caseListUrlTemplate, caseUrlTemplate } from '#shared/console-links.ts';
import { CASE_VIEWS, workingDaysOverdue, type CaseView } from '#shared/digest.ts';
import { digestEmail } from '#shared/emails/digest-email.ts';
import { HTML_HEADERS } from '#shared/pages/headers.ts';
import { caseExecutions } from '#shared/execution-history.ts';
import { channelsOfMarketplace, recallIdentifiers } from '#shared/identifiers.ts';
import { scorecard } from '#shared/scorecard.ts';
import type { ApiKeyStore } from '#shared/store/api-key-store.ts';
import type { AuditLog } from '#shared/store/audit-log.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import type { MarketplaceStore } from '#shared/store/marketplace-store.ts';
import type { RecallStore } from '#shared/store/recall-store.ts';
import { SessionStore, type StaffRole, type StaffSession } from '#shared/store/session-store.ts';
import { trustedUrl } from '#shared/trusted-links.ts';
import { agencyInstant, endOfAgencyDay, ISO_DATE, type WorkingCalendar } from '#shared/working-days.ts';
import { collectDigest, lookup } from '../staff-reports/staff-reports.ts';
import { formVersion, marketplaceEntry, marketplaceForm, marketplacePage, marketplacesPage, type MarketplaceForm } from './admin-views.ts';
import { logger } from '../runtime/observability.ts';
import type { RelyingParty } from './oidc.ts';
import { SignInRefused } from './oidc.ts';
import { casePage, casesPage, problemPage, scorecardPage, sessionsPage, signInPage, STATUS_FILTERS, type CaseRow, type Frame } from './views.ts';

/** What a console request is, read from API Gateway's event. */
export interface ConsoleRequest {
  method: string;
  /** The path under the console, without its leading slash: `cases/26582.alimart`. */
  path: string;
  query: Record<string, string | undefined>;
  cookies: Record<string, string>;
  body: string;
  /** The host the request was sent to (its Host header). */
  host?: string;
}

/** The functions the console's actions invoke, each passing the session it acts for. */
export type ConsoleAction = 'staffDecision' | 'reportRelisting' | 'reissueLink' | 'marketplaceAdmin';

export interface ConsoleDeps {
  stores: { cases: CaseStore; recalls: RecallStore; marketplaces: MarketplaceStore; audit: AuditLog; sessions: SessionStore; apiKeys: ApiKeyStore };
  sfn: SFNClient;
  rp: Pick<RelyingParty, 'start' | 'finish' | 'recheck' | 'endSessionUrl'>;
  invoke: (action: ConsoleAction, payload: Record<string, unknown>) => Promise<unknown>;
  calendar: WorkingCalendar;
  /** Where the console is: https://.../live/console/ (its callback is callback there). */
  consoleUrl: URL;
  /** The identity provider's name on the sign-in page. */
  providerName: string;
  /** Where the provider's pages are (its issuer's origin, its logout URL's): sign-out's redirect goes there. */
  providerOrigins: string[];
  authority: string;
  staffEmails: string[];
  trustedHosts: readonly string[];
}

/** At most this many rows on one list page: the count says how many there are. */
const SHOWN = 1000;

/** The "sold here" filter of the lists, the scorecard and the digest: cases whose recall names the marketplace as a seller, or not. */
type SoldHereFilter = '' | 'yes' | 'no';
const soldHereFilter = (value: string | undefined): SoldHereFilter => (value === 'yes' || value === 'no' ? value : '');
// "no" is a recall known not to name the marketplace: a case from before the notice (or before soldHere) is neither.
const soldHereMatches = (filter: SoldHereFilter) => (r: CaseRecord) => !filter || r.soldHere === (filter === 'yes');
const FORM_LIMIT = 64 * 1024;

/** The cookies' names: `__Host-` (Secure, whole host, no Domain) wherever the console is served over HTTPS. */
export function cookieNames(consoleUrl: URL): { session: string; signIn: string; secure: boolean } {
  const secure = consoleUrl.protocol === 'https:';
  return secure ? { session: '__Host-rg-session', signIn: '__Host-rg-signin', secure } : { session: 'rg-session', signIn: 'rg-signin', secure };
}

/** A session cookie (no Expires: the server decides when a session ends), or one that clears it. */
function cookie(name: string, value: string, secure: boolean): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}${value ? '' : '; Max-Age=0'}`;
}

type Page = APIGatewayProxyResult;

function page(statusCode: number, body: string, cookies: string[] = []): Page {
  return { statusCode, headers: { ...HTML_HEADERS }, ...(cookies.length ? { multiValueHeaders: { 'set-cookie': cookies } } : {}), body };
}

function redirect(location: string, cookies: string[] = []): Page {
  const answer = page(303, '', cookies);
  return { ...answer, headers: { ...answer.headers, location } };
}

const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The console's own paths a sign-in may return to: never another site. */
const safeReturn = (path: string | undefined) => (path && /^[a-z][a-z0-9/?=&%._~-]*$/i.test(path) && !path.includes('//') ? path : 'cases');

const WHY_ENDED = {
  idle: 'You were signed out after 30 minutes without activity.',
  absolute: 'You were signed out: a session lasts 12 hours at most.',
  revoked: 'You were signed out: your sign-in is no longer valid at the identity provider, or an administrator ended it.',
  fresh: 'This change takes a recent sign-in: sign in again to make it.',
};
type WhyEnded = keyof typeof WHY_ENDED;
const isWhyEnded = (text: string | undefined): text is WhyEnded => text !== undefined && Object.hasOwn(WHY_ENDED, text);

/**
 * What the sign-in page says of an error the identity provider sent back (RFC 6749 4.1.2.1,
 * OpenID Connect 3.1.2.6): fixed words for each code, never the provider's own text.
 */
const PROVIDER_ERRORS: Record<string, string> = {
  access_denied: 'the sign-in was cancelled or refused at the identity provider.',
  login_required: 'the identity provider needs you to sign in.',
  interaction_required: 'the identity provider needs you to complete the sign-in there.',
  consent_required: 'the identity provider needs your consent.',
  account_selection_required: 'the identity provider needs you to choose an account.',
  temporarily_unavailable: 'the identity provider is unavailable just now; try again in a minute.',
  server_error: 'the identity provider had an error; try again in a minute.',
};

/**
 * The staff console: signing in through the agency's identity provider, then cases with filters,
 * a page per case (facts, audit log and execution history side by side, the decisions it admits),
 * the scorecard, today's digest, and for admins the marketplaces and their API keys. Every
 * request is checked against its server-side session and the role it needs; every POST carries
 * the session's CSRF token; changes go through the functions that make them, which check the
 * session again and record its verified identity.
 */
export async function handleConsole(request: ConsoleRequest, deps: ConsoleDeps): Promise<Page> {
  const answer = await consolePage(request, deps);
  // Signing out posts a form whose answer sends the browser on to the provider's end of session:
  // the page's form-action must name the provider's origins, or the browser stops there.
  const csp = answer.headers?.['content-security-policy'];
  if (typeof csp !== 'string' || !deps.providerOrigins.length) return answer;
  return {
    ...answer,
    headers: { ...answer.headers, 'content-security-policy': csp.replace("form-action 'self'", `form-action 'self' ${deps.providerOrigins.join(' ')}`) },
  };
}

async function consolePage(request: ConsoleRequest, deps: ConsoleDeps): Promise<Page> {
  const now = new Date();
  const base = deps.consoleUrl.pathname;
  const frame: Frame = { base, now };
  const { path, method } = request;
  // The console answers on its own host only (its domain, where it has one): its cookie is for that host alone.
  if (request.host && request.host.toLowerCase() !== deps.consoleUrl.host) {
    // Only a console path of its own, on the console's origin: never a path that names another site.
    const there = new URL(`${deps.consoleUrl.pathname}${safeReturn(path)}`, deps.consoleUrl.origin).href;
    if (method === 'GET') return redirect(there);
    return page(404, problemPage(frame, 'Not here', `The staff console is at ${deps.consoleUrl.href}: nothing was changed.`));
  }

  if (method === 'GET' && path === 'sign-in') {
    const reason = isWhyEnded(request.query.ended) ? WHY_ENDED[request.query.ended] : request.query.signedOut ? 'You are signed out.' : undefined;
    const startUrl = `${base}sign-in/start?return=${encodeURIComponent(safeReturn(request.query.return))}`;
    return page(200, signInPage(frame, { startUrl, reason, provider: deps.providerName }));
  }
  if (method === 'GET' && path === 'sign-in/start') return startSignIn(request, deps, frame, now);
  if (method === 'GET' && path === 'callback') return callback(request, deps, frame, now);

  const session = await liveSession(request, deps, now);
  if (!('csrf' in session)) return session;
  const signed: Frame = { base, now, who: { email: session.identity.email, roles: session.roles, csrf: session.csrf } };
  if (method === 'POST') return formPost(request, session, signed, deps);
  if (method !== 'GET') return page(405, problemPage(signed, 'Not allowed', `${method} is not used here.`));
  return get(request, signed, deps);
}

/** Back to the sign-in page, saying why, the session's cookie cleared; a page's address kept to return to. */
function toSignIn(deps: ConsoleDeps, ended: WhyEnded | undefined, returnTo?: string): Page {
  const names = cookieNames(deps.consoleUrl);
  const query = new URLSearchParams();
  if (ended) query.set('ended', ended);
  if (returnTo) query.set('return', safeReturn(returnTo));
  return redirect(`${deps.consoleUrl.pathname}sign-in${query.size ? `?${query}` : ''}`, ended ? [cookie(names.session, '', names.secure)] : []);
}

/**
 * The request's live session, its roles asked of the provider again when they are due (removed
 * from every group, or refused there, the session ends), its idle end moved on; or the way to
 * sign in. No case data without a session: a page asks to sign in, a form's post changes nothing.
 */
async function liveSession(request: ConsoleRequest, deps: ConsoleDeps, now: Date): Promise<StaffSession | Page> {
  const token = request.cookies[cookieNames(deps.consoleUrl).session];
  const returnTo =
    request.method === 'GET'
      ? request.path + (Object.keys(request.query).length ? `?${new URLSearchParams(request.query as Record<string, string>)}` : '')
      : undefined;
  const found = await deps.stores.sessions.live(token, now.getTime());
  if (!('session' in found)) return toSignIn(deps, found.ended === 'none' ? undefined : found.ended, returnTo);
  let session = found.session;
  if (deps.stores.sessions.recheckDue(session, now.getTime())) {
    const refreshToken = deps.stores.sessions.refreshTokenOf(session, token!);
    const rechecked = await (refreshToken ? deps.rp.recheck(refreshToken, session.identity) : Promise.reject(new SignInRefused('no refresh token'))).catch(
      (error: unknown) => {
        if (error instanceof SignInRefused) return undefined;
        throw error;
      },
    );
    if (!rechecked?.roles.length) {
      await deps.stores.sessions.end(token);
      return toSignIn(deps, 'revoked', returnTo);
    }
    session = await deps.stores.sessions.rechecked(session, rechecked.roles, rechecked.refreshToken, now.getTime(), token!);
  }
  await deps.stores.sessions.touch(session, now.getTime());
  return session;
}

/** A form's post: its CSRF token checked; signing out (at the provider too); an administrator's change only after a recent sign-in. */
async function formPost(request: ConsoleRequest, session: StaffSession, f: Frame, deps: ConsoleDeps): Promise<Page> {
  const names = cookieNames(deps.consoleUrl);
  const token = request.cookies[names.session]!;
  if (request.body.length > FORM_LIMIT) return page(413, problemPage(f, 'Too large', 'The form is over 64 KB.'));
  const form = new URLSearchParams(request.body);
  if (!sameToken(form.get('csrf') ?? '', session.csrf))
    return page(
      403,
      problemPage(
        f,
        'Refused',
        'This form did not come from your session (its CSRF token is missing or wrong): nothing was changed. Open the page again and retry.',
      ),
    );
  if (request.path === 'sign-out') {
    await deps.stores.sessions.end(token);
    // The provider's session ends too: on a shared computer the next person signs in afresh.
    const atProvider = await deps.rp.endSessionUrl().catch((error: Error) => {
      logger.error('the identity provider cannot be reached to end its session', error);
      return undefined;
    });
    return redirect(atProvider ?? `${f.base}sign-in?signedOut=1`, [cookie(names.session, '', names.secure)]);
  }
  if (isAdminChange(request.path) && session.roles.includes('admin') && !SessionStore.isFresh(session, f.now.getTime())) {
    // Keys, marketplaces and sessions change only after a recent sign-in: nothing is changed now.
    await deps.stores.sessions.end(token);
    return toSignIn(deps, 'fresh', returnPageOf(request.path));
  }
  return post(request.path, form, session, f, deps, token);
}

/** Off to the identity provider, with the sign-in's state kept server-side and its key in a cookie. */
async function startSignIn(request: ConsoleRequest, deps: ConsoleDeps, frame: Frame, now: Date): Promise<Page> {
  const names = cookieNames(deps.consoleUrl);
  let started: Awaited<ReturnType<ConsoleDeps['rp']['start']>>;
  try {
    started = await deps.rp.start();
  } catch (error) {
    logger.error('the identity provider cannot be reached', error as Error);
    return page(503, problemPage(frame, 'Sign-in unavailable', 'The identity provider cannot be reached just now: try again in a minute.'));
  }
  await deps.stores.sessions.startSignIn(started.state, started.codeVerifier, started.nonce, safeReturn(request.query.return), now.getTime());
  return redirect(started.url, [cookie(names.signIn, started.state, names.secure)]);
}

/** The provider sends the browser back: the sign-in under way is taken (once), checked, and becomes a session. */
async function callback(request: ConsoleRequest, deps: ConsoleDeps, frame: Frame, now: Date): Promise<Page> {
  const names = cookieNames(deps.consoleUrl);
  const state = request.query.state ?? '';
  const refused = (why: string) =>
    page(401, signInPage(frame, { startUrl: `${frame.base}sign-in/start`, reason: `Sign-in failed: ${why}`, provider: deps.providerName }), [
      cookie(names.signIn, '', names.secure),
    ]);
  if (!state || request.cookies[names.signIn] !== state) return refused('this sign-in was not started in this browser');
  const pending = await deps.stores.sessions.takeSignIn(state, now.getTime());
  if (!pending) return refused('it took too long or was already used; sign in again');
  // The provider's refusal, for this sign-in only, in fixed words: its own text (error_description) is never shown.
  if (request.query.error) return refused(PROVIDER_ERRORS[request.query.error] ?? 'the identity provider refused the sign-in.');
  const callbackUrl = new URL(
    `callback?${new URLSearchParams(Object.entries(request.query).filter((e): e is [string, string] => e[1] !== undefined))}`,
    deps.consoleUrl,
  );
  let signedIn: Awaited<ReturnType<ConsoleDeps['rp']['finish']>>;
  try {
    signedIn = await deps.rp.finish(callbackUrl, { state, codeVerifier: pending.codeVerifier, nonce: pending.nonce, startedAt: pending.startedAt });
  } catch (error) {
    if (error instanceof SignInRefused) return refused(error.message);
    throw error;
  }
  if (!signedIn.roles.length)
    return page(
      403,
      problemPage(frame, 'No role', `${signedIn.identity.email} is signed in but has no console role (viewer, decider or admin): ask an administrator.`),
      [cookie(names.signIn, '', names.secure)],
    );
  const { token } = await deps.stores.sessions.create(signedIn.identity, signedIn.roles, now.getTime(), {
    authTime: signedIn.authTime,
    ...(signedIn.refreshToken ? { refreshToken: signedIn.refreshToken } : {}),
  });
  return redirect(`${frame.base}${pending.returnTo}`, [cookie(names.session, token, names.secure), cookie(names.signIn, '', names.secure)]);
}

const CASE_PATH = /^cases\/([^/]+)(?:\/(decision|relisting|link))?$/;
const MARKETPLACE_PATH = /^marketplaces\/([^/]+)(?:\/(keys|deactivate|activate))?$/;
const REVOKE_PATH = /^keys\/([^/]+)\/revoke$/;

/** An administrator's change of a marketplace or its keys: it takes a recent sign-in. */
const isAdminChange = (path: string) =>
  path === 'marketplaces' || path === 'sessions/end' || MARKETPLACE_PATH.test(path) || REVOKE_PATH.test(path) || /^cases\/[^/]+\/link$/.test(path);
/** The page a form's post came from, to return to after signing in again. */
function returnPageOf(path: string): string {
  if (path === 'sessions/end') return 'sessions';
  const caseId = CASE_PATH.exec(path)?.[1];
  if (caseId) return `cases/${encodeURIComponent(caseId)}`;
  const marketplaceId = MARKETPLACE_PATH.exec(path)?.[1];
  return marketplaceId ? `marketplaces/${encodeURIComponent(marketplaceId)}` : 'marketplaces';
}

function forbidden(f: Frame, role: StaffRole): Page {
  return page(403, problemPage(f, 'Not allowed', `This takes the ${role} role, which your account does not have: nothing was changed.`));
}

async function get(request: ConsoleRequest, f: Frame, deps: ConsoleDeps): Promise<Page> {
  const { path, query } = request;
  if (path === '' || path === '/') return redirect(`${f.base}cases`);
  if (path === 'cases') return page(200, await listPage(deps, query, f));
  if (path === 'scorecard') {
    const since = query.since ?? '';
    const until = query.until ?? '';
    const bad = [since, until].find((d) => d && !ISO_DATE.test(d));
    const period = {
      since: since && !bad ? agencyInstant(since, 0, 0, 0) : undefined,
      until: until && !bad ? new Date(endOfAgencyDay(until).getTime() + 1000) : undefined,
    };
    const soldHere = soldHereFilter(query.soldHere);
    const scores = scorecard((await deps.stores.cases.list()).filter(soldHereMatches(soldHere)), deps.calendar, f.now, period);
    return page(bad ? 400 : 200, scorecardPage(f, { scores, since, until, soldHere, error: bad && `${bad} is not a date: give YYYY-MM-DD` }));
  }
  if (path === 'digest') {
    const settings = {
      caseUrlTemplate: caseUrlTemplate(deps.consoleUrl.href),
      caseListUrlTemplate: caseListUrlTemplate(deps.consoleUrl.href),
      authority: deps.authority,
      staffEmails: deps.staffEmails,
      digestWhenEmpty: true,
    };
    const soldHere = soldHereFilter(query.soldHere);
    const digest = await collectDigest(f.now, { ...deps.stores, calendar: deps.calendar, settings }, soldHereMatches(soldHere));
    const scope =
      soldHere === 'yes'
        ? 'cases whose recall names the marketplace as a seller'
        : soldHere === 'no'
          ? 'cases whose recall does not name the marketplace'
          : undefined;
    return page(200, digestEmail(digest, deps.authority, scope).html);
  }
  const caseMatch = CASE_PATH.exec(path);
  if (caseMatch && !caseMatch[2]) {
    const caseId = caseMatch[1]!;
    const record = await deps.stores.cases.get(caseId);
    if (!record) return page(404, problemPage(f, 'Not found', `There is no case ${caseId}.`));
    return page(200, await caseView(deps, record, f, doneMessage(query)));
  }
  if (path === 'sessions') {
    if (!f.who!.roles.includes('admin')) return forbidden(f, 'admin');
    const done = query.ended ? `Signed out: ${query.ended}.` : query.none ? 'They had no session left to end.' : undefined;
    return page(200, sessionsPage(f, { sessions: await deps.stores.sessions.liveSessions(f.now.getTime()), ...(done ? { done } : {}) }));
  }
  if (path === 'marketplaces' || MARKETPLACE_PATH.test(path)) {
    if (!f.who!.roles.includes('admin')) return forbidden(f, 'admin');
    if (path === 'marketplaces') return page(200, marketplacesPage(f, { marketplaces: await deps.stores.marketplaces.list(), message: doneMessage(query) }));
    const id = MARKETPLACE_PATH.exec(path)![1]!;
    return marketplaceView(deps, f, id, { message: doneMessage(query) });
  }
  return page(404, problemPage(f, 'Not found', `${path} is not a page here.`));
}

function doneMessage(query: ConsoleRequest['query']): { done: string } | undefined {
  const done = query.decided
    ? `Decision recorded: ${query.decided.replace(/_/g, ' ')}.`
    : query.relisted
      ? 'Relisting reported: the case is RELISTED.'
      : query.linked
        ? `A new response link was emailed to ${query.linked}.`
        : query.saved
          ? `Saved ${query.saved}.`
          : query.revoked
            ? `API key ${query.revoked} revoked: it no longer opens the API.`
            : '';
  return done ? { done } : undefined;
}

async function post(path: string, form: URLSearchParams, session: StaffSession, f: Frame, deps: ConsoleDeps, token: string): Promise<Page> {
  const caseMatch = CASE_PATH.exec(path);
  if (caseMatch?.[2]) {
    const caseId = caseMatch[1]!;
    const action = caseMatch[2];
    const role: StaffRole = action === 'link' ? 'admin' : 'decider';
    if (!session.roles.includes(role)) return forbidden(f, role);
    const record = await deps.stores.cases.get(caseId);
    if (!record) return page(404, problemPage(f, 'Not found', `There is no case ${caseId}.`));
    const back = `${f.base}cases/${encodeURIComponent(caseId)}`;
    if (action === 'decision') {
      const kind = form.get('decision') ?? '';
      const reason = form.get('reason') ?? undefined;
      const until = form.get('until')?.trim();
      const decision = { decision: kind, ...(reason === undefined ? {} : { reason }), ...(kind === 'grant_extension' ? { until } : {}) };
      const result = (await deps.invoke('staffDecision', { caseId, session: token, decision })) as { ok: boolean; error?: string };
      if (!result.ok) return page(400, await caseView(deps, record, f, { error: `The decision was refused: ${result.error}` }));
      return redirect(`${back}?decided=${encodeURIComponent(kind)}`);
    }
    if (action === 'relisting') {
      const seenAt = form.get('seenAt')?.trim();
      const report = { caseId, listing: form.get('listing')?.trim() ?? '', ...(seenAt ? { seenAt } : {}), session: token };
      const result = (await deps.invoke('reportRelisting', report)) as { ok: boolean; error?: string };
      if (!result.ok) return page(400, await caseView(deps, record, f, { error: `The relisting was refused: ${result.error}` }));
      return redirect(`${back}?relisted=1`);
    }
    const result = (await deps.invoke('reissueLink', { caseId, session: token })) as { ok: boolean; error?: string; sentTo?: string[] };
    if (!result.ok) return page(400, await caseView(deps, record, f, { error: `No new link was sent: ${result.error}` }));
    return redirect(`${back}?linked=${encodeURIComponent(result.sentTo?.join(', ') ?? '')}`);
  }
  if (!isAdminChange(path)) return page(404, problemPage(f, 'Not found', `${path} takes no form.`));
  if (!session.roles.includes('admin')) return forbidden(f, 'admin');
  if (path === 'sessions/end') {
    const request = { action: 'end-sessions', issuer: form.get('issuer') ?? '', subject: form.get('subject') ?? '' };
    const result = (await deps.invoke('marketplaceAdmin', { session: token, request })) as { ok: true; people: string[] } | { ok: false; error: string };
    if (!result.ok)
      return page(400, sessionsPage(f, { sessions: await deps.stores.sessions.liveSessions(f.now.getTime()), error: `No session was ended: ${result.error}` }));
    return redirect(`${f.base}sessions?${result.people.length ? `ended=${encodeURIComponent(result.people.join(', '))}` : 'none=1'}`);
  }
  return adminPost(path, form, f, deps, token);
}

type AdminAnswer =
  { ok: true; marketplaceId?: string; keyId?: string; key?: string; marketplaces?: { id: string }[] } | { ok: false; error: string; kind?: string };
/** A refusal's status: 409 when the marketplace changed meanwhile, 400 otherwise. */
const refusalStatus = (answer: { kind?: string }) => (answer.kind === 'conflict' ? 409 : 400);

async function adminPost(path: string, form: URLSearchParams, f: Frame, deps: ConsoleDeps, token: string): Promise<Page> {
  const ask = async (request: Record<string, unknown>) => (await deps.invoke('marketplaceAdmin', { session: token, request })) as AdminAnswer;
  if (path === 'marketplaces') {
    const read = marketplaceEntry(form);
    const isNew = !(await deps.stores.marketplaces.latest(read.fields.id));
    const refused = async (error: string, status = 400) =>
      isNew
        ? page(status, marketplacesPage(f, { marketplaces: await deps.stores.marketplaces.list(), form: read.fields, message: { error } }))
        : marketplaceView(deps, f, read.fields.id, { form: read.fields, message: { error } }, status);
    if ('error' in read) return refused(read.error);
    const result = await ask({ action: 'import', marketplaces: [read.entry] });
    if (!result.ok) return refused(result.error, refusalStatus(result));
    return redirect(`${f.base}marketplaces/${encodeURIComponent(read.fields.id)}?saved=${encodeURIComponent(read.fields.id)}`);
  }
  const revoke = /^keys\/([^/]+)\/revoke$/.exec(path);
  if (revoke) {
    const result = await ask({ action: 'revoke-key', keyId: revoke[1]! });
    if (!result.ok) return page(400, problemPage(f, 'Not revoked', result.error));
    return redirect(`${f.base}marketplaces/${encodeURIComponent(result.marketplaceId ?? '')}?revoked=${encodeURIComponent(result.keyId ?? '')}`);
  }
  const [, rawId, action] = MARKETPLACE_PATH.exec(path)!;
  const id = rawId!;
  const marketplace = await deps.stores.marketplaces.latest(id);
  if (!marketplace) return page(404, problemPage(f, 'Not found', `There is no marketplace ${id}.`));
  if (action === 'keys') {
    const result = await ask({ action: 'issue-key', marketplaceId: id });
    if (!result.ok) return marketplaceView(deps, f, id, { message: { error: result.error } }, 400);
    // Shown once, on this response only: it is not kept anywhere it could be shown again.
    return marketplaceView(deps, f, id, { issuedKey: { keyId: result.keyId!, key: result.key! } }, 201);
  }
  if (action === 'deactivate' || action === 'activate') {
    // Only the marketplace's state changes, from a fresh read, on the version the page showed.
    const result = await ask({ action: 'set-active', marketplaceId: id, active: action === 'activate', version: formVersion(form) });
    if (!result.ok) return marketplaceView(deps, f, id, { message: { error: result.error } }, refusalStatus(result));
    return redirect(`${f.base}marketplaces/${encodeURIComponent(id)}?saved=${encodeURIComponent(`${id} (${action}d)`)}`);
  }
  return page(404, problemPage(f, 'Not found', `${path} takes no form.`));
}

async function marketplaceView(
  deps: ConsoleDeps,
  f: Frame,
  id: string,
  extra: { form?: MarketplaceForm; issuedKey?: { keyId: string; key: string }; message?: { error?: string; done?: string } },
  status = 200,
): Promise<Page> {
  // Read fresh: the page's forms carry the version they were based on.
  const marketplace = await deps.stores.marketplaces.latest(id);
  if (!marketplace) return page(404, problemPage(f, 'Not found', `There is no marketplace ${id}.`));
  const keys = await deps.stores.apiKeys.list(id);
  return page(status, marketplacePage(f, { marketplace, keys, form: extra.form ?? marketplaceForm(marketplace), ...extra }));
}

async function listPage(deps: ConsoleDeps, query: ConsoleRequest['query'], f: Frame): Promise<string> {
  const status = query.status ?? '';
  const marketplace = query.marketplace ?? '';
  const soldHere = soldHereFilter(query.soldHere);
  const records = (await deps.stores.cases.list()).filter((r) => {
    if (marketplace && r.marketplaceId !== marketplace) return false;
    if (!soldHereMatches(soldHere)(r)) return false;
    if (!status || !STATUS_FILTERS.includes(status)) return true;
    return Object.hasOwn(CASE_VIEWS, status) ? CASE_VIEWS[status as CaseView](r, f.now) : r.status === status;
  });
  const shown = records.slice(0, SHOWN);
  const recalls = await lookup(
    shown.map((r) => r.recallNumber),
    (n) => deps.stores.recalls.get(n),
  );
  const names = new Map((await deps.stores.marketplaces.list()).map((m) => [m.id, m.name]));
  const rows: CaseRow[] = shown.map((record) => ({
    record,
    title: recalls.get(record.recallNumber)?.title ?? `(recall ${record.recallNumber} is not stored)`,
    marketplaceName: names.get(record.marketplaceId) ?? record.marketplaceId,
    workingDaysOverdue: workingDaysOverdue(record, f.now, deps.calendar),
  }));
  const marketplaces = [...new Set([...names.keys(), ...records.map((r) => r.marketplaceId)])].sort();
  return casesPage(f, { rows, total: records.length, status: STATUS_FILTERS.includes(status) ? status : '', marketplace, marketplaces, soldHere });
}

async function caseView(deps: ConsoleDeps, record: CaseRecord, f: Frame, message?: { error?: string; done?: string }): Promise<string> {
  const [recall, marketplace, audit, execution, partners] = await Promise.all([
    deps.stores.recalls.get(record.recallNumber),
    deps.stores.marketplaces.get(record.marketplaceId),
    deps.stores.audit.list(record.caseId),
    caseExecutions(deps.sfn, record).catch((error: Error) => ({ error: error.message })),
    deps.stores.marketplaces.list(),
  ]);
  // The online channels the recall names, each with the partner it is (by name or alias), or none yet.
  const channels = [...new Set(recall ? recallIdentifiers(recall).marketplaces.map((m) => m.value) : [])].map((channel) => ({
    channel,
    partner: partners.find((m) => channelsOfMarketplace(m).has(channel))?.name,
  }));
  return casePage(f, {
    channels,
    record,
    title: recall?.title ?? `(recall ${record.recallNumber} is not stored)`,
    recallUrl: (recall?.url && trustedUrl(recall.url, deps.trustedHosts)?.href) || '',
    marketplaceName: marketplace?.name ?? record.marketplaceId,
    workingDaysOverdue: workingDaysOverdue(record, f.now, deps.calendar),
    audit,
    execution,
    message,
  });
}
