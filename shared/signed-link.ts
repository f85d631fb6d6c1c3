import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Response links name the case, an expiry and an HMAC-SHA256 signature over both. The task
 * token never appears in a link: the current one is read from the case record.
 */
function signature(key: string, caseId: string, expiresAt: number): string {
  return createHmac('sha256', key).update(`${caseId}.${expiresAt}`).digest('base64url');
}

export function signedLink(baseUrl: string, caseId: string, expiresAt: Date, key: string): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const url = new URL(`respond/${encodeURIComponent(caseId)}`, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  url.searchParams.set('exp', String(exp));
  url.searchParams.set('sig', signature(key, caseId, exp));
  return url.toString();
}

export type LinkCheck = { ok: true } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

/** Checks a link's signature against every key given (old and new during a rotation). */
export function checkLink(caseId: string, exp: string | undefined, sig: string | undefined, keys: readonly string[], at: Date): LinkCheck {
  if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(sig);
  const valid = keys.some((key) => {
    const expected = Buffer.from(signature(key, caseId, Number(exp)));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) return { ok: false, reason: 'bad-signature' };
  if (Number(exp) * 1000 < at.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true };
}

export interface LinkSettings {
  baseUrl: string;
  key: string;
  validityDays: number;
}

/** How long a link outlives its case's expiry: the marketplace can still see and answer the ended case. */
export const LINK_MARGIN_DAYS = 30;
const DAY = 86_400_000;

/** What a case's link is valid from and for: its notice (or a re-issue) and its current expiry. */
export interface LinkBasis {
  noticeSentAt: string;
  /** When staff last re-issued the link. */
  linkReissuedAt?: string;
  /** When the case expires if unanswered (its EXPIRE timer), if it still has one. */
  expiresAt?: string;
}

/**
 * When a case's link expires: `validityDays` after the notice (or the latest re-issue), and never
 * before the case's own expiry plus a margin, so that no email of a case that lives longer
 * (an extension, a resumed ladder, a long policy) carries a link that dies first.
 */
export function linkExpiry(basis: LinkBasis, validityDays: number): Date {
  const issued = Math.max(Date.parse(basis.noticeSentAt), basis.linkReissuedAt ? Date.parse(basis.linkReissuedAt) : 0);
  const caseExpiry = basis.expiresAt ? Date.parse(basis.expiresAt) + LINK_MARGIN_DAYS * DAY : 0;
  return new Date(Math.max(issued + validityDays * DAY, caseExpiry));
}

/** The case's link, as its emails carry it. */
export function caseLink(caseId: string, basis: LinkBasis, settings: LinkSettings): string {
  return signedLink(settings.baseUrl, caseId, linkExpiry(basis, settings.validityDays), settings.key);
}
