import { z } from 'zod';

/** The `recallguard` context in cdk.json: everything the agency's cloud team configures. */
export const appConfigSchema = z.object({
  senderEmail: z.email('senderEmail must be the address notices are sent from'),
  staffEmails: z.array(z.email()).min(1, 'staffEmails needs at least one compliance staff address'),
  agencyName: z.string().min(1).default('U.S. Consumer Product Safety Commission'),
  linkValidityDays: z.number().int().min(1).max(3650).default(120),
  /** The agency's own closure days (YYYY-MM-DD), on top of the federal holidays. */
  closureDays: z.array(z.iso.date()).default([]),
  cpscApiUrl: z.url().default('https://www.saferproducts.gov/RestWebServices/Recall'),
  pullOverlapDays: z.number().int().min(0).max(60).default(3),
  rescanDays: z.number().int().min(1).max(3650).default(365),
  /** A JSON file of marketplaces (relative to the project) written to the table at deploy. */
  marketplacesFile: z.string().min(1).optional(),
  apiThrottle: z
    .object({ rateLimit: z.number().int().min(1).default(20), burstLimit: z.number().int().min(1).default(40) })
    .prefault({}),
});
export type AppConfig = z.infer<typeof appConfigSchema>;

export function parseAppConfig(context: unknown): AppConfig {
  const result = appConfigSchema.safeParse(context ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((i) => `recallguard.${i.path.join('.')}: ${i.message}`).join('\n  ');
    throw new Error(`invalid cdk.json context:\n  ${problems}`);
  }
  return result.data;
}
