import * as z from './schema.ts';
import type { StaffIdentity, VerifiedPrincipal } from './agency-identity.ts';
import type { Step, Timer } from './ladder.ts';
import type { KeyedAuditEntry } from './store/audit-log.ts';
import { agencyInstant } from './working-days.ts';

export const CASE_STATUSES = [
  'NOTIFIED',
  'NOTICE_BOUNCED',
  'REMINDED',
  'OVERDUE',
  'FINAL_NOTICE',
  'BLOCKED',
  'NOT_LISTED',
  'DISPUTED',
  'EXTENSION_REQUESTED',
  'CLOSED',
  'EXPIRED',
  'RELISTED',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which the case still waits for the marketplace's answer. */
export const AWAITING_STATUSES: readonly CaseStatus[] = ['NOTIFIED', 'NOTICE_BOUNCED', 'REMINDED', 'OVERDUE', 'FINAL_NOTICE', 'RELISTED'];
/** Statuses in which the case waits for a staff decision. */
export const STAFF_STATUSES: readonly CaseStatus[] = ['DISPUTED', 'EXTENSION_REQUESTED'];

export interface CaseRecord {
  caseId: string;
  recallNumber: string;
  marketplaceId: string;
  status: CaseStatus;
  executionId: string;
  openedAt: string;
  noticeSentAt?: string;
  noticeMessageId?: string;
  /** Whether the recall names this marketplace (by its name or an alias) as where the product was sold: set with the notice. */
  soldHere?: boolean;
  /** When staff last sent the marketplace a new response link. */
  linkReissuedAt?: string;
  /** When SES reported the notice undeliverable (a permanent bounce). */
  noticeBouncedAt?: string;
  /** The current deadline: the notice's, or the one a staff decision set. */
  deadline?: string;
  /** The ladder steps still to come, earliest first. */
  timers?: Timer[];
  remindedAt?: string;
  escalatedAt?: string;
  finalNoticeAt?: string;
  expiredAt?: string;
  /** The current Step Functions task token. Never sent, logged or shown. */
  taskToken?: string;
  /** Whose answer the current token waits for. */
  tokenFor?: 'marketplace' | 'staff';
  answer?: Answer;
  answeredAt?: string;
  answerOnTime?: boolean;
  /** Set by the workflow step that took the recorded answer (it ended the case). */
  answerDelivered?: boolean;
  /** Answers that staff sent back (a rejected dispute, a decided extension), oldest first. */
  previousAnswers?: { answer: Answer; answeredAt: string; onTime: boolean }[];
  /** `by` is the decider's email or IAM principal; `identity`, for a signed-in staff member, who their identity provider says they are. */
  decision?: Decision & { by: string; decidedAt: string } & VerifiedActor;
  /** Set by the workflow step that carried out a closing decision. */
  decisionDelivered?: boolean;
  closedAt?: string;
  /** Set when a workflow task failed after its retries: staff were alerted. */
  failure?: { executionId: string; error: string; cause: string; at: string };
  /**
   * Stay-down: after a "blocked" answer, the checks that the product is still off sale, each on
   * its working day after that answer's; a relisting starts a new period.
   */
  staydown?: Staydown;
  /** Listings seen live again after a block, as the agency reported them, oldest first. */
  relistings?: Relisting[];
  /** The token of the stay-down workflow's wait for an open check's answer. Never sent, logged or shown. */
  checkToken?: string;
  /** The answer (by its time) whose staff email went out: one per answer. */
  handedToStaffFor?: string;
  /** A ladder step claimed (the case moved on) whose email has still to be recorded as sent. */
  followUpPending?: { step: Step; from: CaseStatus; claimedAt: string };
  /**
   * The audit entries of the last change, written with it: a retry or the next change writes any
   * a crash kept from the log, so a change is never without its entry.
   */
  auditOutbox?: KeyedAuditEntry[];
  /** Incremented by every update: the guard of read-modify-write changes. */
  version: number;
  updatedAt: string;
}

/** Case ids double as execution names: letters, digits, dots and dashes only. */
export function caseIdOf(recallNumber: string, marketplaceId: string): string {
  return `${recallNumber}.${marketplaceId}`;
}

export const CASE_ID_PATTERN = /^\d{5,6}\.[a-z0-9][a-z0-9-]{1,39}$/;

const listings = z.pipe(
  z.pipe(
    z.string({ error: 'give the listings blocked, one id or URL per line' }),
    z.transform((s) =>
      s
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  ),
  z
    .array(z.string().check(z.maxLength(2000, 'a listing is at most 2,000 characters')))
    .check(z.maxLength(10_000, 'give at most 10,000 listings in one answer; send the rest in another')),
);

const isoDate = z.iso.date({ error: 'give the date as YYYY-MM-DD, a real day' });
const reason = (required?: string) =>
  z
    .string({ error: 'give the reason' })
    .check(z.trim(), z.maxLength(5000, 'the reason is at most 5,000 characters'), ...(required ? [z.minLength(1, required)] : []));

/** Whether a YYYY-MM-DD names a day that exists (2026-02-30 does not). */
const realDay = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
};

/** An instant with an offset, or a wall-clock time (as a datetime-local field sends it) in the agency's zone. */
const instant = z.pipe(
  z.string().check(
    z.trim(),
    z.refine(
      (s) =>
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.test(s) && !Number.isNaN(Date.parse(s.slice(0, 16))) && realDay(s.slice(0, 10)),
      'give the date and time, like 2026-11-30T14:05',
    ),
  ),
  z.transform((s) => {
    if (/(Z|[+-]\d{2}:\d{2})$/.test(s)) return new Date(s).toISOString();
    const [date, time] = s.split('T') as [string, string];
    const [hh, mm, ss] = time.split(':').map(Number) as [number, number, number | undefined];
    return agencyInstant(date, hh, mm, Math.floor(ss ?? 0)).toISOString();
  }),
);

const WHOLE_COUNT = 'count is the number of listings blocked, a whole number';

/** The marketplace's answer, as the response form posts it. */
export const answerSchema = z.discriminatedUnion(
  'answer',
  [
    z.object({
      answer: z.literal('blocked'),
      listings: listings.check(z.refine((l) => l.length > 0, 'give at least one listing id or URL, one per line')),
      count: z.pipe(z.coerce.number({ error: WHOLE_COUNT }), z.int(WHOLE_COUNT).check(z.gte(1, 'count must be at least 1'))),
      blockedAt: instant,
    }),
    z.object({ answer: z.literal('not_listed'), reason: z.optional(reason()) }),
    z.object({ answer: z.literal('dispute'), reason: reason('give the reason for the dispute') }),
    z.object({
      answer: z.literal('extension'),
      reason: reason('give the reason for the extension'),
      requestedDate: isoDate,
    }),
  ],
  { error: 'answer must be one of blocked, not_listed, dispute, extension' },
);
export type Answer = z.infer<typeof answerSchema>;

export const STATUS_OF_ANSWER: Record<Answer['answer'], CaseStatus> = {
  blocked: 'BLOCKED',
  not_listed: 'NOT_LISTED',
  dispute: 'DISPUTED',
  extension: 'EXTENSION_REQUESTED',
};

/** Answers that end the case; the others go to staff. */
export const FINAL_ANSWERS: ReadonlySet<Answer['answer']> = new Set(['blocked', 'not_listed']);

/** A staff decision on a case waiting for one. */
export const decisionSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('grant_extension'), until: isoDate, reason: z.optional(reason()) }),
  z.object({ decision: z.literal('refuse_extension'), reason: reason('give the reason for the refusal') }),
  z.object({ decision: z.literal('uphold_dispute'), reason: reason('give the reason for upholding the dispute') }),
  z.object({ decision: z.literal('reject_dispute'), reason: reason('give the reason for rejecting the dispute') }),
  z.object({ decision: z.literal('close'), reason: reason('give the reason for closing the case') }),
]);
export type Decision = z.infer<typeof decisionSchema>;

