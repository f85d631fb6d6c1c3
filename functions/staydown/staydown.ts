import type { CaseRecord, StaydownCheck } from '#shared/case.ts';
import { audited } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import { staydownCheckEmail, staydownEscalationEmail, staydownReminderEmail, type BlockedAnswer } from '#shared/emails/case-emails.ts';
import { checkFollowedUp, checkRequested, checkSlotted, checkTimes, nextCheck } from '#shared/staydown.ts';
import type { SendSlots } from '#shared/store/send-slots.ts';
import { loadCase, marketplaceContext, sendCaseEmail, type CaseMailDeps, type LoadedCase } from '../case-operations/case-mail.ts';

export type StaydownDeps = CaseMailDeps & { sendSlots: SendSlots };

export interface StaydownInput {
  caseId: string;
  /** The blocked period this workflow runs the checks of. */
  period: number;
  step: 'NEXT' | 'REQUEST' | 'FOLLOW_UP';
  /** The check (REQUEST, FOLLOW_UP). */
  index?: number;
}

/** NEXT: the next check and when it is due, or done (no check left, or the case is no longer blocked in this period). */
export type NextCheck = { done: true } | { done: false; index: number; at: string };
/**
 * REQUEST, FOLLOW_UP: wait for the answer until this timer; or for the request's send slot; or
 * stop waiting (answered, escalated, or the case moved on).
 */
export type CheckWait = { waiting: false } | { waiting: true; step: 'REMIND' | 'ESCALATE'; at: string; timeoutSeconds: number } | { sendAt: string };

const waitUntil = (step: 'REMIND' | 'ESCALATE', at: string, from: Date): CheckWait => ({
  waiting: true,
  step,
  at,
  timeoutSeconds: Math.max(1, Math.ceil((Date.parse(at) - from.getTime()) / 1000)),
});

/** The check this period's workflow is about, while the case is still blocked in that period. */
function checkOf(record: CaseRecord, input: StaydownInput): StaydownCheck | undefined {
  if (record.status !== 'BLOCKED' || record.staydown?.period !== input.period || input.index === undefined) return undefined;
  const check = record.staydown.checks[input.index];
  return check?.period === input.period ? check : undefined;
}

/** The "blocked" answer the checks are about. */
function blockedAnswer(record: CaseRecord): BlockedAnswer {
  const answer = record.answer?.answer === 'blocked' ? record.answer : undefined;
  return { listings: answer?.listings ?? [], count: answer?.count ?? 0, blockedAt: answer?.blockedAt ?? record.answeredAt ?? '' };
}

/**
 * Asks for the check (once): first a send slot (checks due at the same hour would otherwise
 * all go at once), then the email, then the check recorded as asked for with its audit entry.
 */
async function request(input: StaydownInput, loaded: LoadedCase, deps: StaydownDeps, at: Date): Promise<CheckWait> {
  const check = checkOf(loaded.record, input);
  if (!check) return { waiting: false };
  if (check.requestedAt) {
    await deps.cases.settle(loaded.record);
    return waitUntil('REMIND', checkTimes(new Date(check.requestedAt), loaded.marketplace.policy, deps.calendar).reminder.toISOString(), at);
  }
  if (!check.slotAt) {
    const [slot] = await deps.sendSlots.reserve(1, at);
    if (slot!.getTime() - at.getTime() >= 1000) {
      await deps.cases.mutate(input.caseId, at, (current) => checkSlotted(current, input.period, input.index!, slot!), loaded.record);
      return { sendAt: slot!.toISOString() };
    }
  } else if (Date.parse(check.slotAt) - at.getTime() >= 1000) return { sendAt: check.slotAt };
  const times = checkTimes(at, loaded.marketplace.policy, deps.calendar);
  const context = { ...(await marketplaceContext(loaded, deps, times.deadline)), deadline: times.deadline };
  const email = await sendCaseEmail(deps, input.caseId, {
    to: loaded.marketplace.noticeEmails,
    email: staydownCheckEmail(context, blockedAnswer(loaded.record), check.afterWorkingDays),
    kind: 'STAYDOWN_CHECK',
  });
  const entry = {
    actor: 'system' as const,
    action: 'STAYDOWN_CHECK_REQUESTED',
    detail: { period: input.period, afterWorkingDays: check.afterWorkingDays, deadline: times.deadline.toISOString(), email },
  };
  await deps.cases.mutate(
    input.caseId,
    at,
    (current) => audited(checkRequested(current, input.period, input.index!, at, times.deadline), entry),
    loaded.record,
  );
  return waitUntil('REMIND', times.reminder.toISOString(), at);
}

/** An unanswered check's reminder, then (at its deadline) its escalation to the marketplace's escalation contacts with staff in copy; never closes or reopens the case. */
async function followUp(input: StaydownInput, loaded: LoadedCase, deps: StaydownDeps, at: Date): Promise<CheckWait> {
  const check = checkOf(loaded.record, input);
  if (!check?.requestedAt || !check.deadline || check.answer || check.escalatedAt) return { waiting: false };
  const { marketplace } = loaded;
  const context = { ...(await marketplaceContext(loaded, deps, new Date(check.deadline))), deadline: new Date(check.deadline) };
  const step = at.getTime() >= Date.parse(check.deadline) ? 'ESCALATE' : 'REMIND';
  if (step === 'REMIND' && check.remindedAt) return waitUntil('ESCALATE', check.deadline, at);
  const email =
    step === 'ESCALATE'
      ? await sendCaseEmail(deps, input.caseId, {
          to: marketplace.escalationEmails.length ? marketplace.escalationEmails : marketplace.noticeEmails,
          cc: deps.settings.staffEmails,
          email: staydownEscalationEmail(context),
          kind: 'STAYDOWN_ESCALATED',
        })
      : await sendCaseEmail(deps, input.caseId, { to: marketplace.noticeEmails, email: staydownReminderEmail(context), kind: 'STAYDOWN_REMINDER' });
  const entry = {
    actor: 'system' as const,
    action: step === 'ESCALATE' ? 'STAYDOWN_CHECK_ESCALATED' : 'STAYDOWN_REMINDER_SENT',
    detail: { period: input.period, afterWorkingDays: check.afterWorkingDays, email },
  };
  await deps.cases.mutate(input.caseId, at, (current) => audited(checkFollowedUp(current, input.period, input.index!, step, at), entry), loaded.record);
  return step === 'ESCALATE' ? { waiting: false } : waitUntil('ESCALATE', check.deadline, at);
}

/**
 * The stay-down workflow's steps, one blocked period at a time: the next check and when it is
 * due; asking for it (an email with the recall's identifiers, the listings blocked and the case's
 * link); and, while unanswered, its reminder and its escalation.
 */
export async function staydown(input: StaydownInput, deps: StaydownDeps): Promise<NextCheck | CheckWait> {
  const at = now();
  if (input.step === 'NEXT') {
    const record = await deps.cases.get(input.caseId);
    const next = record?.staydown?.period === input.period ? nextCheck(record) : undefined;
    return next ? { done: false, index: next.index, at: next.check.dueAt } : { done: true };
  }
  const loaded = await loadCase(input.caseId, deps);
  return input.step === 'REQUEST' ? request(input, loaded, deps, at) : followUp(input, loaded, deps, at);
}
