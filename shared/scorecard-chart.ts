import { escapeHtml as e } from './html.ts';
import type { MarketplaceScore } from './scorecard.ts';

const ROW = 22;
const LABEL = 150;
const BAR = 210;
const GAP = 40;
const TOP = 44;

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * The scorecard as an SVG chart, one row per marketplace: on-time % on the left, median and
 * 90th percentile hours from notice to answer on the right (one scale for all rows). Plain SVG
 * with its numbers written out, so it reads without colour and scales in any page or email.
 */
export function scorecardChart(scores: MarketplaceScore[], title: string): string {
  const width = LABEL + BAR + GAP + BAR + 60;
  const height = TOP + Math.max(1, scores.length) * ROW + 28;
  const maxHours = Math.max(1, ...scores.map((s) => s.p90HoursToAnswer ?? 0));
  const hoursX = LABEL + BAR + GAP;
  const scale = (hours: number) => (hours / maxHours) * BAR;
  const rows = scores.map((s, i) => {
    const y = TOP + i * ROW;
    const pct = s.onTimePct ?? 0;
    const median = s.medianHoursToAnswer;
    const p90 = s.p90HoursToAnswer;
    return [
      `<text x="${LABEL - 8}" y="${y + 15}" text-anchor="end">${e(s.marketplaceId)}</text>`,
      `<rect x="${LABEL}" y="${y + 3}" width="${round((pct / 100) * BAR)}" height="${ROW - 6}" fill="#2e7d32"><title>${e(s.marketplaceId)}: ${s.onTime} of ${s.notified} on time</title></rect>`,
      `<text x="${LABEL + 4 + round((pct / 100) * BAR)}" y="${y + 15}">${s.onTimePct === null ? '-' : `${s.onTimePct}%`}</text>`,
      p90 === null
        ? `<text x="${hoursX}" y="${y + 15}">no answer</text>`
        : [
            `<rect x="${hoursX}" y="${y + 3}" width="${round(scale(p90))}" height="${ROW - 6}" fill="#b0bec5"><title>${e(s.marketplaceId)}: 90% answered within ${p90} h</title></rect>`,
            `<rect x="${hoursX}" y="${y + 7}" width="${round(scale(median ?? 0))}" height="${ROW - 14}" fill="#1565c0"><title>${e(s.marketplaceId)}: median ${median} h</title></rect>`,
            `<text x="${hoursX + 4 + round(scale(p90))}" y="${y + 15}">${median} / ${p90} h</text>`,
          ].join(''),
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" role="img" aria-label="${e(title)}">`,
    `<title>${e(title)}</title>`,
    `<text x="0" y="14" font-size="14" font-weight="bold">${e(title)}</text>`,
    `<text x="${LABEL}" y="34">On time (% of cases notified)</text>`,
    `<text x="${hoursX}" y="34">Hours to answer: median / 90th percentile</text>`,
    ...rows,
    scores.length ? '' : `<text x="${LABEL}" y="${TOP + 15}">No case was notified in this period.</text>`,
    `<line x1="${LABEL}" y1="${TOP - 2}" x2="${LABEL}" y2="${height - 26}" stroke="#555"/>`,
    `<line x1="${hoursX}" y1="${TOP - 2}" x2="${hoursX}" y2="${height - 26}" stroke="#555"/>`,
    `<text x="${hoursX}" y="${height - 8}">0</text><text x="${hoursX + BAR}" y="${height - 8}" text-anchor="end">${round(maxHours)} h</text>`,
    `<text x="${LABEL}" y="${height - 8}">0%</text><text x="${LABEL + BAR}" y="${height - 8}" text-anchor="end">100%</text>`,
    '</svg>',
  ].join('\n');
}
