import * as z from '#shared/schema.ts';
import { agencyCallerEnv, tableName } from '../runtime/env-fields.ts';

export const staffDecisionEnv = z.object({
  CASES_TABLE: tableName,
  AUDIT_TABLE: tableName,
  ...agencyCallerEnv,
});
