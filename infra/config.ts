import { z } from 'zod';
import { policySchema } from '#shared/marketplace.ts';
import { DEFAULT_TRUSTED_HOSTS } from '#shared/trusted-links.ts';

const workingDays = z.number().int().min(1).max(250);
/** An EventBridge Scheduler expression: cron(...) or rate(...). */
const scheduleExpression = z
  .string()
  .regex(/^(cron\([^)]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/, 'a schedule is cron(...) or rate(N unit), as EventBridge Scheduler takes it');

const roleGroup = z.string().min(1).max(256);

/**
 * The agency's own OpenID Connect provider for the staff console, in place of the Cognito user
 * pool the stack creates otherwise (README, Staff sign-in: login.gov, Entra ID, Okta).
 */
const identityProviderSchema = z
  .object({
    /** Shown on the sign-in page: "Sign in with <name>". */
    name: z.string().min(1).max(60),
    issuer: z.url({ protocol: /^https$/, error: 'identityProvider.issuer must be the https:// issuer URL of the provider' }),
    clientId: z.string().min(1),
    /** How the console authenticates at the token endpoint: login.gov takes private_key_jwt. */
    clientAuth: z.enum(['none', 'client_secret_basic', 'private_key_jwt']).default('client_secret_basic'),
    /** A Secrets Manager secret: {"clientSecret": ...} or {"privateKey": PKCS8 PEM, "kid": ...}. */
    clientSecretArn: z.string().startsWith('arn:').optional(),
    /** The ID token claim listing the user's groups. */
    rolesClaim: z.string().min(1).default('groups'),
    /** The group (its name or id, as the claim gives it) that grants each role. */
    roleGroups: z
      .object({ viewer: roleGroup, decider: roleGroup, admin: roleGroup })
      .strict()
      .default({ viewer: 'viewer', decider: 'decider', admin: 'admin' }),
    /** Include offline_access where the provider issues refresh tokens only for it: the console asks again for roles every 15 minutes with one. */
    scopes: z.string().includes('openid').default('openid email profile'),
    /** The assurance the ID token's acr must be, any of these, asked for as acr_values (login.gov: http://idmanagement.gov/ns/assurance/aal/2). */
    requiredAcr: z
      .array(
        z
          .string()
          .min(1)
          .regex(/^[^,\s]+$/, 'one acr value, without spaces or commas'),
      )
      .default([]),
    /** The methods the ID token's amr must name, any of these (Entra ID and Okta: mfa). */
    requiredAmr: z
      .array(
        z
          .string()
          .min(1)
          .regex(/^[^,\s]+$/, 'one amr value, without spaces or commas'),
      )
      .default([]),
  })
  .strict()
  .refine((p) => p.clientAuth === 'none' || p.clientSecretArn, {
    message: 'identityProvider.clientSecretArn is needed unless clientAuth is none: the secret holding the client secret or private key',
  });
export type IdentityProviderConfig = z.infer<typeof identityProviderSchema>;

/** The `recallguard` context in cdk.json: everything the agency's cloud team configures. */
export const appConfigSchema = z
  .object({
    senderEmail: z.email('senderEmail must be the address notices are sent from'),
    staffEmails: z.array(z.email()).min(1, 'staffEmails needs at least one compliance staff address'),
    agencyName: z.string().min(1).default('U.S. Consumer Product Safety Commission'),
    linkValidityDays: z.number().int().min(1).max(3650).default(120),
    /** The agency's own closure days (YYYY-MM-DD), on top of the federal holidays. */
    closureDays: z.array(z.iso.date()).default([]),
    cpscApiUrl: z.url().default('https://www.saferproducts.gov/RestWebServices/Recall'),
    pullOverlapDays: z.number().int().min(0).max(60).default(3),
    rescanDays: z.number().int().min(1).max(3650).default(365),
    /**
     * The SES identity notices are sent through: `domain` creates the sender's domain with Easy
     * DKIM (its DNS records are stack outputs), `address` the sender address alone (verified by a
     * link SES emails it), `{"existing": NAME}` names one the account already has (the sender
     * address or its domain): the stack creates none.
     */
    senderIdentity: z.union([z.enum(['domain', 'address']), z.object({ existing: z.string().min(3) }).strict()]).default('domain'),
    /** The response API's limits: each source IP's and each API key's (AWS WAF, per 5 minutes), and the stage's overall throttle. */
    apiThrottle: z
      .object({
        rateLimit: z.number().int().min(1).default(100),
        burstLimit: z.number().int().min(1).default(200),
        perIpPer5Minutes: z.number().int().min(10).max(2_000_000_000).default(3000),
        perKeyPer5Minutes: z.number().int().min(10).max(2_000_000_000).default(3000),
      })
      .prefault({}),
    /** Who the operations alarms email (SNS); defaults to the staff addresses. */
    opsEmails: z.array(z.email()).min(1).optional(),
    /** A case still overdue this many working days after its deadline raises an alarm. */
    overdueAlarmWorkingDays: workingDays.default(5),
    /** The ladder of marketplaces whose entry leaves numbers out. */
    defaultPolicy: policySchema,
    /** SES's maximum sending rate of the account (emails a second): notices and the ladder's follow-up emails are spread to stay within it. */
    sesMaxSendRate: z.number().int().min(1).max(10_000).default(14),
    /** Hosts whose recall pages and images are shown as links and images; any other URL from the feed is shown as text. */
    trustedLinkHosts: z
      .array(z.string().regex(/^[a-z0-9.-]+$/, 'trustedLinkHosts are host names, lowercase, like www.cpsc.gov'))
      .min(1)
      .default([...DEFAULT_TRUSTED_HOSTS]),
    /**
     * The staff console on a domain of its own (recommended): its session cookie is then never
     * sent with the marketplaces' requests to /respond and /v1 on the API's own host. The
     * certificate is an ACM certificate of the domain in the stack's region; point the domain's
     * DNS at the ConsoleDomainTarget output.
     */
    consoleDomain: z
      .object({
        domainName: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'consoleDomain.domainName is a host name, lowercase, like console.recalls.agency.gov'),
        certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:/, 'consoleDomain.certificateArn is the ARN of an ACM certificate'),
      })
      .strict()
      .optional(),
    /** Whether the morning digest is sent on a day with nothing to report. */
    digestWhenEmpty: z.boolean().default(false),
    /** When the scheduled work runs, in America/New_York. */
    schedules: z
      .object({
        dailyPull: scheduleExpression.default('cron(0 6 ? * MON-FRI *)'),
        weeklyRescan: scheduleExpression.default('cron(0 5 ? * SAT *)'),
        startSweep: scheduleExpression.default('rate(15 minutes)'),
        overdueCheck: scheduleExpression.default('cron(0 7 ? * MON-FRI *)'),
        digest: scheduleExpression.default('cron(0 8 ? * MON-FRI *)'),
        monthlyReport: scheduleExpression.default('cron(0 8 1 * ? *)'),
      })
      .prefault({}),
    /** The staff console's identity provider; without it the stack creates a Cognito user pool (MFA required, no self sign-up). */
    identityProvider: identityProviderSchema.optional(),
    /** The Cognito user pool's sign-in domain: https://<prefix>.auth.<region>.amazoncognito.com (unique in the region). */
    cognitoDomainPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'cognitoDomainPrefix is lowercase letters, digits and dashes, up to 63')
      .refine((p) => !/aws|amazon|cognito/.test(p), 'cognitoDomainPrefix may not contain aws, amazon or cognito')
      .optional(),
    /** The region to deploy to; the CLI's environment (AWS_REGION, profile) otherwise. */
    region: z
      .string()
      .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'region is an AWS region name like us-east-1')
      .optional(),
  })
  .strict()
  .refine((c) => typeof c.senderIdentity === 'string' || identityCovers(c.senderIdentity.existing, c.senderEmail), {
    path: ['senderIdentity', 'existing'],
    message: 'senderIdentity.existing must be the sender address or a domain it belongs to: SES sends only through an identity that covers the From address',
  });
