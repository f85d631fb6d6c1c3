import { z } from 'zod';
import { tableName } from '../runtime/env-fields.ts';

export const awaitAnswerEnv = z.object({ CASES_TABLE: tableName });
