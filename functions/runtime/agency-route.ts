import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { AgencyIdentity } from '#shared/agency-identity.ts';
import { SessionStore, type StaffRole } from '#shared/store/session-store.ts';
import type { HttpEvent } from './http-event.ts';
import { provenCaller, stsOfEnvironment, type CallerCheck } from './iam-caller.ts';

/** A request on one of the API's IAM-authorized routes (/v1/agency/cases/{caseId}/...). */
export interface AgencyRouteRequest {
  /** The route as API Gateway matched it, e.g. "POST /v1/agency/cases/{caseId}/decision". */
  routeKey: string;
  params: Record<string, string | undefined>;
  caseId: string;
  body: Record<string, unknown>;
  /** What is wrong with the body itself, if anything. */
  problem?: string;
}

/** What a function that acts for the agency checks its callers against: the console's sessions, and IAM callers' proofs. */
export interface AgencyGuards {
  sessions: SessionStore;
  callers: CallerCheck;
}

/** The guards of a function whose environment names the sessions table and the deployment callers prove themselves to. */
export function agencyGuards(env: { CALLER_AUDIENCE: string; CALLER_ACCOUNT: string }, sessions: SessionStore): AgencyGuards {
  return {
    sessions,
    callers: {
      audience: env.CALLER_AUDIENCE,
      account: env.CALLER_ACCOUNT,
      sts: stsOfEnvironment(),
      useOnce: (signature, now) => sessions.useProof(signature, now),
    },
  };
}

export const isApiEvent = (event: unknown): event is APIGatewayProxyEvent =>
  typeof event === 'object' && event !== null && 'requestContext' in event && 'httpMethod' in event;

/** The case and the JSON object body of a request on an IAM-authorized route. */
export function agencyRoute(event: APIGatewayProxyEvent, read: (event: APIGatewayProxyEvent) => HttpEvent, bodyShape: string): AgencyRouteRequest {
  const request = read(event);
  let body: Record<string, unknown> = {};
  let problem: string | undefined = `the body must be a JSON object: ${bodyShape}`;
  try {
    const parsed: unknown = JSON.parse(request.body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) [body, problem] = [parsed as Record<string, unknown>, undefined];
  } catch {
    // The problem stands.
  }
  return {
    routeKey: request.routeKey,
    params: request.pathParameters,
    caseId: request.pathParameters.caseId ?? '',
    body,
    ...(problem ? { problem } : {}),
  };
}

export type RefusalKind = 'invalid' | 'not-found' | 'conflict' | 'forbidden';
const STATUS_OF: Record<RefusalKind, number> = { invalid: 400, 'not-found': 404, conflict: 409, forbidden: 403 };

/** A route's JSON answer: the refusal's status, or `okStatus`. */
export function agencyResponse(result: { ok: true } | { ok: false; kind: RefusalKind }, okStatus: number, body: unknown = result): APIGatewayProxyResult {
  return {
    statusCode: result.ok ? okStatus : STATUS_OF[result.kind],
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/** A request read from either door, ready for the function, or what is wrong with it; and how to answer it at that door. */
export type AgencyDoor<I, R> = { respond: (result: R) => R | APIGatewayProxyResult } & (
  { input: I; error?: undefined; kind?: undefined } | { input?: undefined; error: string; kind: RefusalKind }
);

export interface AgencyDoorOptions<I> {
  /** The function's one route, as API Gateway names it (`/v1/agency/cases/{caseId}/decision`): an event of any other is refused. */
  resource: string;
  /** The JSON body the route takes, for the error when it is not a JSON object. */
  bodyShape: string;
  okStatus: number;
  /** The role a signed-in staff member needs for it (the console's direct invocation), and whether it takes a recent sign-in. */
  role: StaffRole;
  fresh?: boolean;
  /** The input from the console's direct invocation (its whole payload) or from a route's case and body. */
  direct: (event: Record<string, unknown>, identity: AgencyIdentity) => I;
  route: (caseId: string, body: Record<string, unknown>, identity: AgencyIdentity) => I;
}

/**
 * The staff member a direct invocation from the console acts for: the session it passes must be
 * live in the sessions table and hold `role`. A payload that names its own actor (`by`) is refused.
 */
export async function consoleCaller(
  payload: Record<string, unknown>,
  sessions: SessionStore,
  role: StaffRole,
  /** The change takes a recent sign-in (an administrator's: keys, a marketplace's addresses). */
  fresh = false,
): Promise<{ identity: AgencyIdentity } | { error: string }> {
  if ('by' in payload) return { error: 'a caller cannot name who acts: sign in to the staff console, or use the IAM-authorized route (the CLI with --aws)' };
  const session = await sessions.verify(payload.session, Date.now());
  if (!session) return { error: 'no live staff session: sign in to the staff console again' };
  if (!session.roles.includes(role)) return { error: `${session.identity.email} does not have the ${role} role` };
  if (fresh && !SessionStore.isFresh(session, Date.now())) return { error: 'this change takes a recent sign-in: sign in to the staff console again' };
  return { identity: session.identity };
}

/**
 * The two doors of a function that acts for the agency. The staff console invokes it directly,
 * passing the session of the staff member signed in: the function finds that session live in
 * the sessions table, with the role the action needs, and takes its verified identity. A request
 * of the API's IAM-authorized route must carry its caller's proof, which the function has STS
 * check (`provenCaller`): a Lambda function cannot tell who invoked it, so nothing an event says
 * of its caller, requestContext included, counts. A name in the payload or the body counts for
 * nothing at either door, and a direct invocation that brings one of its own (`by`) is refused.
 */
export async function agencyDoor<I, R extends { ok: true } | { ok: false; kind: RefusalKind }>(
  event: unknown,
  read: (event: APIGatewayProxyEvent) => HttpEvent,
  options: AgencyDoorOptions<I>,
  guards: AgencyGuards,
): Promise<AgencyDoor<I, R>> {
  if (!isApiEvent(event)) {
    const payload = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
    const respond = (result: R) => result;
    const caller = await consoleCaller(payload, guards.sessions, options.role, options.fresh);
    if ('error' in caller) return { error: caller.error, kind: 'forbidden', respond };
    return { input: options.direct(payload, caller.identity), respond };
  }
  const request = agencyRoute(event, read, options.bodyShape);
  const respond = (result: R) => agencyResponse(result, options.okStatus);
  // The proof is bound to the route's path: an event naming another route (another function's, or
  // a literal path over other parameters) would move it to another case.
  if (event.resource !== options.resource) return { error: `this function serves ${options.resource} only`, kind: 'invalid', respond };
  const caller = await provenCaller(event, guards.callers);
  if ('error' in caller) return { error: caller.error, kind: 'forbidden', respond };
  if (request.problem) return { error: request.problem, kind: 'invalid', respond };
  return { input: options.route(request.caseId, request.body, caller.identity), respond };
}
