import { escapeHtml as e } from '../html.ts';
import { scorecardChart } from '../scorecard-chart.ts';
import { scorecardTotals, type MarketplaceScore } from '../scorecard.ts';
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

/** Stay-down and re-appearance (the EU Product Safety Pledge's KPI 1, and what no pledge measures yet). */
const STAYDOWN_COLUMNS = ['Marketplace', 'Listings removed', 'Within 2 WD', 'Checks', 'Checks on time', 'Relisted', 'Reappearance', 'Median h to re-removal'];
const staydownValues = (s: MarketplaceScore) => [
  s.marketplaceId,
  s.listingsRemoved,
  `${s.listingsRemovedWithin2Wd} (${cell(s.listingsRemovedWithin2WdPct, '%')})`,
  s.staydownChecks,
  `${s.staydownAnsweredOnTime} of ${s.staydownChecksDue} due (${cell(s.staydownAnsweredOnTimePct, '%')})`,
  s.relisted,
  `${cell(s.reappearanceRatePct, '%')} of ${s.everBlocked} blocked`,
  cell(s.medianHoursToReRemoval),
];

/** The rows of every marketplace together: weighted (each listing, check or case counts once) and the mean of the marketplaces' own figures. */
function totalRows(scores: MarketplaceScore[]): (string | number)[][] {
  const { weighted: w, meanOfMarketplaces: m } = scorecardTotals(scores);
  return [
    ['All, weighted', '', cell(w.listingsRemovedWithin2WdPct, '%'), '', cell(w.staydownAnsweredOnTimePct, '%'), '', cell(w.reappearanceRatePct, '%'), ''],
    [
      'All, mean of marketplaces',
      '',
      cell(m.listingsRemovedWithin2WdPct, '%'),
      '',
      cell(m.staydownAnsweredOnTimePct, '%'),
      '',
      cell(m.reappearanceRatePct, '%'),
      '',
    ],
  ];
}

function htmlTable(columns: string[], rows: (string | number)[][]): string {
  const head = `<tr>${columns.map((c) => `<th style="text-align:left">${e(c)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((v) => `<td>${e(v)}</td>`).join('')}</tr>`).join('');
  return `<table cellpadding="4" style="border-collapse:collapse">${head}${body}</table>`;
}

/** The scorecard as HTML tables (for the staff page and the monthly email): answers, then stay-down and re-appearance. */
export function scorecardTable(scores: MarketplaceScore[]): string {
  return `${htmlTable(COLUMNS, scores.map(values))}
<h2>Stay-down and re-appearance</h2>
${htmlTable(STAYDOWN_COLUMNS, [...scores.map(staydownValues), ...(scores.length ? totalRows(scores) : [])])}`;
}

function textTable(columns: string[], rows: (string | number)[][]): string[] {
  const width = Math.max(...columns.map((c) => c.length), ...rows.map((r) => String(r[0]).length));
  const line = (cells: (string | number)[]) =>
    cells
      .map((v) => String(v).padEnd(width))
      .join(' ')
      .trimEnd();
  return [line(columns), ...rows.map(line)];
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
  const text = [
    opening,
    '',
    ...textTable(COLUMNS, input.scores.map(values)),
    ...(input.scores.length
      ? ['', 'Stay-down and re-appearance', ...textTable(STAYDOWN_COLUMNS, [...input.scores.map(staydownValues), ...totalRows(input.scores)])]
      : []),
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
