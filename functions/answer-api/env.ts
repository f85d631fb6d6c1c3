import * as z from '#shared/schema.ts';
import { tableName } from '../runtime/env-fields.ts';

export const answerApiEnv = z.object({
  RECALLS_TABLE: tableName,
  CASES_TABLE: tableName,
  AUDIT_TABLE: tableName,
  /** The Bookkeeping table, where refused requests are counted. */
  REFUSALS_TABLE: tableName,
  API_KEYS_TABLE: tableName,
});
