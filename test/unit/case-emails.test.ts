import { describe, expect, it } from 'vitest';
import { escalationEmail, finalNoticeEmail, formatDeadline, noticeEmail, type CaseEmailContext } from '#shared/emails/case-emails.ts';
import { parseMarketplaces } from '#shared/marketplace.ts';
import { normalizeCpscRecord } from '#shared/recall.ts';
import { DEFAULT_TRUSTED_HOSTS } from '#shared/trusted-links.ts';
import { cpscRecords } from '../support/data.ts';

const [amazonish, alimart] = parseMarketplaces([
  { id: 'bigriver', name: 'Big River', noticeEmails: ['safety@bigriver.example'], aliases: ['Amazon.com'] },
  { id: 'alimart', name: 'AliMart', noticeEmails: ['safety@alimart.example'], aliases: ['alimart.com'] },
]);
const recall = normalizeCpscRecord(cpscRecords().find((r) => r.RecallNumber === '26582'));
const context = (overrides: Partial<CaseEmailContext> = {}): CaseEmailContext => ({
  authority: 'U.S. Consumer Product Safety Commission',
  caseId: '26582.alimart',
  recall,
  marketplace: alimart!,
  link: 'https://respond.example/respond/26582.alimart?exp=1&sig=abc',
  deadline: new Date('2026-12-29T04:59:59Z'),
  trustedHosts: DEFAULT_TRUSTED_HOSTS,
  ...overrides,
});

describe('case emails', () => {
  it('name the authority, the recall, the action, the deadline, the link and what a good answer holds', () => {
    const { subject, text, html } = noticeEmail(context());
    expect(subject).toBe(`Recall 26582: remove from sale on AliMart: ${recall.title}`);
    for (const part of [
      'U.S. Consumer Product Safety Commission',
      'CPSC recall 26582',
      'can no longer be bought on your platform or shipped into the United States',
      'Monday, December 28, 2026 at 11:59:59 PM EST',
      'December 29, 2026 at 4:59 AM UTC',
      'Answer this notice: https://respond.example/respond/26582.alimart?exp=1&sig=abc',
      'the listing ids or URLs you removed',
      recall.hazards[0]!,
      recall.url,
      recall.images[0]!.url,
    ]) {
      expect(text).toContain(part);
    }
    expect(html).toContain('href="https://respond.example/respond/26582.alimart?exp=1&amp;sig=abc"');
  });

  it('say first, when the recall names the marketplace (by an alias), that the product was sold there', () => {
    const sold = noticeEmail(context({ marketplace: amazonish! }))
      .text.split('\n')
      .filter(Boolean);
    expect(sold[1]).toBe(
      'CPSC reports this product was sold on your platform: "Online at Amazon.com from November 2025 through April 2026 for about $40." (retailers of the recall).',
    );
    expect(noticeEmail(context()).text).not.toContain('CPSC reports this product was sold');
  });

  it('cut a long subject at a word, with an ellipsis', () => {
    const long = { ...recall, title: `${'Portable Heaters Recalled Due to Fire Hazard; '.repeat(8)}Sold Exclusively on Amazon.com` };
    const { subject } = noticeEmail(context({ recall: long }));
    expect(subject.length).toBeLessThanOrEqual(250);
    expect(subject).toMatch(/^Recall 26582: remove from sale on AliMart: Portable Heaters .* (Portable|Heaters|Recalled|Due|to|Fire|Hazard)…$/);
  });

  it('escape every value from outside in the HTML', () => {
    const hostile = { ...recall, title: '<script>alert(1)</script> Walkers', hazards: ['<img src=x onerror=alert(2)>'] };
    const { html, text } = noticeEmail(context({ recall: hostile }));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Walkers');
    expect(text).toContain('<script>alert(1)</script> Walkers');
  });

  it('escalate and give the final notice with the expiry', () => {
    expect(escalationEmail(context()).subject).toBe('OVERDUE: recall 26582 on AliMart: no answer by the deadline');
    const final = finalNoticeEmail(context(), new Date('2027-03-25T03:59:59Z'));
    expect(final.text).toContain(formatDeadline(new Date('2027-03-25T03:59:59Z')));
  });

  it('show the recall page and images as links and images only on trusted hosts, over https, and label them by their real host', () => {
    const hostile = {
      ...recall,
      url: 'javascript:alert(document.cookie)',
      images: [
        { url: 'https://www.cpsc.gov/s3fs-public/heater.jpg', caption: 'the heater' },
        { url: 'https://evil.example/track.gif', caption: '' },
        { url: 'http://www.cpsc.gov/plain-http.jpg', caption: '' },
        { url: 'https://www.cpsc.gov.evil.example/x.jpg', caption: '' },
        { url: 'https://user:pw@www.cpsc.gov/x.jpg', caption: '' },
      ],
    };
    const { html, text } = noticeEmail(context({ recall: hostile }));
    expect(html).not.toContain('href="javascript:');
    expect(html).not.toContain('The recall notice on');
    expect(text).toContain('Recall page given by the feed (not verified): javascript:alert(document.cookie)');
    const sources = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(['https://www.cpsc.gov/s3fs-public/heater.jpg']);
    for (const shown of ['https://evil.example/track.gif', 'http://www.cpsc.gov/plain-http.jpg', 'https://www.cpsc.gov.evil.example/x.jpg'])
      expect(text).toContain(shown);

    const elsewhere = noticeEmail(context({ recall: { ...recall, url: 'https://recalls.example.org/26582' } }));
    expect(elsewhere.html).not.toContain('The recall notice on cpsc.gov');
    expect(elsewhere.html).not.toContain('href="https://recalls.example.org');
    const agency = noticeEmail(context({ recall: { ...recall, url: 'https://www.cpsc.gov/Recalls/2026/26582' } }));
    expect(agency.html).toContain('<a href="https://www.cpsc.gov/Recalls/2026/26582">The recall notice on cpsc.gov</a>');
    const configured = noticeEmail(context({ recall: { ...recall, url: 'https://recalls.agency.example/26582' }, trustedHosts: ['recalls.agency.example'] }));
    expect(configured.html).toContain('The recall notice on recalls.agency.example</a>');
  });
});
