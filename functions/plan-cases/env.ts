import * as z from '#shared/schema.ts';
import { tableName, wholeNumber } from '../runtime/env-fields.ts';

export const planCasesEnv = z.object({
  RECALLS_TABLE: tableName,
  MARKETPLACES_TABLE: tableName,
  /** The table holding the send-slot counter (the IngestState table). */
  SEND_SLOTS_TABLE: tableName,
  /** SES's maximum sending rate of the account, in emails a second. */
  SES_MAX_SEND_RATE: wholeNumber(1, 10_000),
});
