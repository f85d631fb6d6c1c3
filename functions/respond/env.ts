import * as z from '#shared/schema.ts';
import { tableName, trustedHosts } from '../runtime/env-fields.ts';

export const respondEnv = z.object({
  RECALLS_TABLE: tableName,
  MARKETPLACES_TABLE: tableName,
  CASES_TABLE: tableName,
  AUDIT_TABLE: tableName,
  /** The Bookkeeping table, where refused links are counted. */
  REFUSALS_TABLE: tableName,
  LINK_KEY_SECRET_ARN: z.string().check(z.minLength(1)),
  TRUSTED_LINK_HOSTS: trustedHosts,
  /** The staff console's own domain, where it has one: response pages are not served there (they would share its origin). */
  CONSOLE_HOST: z.optional(z.string().check(z.regex(/^[a-z0-9.-]+$/))),
});
