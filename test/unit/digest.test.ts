import { describe, expect, it } from 'vitest';
import type { CaseRecord, CaseStatus } from '#shared/case.ts';
import { buildDigest, isEmptyDigest, type DigestInput } from '#shared/digest.ts';
import { digestEmail } from '#shared/emails/digest-email.ts';
import { agencyInstant, endOfAgencyDay, WorkingCalendar } from '#shared/working-days.ts';

const calendar = new WorkingCalendar();
/** Tuesday 2026-12-29, 08:00 in New York: the digest's hour. */
const NOW = agencyInstant('2026-12-29', 8, 0, 0);

function record(recallNumber: string, marketplaceId: string, status: CaseStatus, deadlineDay: string, fields: Partial<CaseRecord> = {}): CaseRecord {
  return {
    caseId: `${recallNumber}.${marketplaceId}`,
    recallNumber,
    marketplaceId,
    status,
    executionId: `arn:aws:states:us-east-1:1:execution:Case:${recallNumber}.${marketplaceId}`,
    openedAt: '2026-12-01T14:00:00.000Z',
    noticeSentAt: '2026-12-01T14:00:00.000Z',
    deadline: endOfAgencyDay(deadlineDay).toISOString(),
    updatedAt: '2026-12-01T14:00:00.000Z',
    version: 1,
    ...fields,
  };
}

const input = (cases: CaseRecord[], titles: Record<string, string> = {}): DigestInput => ({
  cases,
  now: NOW,
  calendar,
  titleOf: (n) => titles[n] ?? `Recall ${n} of a product`,
  marketplaceNameOf: (id) => id.toUpperCase(),
  caseUrl: (r) => `https://staff.example/cases/${r.caseId}`,
  listUrl: ({ status, marketplaceId }) => `https://staff.example/cases?status=${status ?? ''}&marketplace=${marketplaceId ?? ''}`,
});

