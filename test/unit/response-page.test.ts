import { describe, expect, it } from 'vitest';
import { respond, type RespondDeps } from '#functions/respond/respond.ts';
import { parseMarketplaces } from '#shared/marketplace.ts';
import { HTML_HEADERS } from '#shared/pages/headers.ts';
import { casePage } from '#shared/pages/response-page.ts';
import { normalizeCpscRecord } from '#shared/recall.ts';
import { signedLink } from '#shared/signed-link.ts';
import { DEFAULT_TRUSTED_HOSTS } from '#shared/trusted-links.ts';
import type { CaseRecord } from '#shared/case.ts';
import { cpscRecords } from '../support/data.ts';

const KEY = 'k'.repeat(40);
const recall = normalizeCpscRecord(cpscRecords().find((r) => r.RecallNumber === '26582'));
const [marketplace] = parseMarketplaces([{ id: 'alimart', name: 'AliMart', noticeEmails: ['safety@alimart.example'] }]);
const record: CaseRecord = {
  caseId: '26582.alimart',
  recallNumber: '26582',
  marketplaceId: 'alimart',
  status: 'NOTIFIED',
  executionId: 'arn:aws:states:us-east-1:000000000000:execution:RecallGuard-case:26582.alimart',
  openedAt: '2026-03-02T14:00:00.000Z',
  noticeSentAt: '2026-03-02T14:00:00.000Z',
  deadline: '2026-03-05T04:59:59.000Z',
  version: 2,
  updatedAt: '2026-03-02T14:00:00.000Z',
};

/** The response endpoint's stores, holding one case; refusals are counted here. */
function deps(counted: string[] = []): RespondDeps {
  return {
    cases: { get: async (id: string) => (id === record.caseId ? record : undefined) },
    recalls: { get: async () => recall },
    marketplaces: { get: async () => marketplace },
    refusals: { count: async (subject: string, reason: string) => void counted.push(`${subject} ${reason}`) },
    linkKeys: async () => ({ current: KEY, verifying: [KEY] }),
    trustedHosts: DEFAULT_TRUSTED_HOSTS,
  } as unknown as RespondDeps;
}

const request = (url: string, method = 'GET') => {
  const parsed = new URL(url);
  return {
    method,
    caseId: decodeURIComponent(parsed.pathname.split('/').pop()!),
    query: Object.fromEntries(parsed.searchParams),
    url: `${parsed.pathname}${parsed.search}`,
    body: '',
  };
};

describe('the response page', () => {
  const link = signedLink('https://api.example/', record.caseId, new Date(Date.now() + 30 * 86_400_000), KEY);

  it('sends the baseline headers on every page it serves: the case, a refused link, an unknown case', async () => {
    const pages = [
      await respond(request(link), deps()),
      await respond(request(`${link}x`), deps()),
      await respond(request('https://api.example/respond/nothing'), deps()),
    ];
    expect(pages.map((p) => p.statusCode)).toEqual([200, 403, 404]);
    for (const page of pages) {
      expect(page.headers).toEqual(HTML_HEADERS);
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(page.headers['content-security-policy']).not.toContain('script-src');
    }
  });

  it('counts a refused link apart from the case, whether or not the case exists, and changes nothing else', async () => {
    const counted: string[] = [];
    await respond(request(`${link}x`), deps(counted));
    await respond(request(`${link.replace('26582.alimart', '26999.alimart')}`), deps(counted));
    expect(counted).toEqual(['26582.alimart link bad-signature (GET)', '26999.alimart link bad-signature (GET)']);
  });

  it('shows the recall page and images of the feed only from trusted hosts, as text otherwise', () => {
    const hostile = { ...recall, url: 'javascript:alert(1)', images: [{ url: 'https://evil.example/x.gif', caption: '' }] };
    const html = casePage({ record, recall: hostile, marketplace: marketplace!, action: '/respond/x', trustedHosts: DEFAULT_TRUSTED_HOSTS });
    expect(html).not.toContain('href="javascript:');
    expect(html).not.toContain('<img src="https://evil.example');
    expect(html).not.toContain('The recall notice on cpsc.gov');
    expect(html).toContain('Recall page given by the feed (not verified): javascript:alert(1)');
    const agency = casePage({
      record,
      recall: { ...recall, url: 'https://www.cpsc.gov/Recalls/2026/x' },
      marketplace: marketplace!,
      action: '/respond/x',
      trustedHosts: DEFAULT_TRUSTED_HOSTS,
    });
    expect(agency).toContain('<a href="https://www.cpsc.gov/Recalls/2026/x">The recall notice on cpsc.gov</a>');
  });
});
