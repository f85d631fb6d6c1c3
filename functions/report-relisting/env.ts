import * as z from '#shared/schema.ts';
import { agencyCallerEnv, tableName } from '../runtime/env-fields.ts';

export const reportRelistingEnv = z.object({
  CASES_TABLE: tableName,
  AUDIT_TABLE: tableName,
  ...agencyCallerEnv,
  /** The case workflow: a relisting starts its next execution. */
  CASE_STATE_MACHINE_ARN: z.string().check(z.startsWith('arn:')),
});
