import type * as z from '#shared/schema.ts';
import type { CaseRecord } from '#shared/case.ts';
import type { CaseEmailContext, Email, StaffEmailContext } from '#shared/emails/case-emails.ts';
import { SesMailer, type Mailer } from '#shared/mailer.ts';
import type { Marketplace } from '#shared/marketplace.ts';
import type { Recall } from '#shared/recall.ts';
import { caseLink } from '#shared/signed-link.ts';
import type { Actor, AuditLog } from '#shared/store/audit-log.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import type { MarketplaceStore } from '#shared/store/marketplace-store.ts';
import type { RecallStore } from '#shared/store/recall-store.ts';
import { WorkingCalendar } from '#shared/working-days.ts';
import { fillUrlTemplate, type caseMailEnv } from '../runtime/env-fields.ts';
import { linkKeysFrom, type LinkKeys } from '../runtime/link-keys.ts';
import { sesClient } from '../runtime/clients.ts';
import { storesFrom } from '../runtime/stores.ts';

/** Everything a function needs to act on a case and email about it. */
export interface CaseMailDeps {
  cases: CaseStore;
  recalls: RecallStore;
  marketplaces: MarketplaceStore;
  audit: AuditLog;
  mailer: Mailer;
  linkKeys: () => Promise<LinkKeys>;
  calendar: WorkingCalendar;
  settings: { authority: string; staffEmails: string[]; respondBaseUrl: string; linkValidityDays: number; caseUrlTemplate: string };
}

type CaseMailEnv = { [K in keyof typeof caseMailEnv]: z.infer<(typeof caseMailEnv)[K]> };

export function caseMailDeps(env: CaseMailEnv): CaseMailDeps {
  const { cases, recalls, marketplaces, audit } = storesFrom(env);
  return {
    cases,
    recalls,
    marketplaces,
    audit,
    mailer: new SesMailer(sesClient(), env.SENDER_EMAIL, env.SES_CONFIGURATION_SET),
    linkKeys: linkKeysFrom(env.LINK_KEY_SECRET_ARN),
    calendar: new WorkingCalendar(env.CLOSURE_DAYS),
    settings: {
      authority: env.AGENCY_NAME,
      staffEmails: env.STAFF_EMAILS,
      respondBaseUrl: env.RESPOND_BASE_URL,
      linkValidityDays: env.LINK_VALIDITY_DAYS,
      caseUrlTemplate: env.CASE_URL_TEMPLATE,
    },
  };
}

export interface LoadedCase {
  record: CaseRecord;
  recall: Recall;
  marketplace: Marketplace;
}

/** The case with its recall and marketplace; `known`, a record just read or written, saves a read. */
export async function loadCase(caseId: string, deps: Pick<CaseMailDeps, 'cases' | 'recalls' | 'marketplaces'>, known?: CaseRecord): Promise<LoadedCase> {
  const record = known?.caseId === caseId ? known : await deps.cases.get(caseId);
  if (!record) throw new Error(`case ${caseId} does not exist`);
  const [recall, marketplace] = await Promise.all([deps.recalls.get(record.recallNumber), deps.marketplaces.get(record.marketplaceId)]);
  if (!recall) throw new Error(`case ${caseId}: recall ${record.recallNumber} is not stored`);
  if (!marketplace) throw new Error(`case ${caseId}: marketplace ${record.marketplaceId} is not configured`);
  return { record, recall, marketplace };
}

/** The context of a marketplace email: the case's one link, and its current deadline. */
export async function marketplaceContext(loaded: LoadedCase, deps: CaseMailDeps): Promise<CaseEmailContext> {
  const { record } = loaded;
  if (!record.noticeSentAt || !record.deadline) throw new Error(`case ${record.caseId} has no notice yet`);
  const link = caseLink(record.caseId, new Date(record.noticeSentAt), {
    baseUrl: deps.settings.respondBaseUrl,
    key: (await deps.linkKeys()).current,
    validityDays: deps.settings.linkValidityDays,
  });
  return {
    authority: deps.settings.authority,
    caseId: record.caseId,
    recall: loaded.recall,
    marketplace: loaded.marketplace,
    link,
    deadline: new Date(record.deadline),
  };
}

export function staffContext(loaded: LoadedCase, deps: CaseMailDeps): StaffEmailContext {
  const caseUrl = fillUrlTemplate(deps.settings.caseUrlTemplate, { executionArn: loaded.record.executionId, caseId: loaded.record.caseId });
  return { authority: deps.settings.authority, caseId: loaded.record.caseId, recall: loaded.recall, marketplace: loaded.marketplace, caseUrl };
}

/** Sends one email about a case and writes it to the case's audit log. */
export async function sendAndAudit(
  deps: Pick<CaseMailDeps, 'mailer' | 'audit'>,
  caseId: string,
  at: Date,
  mail: { to: string[]; cc?: string[]; email: Email; action: string; actor?: Actor; detail?: Record<string, unknown> },
): Promise<string> {
  const messageId = await deps.mailer.send({ to: mail.to, cc: mail.cc, ...mail.email, tags: { caseId, kind: mail.action } });
  await deps.audit.append({
    subject: caseId,
    at: at.toISOString(),
    actor: mail.actor ?? 'system',
    action: mail.action,
    detail: { ...mail.detail, email: { to: mail.to, cc: mail.cc ?? [], subject: mail.email.subject, messageId } },
  });
  return messageId;
}
