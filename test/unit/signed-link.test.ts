import { describe, expect, it } from 'vitest';
import { caseLink, checkLink, LINK_MARGIN_DAYS, linkExpiry, signedLink } from '#shared/signed-link.ts';

const KEY = 'k'.repeat(40);
const OLD = 'o'.repeat(40);
const AT = new Date('2026-03-02T14:00:00Z');

function parts(link: string) {
  const url = new URL(link);
  return {
    caseId: decodeURIComponent(url.pathname.split('/').pop()!),
    exp: url.searchParams.get('exp') ?? undefined,
    sig: url.searchParams.get('sig') ?? undefined,
  };
}

describe('signed response links', () => {
  const link = signedLink('https://api.example/', '26582.alimart', new Date('2026-07-01T00:00:00Z'), KEY);

  it('name the case, an expiry and a signature, and never a task token', () => {
    expect(link).toMatch(/^https:\/\/api\.example\/respond\/26582\.alimart\?exp=\d+&sig=[\w-]+$/);
  });

  it('verify with the current key or the previous one during a rotation', () => {
    const { caseId, exp, sig } = parts(link);
    expect(checkLink(caseId, exp, sig, [KEY], AT)).toEqual({ ok: true });
    expect(checkLink(caseId, exp, sig, [OLD, KEY], AT)).toEqual({ ok: true });
    expect(checkLink(caseId, exp, sig, [OLD], AT)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuse tampering, expiry and missing parts', () => {
    const { caseId, exp, sig } = parts(link);
    expect(checkLink('26582.bazaarly', exp, sig, [KEY], AT).ok).toBe(false);
    expect(checkLink(caseId, String(Number(exp) + 1), sig, [KEY], AT)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(checkLink(caseId, exp, sig, [KEY], new Date('2026-07-02T00:00:00Z'))).toEqual({ ok: false, reason: 'expired' });
    expect(checkLink(caseId, undefined, sig, [KEY], AT)).toEqual({ ok: false, reason: 'malformed' });
    expect(checkLink(caseId, 'soon', sig, [KEY], AT)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('stay the same for every email of a case while its expiry stays', () => {
    const settings = { baseUrl: 'https://api.example', key: KEY, validityDays: 120 };
    const basis = { noticeSentAt: AT.toISOString(), expiresAt: '2026-05-26T03:59:59.000Z' };
    expect(caseLink('26582.alimart', basis, settings)).toBe(caseLink('26582.alimart', basis, settings));
    expect(caseLink('26582.alimart', basis, settings)).toContain('https://api.example/respond/');
  });

  it("live at least until the case's own expiry plus a margin, and a re-issue's validity", () => {
    const notice = AT.toISOString();
    // The default ladder expires 60 working days on: the notice's 120 days are the longer.
    expect(linkExpiry({ noticeSentAt: notice, expiresAt: '2026-05-26T03:59:59.000Z' }, 120)).toEqual(new Date('2026-06-30T14:00:00.000Z'));
    // A case of 250 working days (about a year), or one resumed late, outlives 120 days: the link lives 30 days past its expiry.
    const late = '2027-02-25T04:59:59.000Z';
    expect(linkExpiry({ noticeSentAt: notice, expiresAt: late }, 120).getTime()).toBe(Date.parse(late) + LINK_MARGIN_DAYS * 86_400_000);
    // A re-issued link counts its validity from the re-issue.
    expect(linkExpiry({ noticeSentAt: notice, linkReissuedAt: '2026-09-01T12:00:00.000Z' }, 120)).toEqual(new Date('2026-12-30T12:00:00.000Z'));
    const link = caseLink('26582.alimart', { noticeSentAt: notice, expiresAt: late }, { baseUrl: 'https://api.example', key: KEY, validityDays: 120 });
    const { caseId, exp, sig } = parts(link);
    expect(checkLink(caseId, exp, sig, [KEY], new Date('2027-03-01T00:00:00Z'))).toEqual({ ok: true });
  });
});
