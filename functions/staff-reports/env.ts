import * as z from '#shared/schema.ts';
import { caseMailEnv, tableName } from '../runtime/env-fields.ts';

export const staffReportsEnv = z.object({
  CASES_TABLE: tableName,
  RECALLS_TABLE: tableName,
  MARKETPLACES_TABLE: tableName,
  AGENCY_NAME: caseMailEnv.AGENCY_NAME,
  SENDER_EMAIL: caseMailEnv.SENDER_EMAIL,
  SES_CONFIGURATION_SET: caseMailEnv.SES_CONFIGURATION_SET,
  STAFF_EMAILS: caseMailEnv.STAFF_EMAILS,
  CASE_URL_TEMPLATE: caseMailEnv.CASE_URL_TEMPLATE,
  /** Where staff see a list of cases; `{status}` and `{marketplaceId}` are filled in where used. */
  CASE_LIST_URL_TEMPLATE: z.url(),
  CLOSURE_DAYS: caseMailEnv.CLOSURE_DAYS,
  /** Whether a digest with nothing in it is still sent. */
  DIGEST_WHEN_EMPTY: z.pipe(
    z.enum(['true', 'false']),
    z.transform((v) => v === 'true'),
  ),
});
