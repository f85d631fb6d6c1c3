import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { AgencyIdentity } from '#shared/agency-identity.ts';
import type { HttpEvent } from './http-event.ts';

/** A request on one of the API's IAM-authorized routes (/v1/agency/cases/{caseId}/...). */
export interface AgencyRouteRequest {
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
