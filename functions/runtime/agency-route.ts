import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { AgencyIdentity } from '#shared/agency-identity.ts';
import type { SessionStore, StaffRole } from '#shared/store/session-store.ts';
import type { HttpEvent } from './http-event.ts';

/** A request on one of the API's IAM-authorized routes (/v1/agency/cases/{caseId}/...). */
export interface AgencyRouteRequest {
  /** The route as API Gateway matched it, e.g. "POST /v1/agency/cases/{caseId}/decision". */
  routeKey: string;
  params: Record<string, string | undefined>;
  caseId: string;
  body: Record<string, unknown>;
  /** What is wrong with the body itself, if anything. */
  problem?: string;
  /** The IAM principal API Gateway verified (SigV4); absent when the request carries none. */
  identity?: AgencyIdentity;
}

export const isApiEvent = (event: unknown): event is APIGatewayProxyEvent =>
  typeof event === 'object' && event !== null && 'requestContext' in event && 'httpMethod' in event;

/** The case, the JSON object body and the verified caller of a request on an IAM-authorized route. */
export function agencyRoute(event: APIGatewayProxyEvent, read: (event: APIGatewayProxyEvent) => HttpEvent, bodyShape: string): AgencyRouteRequest {
  const request = read(event);
  const principalArn = event.requestContext.identity?.userArn;
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
    ...(principalArn ? { identity: { kind: 'iam', principalArn } } : {}),
  };
}

export type RefusalKind = 'invalid' | 'not-found' | 'conflict' | 'forbidden';
const STATUS_OF: Record<RefusalKind, number> = { invalid: 400, 'not-found': 404, conflict: 409, forbidden: 403 };

/** A route's JSON answer: 403 with no verified caller, the refusal's status, or `okStatus`. */
export function agencyResponse(
  request: AgencyRouteRequest,
  result: { ok: true } | { ok: false; kind: RefusalKind },
  okStatus: number,
  body: unknown = result,
): APIGatewayProxyResult {
  return {
    statusCode: !request.identity ? 403 : result.ok ? okStatus : STATUS_OF[result.kind],
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/** A request read from either door, ready for the function, or what is wrong with it; and how to answer it at that door. */
export type AgencyDoor<I, R> = { respond: (result: R) => R | APIGatewayProxyResult } & (
  { input: I; error?: undefined; kind?: undefined } | { input?: undefined; error: string; kind: RefusalKind }
);

export interface AgencyDoorOptions<I> {
  /** The JSON body the route takes, for the error when it is not a JSON object. */
  bodyShape: string;
  okStatus: number;
  /** The role a signed-in staff member needs for it (the console's direct invocation). */
  role: StaffRole;
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
): Promise<{ identity: AgencyIdentity } | { error: string }> {
  if ('by' in payload) return { error: 'a caller cannot name who acts: sign in to the staff console, or use the IAM-authorized route (the CLI with --aws)' };
  const session = await sessions.verify(payload.session, Date.now());
  if (!session) return { error: 'no live staff session: sign in to the staff console again' };
  if (!session.roles.includes(role)) return { error: `${session.identity.email} does not have the ${role} role` };
  return { identity: session.identity };
}

/**
 * The two doors of a function that acts for the agency. The staff console invokes it directly,
 * passing the session of the staff member signed in: the function finds that session live in
 * the sessions table, with the role the action needs, and takes its verified identity. The API's
 * IAM-authorized route hands it the principal API Gateway verified (SigV4). A name in the payload
 * or the body counts for nothing at either door, and a direct invocation that brings one of its
 * own (`by`) is refused.
 */
export async function agencyDoor<I, R extends { ok: true } | { ok: false; kind: RefusalKind }>(
  event: unknown,
  read: (event: APIGatewayProxyEvent) => HttpEvent,
  options: AgencyDoorOptions<I>,
  sessions: SessionStore,
): Promise<AgencyDoor<I, R>> {
  if (!isApiEvent(event)) {
    const payload = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
    const respond = (result: R) => result;
    const caller = await consoleCaller(payload, sessions, options.role);
    if ('error' in caller) return { error: caller.error, kind: 'forbidden', respond };
    return { input: options.direct(payload, caller.identity), respond };
  }
  const request = agencyRoute(event, read, options.bodyShape);
  const respond = (result: R) => agencyResponse(request, result, options.okStatus);
  if (!request.identity) return { error: 'the request carries no verified IAM identity', kind: 'forbidden', respond };
  if (request.problem) return { error: request.problem, kind: 'invalid', respond };
  return { input: options.route(request.caseId, request.body, request.identity), respond };
}
