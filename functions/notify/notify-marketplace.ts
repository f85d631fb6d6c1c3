import { noticeSent } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import { noticeEmail } from '#shared/emails/case-emails.ts';
import { noticeLadder, timerOf, type WorkflowTimer } from '#shared/ladder.ts';
import { loadCase, marketplaceContext, sendAndAudit, type CaseMailDeps } from '../case-operations/case-mail.ts';

export interface NotifyInput {
  caseId: string;
  recallNumber: string;
  marketplaceId: string;
  executionId: string;
}

/** Opens the case and emails the notice with its signed link; a retry never sends it twice. */
export async function notifyMarketplace(input: NotifyInput, deps: CaseMailDeps): Promise<WorkflowTimer> {
  const at = now();
  const opened = await deps.cases.open(input, at);
  const loaded = await loadCase(input.caseId, deps, opened);
  if (loaded.record.noticeSentAt) return timerOf(loaded.record.timers, at);

  const ladder = noticeLadder(at, loaded.marketplace.policy, deps.calendar);
  const noticed = { ...loaded, record: { ...loaded.record, noticeSentAt: at.toISOString(), deadline: ladder.deadline } };
  const email = noticeEmail(await marketplaceContext(noticed, deps));
  const messageId = await sendAndAudit(deps, input.caseId, at, {
    to: loaded.marketplace.noticeEmails,
    email,
    action: 'NOTICE_SENT',
    detail: { deadline: ladder.deadline, timers: ladder.timers },
  });
  const { record } = await deps.cases.mutate(input.caseId, at, (current) => noticeSent(current, { sentAt: at, messageId, ladder }), loaded.record);
  return timerOf(record.timers, at);
}
