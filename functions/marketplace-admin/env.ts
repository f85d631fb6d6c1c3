import * as z from '#shared/schema.ts';
import { policySchema } from '#shared/marketplace.ts';
import { agencyCallerEnv, tableName } from '../runtime/env-fields.ts';

/** The deployment's default ladder, as JSON: numbers an imported entry leaves out. */
const defaultPolicy = z.pipe(
  z.pipe(
    z.string(),
    z.transform((text) => JSON.parse(text) as unknown),
  ),
  policySchema,
);

export const marketplaceAdminEnv = z.object({
  MARKETPLACES_TABLE: tableName,
  API_KEYS_TABLE: tableName,
  AUDIT_TABLE: tableName,
  ...agencyCallerEnv,
  DEFAULT_POLICY: defaultPolicy,
});
