import * as z from '#shared/schema.ts';
import { STAFF_ROLES } from '#shared/store/session-store.ts';
import { commaList, emailList, httpUrl, tableName, trustedHosts, wholeNumber } from '../runtime/env-fields.ts';

const functionName = z.string().check(z.minLength(1), z.maxLength(140));

/** Which group grants each role, as JSON: {"viewer": "...", "decider": "...", "admin": "..."}. */
const roleGroups = z.pipe(
  z.pipe(
    z.string(),
    z.transform((text) => JSON.parse(text) as unknown),
  ),
  z.object(Object.fromEntries(STAFF_ROLES.map((role) => [role, z.string().check(z.minLength(1))])) as Record<(typeof STAFF_ROLES)[number], z.ZodMiniString>),
);

export const staffConsoleEnv = z.object({
  CASES_TABLE: tableName,
  RECALLS_TABLE: tableName,
  MARKETPLACES_TABLE: tableName,
  AUDIT_TABLE: tableName,
  API_KEYS_TABLE: tableName,
  SESSIONS_TABLE: tableName,
  /** How many minutes of the clock make a minute of a session: 1, but in a local cloud whose time runs faster. */
  SESSION_CLOCK_SCALE: z._default(wholeNumber(1, 100_000), 1),
  /** Where the console is served: the API stage's URL and console/, ending in a slash. */
  CONSOLE_URL: z.pipe(httpUrl, z.string().check(z.endsWith('/'))),
  OIDC_ISSUER: httpUrl,
  OIDC_CLIENT_ID: z.string().check(z.minLength(1)),
  OIDC_CLIENT_AUTH: z.enum(['none', 'client_secret_basic', 'private_key_jwt']),
  /** The secret with the client's secret or private key, for the client authentications that need one. */
  OIDC_CLIENT_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  OIDC_ROLES_CLAIM: z.string().check(z.minLength(1)),
  OIDC_ROLE_GROUPS: roleGroups,
  OIDC_SCOPES: z.string().check(z.includes('openid')),
  OIDC_PROVIDER_NAME: z.string().check(z.minLength(1)),
  /** The assurance an external provider must vouch for (acr, any of these) and the methods it must name (amr, any of these): none, none. */
  OIDC_REQUIRED_ACR: z._default(commaList(z.string()), []),
  OIDC_REQUIRED_AMR: z._default(commaList(z.string()), []),
  /** Where the provider's session ends when its discovery publishes no end_session_endpoint (Cognito's /logout). */
  OIDC_LOGOUT_URL: z.optional(httpUrl),
  STAFF_DECISION_FUNCTION: functionName,
  REPORT_RELISTING_FUNCTION: functionName,
  REISSUE_LINK_FUNCTION: functionName,
  MARKETPLACE_ADMIN_FUNCTION: functionName,
  AGENCY_NAME: z.string().check(z.minLength(1)),
  STAFF_EMAILS: emailList,
  CLOSURE_DAYS: commaList(z.iso.date()),
  TRUSTED_LINK_HOSTS: trustedHosts,
});
