import * as z from '#shared/schema.ts';
import { sendSlotsEnv, tableName } from '../runtime/env-fields.ts';

export const planCasesEnv = z.object({
  RECALLS_TABLE: tableName,
  MARKETPLACES_TABLE: tableName,
  ...sendSlotsEnv,
});
