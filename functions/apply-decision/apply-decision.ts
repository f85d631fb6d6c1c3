import { actorOfRecord } from '#shared/agency-identity.ts';
import { CLOSING_DECISIONS, type CaseRecord } from '#shared/case.ts';
import { audited, closed, delivered, resumed } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import { decisionEmail } from '#shared/emails/case-emails.ts';
import { resumedLadder, timerOf, type WorkflowTimer } from '#shared/ladder.ts';
import { loadCase, marketplaceContext, sendCaseEmail, type CaseMailDeps } from '../case-operations/case-mail.ts';

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
  const actor = actorOfRecord(decision);
  const to = loaded.marketplace.noticeEmails;
  if (CLOSING_DECISIONS.has(decision.decision)) {
    if (loaded.record.closedAt) await deps.cases.settle(loaded.record);
    else {
      const email = await sendCaseEmail(deps, input.caseId, {
        to,
        email: decisionEmail(await marketplaceContext(loaded, deps), decision, false),
        kind: 'CASE_CLOSED',
      });
      const entry = { actor, action: 'CASE_CLOSED', detail: { decision: decision.decision, reason: decision.reason, email } };
      await deps.cases.mutate(input.caseId, at, (current) => audited(delivered(closed(current, 'CLOSED', at), 'decisionDelivered'), entry), loaded.record);
    }
    return { closed: true };
  }
  if (!loaded.record.answer) {
    await deps.cases.settle(loaded.record);
    return { ...timerOf(loaded.record.timers, at), closed: false };
  }
  const ladder = resumedLadder(new Date(decision.decidedAt), loaded.marketplace.policy, deps.calendar, {
    grantedUntil: decision.decision === 'grant_extension' ? decision.until : undefined,
    previousExpiry: loaded.record.timers?.find((t) => t.step === 'EXPIRE')?.at,
  });
  const context = await marketplaceContext({ ...loaded, record: { ...loaded.record, deadline: ladder.deadline } }, deps);
  const email = await sendCaseEmail(deps, input.caseId, { to, email: decisionEmail(context, decision, true), kind: 'CASE_RESUMED' });
  const entry = {
    actor,
    action: 'CASE_RESUMED',
    detail: { decision: decision.decision, reason: decision.reason, deadline: ladder.deadline, timers: ladder.timers, email },
  };
  const { record } = await deps.cases.mutate(input.caseId, at, (current) => audited(resumed(current, ladder), entry), loaded.record);
  return { ...timerOf(record.timers, at), closed: false };
}
