import type { Digest, DigestLine, DigestList } from '../digest.ts';
import { escapeHtml as e } from '../html.ts';
import { once } from '../once.ts';
import { AGENCY_TIME_ZONE } from '../working-days.ts';
import type { Email } from './render.ts';

const day = once(() => new Intl.DateTimeFormat('en-US', { timeZone: AGENCY_TIME_ZONE, weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' }));
const longDay = once(() => new Intl.DateTimeFormat('en-US', { timeZone: AGENCY_TIME_ZONE, dateStyle: 'full' }));

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const deadlineOf = (line: DigestLine) => (line.deadline ? day().format(new Date(line.deadline)) : 'none');
/** Long recall titles would make the digest hard to scan; the case page has the whole title. */
const short = (title: string) => (title.length > 110 ? `${title.slice(0, 107)}...` : title);

function textLine(line: DigestLine, extra: string): string {
  return `  - ${line.recallNumber} ${short(line.title)} | ${line.marketplaceName} | deadline ${deadlineOf(line)}${extra} | ${line.url}`;
}

function htmlRow(line: DigestLine, extra: string): string {
  return `<tr><td><a href="${e(line.url)}">${e(line.recallNumber)}</a></td><td>${e(short(line.title))}</td><td>${e(line.marketplaceName)}</td><td>${e(deadlineOf(line))}</td><td>${e(extra)}</td></tr>`;
}

const TABLE_HEAD =
  '<table cellpadding="4" style="border-collapse:collapse;font-size:14px"><tr style="text-align:left"><th>Recall</th><th>Title</th><th>Marketplace</th><th>Deadline</th><th></th></tr>';

function listText(list: DigestList, extra: (line: DigestLine) => string): string[] {
  const out = list.lines.map((line) => textLine(line, extra(line) ? ` | ${extra(line)}` : ''));
  if (list.more) out.push(`  ... and ${list.more} more: ${list.moreUrl}`);
  return out;
}

function listHtml(list: DigestList, extra: (line: DigestLine) => string): string {
  const more = list.more ? `<p>... and <a href="${e(list.moreUrl)}">${list.more} more</a></p>` : '';
  return list.lines.length ? `${TABLE_HEAD}${list.lines.map((line) => htmlRow(line, extra(line))).join('')}</table>${more}` : more;
}

const overdueNote = (line: DigestLine) => `${plural(line.workingDaysOverdue, 'working day')} overdue`;
const waitingNote = (line: DigestLine) =>
  `${line.status === 'DISPUTED' ? 'dispute' : 'extension asked'}${line.answeredAt ? ` ${day().format(new Date(line.answeredAt))}` : ''}`;

/** The morning digest as an email: a summary line, then each list, grouped, counted and capped. */
/** The digest; `scope`, when it covers only some cases, says which. */
export function digestEmail(digest: Digest, authority: string, scope?: string): Email {
  const { counts } = digest;
  const summary = `${plural(counts.overdue, 'case')} overdue, ${counts.dueToday} due today, ${plural(counts.awaitingDecision, 'decision')} waiting, ${plural(counts.bouncedNotices, 'bounced notice')}`;
  const subject = `Recall cases ${day().format(new Date(digest.at))}: ${summary}`;
  const sections: { title: string; text: string[]; html: string }[] = [];

  if (counts.overdue) {
    const text: string[] = [];
    const html: string[] = [];
    for (const m of digest.overdue) {
      text.push(`${m.marketplaceName}: ${plural(m.count, 'case')} overdue`);
      html.push(`<h3>${e(m.marketplaceName)}: ${plural(m.count, 'case')} overdue</h3>`);
      for (const g of m.groups) {
        const heading = `${plural(g.workingDaysOverdue, 'working day')} overdue: ${plural(g.count, 'case')}`;
        text.push(` ${heading}`, ...listText(g, () => ''));
        html.push(
          `<p><strong>${e(heading)}</strong></p>`,
          g.lines.length ? listHtml(g, overdueNote) : `<p>... <a href="${e(g.moreUrl)}">${plural(g.count, 'case')}</a> not listed here</p>`,
        );
      }
    }
    sections.push({ title: `Overdue: ${plural(counts.overdue, 'case')}`, text, html: html.join('\n') });
  }
  if (counts.dueToday)
    sections.push({
      title: `Due today: ${plural(counts.dueToday, 'case')}`,
      text: listText(digest.dueToday, () => ''),
      html: listHtml(digest.dueToday, () => 'due today'),
    });
  if (counts.awaitingDecision) {
    sections.push({
      title: `Waiting for your decision: ${plural(counts.awaitingDecision, 'case')}`,
      text: listText(digest.awaitingDecision, waitingNote),
      html: listHtml(digest.awaitingDecision, waitingNote),
    });
  }
  if (counts.bouncedNotices) {
    sections.push({
      title: `Notices that bounced: ${plural(counts.bouncedNotices, 'case')}`,
      text: listText(digest.bouncedNotices, () => 'notice bounced'),
      html: listHtml(digest.bouncedNotices, () => 'notice bounced'),
    });
  }

  const opening = `${authority}: recall cases on ${longDay().format(new Date(digest.at))}${scope ? ` (only ${scope})` : ''}. ${summary}.`;
  const nothing = 'Nothing is overdue, due today or waiting for you.';
  const text = [opening, '', ...(sections.length ? sections.flatMap((s) => [s.title, ...s.text, '']) : [nothing])].join('\n');
  const html = [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head><body style="font-family:sans-serif;line-height:1.4">`,
    `<p>${e(opening)}</p>`,
    ...(sections.length ? sections.map((s) => `<h2>${e(s.title)}</h2>\n${s.html}`) : [`<p>${nothing}</p>`]),
    '</body></html>',
  ].join('\n');
  return { subject, text: `${text.trim()}\n`, html };
}
