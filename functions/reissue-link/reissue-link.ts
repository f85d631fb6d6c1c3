import { identityActor, verifiedIdentity, type AgencyIdentity } from '#shared/agency-identity.ts';
import { CASE_ID_PATTERN } from '#shared/case.ts';
import { audited, linkReissued } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import { linkReissuedEmail } from '#shared/emails/case-emails.ts';
import { linkExpiry } from '#shared/signed-link.ts';
import { linkBasisOf, loadCase, marketplaceContext, sendCaseEmail, type CaseMailDeps } from '../case-operations/case-mail.ts';
import type { RefusalKind } from '../runtime/agency-route.ts';

export interface ReissueInput {
  caseId: string;
  /** Who asked for it, as verified, for the audit log. */
  requester: AgencyIdentity;
}

export type ReissueResult = { ok: true; sentTo: string[]; expiresAt: string; messageId: string } | { ok: false; error: string; kind: RefusalKind };

/**
 * Sends the marketplace a new response link for a case (valid `linkValidityDays` from now, and
 * past the case's own expiry), at staff's request: the old links of the case keep working until
 * they expire. The re-issue and its audit entry are recorded in one write; later emails of the
 * case carry the new link.
 */
export async function reissueLink(input: ReissueInput, deps: CaseMailDeps): Promise<ReissueResult> {
  const at = now();
  if (typeof input?.caseId !== 'string' || !CASE_ID_PATTERN.test(input.caseId))
    return { ok: false, error: `there is no case ${String(input?.caseId)}`, kind: 'not-found' };
  const record = await deps.cases.get(input.caseId);
  if (!record) return { ok: false, error: `there is no case ${input.caseId}`, kind: 'not-found' };
  if (!record.noticeSentAt) return { ok: false, error: `case ${input.caseId} has no notice yet: its first link goes out with the notice`, kind: 'conflict' };
  const loaded = await loadCase(input.caseId, deps, { ...record, linkReissuedAt: at.toISOString() });
  const context = await marketplaceContext(loaded, deps);
  const to = loaded.marketplace.noticeEmails;
  const email = await sendCaseEmail(deps, input.caseId, { to, email: linkReissuedEmail(context), kind: 'LINK_REISSUED' });
  const expiresAt = linkExpiry(linkBasisOf(loaded.record), deps.links!.validityDays);
  const entry = {
    actor: identityActor(input.requester),
    action: 'LINK_REISSUED',
    detail: { expiresAt: expiresAt.toISOString(), email, ...verifiedIdentity(input.requester) },
  };
  await deps.cases.mutate(input.caseId, at, (current) => audited(linkReissued(current, at), entry), record);
  return { ok: true, sentTo: to, expiresAt: expiresAt.toISOString(), messageId: email.messageId };
}
