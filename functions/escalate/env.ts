import { z } from 'zod';
import { emailList, httpUrl, tableName } from '../runtime/env-fields.ts';

export const escalateEnv = z.object({
  RECALLS_TABLE: tableName,
  MARKETPLACES_TABLE: tableName,
  CASES_TABLE: tableName,
  AUDIT_TABLE: tableName,
  SENDER_EMAIL: z.email(),
  SES_CONFIGURATION_SET: z.string().min(1),
  STAFF_EMAILS: emailList,
  RESPOND_BASE_URL: httpUrl,
  LINK_KEY_SECRET_ARN: z.string().min(1),
  LINK_VALIDITY_DAYS: z.coerce.number().int().min(1).max(3650),
});
