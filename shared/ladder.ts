import type { Policy } from './marketplace.ts';
import { endOfAgencyDay, type WorkingCalendar } from './working-days.ts';

/**
 * The follow-up ladder of a case: what happens when, while the marketplace has not answered.
 * Every time is "N working days after" an anchor (the notice, or a staff decision).
 */
export type Step = 'REMIND' | 'ESCALATE' | 'FINAL_NOTICE' | 'EXPIRE';

export interface Timer {
  step: Step;
  /** ISO instant at which the step is due. */
  at: string;
  /** Moved to a send slot of its own (SES's sending rate): the email goes at `at` without taking another. */
  slotted?: boolean;
}

export interface Ladder {
  deadline: string;
  timers: Timer[];
}

const later = (a: Date, b: Date | undefined) => (b && b > a ? b : a);
const timer = (step: Step, at: Date): Timer => ({ step, at: at.toISOString() });

/** The ladder a notice starts: reminder, deadline (escalation), final notice, expiry. */
export function noticeLadder(notice: Date, policy: Policy, calendar: WorkingCalendar): Ladder {
  const deadline = calendar.workingDaysAfter(notice, policy.deadlineWorkingDays);
  return {
    deadline: deadline.toISOString(),
    timers: [
      timer('REMIND', calendar.workingDaysAfter(notice, policy.reminderAfterWorkingDays)),
      timer('ESCALATE', deadline),
      timer('FINAL_NOTICE', calendar.workingDaysAfter(notice, policy.finalNoticeAfterWorkingDays)),
      timer('EXPIRE', calendar.workingDaysAfter(notice, policy.expireAfterWorkingDays)),
    ],
  };
}

/**
 * The ladder after staff send the case back to the marketplace: a granted extension sets the
 * deadline to the end of the granted day; a rejected dispute or refused extension gives the
 * policy's deadline again from the decision. The case never expires earlier than it would have.
 */
export function resumedLadder(decidedAt: Date, policy: Policy, calendar: WorkingCalendar, options: { grantedUntil?: string; previousExpiry?: string }): Ladder {
  const deadline = options.grantedUntil ? endOfAgencyDay(options.grantedUntil) : calendar.workingDaysAfter(decidedAt, policy.deadlineWorkingDays);
  const anchor = options.grantedUntil ? deadline : decidedAt;
  const offset = options.grantedUntil ? policy.deadlineWorkingDays : 0;
  const previousExpiry = options.previousExpiry ? new Date(options.previousExpiry) : undefined;
  return {
    deadline: deadline.toISOString(),
    timers: [
      timer('ESCALATE', deadline),
      timer('FINAL_NOTICE', calendar.workingDaysAfter(anchor, policy.finalNoticeAfterWorkingDays - offset)),
      timer('EXPIRE', later(calendar.workingDaysAfter(anchor, policy.expireAfterWorkingDays - offset), previousExpiry)),
    ],
  };
}

/** The timer the workflow waits on next: which step, when, and the whole seconds until then. */
export type WorkflowTimer = Timer & { timeoutSeconds: number };

/**
 * The next step and the whole seconds until it (at least 1, as Step Functions requires); a
 * ladder that has run out expires at once.
 */
export function timerOf(timers: readonly Timer[] | undefined, now: Date): WorkflowTimer {
  const next = [...(timers ?? [])].sort((a, b) => a.at.localeCompare(b.at))[0];
  if (!next) return { step: 'EXPIRE', at: now.toISOString(), timeoutSeconds: 1 };
  return { ...next, timeoutSeconds: Math.max(1, Math.ceil((Date.parse(next.at) - now.getTime()) / 1000)) };
}
