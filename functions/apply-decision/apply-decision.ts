import { CLOSING_DECISIONS, type CaseRecord } from '#shared/case.ts';
import { closed, delivered, resumed } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import { decisionEmail } from '#shared/emails/case-emails.ts';
import { resumedLadder, timerOf, type WorkflowTimer } from '#shared/ladder.ts';
import { loadCase, marketplaceContext, sendAndAudit, type CaseMailDeps } from '../case-operations/case-mail.ts';

export interface ApplyInput {
  caseId: string;
  decision: NonNullable<CaseRecord['decision']>;
}

/** The case ended; or it goes back to the marketplace, and the workflow waits for this timer. */
export type ApplyResult = { closed: true } | (WorkflowTimer & { closed: false });

/**
 * Carries out a staff decision: upholding a dispute or closing ends the case; granting or
 * refusing an extension, or rejecting a dispute, sends the case back to the marketplace with a
 * new deadline. The marketplace is told either way.
 */
export async function applyDecision(input: ApplyInput, deps: CaseMailDeps): Promise<ApplyResult> {
  const at = now();
  const { decision } = input;
  const loaded = await loadCase(input.caseId, deps);
  const actor = `staff:${decision.by}` as const;
  if (CLOSING_DECISIONS.has(decision.decision)) {
    if (!loaded.record.closedAt) {
      await sendAndAudit(deps, input.caseId, at, {
        to: loaded.marketplace.noticeEmails,
        email: decisionEmail(await marketplaceContext(loaded, deps), decision, false),
        action: 'CASE_CLOSED',
        actor,
        detail: { decision: decision.decision, reason: decision.reason },
      });
      await deps.cases.mutate(input.caseId, at, (current) => delivered(closed(current, 'CLOSED', at), 'decisionDelivered'), loaded.record);
    }
    return { closed: true };
  }
  if (loaded.record.answer) {
    const ladder = resumedLadder(new Date(decision.decidedAt), loaded.marketplace.policy, deps.calendar, {
      grantedUntil: decision.decision === 'grant_extension' ? decision.until : undefined,
      previousExpiry: loaded.record.timers?.find((t) => t.step === 'EXPIRE')?.at,
    });
    const context = await marketplaceContext({ ...loaded, record: { ...loaded.record, deadline: ladder.deadline } }, deps);
    await sendAndAudit(deps, input.caseId, at, {
      to: loaded.marketplace.noticeEmails,
      email: decisionEmail(context, decision, true),
      action: 'CASE_RESUMED',
      actor,
      detail: { decision: decision.decision, reason: decision.reason, deadline: ladder.deadline, timers: ladder.timers },
    });
    const { record } = await deps.cases.mutate(input.caseId, at, (current) => resumed(current, ladder), loaded.record);
    return { ...timerOf(record.timers, at), closed: false };
  }
  return { ...timerOf(loaded.record.timers, at), closed: false };
}
