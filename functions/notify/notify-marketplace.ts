import { audited, noticeSent } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import { noticeEmail, relistedNoticeEmail } from '#shared/emails/case-emails.ts';
import { recallIdentifiers, soldOn } from '#shared/identifiers.ts';
import { noticeLadder, timerOf, type WorkflowTimer } from '#shared/ladder.ts';
import { relistedNoticeSent } from '#shared/staydown.ts';
import { loadCase, marketplaceContext, sendCaseEmail, type CaseMailDeps, type LoadedCase } from '../case-operations/case-mail.ts';

export interface NotifyInput {
  caseId: string;
  recallNumber: string;
  marketplaceId: string;
  executionId: string;
}

/**
 * Opens the case and emails the notice with its signed link; the notice and its audit entry are
 * recorded in one write, so a retry neither sends it twice nor loses its entry. On a case reopened
 * by a relisting (its next execution), it sends the relisted notice instead.
 */
export async function notifyMarketplace(input: NotifyInput, deps: CaseMailDeps): Promise<WorkflowTimer> {
  const at = now();
  const opened = await deps.cases.open(input, at);
  const loaded = await loadCase(input.caseId, deps, opened);
  const relisting = loaded.record.status === 'RELISTED' ? loaded.record.relistings?.length : undefined;
  if (relisting && !loaded.record.relistings![relisting - 1]!.noticeAt) return notifyRelisting(input, loaded, relisting - 1, deps, at);
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
  const soldHere = soldOn(recallIdentifiers(loaded.recall), loaded.marketplace).length > 0;
  const entry = { actor: 'system' as const, action: 'NOTICE_SENT', detail: { deadline: ladder.deadline, timers: ladder.timers, soldHere, email } };
  const { record } = await deps.cases.mutate(
    input.caseId,
    at,
    (current) => audited(noticeSent(current, { sentAt: at, messageId: email.messageId, ladder, soldHere }), entry),
    loaded.record,
  );
  return timerOf(record.timers, at);
}

/**
 * The relisted notice: it cites the marketplace's earlier "blocked" answer and the listing seen
 * live, with a new deadline and the whole ladder counted from the report's working day.
 */
async function notifyRelisting(input: NotifyInput, loaded: LoadedCase, index: number, deps: CaseMailDeps, at: Date): Promise<WorkflowTimer> {
  const relisting = loaded.record.relistings![index]!;
  const ladder = noticeLadder(new Date(relisting.reportedAt), loaded.marketplace.policy, deps.calendar);
  const earlier = loaded.record.previousAnswers?.findLast((a) => a.answer.answer === 'blocked')?.answer;
  const reopened = { ...loaded, record: { ...loaded.record, deadline: ladder.deadline, timers: ladder.timers } };
  const email = await sendCaseEmail(deps, input.caseId, {
    to: loaded.marketplace.noticeEmails,
    email: relistedNoticeEmail(await marketplaceContext(reopened, deps), relisting, earlier?.answer === 'blocked' ? earlier : undefined),
    kind: 'RELISTED_NOTICE_SENT',
  });
  const entry = {
    actor: 'system' as const,
    action: 'RELISTED_NOTICE_SENT',
    detail: { relisting: index + 1, listing: relisting.listing, deadline: ladder.deadline, timers: ladder.timers, executionId: input.executionId, email },
  };
  const notice = { sentAt: at, messageId: email.messageId, deadline: ladder.deadline, timers: ladder.timers, executionId: input.executionId };
  const { record } = await deps.cases.mutate(input.caseId, at, (current) => audited(relistedNoticeSent(current, index, notice), entry), loaded.record);
  return timerOf(record.timers, at);
}
