import { STATUS_OF_ANSWER, type Answer, type Attestation, type CaseRecord, type StaydownCheck } from '../case.ts';
import { formatDeadline } from '../emails/case-emails.ts';
import { escapeHtml as e } from '../html.ts';
import { companyLines, lotLines, NONE_PUBLISHED, nonePublished, recallIdentifiers, searchLines } from '../identifiers.ts';
import type { Marketplace } from '../marketplace.ts';
import type { Recall } from '../recall.ts';
import { recallPageLabel, trustedUrl } from '../trusted-links.ts';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:46em;margin:1em auto;padding:0 1em;line-height:1.45}
fieldset{margin:1em 0;padding:1em;border:1px solid #999}legend{font-weight:bold}label{display:block;margin-top:.6em}
input,textarea{width:100%;box-sizing:border-box;font:inherit;padding:.3em}button{margin-top:.8em;font:inherit;padding:.4em 1em}
.error{color:#a00;font-weight:bold}.receipt{border:2px solid #070;padding:1em}.notice{border:2px solid #a60;padding:1em}
img{max-width:12em;margin-right:.5em}`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${e(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

export interface CaseView {
  record: CaseRecord;
  recall: Recall;
  marketplace: Marketplace;
  /** The form's action: the link itself, signature included. */
  action: string;
  /** Hosts whose recall pages and images are shown as links and images (the agency's). */
  trustedHosts: readonly string[];
}

const ANSWER_LABELS: Record<Answer['answer'] | Attestation['answer'], string> = {
  blocked: 'Blocked: the listings are removed and the product can no longer be bought',
  not_listed: 'Not listed: the product is not sold on the platform',
  dispute: 'Dispute: the notice should not apply',
  extension: 'Extension: more time is needed',
  still_blocked: 'Still blocked: we searched, and the product is not offered',
  found_removed: 'Found and removed: listings were back, and are removed again',
};

function recallSummary(view: CaseView): string {
  const { recall, record, marketplace } = view;
  return `<h1>Recall ${e(recall.recallNumber)}: ${e(recall.title)}</h1>
<p>Notice to <strong>${e(marketplace.name)}</strong>. Case <code>${e(record.caseId)}</code>, status <strong>${e(record.status)}</strong>${
    record.deadline ? `, answer due by <strong>${e(formatDeadline(new Date(record.deadline)))}</strong>` : ''
  }.</p>
${recall.hazards.map((h) => `<p><strong>Hazard:</strong> ${e(h)}</p>`).join('\n')}
<ul>${recall.products.map((p) => `<li>${e(p.name)}${p.units ? ` (${e(p.units)})` : ''}</li>`).join('')}</ul>
${searchBy(recall)}
${recallSources(view)}`;
}

const list = (heading: string, lines: string[]) => (lines.length ? `<h2>${e(heading)}</h2><ul>${lines.map((l) => `<li>${e(l)}</li>`).join('')}</ul>` : '');

/** What to search the platform by, each with where the recall gives it; the firms as what they are. */
function searchBy(recall: Recall): string {
  const ids = recallIdentifiers(recall);
  return `${list('Search your platform for', searchLines(ids))}${nonePublished(ids) ? `<p><strong>Note:</strong> ${e(NONE_PUBLISHED)}</p>` : ''}
${list('Lot, batch and date codes (they tell which units are recalled, not which listings)', lotLines(ids))}${list('Companies the recall names', companyLines(ids))}`;
}

/** The recall's page and images: a link and images only on trusted hosts; anything else as text. */
function recallSources({ recall, trustedHosts }: CaseView): string {
  const images = recall.images.map((i) =>
    trustedUrl(i.url, trustedHosts)
      ? `<img src="${e(i.url)}" alt="${e(i.caption || 'Recalled product')}">`
      : `<p>Image given by the feed (not shown): ${e(i.url)}</p>`,
  );
  const page = recall.url ? trustedUrl(recall.url, trustedHosts) : undefined;
  const link = page
    ? `<p><a href="${e(page.href)}">${e(recallPageLabel(page))}</a></p>`
    : recall.url
      ? `<p>Recall page given by the feed (not verified): ${e(recall.url)}</p>`
      : '';
  return `${images.join('')}
${link}`;
}

export function describeAnswer(answer: Answer): string {
  switch (answer.answer) {
    case 'blocked':
      return `Blocked ${answer.count} listing(s) at ${answer.blockedAt}: ${answer.listings.join(', ')}`;
    case 'not_listed':
      return `Not listed${answer.reason ? `: ${answer.reason}` : ''}`;
    case 'dispute':
      return `Dispute: ${answer.reason}`;
    case 'extension':
      return `Extension requested to ${answer.requestedDate}: ${answer.reason}`;
  }
}

export function referenceOf(record: CaseRecord): string {
  return `${record.caseId}-${(record.answeredAt ?? '').replace(/[^0-9]/g, '').slice(0, 14)}`;
}

export type FormValues = Partial<Record<'listings' | 'count' | 'blockedAt' | 'reason' | 'requestedDate', string>>;

function field(
  kind: Answer['answer'] | Attestation['answer'],
  name: keyof FormValues,
  label: string,
  values: FormValues,
  attrs = '',
  multiline = false,
): string {
  const id = `${kind}-${name}`;
  const value = values[name] ?? '';
  return multiline
    ? `<label for="${id}">${e(label)}</label><textarea id="${id}" name="${name}" rows="4" ${attrs}>${e(value)}</textarea>`
    : `<label for="${id}">${e(label)}</label><input id="${id}" name="${name}" value="${e(value)}" ${attrs}>`;
}

function answerForm(kind: Answer['answer'] | Attestation['answer'], action: string, inner: string, error?: string): string {
  return `<form method="post" action="${e(action)}"><fieldset><legend>${e(ANSWER_LABELS[kind])}</legend>
${error ? `<p class="error" role="alert">${e(error)}</p>` : ''}<input type="hidden" name="answer" value="${kind}">${inner}
<button type="submit">Send: ${e(kind.replace('_', ' '))}</button></fieldset></form>`;
}

/** The page a link opens: the recall, the deadline, the status, and a form for each answer. */
export function casePage(view: CaseView, form: { answer?: Answer['answer']; error?: string; values?: FormValues } = {}): string {
  const { record } = view;
  if (record.answer) return answeredPage(view, false);
  const errorFor = (kind: Answer['answer']) => (form.answer === kind ? form.error : undefined);
  const valuesFor = (kind: Answer['answer']): FormValues => (form.answer === kind ? (form.values ?? {}) : {});
  const forms = [
    answerForm(
      'blocked',
      view.action,
      field('blocked', 'listings', 'Listings blocked (ids or URLs, one per line)', valuesFor('blocked'), 'required', true) +
        field('blocked', 'count', 'Number of listings blocked', valuesFor('blocked'), 'type="number" min="1" required') +
        field('blocked', 'blockedAt', 'Blocked at (date and time, Eastern)', valuesFor('blocked'), 'type="datetime-local" required'),
      errorFor('blocked'),
    ),
    answerForm('not_listed', view.action, field('not_listed', 'reason', 'Notes (optional)', valuesFor('not_listed'), '', true), errorFor('not_listed')),
    answerForm(
      'dispute',
      view.action,
      field('dispute', 'reason', 'Why the notice should not apply', valuesFor('dispute'), 'required', true),
      errorFor('dispute'),
    ),
    answerForm(
      'extension',
      view.action,
      field('extension', 'reason', 'Why more time is needed', valuesFor('extension'), 'required', true) +
        field('extension', 'requestedDate', 'Date you need', valuesFor('extension'), 'type="date" required'),
      errorFor('extension'),
    ),
  ];
  return page(
    `Recall ${view.recall.recallNumber}: answer the notice`,
    `${recallSummary(view)}<h2>Your answer</h2>${form.error && !form.answer ? `<p class="error" role="alert">${e(form.error)}</p>` : ''}${forms.join('\n')}`,
  );
}

/** The receipt after an answer, or the answer already on record for a second visit. */
export function answeredPage(view: CaseView, justRecorded: boolean): string {
  const { record } = view;
  if (!record.answer) throw new Error('answeredPage needs an answered case');
  const late = record.answerOnTime === false;
  const heading = justRecorded ? 'Thank you: your answer is recorded' : 'An answer is already recorded for this notice';
  return page(
    heading,
    `<div class="${justRecorded ? 'receipt' : 'notice'}" role="status"><h1>${e(heading)}</h1>
<p>Reference: <strong>${e(referenceOf(record))}</strong></p>
<p>${e(describeAnswer(record.answer))}</p>
<p>Received ${e(record.answeredAt ?? '')}${late ? ', after the deadline: it is recorded as late' : ''}.</p>
${record.status !== STATUS_OF_ANSWER[record.answer.answer] ? `<p>The case had already ended (${e(record.status)}) when the answer came: it is kept on record, and staff will see it.</p>` : ''}
${justRecorded ? '' : '<p>Nothing was changed. To correct the answer, reply to the notice email.</p>'}</div>${recallSummary(view)}`,
  );
}

export function describeAttestation(attestation: Attestation): string {
  return attestation.answer === 'still_blocked'
    ? 'Still blocked: searched, and the product is not offered'
    : `Found and removed ${attestation.count} listing(s) at ${attestation.blockedAt}: ${attestation.listings.join(', ')}`;
}

/** The page a link opens while a stay-down check waits for its answer: the recall, the check's deadline, and its two answers. */
export function checkPage(view: CaseView, check: StaydownCheck, form: { answer?: Attestation['answer']; error?: string; values?: FormValues } = {}): string {
  const valuesFor = (kind: Attestation['answer']): FormValues => (form.answer === kind ? (form.values ?? {}) : {});
  const errorFor = (kind: Attestation['answer']) => (form.answer === kind ? form.error : undefined);
  const forms = [
    answerForm('still_blocked', view.action, '', errorFor('still_blocked')),
    answerForm(
      'found_removed',
      view.action,
      field('found_removed', 'listings', 'Listings found and removed (ids or URLs, one per line)', valuesFor('found_removed'), 'required', true) +
        field('found_removed', 'count', 'Number of listings removed', valuesFor('found_removed'), 'type="number" min="1" required') +
        field('found_removed', 'blockedAt', 'Removed at (date and time, Eastern)', valuesFor('found_removed'), 'type="datetime-local" required'),
      errorFor('found_removed'),
    ),
  ];
  const blocked = view.record.answer?.answer === 'blocked' ? view.record.answer : undefined;
  return page(
    `Recall ${view.recall.recallNumber}: is it still off sale?`,
    `${recallSummary({ ...view, record: { ...view.record, deadline: undefined } })}
${blocked ? `<p>You blocked ${blocked.count} listing(s) at ${e(blocked.blockedAt)}: ${e(blocked.listings.join(', '))}</p>` : ''}<h2>Stay-down check: ${check.afterWorkingDays} working days after the block</h2>
<p>Search your platform for the identifiers above and confirm that the product is still not offered, by <strong>${e(
      formatDeadline(new Date(check.deadline!)),
    )}</strong>.</p>${form.error && !form.answer ? `<p class="error" role="alert">${e(form.error)}</p>` : ''}${forms.join('\n')}`,
  );
}

/** The receipt of a stay-down check's answer. */
export function attestedPage(view: CaseView, check: StaydownCheck): string {
  const heading = 'Thank you: your confirmation is recorded';
  return page(
    heading,
    `<div class="receipt" role="status"><h1>${e(heading)}</h1>
<p>${e(describeAttestation(check.answer!))}</p>
<p>Received ${e(check.answeredAt ?? '')}${check.onTime === false ? ', after the deadline: it is recorded as late' : ''}.</p></div>${recallSummary(view)}`,
  );
}

export function errorPage(status: 403 | 404 | 409 | 413 | 400, message: string): string {
  const titles = {
    400: 'This request cannot be read',
    403: 'This link cannot be used',
    404: 'No such notice',
    409: 'Nothing is waiting for this answer',
    413: 'The answer is too large',
  };
  return page(titles[status], `<h1>${e(titles[status])}</h1><p class="error">${e(message)}</p>`);
}
