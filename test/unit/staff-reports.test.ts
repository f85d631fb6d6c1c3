import { afterEach, describe, expect, it, vi } from 'vitest';
import { previousMonth, staffReport, type StaffReportsDeps } from '#functions/staff-reports/staff-reports.ts';
import type { CaseRecord, CaseStatus } from '#shared/case.ts';
import type { Outgoing } from '#shared/mailer.ts';
import type { Marketplace } from '#shared/marketplace.ts';
import type { Recall } from '#shared/recall.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import { scorecardChart } from '#shared/scorecard-chart.ts';
import { agencyInstant, WorkingCalendar } from '#shared/working-days.ts';
import { NO_STAYDOWN } from '../support/scores.ts';

const record = (caseId: string, status: CaseStatus, fields: Partial<CaseRecord> = {}): CaseRecord => ({
  caseId,
  recallNumber: caseId.split('.')[0]!,
  marketplaceId: caseId.split('.')[1]!,
  status,
  executionId: `arn:aws:states:us-east-1:1:execution:Case:${caseId}`,
  openedAt: '2026-06-01T14:00:00.000Z',
  noticeSentAt: '2026-06-01T14:00:00.000Z',
  deadline: '2026-06-04T03:59:59.000Z',
  updatedAt: '2026-06-01T14:00:00.000Z',
  version: 1,
  ...fields,
});

function deps(cases: CaseRecord[], digestWhenEmpty = false) {
  const sent: Outgoing[] = [];
  const store = {
    withStatus: async (status: CaseStatus) => cases.filter((c) => c.status === status),
    list: async () => cases,
  } as unknown as CaseStore;
  const value: StaffReportsDeps = {
    cases: store,
    recalls: { get: async (n) => ({ recallNumber: n, title: `<b>Heater</b> ${n}` }) as Recall },
    marketplaces: { get: async (id) => ({ id, name: `Market ${id}` }) as Marketplace },
    mailer: { send: async (mail) => (sent.push(mail), `m-${sent.length}`) },
    calendar: new WorkingCalendar(['2026-06-05']),
    settings: {
      authority: 'CPSC',
      staffEmails: ['staff@agency.example'],
      caseUrlTemplate: 'https://console.example/{executionArn}',
      caseListUrlTemplate: 'https://console.example/list?status={status}&m={marketplaceId}',
      digestWhenEmpty,
    },
  };
  return { deps: value, sent };
}

const at = (date: string, hh: number) => vi.useFakeTimers({ now: agencyInstant(date, hh, 0, 0) });