export type AppConfig = z.infer<typeof appConfigSchema>;

/** Whether an SES identity (an address, or a domain and its subdomains) covers an address. */
function identityCovers(identity: string, address: string): boolean {
  const [name, domain = ''] = [identity.toLowerCase(), address.toLowerCase().split('@')[1]];
  return name === address.toLowerCase() || domain === name || domain.endsWith(`.${name}`);
}

/** Domains reserved for examples (RFC 2606, RFC 6761) and example.<tld> names: mail to them reaches no one. */
function isSampleAddress(address: string): boolean {
  const labels = (address.toLowerCase().split('@')[1] ?? '').split('.');
  const tld = labels.at(-1) ?? '';
  return ['example', 'test', 'invalid', 'localhost'].includes(tld) || labels.at(-2) === 'example';
}

/** The configured addresses that are samples, by key (`recallguard.staffEmails[0]`...): a deploy with them notifies no one. */
export function sampleAddresses(config: AppConfig): { key: string; address: string }[] {
  const keyed = [
    { key: 'senderEmail', address: config.senderEmail },
    ...config.staffEmails.map((address, i) => ({ key: `staffEmails[${i}]`, address })),
    ...(config.opsEmails ?? []).map((address, i) => ({ key: `opsEmails[${i}]`, address })),
  ];
  return keyed.filter(({ address }) => isSampleAddress(address)).map(({ key, address }) => ({ key: `recallguard.${key}`, address }));
}

/**
 * The `recallguard` context: an object from cdk.json, or the JSON text the CLI passes
 * (`npx cdk deploy -c recallguard='{...}'` hands the app a string).
 */
export function parseAppConfig(context: unknown): AppConfig {
  let value = context;
  if (typeof context === 'string') {
    try {
      value = JSON.parse(context);
    } catch (error) {
      throw new Error(`invalid cdk.json context:\n  recallguard: the -c recallguard='...' value is not JSON: ${(error as Error).message}`);
    }
  }
  const result = appConfigSchema.safeParse(value ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((i) => `recallguard.${i.path.join('.')}: ${i.message}`).join('\n  ');
    throw new Error(`invalid cdk.json context:\n  ${problems}`);
  }
  return result.data;
}
