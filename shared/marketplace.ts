import * as z from './schema.ts';

export const DEFAULT_POLICY = {
  reminderAfterWorkingDays: 1,
  deadlineWorkingDays: 2,
  finalNoticeAfterWorkingDays: 5,
  expireAfterWorkingDays: 60,
  /** After a "blocked" answer, the marketplace confirms the product is still off sale on these working days (counted from the answer's). */
  staydownChecksAfterWorkingDays: [20, 60],
  /** How many working days each of those confirmations has. */
  staydownAnswerWorkingDays: 2,
};

const workingDays = z.int().check(z.gte(1), z.lte(250));

/** A ladder in working days; numbers left out are DESIGN.md's defaults; each must exceed the one before. */
export const policySchema = z.prefault(
  z
    .object({
      reminderAfterWorkingDays: z._default(workingDays, DEFAULT_POLICY.reminderAfterWorkingDays),
      deadlineWorkingDays: z._default(workingDays, DEFAULT_POLICY.deadlineWorkingDays),
      finalNoticeAfterWorkingDays: z._default(workingDays, DEFAULT_POLICY.finalNoticeAfterWorkingDays),
      expireAfterWorkingDays: z._default(workingDays, DEFAULT_POLICY.expireAfterWorkingDays),
      staydownChecksAfterWorkingDays: z._default(z.array(workingDays).check(z.maxLength(12, 'give at most 12 stay-down checks')), () => [
        ...DEFAULT_POLICY.staydownChecksAfterWorkingDays,
      ]),
      staydownAnswerWorkingDays: z._default(workingDays, DEFAULT_POLICY.staydownAnswerWorkingDays),
    })
    .check(
      z.refine((p) => p.reminderAfterWorkingDays < p.deadlineWorkingDays, 'reminderAfterWorkingDays must be less than deadlineWorkingDays'),
      z.refine((p) => p.deadlineWorkingDays < p.finalNoticeAfterWorkingDays, 'finalNoticeAfterWorkingDays must be more than deadlineWorkingDays'),
      z.refine((p) => p.finalNoticeAfterWorkingDays < p.expireAfterWorkingDays, 'expireAfterWorkingDays must be more than finalNoticeAfterWorkingDays'),
      z.refine(
        (p) => p.staydownChecksAfterWorkingDays.every((n, i, all) => i === 0 || n > all[i - 1]!),
        'staydownChecksAfterWorkingDays must be ascending whole numbers of working days ([] turns the checks off)',
      ),
      z.refine(
        (p) => p.staydownChecksAfterWorkingDays.every((n, i, all) => i === 0 || n - all[i - 1]! > p.staydownAnswerWorkingDays),
        'each stay-down check must come after the one before has had its staydownAnswerWorkingDays',
      ),
    ),
  {},
);

export const marketplaceSchema = z.object({
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'lowercase letters, digits and dashes, 2 to 40 characters')),
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  noticeEmails: z.array(z.email()).check(z.minLength(1)),
  escalationEmails: z._default(z.array(z.email()), []),
  aliases: z._default(z.array(z.string().check(z.minLength(1))), []),
  active: z._default(z.boolean(), true),
  policy: policySchema,
  /**
   * A stored marketplace's count of writes. An entry to store that gives it (the staff console's
   * forms do) is based on that version, and is refused if the marketplace has changed since; 0 for
   * one not stored yet. An entry without it replaces whatever is stored.
   */
  version: z.optional(z.int().check(z.gte(0, 'the version the entry was based on: a whole number, 0 for a new marketplace'))),
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
  const result = z.safeParse(z.array(marketplaceSchema), withDefaults);
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
