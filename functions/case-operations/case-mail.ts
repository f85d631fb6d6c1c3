import type * as z from '#shared/schema.ts';
import type { CaseRecord } from '#shared/case.ts';
import type { CaseEmailContext, Email, StaffEmailContext } from '#shared/emails/case-emails.ts';
import { SesMailer, type Mailer } from '#shared/mailer.ts';
import type { Marketplace } from '#shared/marketplace.ts';
import type { Recall } from '#shared/recall.ts';
import { caseLink, type LinkBasis } from '#shared/signed-link.ts';
import { openCheck } from '#shared/staydown.ts';
import type { AuditLog } from '#shared/store/audit-log.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import type { MarketplaceStore } from '#shared/store/marketplace-store.ts';
import type { RecallStore } from '#shared/store/recall-store.ts';
import { WorkingCalendar } from '#shared/working-days.ts';
import { fillUrlTemplate, type caseMailEnv, type staffMailEnv } from '../runtime/env-fields.ts';
import { linkKeysFrom, type LinkKeys } from '../runtime/link-keys.ts';
import { sesClient } from '../runtime/clients.ts';
import { storesFrom } from '../runtime/stores.ts';

/** What signs a case's link: only the functions that email the marketplace have it. */
export interface LinkSigning {
  keys: () => Promise<LinkKeys>;
  baseUrl: string;
  validityDays: number;
}

/** Everything a function needs to act on a case and email about it. */
export interface CaseMailDeps {
  cases: CaseStore;
  recalls: RecallStore;
  marketplaces: MarketplaceStore;
  audit: AuditLog;
  mailer: Mailer;
  calendar: WorkingCalendar;
  settings: { authority: string; staffEmails: string[]; caseUrlTemplate: string; trustedHosts: readonly string[] };
  links?: LinkSigning;
}

type Env<T> = { [K in keyof T]: T[K] extends z.ZodMiniType ? z.infer<T[K]> : never };
type StaffMailEnv = Env<typeof staffMailEnv>;
type LinkEnv = Omit<Env<typeof caseMailEnv>, keyof StaffMailEnv>;

/** The case mail deps of an environment: with link signing where it names the key (caseMailEnv), without (staffMailEnv). */
export function caseMailDeps(env: StaffMailEnv & Partial<LinkEnv>): CaseMailDeps {
  const { cases, recalls, marketplaces, audit } = storesFrom(env);
  const links = env.LINK_KEY_SECRET_ARN && env.RESPOND_BASE_URL && env.LINK_VALIDITY_DAYS;
  return {
    cases,
    recalls,
    marketplaces,
    audit,
    mailer: new SesMailer(sesClient(), env.SENDER_EMAIL, env.SES_CONFIGURATION_SET),
    calendar: new WorkingCalendar(env.CLOSURE_DAYS),
    settings: { authority: env.AGENCY_NAME, staffEmails: env.STAFF_EMAILS, caseUrlTemplate: env.CASE_URL_TEMPLATE, trustedHosts: env.TRUSTED_LINK_HOSTS },
    ...(links ? { links: { keys: linkKeysFrom(env.LINK_KEY_SECRET_ARN!), baseUrl: env.RESPOND_BASE_URL!, validityDays: env.LINK_VALIDITY_DAYS! } } : {}),
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
  // A step retried after a crash between the case's write and the log's may find its work done and
  // change nothing: what that write left in the outbox goes to the log first.
  await deps.cases.settle(record);
  return { record, recall, marketplace };
}

/**
 * What the case's link is valid from and until: its notice (or re-issue), and past the case's
 * expiry or, for a stay-down email, the check's deadline (`validUntil`), whichever is later.
 */
export function linkBasisOf(record: CaseRecord, validUntil?: Date): LinkBasis {
  if (!record.noticeSentAt) throw new Error(`case ${record.caseId} has no notice yet`);
  const expiry = record.timers?.find((t) => t.step === 'EXPIRE')?.at;
  const until = [expiry, openCheck(record)?.check.deadline, validUntil?.toISOString()]
    .filter((t): t is string => t !== undefined)
    .sort()
    .at(-1);
  return { noticeSentAt: record.noticeSentAt, linkReissuedAt: record.linkReissuedAt, expiresAt: until };
}

/** The context of a marketplace email: the case's link (valid past the case's own expiry, or `validUntil`), and its current deadline. */
export async function marketplaceContext(loaded: LoadedCase, deps: CaseMailDeps, validUntil?: Date): Promise<CaseEmailContext> {
  const { record } = loaded;
  if (!record.noticeSentAt || !record.deadline) throw new Error(`case ${record.caseId} has no notice yet`);
  if (!deps.links) throw new Error('this function emails staff only: it has no link-signing key');
  const link = caseLink(record.caseId, linkBasisOf(record, validUntil), {
    baseUrl: deps.links.baseUrl,
    key: (await deps.links.keys()).current,
    validityDays: deps.links.validityDays,
  });
  return {
    authority: deps.settings.authority,
    caseId: record.caseId,
    recall: loaded.recall,
    marketplace: loaded.marketplace,
    link,
    deadline: new Date(record.deadline),
    trustedHosts: deps.settings.trustedHosts,
  };
}

export function staffContext(loaded: LoadedCase, deps: CaseMailDeps): StaffEmailContext {
  const caseUrl = fillUrlTemplate(deps.settings.caseUrlTemplate, { executionArn: loaded.record.executionId, caseId: loaded.record.caseId });
  return { authority: deps.settings.authority, caseId: loaded.record.caseId, recall: loaded.recall, marketplace: loaded.marketplace, caseUrl };
}

/** What an audit entry says of an email. */
export interface EmailRecord {
  to: string[];
  cc: string[];
  subject: string;
  messageId: string;
}

/**
 * Sends one email about a case, tagged with it (SES reports bounces by the tags); returns what
 * its audit entry says of it, which the change it goes with writes.
 */
export async function sendCaseEmail(
  deps: Pick<CaseMailDeps, 'mailer'>,
  caseId: string,
  mail: { to: string[]; cc?: string[]; email: Email; kind: string },
): Promise<EmailRecord> {
  const messageId = await deps.mailer.send({ to: mail.to, cc: mail.cc, ...mail.email, tags: { caseId, kind: mail.kind } });
  return { to: mail.to, cc: mail.cc ?? [], subject: mail.email.subject, messageId };
}
