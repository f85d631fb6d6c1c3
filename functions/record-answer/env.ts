import { z } from 'zod';
import { tableName } from '../runtime/env-fields.ts';

export const recordAnswerEnv = z.object({ CASES_TABLE: tableName, AUDIT_TABLE: tableName });
