import { z } from 'zod';
import { tableName } from '../runtime/env-fields.ts';

export const startWorkflowsEnv = z.object({ RECALLS_TABLE: tableName, INGEST_STATE_TABLE: tableName, RECALL_STATE_MACHINE_ARN: z.string().startsWith('arn:') });
