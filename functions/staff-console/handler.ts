import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { WorkingCalendar } from '#shared/working-days.ts';
import { SessionStore } from '#shared/store/session-store.ts';
import { lambdaClient, secretsClient, stepFunctionsClient, tracedDocumentClient } from '../runtime/clients.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { httpEvent } from '../runtime/http-event.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { handleConsole, type ConsoleAction, type ConsoleDeps } from './console.ts';
import { staffConsoleEnv } from './env.ts';
import { RelyingParty } from './oidc.ts';

const env = loadEnvironment(staffConsoleEnv);
const consoleUrl = new URL(env.CONSOLE_URL);
const FUNCTIONS: Record<ConsoleAction, string> = {
  staffDecision: env.STAFF_DECISION_FUNCTION,
  reportRelisting: env.REPORT_RELISTING_FUNCTION,
  reissueLink: env.REISSUE_LINK_FUNCTION,
  marketplaceAdmin: env.MARKETPLACE_ADMIN_FUNCTION,
};

const rp = new RelyingParty(
  {
    issuer: env.OIDC_ISSUER,
    clientId: env.OIDC_CLIENT_ID,
    redirectUri: new URL('callback', consoleUrl).href,
    clientAuth: env.OIDC_CLIENT_AUTH,
    rolesClaim: env.OIDC_ROLES_CLAIM,
    roleGroups: env.OIDC_ROLE_GROUPS,
    scopes: env.OIDC_SCOPES,
    requiredAcr: env.OIDC_REQUIRED_ACR,
    requiredAmr: env.OIDC_REQUIRED_AMR,
    ...(env.OIDC_LOGOUT_URL ? { logoutUrl: env.OIDC_LOGOUT_URL } : {}),
    postLogoutRedirectUri: new URL('sign-in?signedOut=1', consoleUrl).href,
  },
  async () => {
    if (!env.OIDC_CLIENT_SECRET_ARN) return {};
    const { SecretString } = await secretsClient().send(new GetSecretValueCommand({ SecretId: env.OIDC_CLIENT_SECRET_ARN }));
    return JSON.parse(SecretString ?? '{}') as { clientSecret?: string; privateKey?: string; kid?: string };
  },
);

const stores = storesFrom(env);
const deps: ConsoleDeps = {
  stores: { ...stores, sessions: new SessionStore(tracedDocumentClient(), env.SESSIONS_TABLE, env.SESSION_CLOCK_SCALE) },
  sfn: stepFunctionsClient(),
  rp,
  async invoke(action, payload) {
    const out = await lambdaClient().send(new InvokeCommand({ FunctionName: FUNCTIONS[action], Payload: Buffer.from(JSON.stringify(payload)) }));
    const text = Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8');
    if (out.FunctionError) throw new Error(`${FUNCTIONS[action]} failed: ${text}`);
    return JSON.parse(text) as unknown;
  },
  calendar: new WorkingCalendar(env.CLOSURE_DAYS),
  consoleUrl,
  providerName: env.OIDC_PROVIDER_NAME,
  providerOrigins: [...new Set([env.OIDC_ISSUER, env.OIDC_LOGOUT_URL].filter((url): url is string => Boolean(url)).map((url) => new URL(url).origin))],
  authority: env.AGENCY_NAME,
  staffEmails: env.STAFF_EMAILS,
  trustedHosts: env.TRUSTED_LINK_HOSTS,
};

/** The cookies of a request, by name (the first of a name wins). */
function cookiesOf(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 1) continue;
    const name = part.slice(0, at).trim();
    cookies[name] ??= part.slice(at + 1).trim();
  }
  return cookies;
}

/** The staff console, behind the API's /console routes. */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(observed())
  .handler((event) => {
    const request = httpEvent(event);
    return handleConsole(
      {
        method: request.method,
        path: request.pathParameters.proxy ?? '',
        query: request.query,
        cookies: cookiesOf(request.headers.cookie),
        body: request.body,
        host: request.headers.host,
      },
      deps,
    );
  });
