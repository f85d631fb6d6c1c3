import { z } from 'zod';

/** Environment fields several functions share, with one definition each. */
export const tableName = z.string().min(3).max(255);
export const emailList = z
  .string()
  .transform((s) => s.split(',').map((a) => a.trim()).filter(Boolean))
  .pipe(z.array(z.email()).min(1));
export const httpUrl = z.url({ protocol: /^https?$/ });

export const tablesEnv = {
  RECALLS_TABLE: tableName,
  MARKETPLACES_TABLE: tableName,
  CASES_TABLE: tableName,
  AUDIT_TABLE: tableName,
};

/** A staff link from a template variable: each `{name}` replaced by its value, URL-encoded. */
export function fillUrlTemplate(template: string, values: Record<string, string>): string {
  return Object.entries(values).reduce((url, [name, value]) => url.replaceAll(`{${name}}`, encodeURIComponent(value)), template);
}

/** What a function that emails about a case needs. */
export const caseMailEnv = {
  ...tablesEnv,
  AGENCY_NAME: z.string().min(1),
  SENDER_EMAIL: z.email(),
  SES_CONFIGURATION_SET: z.string().min(1),
  STAFF_EMAILS: emailList,
  RESPOND_BASE_URL: httpUrl,
  LINK_KEY_SECRET_ARN: z.string().min(1),
  LINK_VALIDITY_DAYS: z.coerce.number().int().min(1).max(3650),
  /** Where staff see a case; `{executionArn}` and `{caseId}` are filled in. */
  CASE_URL_TEMPLATE: z.string().includes('{'),
  CLOSURE_DAYS: z
    .string()
    .transform((s) => s.split(',').map((d) => d.trim()).filter(Boolean))
    .pipe(z.array(z.iso.date())),
};
