import { escapeHtml as e } from '../html.ts';
import { scorecardChart } from '../scorecard-chart.ts';
import type { MarketplaceScore } from '../scorecard.ts';
import type { Email } from './render.ts';

const cell = (v: number | null, suffix = '') => (v === null ? '-' : `${v}${suffix}`);
const COLUMNS = ['Marketplace', 'Notified', 'Answered', 'On time', 'Median h', 'P90 h', 'Overdue now', 'Expired', 'Disputed'];
const values = (s: MarketplaceScore) => [
  s.marketplaceId,
  s.notified,
  s.answered,
  `${s.onTime} (${cell(s.onTimePct, '%')})`,
  cell(s.medianHoursToAnswer),
  cell(s.p90HoursToAnswer),
  s.overdueNow,
  s.expired,
  s.disputed,
];

/** The scorecard as an HTML table (for the staff page and the monthly email). */
export function scorecardTable(scores: MarketplaceScore[]): string {
  const head = `<tr>${COLUMNS.map((c) => `<th style="text-align:left">${c}</th>`).join('')}</tr>`;
  const rows = scores
    .map(
      (s) =>
        `<tr>${values(s)
          .map((v) => `<td>${e(v)}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  return `<table cellpadding="4" style="border-collapse:collapse">${head}${rows}</table>`;
}

/**
 * The monthly report: each marketplace's scorecard for the cases notified in the month, as a
 * table and a chart. The chart is inline SVG; the table and the text carry the same numbers
 * for mail clients that do not show SVG.
 */
export function monthlyReportEmail(input: { authority: string; month: string; scores: MarketplaceScore[] }): Email {
  const monthName = new Date(`${input.month}-15T12:00:00Z`).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const subject = `Marketplace scorecard, ${monthName}`;
  const total = input.scores.reduce((n, s) => n + s.notified, 0);
  const opening = `${input.authority}: how each marketplace answered the ${total} recall notices sent in ${monthName} (on time = first answer by the deadline; hours from notice to first answer).`;
  const width = Math.max(...COLUMNS.map((c) => c.length), ...input.scores.map((s) => s.marketplaceId.length));
  const text = [
    opening,
    '',
    COLUMNS.map((c) => c.padEnd(width)).join(' '),
    ...input.scores.map((s) =>
      values(s)
        .map((v) => String(v).padEnd(width))
        .join(' ')
        .trimEnd(),
    ),
    ...(input.scores.length ? [] : ['No case was notified in this month.']),
  ].join('\n');
  const html = [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head><body style="font-family:sans-serif;line-height:1.4">`,
    `<p>${e(opening)}</p>`,
    scorecardChart(input.scores, subject),
    scorecardTable(input.scores),
    '</body></html>',
  ].join('\n');
  return { subject, text: `${text}\n`, html };
}
