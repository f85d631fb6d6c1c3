import { z } from 'zod';
import { tableName } from '../runtime/env-fields.ts';

export const planCasesEnv = z.object({ RECALLS_TABLE: tableName, MARKETPLACES_TABLE: tableName });
