import * as z from '#shared/schema.ts';
import { tableName } from '../runtime/env-fields.ts';

export const startWorkflowsEnv = z.object({
  RECALLS_TABLE: tableName,
  BOOKKEEPING_TABLE: tableName,
  RECALL_STATE_MACHINE_ARN: z.string().check(z.startsWith('arn:')),
});
