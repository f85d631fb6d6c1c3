import * as z from '#shared/schema.ts';
import { tableName } from '../runtime/env-fields.ts';

export const staffDecisionEnv = z.object({
  CASES_TABLE: tableName,
  AUDIT_TABLE: tableName,
  /** The console's sessions: a direct invocation is checked against the one it passes. */
  SESSIONS_TABLE: tableName,
});