/** Which decisions each status admits. */
export const DECISIONS_FOR: Partial<Record<CaseStatus, readonly Decision['decision'][]>> = {
  DISPUTED: ['uphold_dispute', 'reject_dispute', 'close'],
  EXTENSION_REQUESTED: ['grant_extension', 'refuse_extension', 'close'],
  EXPIRED: ['close'],
};

/** Decisions that end the case; the others send it back to the marketplace with a new deadline. */
export const CLOSING_DECISIONS: ReadonlySet<Decision['decision']> = new Set(['uphold_dispute', 'close']);

/** One confirmation that a blocked product is still off sale. */
export interface StaydownCheck {
  /** The blocked period it belongs to (1, then 2 after the first relisting...). */
  period: number;
  /** Working days after the block's working day. */
  afterWorkingDays: number;
  /** When it is due to be asked for (09:00 New York that working day). */
  dueAt: string;
  /** The send slot its request waits for (SES's sending rate), once reserved. */
  slotAt?: string;
  requestedAt?: string;
  deadline?: string;
  remindedAt?: string;
  escalatedAt?: string;
  answer?: Attestation;
  answeredAt?: string;
  onTime?: boolean;
}

/** The stay-down checks of a case, every period's; the current period's run from its "blocked" answer until a relisting or the last check. */
export interface Staydown {
  /** The current period: 1 for the first block, 2 after the first relisting... */
  period: number;
  /** The current period's "blocked" answer: its checks count working days from its working day. */
  blockedAt: string;
  checks: StaydownCheck[];
}

/** A signed-in staff member as their identity provider vouched for them. */
export type VerifiedStaff = Omit<StaffIdentity, 'kind'>;

/** What a record keeps of who acted, beside their name (`by`): the staff member's provider's word, or STS's. */
export type VerifiedActor = { identity?: VerifiedStaff; principal?: VerifiedPrincipal };

/** A listing seen live after a block, and what came of it. */
export interface Relisting {
  reportedAt: string;
  /** When the listing was seen live (the report's own time unless given). */
  seenAt: string;
  listing: string;
  /** Who reported it: staff or a monitoring tool, as verified. */
  by: string;
  identity?: VerifiedStaff;
  principal?: VerifiedPrincipal;
  noticeAt?: string;
  deadline?: string;
  /** When the marketplace's "blocked" answer to it was recorded. */
  removedAt?: string;
}

/** A stay-down check's answer, as the response form or the JSON API posts it. */
export const attestationSchema = z.discriminatedUnion(
  'answer',
  [
    z.object({ answer: z.literal('still_blocked') }),
    z.object({
      answer: z.literal('found_removed'),
      listings: listings.check(z.refine((l) => l.length > 0, 'give at least one listing id or URL, one per line')),
      count: z.pipe(
        z.coerce.number({ error: 'count is the number of listings removed, a whole number' }),
        z.int('count is the number of listings removed, a whole number').check(z.gte(1, 'count must be at least 1')),
      ),
      blockedAt: instant,
    }),
  ],
  { error: 'answer must be still_blocked or found_removed' },
);
export type Attestation = z.infer<typeof attestationSchema>;
