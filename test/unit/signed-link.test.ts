import { describe, expect, it } from 'vitest';
import { caseLink, checkLink, signedLink } from '#shared/signed-link.ts';

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

  it('stay the same for every email of a case', () => {
    const settings = { baseUrl: 'https://api.example', key: KEY, validityDays: 120 };
    expect(caseLink('26582.alimart', AT, settings)).toBe(caseLink('26582.alimart', AT, settings));
    expect(caseLink('26582.alimart', AT, settings)).toContain('https://api.example/respond/');
  });
});
