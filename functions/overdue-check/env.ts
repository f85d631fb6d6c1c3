import * as z from '#shared/schema.ts';
import { caseMailEnv, tableName, wholeNumber } from '../runtime/env-fields.ts';

export const overdueCheckEnv = z.object({
  CASES_TABLE: tableName,
  /** A case overdue more than this many working days counts. */
  OVERDUE_ALARM_WORKING_DAYS: wholeNumber(1, 250),
  CLOSURE_DAYS: caseMailEnv.CLOSURE_DAYS,
});