describe('the overdue digest', () => {
  it('sorts cases into overdue (by marketplace, then working days), due today, waiting for a decision and bounced', () => {
    const digest = buildDigest(
      input([
        // Deadline Wed Dec 23: Dec 24, (25 is Christmas), 28 and 29 are working days after it.
        record('26001', 'alimart', 'OVERDUE', '2026-12-23'),
        record('26002', 'alimart', 'FINAL_NOTICE', '2026-12-23'),
        record('26003', 'alimart', 'OVERDUE', '2026-12-28'),
        record('26001', 'bazaar', 'OVERDUE', '2026-12-28', { noticeBouncedAt: '2026-12-21T15:00:00.000Z' }),
        record('26004', 'alimart', 'REMINDED', '2026-12-29'),
        record('26005', 'alimart', 'NOTIFIED', '2026-12-30'),
        record('26006', 'bazaar', 'DISPUTED', '2026-12-22', { answeredAt: '2026-12-21T15:00:00.000Z' }),
        record('26007', 'bazaar', 'EXTENSION_REQUESTED', '2026-12-22'),
        record('26008', 'bazaar', 'NOTICE_BOUNCED', '2027-01-05', { noticeBouncedAt: '2026-12-28T15:00:00.000Z' }),
        record('26009', 'bazaar', 'BLOCKED', '2026-12-01'),
        record('26010', 'bazaar', 'EXPIRED', '2026-12-01'),
      ]),
    );
    expect(digest.date).toBe('2026-12-29');
    expect(digest.counts).toEqual({ overdue: 4, dueToday: 1, awaitingDecision: 2, bouncedNotices: 2 });
    expect(digest.overdue.map((m) => [m.marketplaceId, m.count, m.groups.map((g) => [g.workingDaysOverdue, g.lines.map((l) => l.recallNumber)])])).toEqual([
      [
        'alimart',
        3,
        [
          [3, ['26001', '26002']],
          [1, ['26003']],
        ],
      ],
      ['bazaar', 1, [[1, ['26001']]]],
    ]);
    expect(digest.dueToday.lines.map((l) => l.caseId)).toEqual(['26004.alimart']);
    expect(digest.awaitingDecision.lines.map((l) => l.caseId)).toEqual(['26006.bazaar', '26007.bazaar']);
    expect(digest.bouncedNotices.lines.map((l) => l.caseId)).toEqual(['26001.bazaar', '26008.bazaar']);

    const email = digestEmail(digest, 'U.S. Consumer Product Safety Commission');
    expect(email.subject).toBe('Recall cases Tue, Dec 29, 2026: 4 cases overdue, 1 due today, 2 decisions waiting, 2 bounced notices');
    expect(email.text).toContain('ALIMART: 3 cases overdue');
    expect(email.text).toContain(' 3 working days overdue: 2 cases');
    expect(email.text).toContain('  - 26001 Recall 26001 of a product | ALIMART | deadline Wed, Dec 23, 2026 | https://staff.example/cases/26001.alimart');
    expect(email.html).toContain('<a href="https://staff.example/cases/26006.bazaar">26006</a>');
  });

  it('is empty when nothing waits, and says so', () => {
    const digest = buildDigest(input([record('26009', 'bazaar', 'BLOCKED', '2026-12-01'), record('26005', 'alimart', 'NOTIFIED', '2026-12-30')]));
    expect(isEmptyDigest(digest)).toBe(true);
    expect(digestEmail(digest, 'CPSC').text).toContain('Nothing is overdue, due today or waiting for you.');
  });

  it('escapes recall titles and marketplace names from outside', () => {
    const digest = buildDigest(input([record('26001', 'alimart', 'OVERDUE', '2026-12-23')], { '26001': '<script>alert(1)</script> & "Heaters"' }));
    const { html } = digestEmail(digest, 'CPSC');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Heaters&quot;');
  });

  it('keeps 2,000 overdue cases under 400 KB of HTML: grouped, counted and capped with a link to the rest', () => {
    const marketplaces = ['alimart', 'bazaar', 'cartly', 'dealhub', 'emporio', 'fleamkt', 'gadgetry', 'hawkers'];
    const deadlines = [
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-07',
      '2026-12-08',
      '2026-12-09',
      '2026-12-10',
      '2026-12-11',
      '2026-12-14',
      '2026-12-15',
      '2026-12-16',
      '2026-12-17',
      '2026-12-18',
      '2026-12-21',
      '2026-12-22',
      '2026-12-23',
      '2026-12-24',
      '2026-12-28',
    ];
    const cases = Array.from({ length: 2000 }, (_, i) =>
      record(
        String(27000 + Math.floor(i / marketplaces.length)),
        marketplaces[i % marketplaces.length]!,
        i % 3 ? 'OVERDUE' : 'FINAL_NOTICE',
        deadlines[i % deadlines.length]!,
      ),
    );
    const long = Object.fromEntries(
      cases.map((c) => [c.recallNumber, `${'Portable Electric Space Heaters with Tip-Over Switches '.repeat(3)}${c.recallNumber}`]),
    );
    const digest = buildDigest(input(cases, long));
    const { html, text } = digestEmail(digest, 'U.S. Consumer Product Safety Commission');

    expect(digest.counts.overdue).toBe(2000);
    expect(digest.overdue).toHaveLength(8);
    for (const m of digest.overdue) {
      expect(m.groups.reduce((n, g) => n + g.count, 0)).toBe(m.count);
      expect(m.groups.reduce((n, g) => n + g.lines.length, 0)).toBeLessThanOrEqual(25);
      for (const g of m.groups) expect(g.lines.length + g.more).toBe(g.count);
    }
    expect(Buffer.byteLength(html)).toBeLessThan(400 * 1024);
    expect(html).toContain('... and <a href="https://staff.example/cases?status=overdue&amp;marketplace=alimart">');
    expect(text).toMatch(/ {2}\.\.\. and \d+ more: https:\/\/staff\.example\/cases\?status=overdue&marketplace=alimart/);
    // The most overdue come first.
    expect(digest.overdue[0]!.groups[0]!.workingDaysOverdue).toBeGreaterThan(digest.overdue[0]!.groups.at(-1)!.workingDaysOverdue);
  });
});
