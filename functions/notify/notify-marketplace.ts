import { audited, noticeSent } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import { noticeEmail } from '#shared/emails/case-emails.ts';
import { noticeLadder, timerOf, type WorkflowTimer } from '#shared/ladder.ts';
import { loadCase, marketplaceContext, sendCaseEmail, type CaseMailDeps } from '../case-operations/case-mail.ts';

export interface NotifyInput {
  caseId: string;
  recallNumber: string;
  marketplaceId: string;
  executionId: string;
}

/**
 * Opens the case and emails the notice with its signed link; the notice and its audit entry are
 * recorded in one write, so a retry neither sends it twice nor loses its entry.
 */
export async function notifyMarketplace(input: NotifyInput, deps: CaseMailDeps): Promise<WorkflowTimer> {
  const at = now();
  const opened = await deps.cases.open(input, at);
  const loaded = await loadCase(input.caseId, deps, opened);
  if (loaded.record.noticeSentAt) {
    // A retry after the notice went out: its audit entry is written if a crash kept it back.
    await deps.cases.settle(loaded.record);
    return timerOf(loaded.record.timers, at);
  }
  const ladder = noticeLadder(at, loaded.marketplace.policy, deps.calendar);
  const noticed = { ...loaded, record: { ...loaded.record, noticeSentAt: at.toISOString(), deadline: ladder.deadline, timers: ladder.timers } };
  const email = await sendCaseEmail(deps, input.caseId, {
    to: loaded.marketplace.noticeEmails,
    email: noticeEmail(await marketplaceContext(noticed, deps)),
    kind: 'NOTICE_SENT',
  });
  const entry = { actor: 'system' as const, action: 'NOTICE_SENT', detail: { deadline: ladder.deadline, timers: ladder.timers, email } };
  const { record } = await deps.cases.mutate(
    input.caseId,
    at,
    (current) => audited(noticeSent(current, { sentAt: at, messageId: email.messageId, ladder }), entry),
    loaded.record,
  );
  return timerOf(record.timers, at);
}
