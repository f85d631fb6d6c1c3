import type { CaseRecord } from '#shared/case.ts';
import { audited, followUpSent, stepApplies, stepClaimed, stepDeferred, stepDone } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import { escalationEmail, finalNoticeEmail, reminderEmail, staffExpiredEmail, type Email } from '#shared/emails/case-emails.ts';
import { timerOf, type Step, type WorkflowTimer } from '#shared/ladder.ts';
import type { SendSlots } from '#shared/store/send-slots.ts';
import {
  loadCase,
  marketplaceContext,
  sendCaseEmail,
  staffContext,
  type CaseMailDeps,
  type EmailRecord,
  type LoadedCase,
} from '../case-operations/case-mail.ts';

export interface FollowUpInput {
  caseId: string;
  step: Step;
}

export type FollowUpResult = WorkflowTimer & { expired: boolean };

export type FollowUpDeps = CaseMailDeps & { sendSlots: SendSlots };

const ACTIONS: Record<Step, string> = { REMIND: 'REMINDER_SENT', ESCALATE: 'ESCALATED', FINAL_NOTICE: 'FINAL_NOTICE_SENT', EXPIRE: 'EXPIRED' };

/** The step's email, to whom it goes: the marketplace (escalations and the final notice copied to staff), or staff alone (an expiry). */
async function sendStepEmail(step: Step, loaded: LoadedCase, deps: CaseMailDeps, at: Date): Promise<EmailRecord> {
  const { marketplace, record } = loaded;
  const staff = deps.settings.staffEmails;
  const escalation = marketplace.escalationEmails.length ? marketplace.escalationEmails : marketplace.noticeEmails;
  const mail = (to: string[], cc: string[], email: Email) => sendCaseEmail(deps, record.caseId, { to, cc, email, kind: ACTIONS[step] });
  switch (step) {
    case 'REMIND':
      return mail(marketplace.noticeEmails, [], reminderEmail(await marketplaceContext(loaded, deps)));
    case 'ESCALATE':
      return mail(escalation, staff, escalationEmail(await marketplaceContext(loaded, deps)));
    case 'FINAL_NOTICE': {
      const expiry = record.timers?.find((t) => t.step === 'EXPIRE')?.at ?? at.toISOString();
      const to = [...new Set([...marketplace.noticeEmails, ...marketplace.escalationEmails])];
      return mail(to, staff, finalNoticeEmail(await marketplaceContext(loaded, deps), new Date(expiry)));
    }
    case 'EXPIRE':
      return mail(staff, [], staffExpiredEmail(staffContext(loaded, deps)));
  }
}

/** The claimed step's email goes out, then the claim is settled with the step's audit entry (one write). */
async function sendClaimed(step: Step, loaded: LoadedCase, deps: CaseMailDeps, at: Date): Promise<CaseRecord> {
  const pending = loaded.record.followUpPending!;
  const email = await sendStepEmail(step, loaded, deps, at);
  const entry = { actor: 'system' as const, action: ACTIONS[step], detail: { step, from: pending.from, email } };
  const { record } = await deps.cases.mutate(loaded.record.caseId, at, (current) => audited(followUpSent(current, step), entry), loaded.record);
  return record;
}

const resultOf = (record: CaseRecord, at: Date): FollowUpResult => ({ ...timerOf(record.timers, at), expired: record.status === 'EXPIRED' });

/**
 * A ladder timer fired without an answer: remind, escalate (OVERDUE), send the final notice,
 * or expire, then give the workflow its next timer. The step is claimed before its email goes
 * out (the case moves on in that write), so an answer and a follow-up never both win: an answer
 * recorded first leaves nothing to claim and no email goes; one recorded after finds the case
 * moved on. A retried step never claims twice; an email claimed but not recorded is sent again
 * (at least once). The steps of a burst of cases fall due together: each email first takes a send
 * slot, and one whose slot is a second or more away moves its timer there and goes back to
 * waiting (for the slot, or an answer).
 */
export async function followUp(input: FollowUpInput, deps: FollowUpDeps): Promise<FollowUpResult> {
  const at = now();
  const loaded = await loadCase(input.caseId, deps);
  if (loaded.record.followUpPending?.step === input.step) return resultOf(await sendClaimed(input.step, loaded, deps, at), at);
  const timer = loaded.record.timers?.find((t) => t.step === input.step);
  if (!timer || Date.parse(timer.at) > at.getTime()) {
    await deps.cases.settle(loaded.record);
    return resultOf(loaded.record, at);
  }
  if (stepApplies(loaded.record, input.step) && !timer.slotted) {
    const [slot] = await deps.sendSlots.reserve(1, at);
    if (slot!.getTime() - at.getTime() >= 1000) {
      const { record } = await deps.cases.mutate(input.caseId, at, (current) => stepDeferred(current, input.step, slot!), loaded.record);
      return resultOf(record, at);
    }
  }
  const claimed = await deps.cases.mutate(
    input.caseId,
    at,
    (current) => stepClaimed(current, input.step, at) ?? stepDone(current, input.step, at),
    loaded.record,
  );
  if (claimed.record.followUpPending?.step !== input.step) return resultOf(claimed.record, at);
  return resultOf(await sendClaimed(input.step, { ...loaded, record: claimed.record }, deps, at), at);
}
