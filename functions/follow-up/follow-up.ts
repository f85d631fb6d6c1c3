import { stepApplies, stepDeferred, stepDone } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import { escalationEmail, finalNoticeEmail, reminderEmail, staffExpiredEmail } from '#shared/emails/case-emails.ts';
import { timerOf, type Step, type WorkflowTimer } from '#shared/ladder.ts';
import type { SendSlots } from '#shared/store/send-slots.ts';
import { loadCase, marketplaceContext, sendAndAudit, staffContext, type CaseMailDeps, type LoadedCase } from '../case-operations/case-mail.ts';

export interface FollowUpInput {
  caseId: string;
  step: Step;
}

export type FollowUpResult = WorkflowTimer & { expired: boolean };

export type FollowUpDeps = CaseMailDeps & { sendSlots: SendSlots };

const ACTIONS: Record<Step, string> = { REMIND: 'REMINDER_SENT', ESCALATE: 'ESCALATED', FINAL_NOTICE: 'FINAL_NOTICE_SENT', EXPIRE: 'EXPIRED' };

async function sendStepEmail(step: Step, loaded: LoadedCase, deps: CaseMailDeps, at: Date): Promise<void> {
  const { marketplace, record } = loaded;
  const staff = deps.settings.staffEmails;
  const escalation = marketplace.escalationEmails.length ? marketplace.escalationEmails : marketplace.noticeEmails;
  const mail = async (to: string[], cc: string[], email: ReturnType<typeof reminderEmail>) =>
    sendAndAudit(deps, record.caseId, at, { to, cc, email, action: ACTIONS[step], detail: { step, from: record.status } });
  switch (step) {
    case 'REMIND':
      return void (await mail(marketplace.noticeEmails, [], reminderEmail(await marketplaceContext(loaded, deps))));
    case 'ESCALATE':
      return void (await mail(escalation, staff, escalationEmail(await marketplaceContext(loaded, deps))));
    case 'FINAL_NOTICE': {
      const expiry = record.timers?.find((t) => t.step === 'EXPIRE')?.at ?? at.toISOString();
      const to = [...new Set([...marketplace.noticeEmails, ...marketplace.escalationEmails])];
      return void (await mail(to, staff, finalNoticeEmail(await marketplaceContext(loaded, deps), new Date(expiry))));
    }
    case 'EXPIRE':
      return void (await mail(staff, [], staffExpiredEmail(staffContext(loaded, deps))));
  }
}

/**
 * A ladder timer fired without an answer: remind, escalate (OVERDUE), send the final notice,
 * or expire, then give the workflow its next timer. A step that no longer applies (an answer
 * came in meanwhile) sends nothing; a retried step never sends twice. The steps of a burst of
 * cases fall due together: each email first takes a send slot, and one whose slot is a second or
 * more away moves its timer there and goes back to waiting (for the slot, or an answer).
 */
export async function followUp(input: FollowUpInput, deps: FollowUpDeps): Promise<FollowUpResult> {
  const at = now();
  const loaded = await loadCase(input.caseId, deps);
  const timer = loaded.record.timers?.find((t) => t.step === input.step);
  const due = timer !== undefined && Date.parse(timer.at) <= at.getTime();
  const sends = due && stepApplies(loaded.record, input.step);
  if (sends && !timer.slotted) {
    const [slot] = await deps.sendSlots.reserve(1, at);
    if (slot!.getTime() - at.getTime() >= 1000) {
      const { record } = await deps.cases.mutate(input.caseId, at, (current) => stepDeferred(current, input.step, slot!), loaded.record);
      return { ...timerOf(record.timers, at), expired: false };
    }
  }
  if (sends) await sendStepEmail(input.step, loaded, deps, at);
  const { record } = due ? await deps.cases.mutate(input.caseId, at, (current) => stepDone(current, input.step, at), loaded.record) : loaded;
  return { ...timerOf(record.timers, at), expired: record.status === 'EXPIRED' };
}
