import { z } from 'zod';
import { tableName } from '../runtime/env-fields.ts';

export const ingestEnv = z.object({
  RECALLS_TABLE: tableName,
  MARKETPLACES_TABLE: tableName,
  CASE_STATE_MACHINE_ARN: z.string().startsWith('arn:'),
});
