import { z } from 'zod';

export const DEFAULT_POLICY = {
  reminderAfterWorkingDays: 1,
  deadlineWorkingDays: 2,
  finalNoticeAfterWorkingDays: 5,
  expireAfterWorkingDays: 60,
} as const;

const workingDays = z.number().int().min(1).max(250);

/** A ladder in working days; numbers left out are DESIGN.md's defaults; each must exceed the one before. */
export const policySchema = z
  .object({
    reminderAfterWorkingDays: workingDays.default(DEFAULT_POLICY.reminderAfterWorkingDays),
    deadlineWorkingDays: workingDays.default(DEFAULT_POLICY.deadlineWorkingDays),
    finalNoticeAfterWorkingDays: workingDays.default(DEFAULT_POLICY.finalNoticeAfterWorkingDays),
    expireAfterWorkingDays: workingDays.default(DEFAULT_POLICY.expireAfterWorkingDays),
  })
  .prefault({})
  .refine((p) => p.reminderAfterWorkingDays < p.deadlineWorkingDays, { message: 'reminderAfterWorkingDays must be less than deadlineWorkingDays' })
  .refine((p) => p.deadlineWorkingDays < p.finalNoticeAfterWorkingDays, { message: 'finalNoticeAfterWorkingDays must be more than deadlineWorkingDays' })
  .refine((p) => p.finalNoticeAfterWorkingDays < p.expireAfterWorkingDays, { message: 'expireAfterWorkingDays must be more than finalNoticeAfterWorkingDays' });

export const marketplaceSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'lowercase letters, digits and dashes, 2 to 40 characters'),
  name: z.string().min(1).max(200),
  noticeEmails: z.array(z.email()).min(1),
  escalationEmails: z.array(z.email()).default([]),
  aliases: z.array(z.string().min(1)).default([]),
  active: z.boolean().default(true),
  policy: policySchema,
});

export type Marketplace = z.infer<typeof marketplaceSchema>;
export type Policy = Marketplace['policy'];

/**
 * Parses a marketplaces file; the error names the entry, the field and the reason. Policy
 * numbers an entry leaves out come from `defaults` (the deployment's default policy).
 */
export function parseMarketplaces(input: unknown, defaults: Policy = DEFAULT_POLICY): Marketplace[] {
  const withDefaults = Array.isArray(input)
    ? input.map((entry: unknown) =>
        entry && typeof entry === 'object' && !Array.isArray(entry)
          ? { ...entry, policy: { ...defaults, ...((entry as { policy?: object }).policy ?? {}) } }
          : entry,
      )
    : input;
  const result = z.array(marketplaceSchema).safeParse(withDefaults);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'file';
    throw new Error(`invalid marketplaces: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const ids = new Set<string>();
  for (const m of result.data) {
    if (ids.has(m.id)) throw new Error(`invalid marketplaces: id ${m.id} appears twice`);
    ids.add(m.id);
  }
  return result.data;
}
