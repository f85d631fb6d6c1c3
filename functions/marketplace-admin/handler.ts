import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { agencyResponse, agencyRoute, consoleCaller, isApiEvent, type AgencyRouteRequest } from '../runtime/agency-route.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { httpEvent } from '../runtime/http-event.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { marketplaceAdminEnv } from './env.ts';
import { marketplaceAdmin, type AdminRequest, type AdminResult } from './marketplace-admin.ts';

const env = loadEnvironment(marketplaceAdminEnv);
const { sessions, ...stores } = storesFrom(env);
const deps = { ...stores, defaultPolicy: env.DEFAULT_POLICY };

/** Each route's request, from its path and body. */
function requestOf(route: AgencyRouteRequest): AdminRequest | undefined {
  if (route.routeKey === 'POST /v1/agency/marketplaces') return { action: 'import', marketplaces: route.body.marketplaces };
  if (route.routeKey === 'POST /v1/agency/marketplaces/{marketplaceId}/keys') return { action: 'issue-key', marketplaceId: route.params.marketplaceId ?? '' };
  if (route.routeKey === 'POST /v1/agency/keys/{keyId}/revoke') return { action: 'revoke-key', keyId: route.params.keyId ?? '' };
  return undefined;
}

/** The console's direct invocation: an admin's session and what they ask for. */
export interface DirectAdminRequest {
  session: string;
  request: AdminRequest;
}

/**
 * Marketplace administration: the console invokes it directly with an admin's session; the CLI's
 * `marketplaces import|key|revoke-key` call its IAM-authorized routes.
 */
export const handler = middy<DirectAdminRequest | APIGatewayProxyEvent, AdminResult | APIGatewayProxyResult>()
  .use(observed())
  .handler(async (event) => {
    if (!isApiEvent(event)) {
      const payload = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
      const caller = await consoleCaller(payload, sessions, 'admin');
      if ('error' in caller) return { ok: false, error: caller.error, kind: 'forbidden' };
      const request = payload.request as AdminRequest | undefined;
      if (!request || !['import', 'issue-key', 'revoke-key'].includes(request.action))
        return { ok: false, error: 'request: give an action (import, issue-key, revoke-key)', kind: 'invalid' };
      return marketplaceAdmin(request, caller.identity, deps);
    }
    const route = agencyRoute(event, httpEvent, '{"marketplaces": [...]} to import, {} otherwise');
    const request = requestOf(route);
    const refuse = (error: string) => agencyResponse(route, { ok: false, kind: 'invalid' }, 200, { ok: false, error, kind: 'invalid' });
    if (!route.identity) return refuse('the request carries no verified IAM identity');
    if (route.problem) return refuse(route.problem);
    if (!request) return refuse(`no such route: ${route.routeKey}`);
    const result = await marketplaceAdmin(request, route.identity, deps);
    return agencyResponse(route, result, request.action === 'revoke-key' ? 200 : 201);
  });
