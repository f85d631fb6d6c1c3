import { now } from '#shared/clock.ts';
import { noticeEmail } from '#shared/emails/notice.ts';
import type { Mailer } from '#shared/mailer.ts';
import { caseLink } from '#shared/signed-link.ts';
import type { AuditLog } from '#shared/store/audit-log.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import type { MarketplaceStore } from '#shared/store/marketplace-store.ts';
import type { RecallStore } from '#shared/store/recall-store.ts';
import { WorkingCalendar } from '#shared/working-days.ts';
import type { LinkKeys } from '../runtime/link-keys.ts';

export interface NotifyInput {
  caseId: string;
  recallNumber: string;
  marketplaceId: string;
  executionId: string;
}

/** What the workflow needs to wait for the answer: the deadline, and the seconds until it. */
export interface Timer {
  deadline: string;
  timeoutSeconds: number;
}

export interface NotifyDeps {
  cases: CaseStore;
  recalls: RecallStore;
  marketplaces: MarketplaceStore;
  audit: AuditLog;
  mailer: Mailer;
  linkKeys: () => Promise<LinkKeys>;
  respondBaseUrl: string;
  linkValidityDays: number;
}

export function secondsUntil(deadline: Date, at: Date): number {
  return Math.max(1, Math.ceil((deadline.getTime() - at.getTime()) / 1000));
}

/** Opens the case and emails the notice with its signed link; a retry never sends it twice. */
export async function notifyMarketplace(input: NotifyInput, deps: NotifyDeps): Promise<Timer> {
  const at = now();
  const [recall, marketplace] = await Promise.all([deps.recalls.get(input.recallNumber), deps.marketplaces.get(input.marketplaceId)]);
  if (!recall) throw new Error(`recall ${input.recallNumber} is not stored; ingest it before starting its cases`);
  if (!marketplace) throw new Error(`marketplace ${input.marketplaceId} is not configured; import the marketplaces file`);
  const record = await deps.cases.open(input, at);
  if (record.noticeSentAt && record.deadline) {
    return { deadline: record.deadline, timeoutSeconds: secondsUntil(new Date(record.deadline), at) };
  }
  const deadline = new WorkingCalendar().workingDaysAfter(at, marketplace.policy.deadlineWorkingDays);
  const link = caseLink(input.caseId, at, { baseUrl: deps.respondBaseUrl, key: (await deps.linkKeys()).current, validityDays: deps.linkValidityDays });
  const messageId = await deps.mailer.send({ to: marketplace.noticeEmails, ...noticeEmail(recall, marketplace, link, deadline) });
  await deps.cases.recordNotice(input.caseId, { sentAt: at, messageId, deadline });
  await deps.audit.append({
    caseId: input.caseId,
    at: at.toISOString(),
    actor: 'system',
    action: 'NOTICE_SENT',
    detail: { to: marketplace.noticeEmails, messageId, deadline: deadline.toISOString() },
  });
  return { deadline: deadline.toISOString(), timeoutSeconds: secondsUntil(deadline, at) };
}
