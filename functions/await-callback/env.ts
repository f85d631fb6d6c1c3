import * as z from '#shared/schema.ts';
import { tableName } from '../runtime/env-fields.ts';

export const awaitCallbackEnv = z.object({ CASES_TABLE: tableName });
