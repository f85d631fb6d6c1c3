import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { agencyGuards, agencyResponse, agencyRoute, consoleCaller, isApiEvent, type AgencyRouteRequest } from '../runtime/agency-route.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { provenCaller } from '../runtime/iam-caller.ts';
import { httpEvent } from '../runtime/http-event.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { marketplaceAdminEnv } from './env.ts';
import { marketplaceAdmin, type AdminRequest, type AdminResult } from './marketplace-admin.ts';
import { endStaffSessions, type EndSessionsRequest, type EndSessionsResult } from './staff-sessions.ts';
import type { AgencyIdentity } from '#shared/agency-identity.ts';

const env = loadEnvironment(marketplaceAdminEnv);
const { sessions, ...stores } = storesFrom(env);
const deps = { ...stores, defaultPolicy: env.DEFAULT_POLICY };
const guards = agencyGuards(env, sessions);

type Request = AdminRequest | EndSessionsRequest;
const ACTIONS = ['import', 'set-active', 'issue-key', 'revoke-key', 'end-sessions'];

/** An administrator's request, carried out for the verified caller. */
const run = (request: Request, by: AgencyIdentity) =>
  request.action === 'end-sessions' ? endStaffSessions(request, by, { sessions, audit: stores.audit }) : marketplaceAdmin(request, by, deps);

/** Each route's request, from its path and body. */
function requestOf(route: AgencyRouteRequest): Request | undefined {
  if (route.routeKey === 'POST /v1/agency/staff/sessions/end') return { action: 'end-sessions', ...route.body };
  if (route.routeKey === 'POST /v1/agency/marketplaces') return { action: 'import', marketplaces: route.body.marketplaces };
  if (route.routeKey === 'POST /v1/agency/marketplaces/{marketplaceId}/keys') return { action: 'issue-key', marketplaceId: route.params.marketplaceId ?? '' };
  if (route.routeKey === 'POST /v1/agency/keys/{keyId}/revoke') return { action: 'revoke-key', keyId: route.params.keyId ?? '' };
  return undefined;
}

/** The console's direct invocation: an admin's session and what they ask for. */
export interface DirectAdminRequest {
  session: string;
  request: Request;
}

/**
 * The agency's administration (marketplaces, their API keys, staff sessions): the console invokes
 * it directly with an admin's session, of a recent sign-in; the CLI's `marketplaces
 * import|key|revoke-key` and `staff end-sessions` call its IAM-authorized routes, each request with
 * its caller's proof of identity.
 */
export const handler = middy<DirectAdminRequest | APIGatewayProxyEvent, AdminResult | EndSessionsResult | APIGatewayProxyResult>()
  .use(observed())
  .handler(async (event) => {
    if (!isApiEvent(event)) {
      const payload = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
      const caller = await consoleCaller(payload, guards.sessions, 'admin', true);
      if ('error' in caller) return { ok: false, error: caller.error, kind: 'forbidden' };
      const request = payload.request as Request | undefined;
      if (!request || !ACTIONS.includes(request.action)) return { ok: false, error: `request: give an action (${ACTIONS.join(', ')})`, kind: 'invalid' };
      return run(request, caller.identity);
    }
    const route = agencyRoute(event, httpEvent, '{"marketplaces": [...]} to import, {} otherwise');
    const request = requestOf(route);
    const refuse = (error: string, kind: 'invalid' | 'forbidden' = 'invalid') => agencyResponse({ ok: false, kind }, 200, { ok: false, error, kind });
    // Who calls is what STS says of the request's proof: nothing the event says of its caller counts.
    const caller = await provenCaller(event, guards.callers);
    if ('error' in caller) return refuse(caller.error, 'forbidden');
    if (route.problem) return refuse(route.problem);
    if (!request) return refuse(`no such route: ${route.routeKey}`);
    const result = await run(request, caller.identity);
    return agencyResponse(result, request.action === 'revoke-key' || request.action === 'end-sessions' ? 200 : 201);
  });
