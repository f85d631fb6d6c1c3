import * as z from '#shared/schema.ts';
import { caseMailEnv, tableName } from '../runtime/env-fields.ts';

export const reissueLinkEnv = z.object({
  ...caseMailEnv,
  /** The console's sessions: a direct invocation is checked against the one it passes. */
  SESSIONS_TABLE: tableName,
});
