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

/** The case's one link: it expires a fixed time after the notice, so reminders repeat it exactly. */
export function caseLink(caseId: string, noticeSentAt: Date, settings: LinkSettings): string {
  const expiresAt = new Date(noticeSentAt.getTime() + settings.validityDays * 86_400_000);
  return signedLink(settings.baseUrl, caseId, expiresAt, settings.key);
}
