import { z } from 'zod';
import { caseMailEnv, tableName } from '../runtime/env-fields.ts';

export const overdueCheckEnv = z.object({
  CASES_TABLE: tableName,
  /** A case overdue more than this many working days counts. */
  OVERDUE_ALARM_WORKING_DAYS: z.coerce.number().int().min(1).max(250),
  CLOSURE_DAYS: caseMailEnv.CLOSURE_DAYS,
});
