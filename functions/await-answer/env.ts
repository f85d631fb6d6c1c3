import * as z from '#shared/schema.ts';
import { tableName } from '../runtime/env-fields.ts';

export const awaitAnswerEnv = z.object({ CASES_TABLE: tableName });
