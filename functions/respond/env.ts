import * as z from '#shared/schema.ts';
import { tableName } from '../runtime/env-fields.ts';

export const respondEnv = z.object({
  RECALLS_TABLE: tableName,
  MARKETPLACES_TABLE: tableName,
  CASES_TABLE: tableName,
  AUDIT_TABLE: tableName,
  LINK_KEY_SECRET_ARN: z.string().check(z.minLength(1)),
});
