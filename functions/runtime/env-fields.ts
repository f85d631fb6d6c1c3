import * as z from '#shared/schema.ts';

/** Environment fields several functions share, with one definition each. */
export const tableName = z.string().check(z.minLength(3), z.maxLength(255));
export const httpUrl = z.url({ protocol: /^https?$/ });

/** A whole number between `min` and `max`, from its text. */
export const wholeNumber = (min: number, max: number) => z.pipe(z.coerce.number(), z.int().check(z.gte(min), z.lte(max)));

/** A comma-separated list, each item checked by `item`. */
export const commaList = <T extends z.ZodMiniType<unknown, string>>(item: T, min = 0) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((s) =>
        s
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
      ),
    ),
    z.array(item).check(z.minLength(min)),
  );

export const emailList = commaList(z.email(), 1);

/**
 * What a function that acts for the agency checks its callers against: the console's sessions
 * (a direct invocation passes one), and the deployment and account an IAM caller's proof must
 * name (the stack's id and account).
 */
export const agencyCallerEnv = {
  SESSIONS_TABLE: tableName,
  CALLER_AUDIENCE: z.string().check(z.startsWith('arn:')),
  CALLER_ACCOUNT: z.string().check(z.regex(/^\d{12}$/, 'a 12-digit account id')),
};

/** Hosts whose recall pages and images emails and pages show as links and images. */
export const trustedHosts = commaList(z.string().check(z.regex(/^[a-z0-9.-]+$/, 'a host name, lowercase')), 1);

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

/** What a function that hands out send slots needs (`shared/store/send-slots.ts`). */
export const sendSlotsEnv = {
  /** The Bookkeeping table: it holds the send-slot counter. */
  BOOKKEEPING_TABLE: tableName,
  /** SES's maximum sending rate of the account, in emails a second. */
  SES_MAX_SEND_RATE: wholeNumber(1, 10_000),
};

/** What a function that acts on a case and emails staff about it needs. */
export const staffMailEnv = {
  ...tablesEnv,
  AGENCY_NAME: z.string().check(z.minLength(1)),
  SENDER_EMAIL: z.email(),
  SES_CONFIGURATION_SET: z.string().check(z.minLength(1)),
  STAFF_EMAILS: emailList,
  /** Where staff see a case; `{executionArn}` and `{caseId}` are filled in. */
  CASE_URL_TEMPLATE: z.string().check(z.includes('{')),
  CLOSURE_DAYS: commaList(z.iso.date()),
  TRUSTED_LINK_HOSTS: trustedHosts,
};

/** What a function that emails the marketplace about a case needs: it signs the case's link. */
export const caseMailEnv = {
  ...staffMailEnv,
  RESPOND_BASE_URL: httpUrl,
  LINK_KEY_SECRET_ARN: z.string().check(z.minLength(1)),
  LINK_VALIDITY_DAYS: wholeNumber(1, 3650),
};
