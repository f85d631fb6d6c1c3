import { escapeHtml } from '../html.ts';
import type { Marketplace } from '../marketplace.ts';
import type { Recall } from '../recall.ts';
import { AGENCY_TIME_ZONE } from '../working-days.ts';

export interface Email {
  subject: string;
  text: string;
  html: string;
}

const deadlineFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: AGENCY_TIME_ZONE,
  dateStyle: 'full',
  timeStyle: 'long',
});

export function formatDeadline(deadline: Date): string {
  return deadlineFormat.format(deadline);
}

/** The notice a marketplace receives for one recall, with its signed response link. */
export function noticeEmail(recall: Recall, marketplace: Marketplace, link: string, deadline: Date): Email {
  const products = recall.products.map((p) => [p.name, p.units && `(${p.units})`].filter(Boolean).join(' '));
  const due = formatDeadline(deadline);
  const subject = `Recall ${recall.recallNumber}: remove from sale on ${marketplace.name}: ${recall.title}`.slice(0, 250);
  const text = [
    `To the trust and safety team of ${marketplace.name},`,
    '',
    `The product below has been recalled (CPSC recall ${recall.recallNumber}, ${recall.recallDate}).`,
    'Please make sure it can no longer be bought on your platform or shipped into the United States,',
    `and tell us what you did by ${due}.`,
    '',
    `Recall: ${recall.title}`,
    ...products.map((p) => `Product: ${p}`),
    ...recall.hazards.map((h) => `Hazard: ${h}`),
    ...(recall.upcs.length ? [`UPCs: ${recall.upcs.join(', ')}`] : []),
    `Recall notice: ${recall.url}`,
    '',
    `Answer here (blocked, not listed, dispute or extension): ${link}`,
    '',
    'This link stays valid for the whole case; reminders carry the same link.',
  ].join('\n');
  const html = `<!doctype html><html lang="en"><body style="font-family:sans-serif;max-width:40em">
<p>To the trust and safety team of ${escapeHtml(marketplace.name)},</p>
<p>The product below has been recalled (CPSC recall ${escapeHtml(recall.recallNumber)}, ${escapeHtml(recall.recallDate)}).
Please make sure it can no longer be bought on your platform or shipped into the United States,
and tell us what you did by <strong>${escapeHtml(due)}</strong>.</p>
<h2 style="font-size:1.1em">${escapeHtml(recall.title)}</h2>
<ul>${products.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>
${recall.hazards.map((h) => `<p><strong>Hazard:</strong> ${escapeHtml(h)}</p>`).join('\n')}
${recall.upcs.length ? `<p><strong>UPCs:</strong> ${escapeHtml(recall.upcs.join(', '))}</p>` : ''}
<p><a href="${escapeHtml(recall.url)}">The recall notice on cpsc.gov</a></p>
<p><a href="${escapeHtml(link)}" style="font-size:1.2em">Answer this notice</a> (blocked, not listed, dispute or extension)</p>
<p style="color:#555">This link stays valid for the whole case; reminders carry the same link.</p>
</body></html>`;
  return { subject, text, html };
}

/** The escalation sent when the deadline passes without an answer. */
export function overdueEmail(recall: Recall, marketplace: Marketplace, link: string, deadline: Date): Email {
  const due = formatDeadline(deadline);
  const subject = `OVERDUE: recall ${recall.recallNumber} on ${marketplace.name}: no answer by ${due}`.slice(0, 250);
  const text = [
    `${marketplace.name} has not answered the notice for CPSC recall ${recall.recallNumber} (${recall.title}).`,
    `The deadline was ${due}. The case is now overdue.`,
    '',
    `Answer here: ${link}`,
  ].join('\n');
  const html = `<!doctype html><html lang="en"><body style="font-family:sans-serif;max-width:40em">
<p>${escapeHtml(marketplace.name)} has not answered the notice for CPSC recall ${escapeHtml(recall.recallNumber)}
(${escapeHtml(recall.title)}).</p>
<p>The deadline was <strong>${escapeHtml(due)}</strong>. The case is now <strong>overdue</strong>.</p>
<p><a href="${escapeHtml(link)}">Answer this notice</a></p>
</body></html>`;
  return { subject, text, html };
}