describe('the staff reports', () => {
  afterEach(() => void vi.useRealTimers());

  it('sends the digest on a working morning, with console links to each execution', async () => {
    at('2026-06-08', 8);
    const { deps: d, sent } = deps([record('26001.alimart', 'OVERDUE'), record('26002.alimart', 'BLOCKED')]);
    const result = await staffReport({ report: 'digest' }, d);
    expect(result).toMatchObject({ report: 'digest', sent: true, messageId: 'm-1' });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toEqual(['staff@agency.example']);
    expect(sent[0]!.tags).toEqual({ kind: 'DIGEST' });
    expect(sent[0]!.text).toContain('https://console.example/arn%3Aaws%3Astates%3Aus-east-1%3A1%3Aexecution%3ACase%3A26001.alimart');
    expect(sent[0]!.html).toContain('&lt;b&gt;Heater&lt;/b&gt; 26001');
  });

  it('skips federal holidays and closure days unless forced, and stays quiet with nothing to report unless configured', async () => {
    const overdue = [record('26001.alimart', 'OVERDUE')];
    at('2026-06-05', 8); // an agency closure day
    const closed = deps(overdue);
    expect(await staffReport({ report: 'digest' }, closed.deps)).toEqual({
      report: 'digest',
      sent: false,
      skipped: '2026-06-05 is not a working day (agency closure)',
    });
    at('2026-06-19', 8); // Juneteenth
    expect(await staffReport({ report: 'digest' }, closed.deps)).toMatchObject({
      sent: false,
      skipped: '2026-06-19 is not a working day (Juneteenth National Independence Day)',
    });
    expect(await staffReport({ report: 'digest', force: true }, closed.deps)).toMatchObject({ sent: true });

    at('2026-06-08', 8);
    const quiet = deps([record('26002.alimart', 'BLOCKED')]);
    expect(await staffReport({ report: 'digest' }, quiet.deps)).toMatchObject({ sent: false, skipped: 'nothing to report' });
    expect(quiet.sent).toHaveLength(0);
    const loud = deps([], true);
    expect(await staffReport({ report: 'digest' }, loud.deps)).toMatchObject({ sent: true });
    expect(loud.sent[0]!.text).toContain('Nothing is overdue, due today or waiting for you.');
  });

  it("emails last month's scorecard with its chart", async () => {
    at('2026-07-01', 8);
    expect(previousMonth(new Date())).toBe('2026-06');
    expect(previousMonth(agencyInstant('2027-01-01', 8, 0, 0))).toBe('2026-12');
    const { deps: d, sent } = deps([
      record('26001.alimart', 'BLOCKED', { answer: { answer: 'not_listed' }, answeredAt: '2026-06-01T16:00:00.000Z', answerOnTime: true }),
      record('26002.alimart', 'OVERDUE'),
      // Notified in May: not in June's report.
      record('26003.alimart', 'OVERDUE', { noticeSentAt: '2026-05-29T14:00:00.000Z' }),
    ]);
    const result = await staffReport({ report: 'monthly' }, d);
    expect(result).toMatchObject({ report: 'monthly', month: '2026-06', sent: true });
    expect((result as { marketplaces: unknown[] }).marketplaces).toEqual([
      {
        marketplaceId: 'alimart',
        notified: 2,
        answered: 1,
        onTime: 1,
        onTimePct: 50,
        medianHoursToAnswer: 2,
        p90HoursToAnswer: 2,
        overdueNow: 1,
        expired: 0,
        disputed: 0,
        ...NO_STAYDOWN,
      },
    ]);
    expect(sent[0]!.subject).toBe('Marketplace scorecard, June 2026');
    expect(sent[0]!.html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(sent[0]!.text).toMatch(/alimart\s+2\s+1\s+1 \(50%\)\s+2\s+2\s+1\s+0\s+0/);
    await expect(staffReport({ report: 'monthly', month: '2026-13' }, d)).rejects.toThrow('month must be YYYY-MM, got 2026-13');
    await expect(staffReport({ report: 'weekly' } as never, d)).rejects.toThrow('unknown report "weekly"');
  });

  it('draws the chart with every number written out, and escapes marketplace ids', () => {
    const svg = scorecardChart(
      [
        {
          marketplaceId: '<evil>',
          notified: 4,
          answered: 4,
          onTime: 3,
          onTimePct: 75,
          medianHoursToAnswer: 10,
          p90HoursToAnswer: 60,
          overdueNow: 0,
          expired: 0,
          disputed: 0,
          ...NO_STAYDOWN,
        },
        {
          marketplaceId: 'silent',
          notified: 2,
          answered: 0,
          onTime: 0,
          onTimePct: 0,
          medianHoursToAnswer: null,
          p90HoursToAnswer: null,
          overdueNow: 2,
          expired: 0,
          disputed: 0,
          ...NO_STAYDOWN,
        },
      ],
      'June 2026',
    );
    expect(svg).not.toContain('<evil>');
    expect(svg).toContain('&lt;evil&gt;');
    expect(svg).toContain('>75%<');
    expect(svg).toContain('>10 / 60 h<');
    expect(svg).toContain('>no answer<');
    expect(scorecardChart([], 'Empty')).toContain('No case was notified in this period.');
  });
});
