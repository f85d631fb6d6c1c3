import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { staffIdentity, type AgencyIdentity } from '#shared/agency-identity.ts';
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

export type RefusalKind = 'invalid' | 'not-found' | 'conflict';
const STATUS_OF: Record<RefusalKind, number> = { invalid: 400, 'not-found': 404, conflict: 409 };

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
export type AgencyDoor<I, R> = { respond: (result: R) => R | APIGatewayProxyResult } & ({ input: I; error?: undefined } | { input?: undefined; error: string });

export interface AgencyDoorOptions<I> {
  /** The JSON body the route takes, for the error when it is not a JSON object. */
  bodyShape: string;
  okStatus: number;
  /** The error when a direct invocation names no staff member by email in `by`. */
  staffError: string;
  /** The input from a direct invocation (its whole payload) or from a route's case and body. */
  direct: (event: Record<string, unknown>, identity: AgencyIdentity) => I;
  route: (caseId: string, body: Record<string, unknown>, identity: AgencyIdentity) => I;
}

/**
 * The two doors of a function that acts for the agency: staff's tools invoke it directly, naming
 * a staff member with `by`; the API's IAM-authorized route hands it the principal API Gateway
 * verified (SigV4), and a name in the body counts for nothing there.
 */
export function agencyDoor<I, R extends { ok: true } | { ok: false; kind: RefusalKind }>(
  event: unknown,
  read: (event: APIGatewayProxyEvent) => HttpEvent,
  options: AgencyDoorOptions<I>,
): AgencyDoor<I, R> {
  if (!isApiEvent(event)) {
    const payload = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
    const identity = staffIdentity(payload.by);
    const respond = (result: R) => result;
    return identity ? { input: options.direct(payload, identity), respond } : { error: options.staffError, respond };
  }
  const request = agencyRoute(event, read, options.bodyShape);
  const respond = (result: R) => agencyResponse(request, result, options.okStatus);
  if (!request.identity) return { error: 'the request carries no verified IAM identity', respond };
  if (request.problem) return { error: request.problem, respond };
  return { input: options.route(request.caseId, request.body, request.identity), respond };
}
