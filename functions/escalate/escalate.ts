import { now } from '#shared/clock.ts';
import { overdueEmail } from '#shared/emails/notice.ts';
import type { Mailer } from '#shared/mailer.ts';
import { caseLink } from '#shared/signed-link.ts';
import type { AuditLog } from '#shared/store/audit-log.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import type { MarketplaceStore } from '#shared/store/marketplace-store.ts';
import type { RecallStore } from '#shared/store/recall-store.ts';
import type { LinkKeys } from '../runtime/link-keys.ts';

export interface EscalateInput {
  caseId: string;
}

export interface EscalateDeps {
  cases: CaseStore;
  recalls: RecallStore;
  marketplaces: MarketplaceStore;
  audit: AuditLog;
  mailer: Mailer;
  linkKeys: () => Promise<LinkKeys>;
  staffEmails: string[];
  respondBaseUrl: string;
  linkValidityDays: number;
}

/**
 * The deadline passed without an answer: the case becomes OVERDUE and the marketplace's
 * escalation contacts are told, staff in copy. A retry after the transition sends nothing again.
 */
export async function escalate(input: EscalateInput, deps: EscalateDeps): Promise<{ status: 'OVERDUE'; escalated: boolean }> {
  const at = now();
  const record = await deps.cases.transition(input.caseId, ['NOTIFIED', 'REMINDED'], 'OVERDUE', at);
  if (!record) return { status: 'OVERDUE', escalated: false };
  const [recall, marketplace] = await Promise.all([deps.recalls.get(record.recallNumber), deps.marketplaces.get(record.marketplaceId)]);
  if (!recall || !marketplace || !record.noticeSentAt || !record.deadline) {
    throw new Error(`case ${input.caseId} cannot be escalated: its recall, marketplace or notice is missing`);
  }
  const link = caseLink(record.caseId, new Date(record.noticeSentAt), {
    baseUrl: deps.respondBaseUrl,
    key: (await deps.linkKeys()).current,
    validityDays: deps.linkValidityDays,
  });
  const to = marketplace.escalationEmails.length ? marketplace.escalationEmails : marketplace.noticeEmails;
  const messageId = await deps.mailer.send({ to, cc: deps.staffEmails, ...overdueEmail(recall, marketplace, link, new Date(record.deadline)) });
  await deps.audit.append({
    caseId: record.caseId,
    at: at.toISOString(),
    actor: 'system',
    action: 'ESCALATED',
    detail: { status: 'OVERDUE', to, cc: deps.staffEmails, messageId, deadline: record.deadline },
  });
  return { status: 'OVERDUE', escalated: true };
}
