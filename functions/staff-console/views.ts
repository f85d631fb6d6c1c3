import { CASE_STATUSES, DECISIONS_FOR, type CaseRecord, type Decision } from '#shared/case.ts';
import { CASE_VIEWS, isOverdue } from '#shared/digest.ts';
import { formatDeadline } from '#shared/emails/case-emails.ts';
import { scorecardTable } from '#shared/emails/report-email.ts';
import { escapeHtml as e } from '#shared/html.ts';
import { describeAnswer, describeAttestation } from '#shared/pages/response-page.ts';
import { scorecardChart } from '#shared/scorecard-chart.ts';
import type { MarketplaceScore } from '#shared/scorecard.ts';
import type { AuditEntry } from '#shared/store/audit-log.ts';
import type { StaffRole, StaffSession } from '#shared/store/session-store.ts';
import { AGENCY_TIME_ZONE } from '#shared/working-days.ts';
import type { CaseExecution } from '#shared/execution-history.ts';

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;line-height:1.4}header{background:#12355b;color:#fff;padding:.6em 1em;display:flex;flex-wrap:wrap;gap:1.2em;align-items:baseline}
header a{color:#fff}header .now{margin-left:auto;font-size:.9em}main{padding:1em}table{border-collapse:collapse;font-size:14px}
th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f5f8}
.late{color:#a00;font-weight:bold}.error{color:#a00;font-weight:bold}.done{color:#070;font-weight:bold}
form.filters label,form.period label{margin-right:1em}fieldset{margin:.6em 0;border:1px solid #999}
textarea{width:30em;max-width:100%}dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:bold}
.timeline td:first-child{white-space:nowrap}pre{margin:0;white-space:pre-wrap;font-size:12px}
header .who{font-size:.9em}form.signout{display:inline;margin:0}.key{font-family:monospace;background:#ffd;padding:.3em}`;

/** Who a page is for, and where the console is: every page's header, links and forms come from it. */
export interface Frame {
  /** The console's path, stage included, ending in a slash (/live/console/). */
  base: string;
  now: Date;
  /** The signed-in staff member: absent on the sign-in pages. */
  who?: { email: string; roles: readonly StaffRole[]; csrf: string };
}

/** A form posting to a console path, with the session's CSRF token. */
export function postForm(f: Frame, action: string, body: string, attributes = ''): string {
  return `<form method="post" action="${e(f.base + action)}"${attributes}><input type="hidden" name="csrf" value="${e(f.who?.csrf ?? '')}">${body}</form>`;
}

export function staffLayout(f: Frame, title: string, body: string): string {
  const link = (path: string, label: string) => `<a href="${e(f.base + path)}">${label}</a>`;
  const nav = f.who
    ? `${link('cases', 'Cases')}${link('cases?status=overdue', 'Overdue')}${link('cases?status=awaiting-decision', 'Waiting for a decision')}${link('scorecard', 'Scorecard')}${link('digest', "Today's digest")}${
        f.who.roles.includes('admin') ? `${link('marketplaces', 'Marketplaces')}${link('sessions', 'Staff sessions')}` : ''
      }<span class="now">now ${e(formatDeadline(f.now))}</span><span class="who">${e(f.who.email)} (${e(f.who.roles.join(', '))})</span>${postForm(
        f,
        'sign-out',
        '<button type="submit">Sign out</button>',
        ' class="signout"',
      )}`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${e(title)}</title><style>${STYLE}</style></head>
<body><header><strong>recallguard staff</strong>${nav}</header><main>${body}</main></body></html>`;
}

const eastern = new Intl.DateTimeFormat('en-US', { timeZone: AGENCY_TIME_ZONE, dateStyle: 'medium', timeStyle: 'short' });
/** Times as staff read them: the agency's wall clock. */
const when = (iso: string | null | undefined) => (iso ? e(eastern.format(new Date(iso))) : '-');

export interface CaseRow {
  record: CaseRecord;
  title: string;
  marketplaceName: string;
  workingDaysOverdue: number;
}

export const STATUS_FILTERS = ['', ...Object.keys(CASE_VIEWS), ...CASE_STATUSES];

/** The cases page: `rows` are the ones shown, the first of `total`. */
/** The "sold here" filter's select: any case, those whose recall names the marketplace as a seller, or the others. */
function soldHereSelect(selected: string): string {
  const options = Object.entries(SOLD_HERE_LABELS).map(
    ([value, label]) => `<option value="${e(value)}"${value === selected ? ' selected' : ''}>${e(label)}</option>`,
  );
  return `<label>Recall says it was sold here <select name="soldHere">${options.join('')}</select></label>`;
}

const SOLD_HERE_LABELS = { '': 'any', yes: 'yes', no: 'no' };

export function casesPage(
  f: Frame,
  input: { rows: CaseRow[]; total: number; status: string; marketplace: string; marketplaces: string[]; soldHere: string },
): string {
  const option = (value: string, selected: string, label = value || 'all') =>
    `<option value="${e(value)}"${value === selected ? ' selected' : ''}>${e(label)}</option>`;
  const rows = input.rows.map(({ record: r, title, marketplaceName, workingDaysOverdue }) => {
    const late = isOverdue(r, f.now);
    return `<tr><td><a href="${e(f.base)}cases/${encodeURIComponent(r.caseId)}">${e(r.caseId)}</a></td><td>${e(title)}</td><td>${e(marketplaceName)}</td><td${late ? ' class="late"' : ''}>${e(r.status)}</td><td>${when(r.deadline)}</td><td>${late ? workingDaysOverdue : ''}</td><td>${when(r.answeredAt)}</td><td>${r.answerOnTime === undefined ? '' : r.answerOnTime ? 'yes' : 'no'}</td></tr>`;
  });
  return staffLayout(
    f,
    'Cases',
    `<h1>Cases</h1>
<form class="filters" method="get" action="${e(f.base)}cases"><label>Status <select name="status">${STATUS_FILTERS.map((s) => option(s, input.status)).join('')}</select></label>
<label>Marketplace <select name="marketplace">${['', ...input.marketplaces].map((m) => option(m, input.marketplace)).join('')}</select></label>${soldHereSelect(input.soldHere)}<button type="submit">Show</button></form>
<p id="count">${input.total} cases${input.total > input.rows.length ? `; the first ${input.rows.length} shown` : ''}.</p>
<table id="cases"><tr><th>Case</th><th>Recall</th><th>Marketplace</th><th>Status</th><th>Deadline (Eastern)</th><th>Working days overdue</th><th>Answered (Eastern)</th><th>On time</th></tr>${rows.join('')}</table>`,
  );
}

const DECISION_LABELS: Record<Decision['decision'], string> = {
  grant_extension: 'Grant the extension',
  refuse_extension: 'Refuse the extension',
  uphold_dispute: 'Uphold the dispute (closes the case)',
  reject_dispute: 'Reject the dispute',
  close: 'Close the case',
};

function decisionForms(f: Frame, record: CaseRecord): string {
  const decisions = DECISIONS_FOR[record.status] ?? [];
  if (!decisions.length) return '';
  if (!f.who?.roles.includes('decider'))
    return `<h2>Decision</h2><p>The case waits for a decision: ${e(decisions.join(', '))}. Deciding takes the decider role.</p>`;
  const forms = decisions.map((d) => {
    const id = (name: string) => `${d}-${name}`;
    return postForm(
      f,
      `cases/${encodeURIComponent(record.caseId)}/decision`,
      `<fieldset><legend>${e(DECISION_LABELS[d])}</legend>
<input type="hidden" name="decision" value="${d}">
${d === 'grant_extension' ? `<label for="${id('until')}">Until (the new deadline's day)</label> <input type="date" id="${id('until')}" name="until" value="${e(record.answer?.answer === 'extension' ? record.answer.requestedDate : '')}"><br>` : ''}
<label for="${id('reason')}">Reason</label><br><textarea id="${id('reason')}" name="reason" rows="2"></textarea><br>
<button type="submit">${e(DECISION_LABELS[d])}</button> <small>recorded as ${e(f.who!.email)}</small></fieldset>`,
    );
  });
  return `<h2>Decision</h2>${forms.join('\n')}`;
}

function auditCell(entry: AuditEntry): string {
  const { email, ...rest } = entry.detail ?? {};
  const mail = email as { to?: string[]; subject?: string } | undefined;
  const detail = Object.keys(rest).length ? `<pre>${e(JSON.stringify(rest))}</pre>` : '';
  return `<strong>${e(entry.action)}</strong> by ${e(entry.actor)}${mail ? `<br>email to ${e(mail.to?.join(', '))}: ${e(mail.subject)}` : ''}${detail}`;
}

type CasePageInput = {
  record: CaseRecord;
  /** The online channels the recall says sold the product, each with the partner marketplace it is, if any. */
  channels: { channel: string; partner?: string }[];
  title: string;
  /** The recall's own page, when it is on a trusted host (a link); empty otherwise. */
  recallUrl: string;
  marketplaceName: string;
  workingDaysOverdue: number;
  audit: AuditEntry[];
  /** The case's executions (the first, relistings', stay-down checks'), or why they cannot be read. */
  execution: CaseExecution[] | { error: string };
  message?: { error?: string; done?: string };
};

/** What a case page says first: the case's facts. */
function caseFacts(f: Frame, input: CasePageInput): [string, string][] {
  const r = input.record;
  return [
    [
      'Status',
      `<span id="status">${e(r.status)}</span>${isOverdue(r, f.now) ? ` <span class="late">${input.workingDaysOverdue} working days overdue</span>` : ''}`,
    ],
    ['Recall', `${e(r.recallNumber)}: ${input.recallUrl ? `<a href="${e(input.recallUrl)}">${e(input.title)}</a>` : e(input.title)}`],
    ['Marketplace', e(input.marketplaceName)],
    [
      'Sold here',
      r.soldHere === undefined
        ? 'not known before the notice'
        : r.soldHere
          ? `yes: the recall names ${e(input.marketplaceName)} as where it was sold`
          : 'no: the recall does not name this marketplace',
    ],
    [
      'Online channels the recall names',
      input.channels.length
        ? input.channels.map((c) => `${e(c.channel)} (${c.partner ? `partner: ${e(c.partner)}` : '<strong>not a partner</strong>'})`).join(', ')
        : 'none',
    ],
    ['Notice sent', when(r.noticeSentAt)],
    ['Deadline', r.deadline ? e(formatDeadline(new Date(r.deadline))) : '-'],
    ...(r.noticeBouncedAt ? ([['Notice bounced', when(r.noticeBouncedAt)]] as [string, string][]) : []),
    ['Answer', r.answer ? `${e(describeAnswer(r.answer))} (${when(r.answeredAt)}, ${r.answerOnTime ? 'on time' : 'late'})` : '-'],
    ...(r.previousAnswers ?? []).map((p): [string, string] => ['Earlier answer', `${e(describeAnswer(p.answer))} (${when(p.answeredAt)})`]),
    ...(r.decision
      ? ([
          [
            'Decision',
            `${e(r.decision.decision)} by ${e(r.decision.by)}${r.decision.identity ? ` <small>(subject ${e(r.decision.identity.subject)} at ${e(r.decision.identity.issuer)})</small>` : ''} (${when(r.decision.decidedAt)})${r.decision.reason ? `: ${e(r.decision.reason)}` : ''}`,
          ],
        ] as [string, string][])
      : []),
    ...staydownFacts(r),
    ...(r.failure ? ([['Failure', `<span class="error">${e(r.failure.error)}</span>: ${e(r.failure.cause)}`]] as [string, string][]) : []),
    ['Execution', `<code>${e(r.executionId)}</code>`],
  ];
}

/** The stay-down checks and relistings of a case, one line each. */
function staydownFacts(r: CaseRecord): [string, string][] {
  const checks = (r.staydown?.checks ?? []).map((c): [string, string] => [
    `Stay-down check (${c.afterWorkingDays} WD, period ${c.period})`,
    c.answer
      ? `${e(describeAttestation(c.answer))} (${when(c.answeredAt)}, ${c.onTime ? 'on time' : 'late'})`
      : c.requestedAt
        ? `asked ${when(c.requestedAt)}, due ${e(formatDeadline(new Date(c.deadline!)))}${c.escalatedAt ? ', <span class="late">escalated</span>' : ''}`
        : `due ${when(c.dueAt)}`,
  ]);
  const relistings = (r.relistings ?? []).map((l, i): [string, string] => [
    `Relisting ${i + 1}`,
    `${e(l.listing)} seen ${when(l.seenAt)}, reported by ${e(l.by)}${l.noticeAt ? `; notice ${when(l.noticeAt)}` : ''}${l.removedAt ? `; removed again ${when(l.removedAt)}` : ''}`,
  ]);
  return [...checks, ...relistings];
}

/** On a blocked case, for a decider: report a listing seen live again. */
function relistingForm(f: Frame, record: CaseRecord): string {
  if (record.status !== 'BLOCKED' || record.answer?.answer !== 'blocked' || !f.who?.roles.includes('decider')) return '';
  return `<h2>Seen live again?</h2>${postForm(
    f,
    `cases/${encodeURIComponent(record.caseId)}/relisting`,
    `<fieldset><legend>Report a relisting (the case reopens as RELISTED)</legend>
<label for="relisting-listing">Listing URL</label> <input type="url" id="relisting-listing" name="listing" required><br>
<label for="relisting-seen">Seen at (ISO 8601, optional)</label> <input id="relisting-seen" name="seenAt"><br>
<button type="submit">Report the relisting</button></fieldset>`,
  )}`;
}

/** For an admin, once the notice is out: a new response link, emailed to the marketplace. */
function linkForm(f: Frame, record: CaseRecord): string {
  if (!record.noticeSentAt || !f.who?.roles.includes('admin')) return '';
  return `<h2>Response link</h2>${postForm(
    f,
    `cases/${encodeURIComponent(record.caseId)}/link`,
    '<button type="submit">Email the marketplace a new response link</button>',
  )}`;
}

export function casePage(f: Frame, input: CasePageInput): string {
  const r = input.record;
  const facts = caseFacts(f, input);
  type Row = { at: string; order: number; audit?: string; event?: string };
  const rows: Row[] = input.audit.map((a, i) => ({ at: a.at, order: i, audit: auditCell(a) }));
  const executions = Array.isArray(input.execution) ? input.execution : [];
  for (const [n, execution] of executions.entries()) {
    // Events of a linked execution are marked with its name.
    const label = execution.executionArn === r.executionId ? '' : `<small>${e(execution.executionArn.split(':').at(-1))}</small> `;
    rows.push(
      ...execution.events.map((ev) => ({
        at: ev.timestamp,
        order: n * 100_000 + ev.id,
        event: `${label}${e(ev.type)}${ev.state ? ` <strong>${e(ev.state)}</strong>` : ''}`,
      })),
    );
  }
  const eventCount = executions.reduce((count, x) => count + x.events.length, 0);
  rows.sort((a, b) => a.at.localeCompare(b.at) || Number(Boolean(a.event)) - Number(Boolean(b.event)) || a.order - b.order);
  const message = input.message?.error
    ? `<p class="error" role="alert">${e(input.message.error)}</p>`
    : input.message?.done
      ? `<p class="done" role="status">${e(input.message.done)}</p>`
      : '';
  return staffLayout(
    f,
    `Case ${r.caseId}`,
    `<h1>Case ${e(r.caseId)}</h1>${message}
<dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
${decisionForms(f, r)}
${relistingForm(f, r)}
${linkForm(f, r)}
<h2>Timeline</h2>${Array.isArray(input.execution) ? '' : `<p class="error">The execution history cannot be read: ${e(input.execution.error)}</p>`}
<table class="timeline" id="timeline"><tr><th>When (UTC)</th><th>Audit log (${input.audit.length})</th><th>Execution history (${eventCount} events${executions.length > 1 ? `, ${executions.length} executions` : ''})</th></tr>
${rows.map((row) => `<tr><td>${e(row.at.slice(0, 19).replace('T', ' '))}</td><td>${row.audit ?? ''}</td><td>${row.event ?? ''}</td></tr>`).join('\n')}</table>`,
  );
}

export function scorecardPage(f: Frame, input: { scores: MarketplaceScore[]; since: string; until: string; soldHere: string; error?: string }): string {
  const period =
    input.since || input.until ? `notified ${input.since ? `from ${input.since}` : ''} ${input.until ? `to ${input.until}` : ''}`.trim() : 'all cases';
  return staffLayout(
    f,
    'Scorecard',
    `<h1>Marketplace scorecard</h1>
<form class="period" method="get" action="${e(f.base)}scorecard"><label>From <input type="date" name="since" value="${e(input.since)}"></label><label>To <input type="date" name="until" value="${e(input.until)}"></label>${soldHereSelect(input.soldHere)}<button type="submit">Show</button></form>
${input.error ? `<p class="error" role="alert">${e(input.error)}</p>` : ''}
<figure id="chart">${scorecardChart(input.scores, `On time and time to answer, ${period}`)}</figure>
${scorecardTable(input.scores)}`,
  );
}

/** The staff signed in now, for an administrator, each with a button that ends their sessions. */
export function sessionsPage(f: Frame, input: { sessions: StaffSession[]; done?: string; error?: string }): string {
  const people = new Map<string, StaffSession[]>();
  for (const s of input.sessions)
    people.set(`${s.identity.issuer} ${s.identity.subject}`, [...(people.get(`${s.identity.issuer} ${s.identity.subject}`) ?? []), s]);
  const rows = [...people.values()].map((sessions) => {
    const { identity, roles } = sessions[0]!;
    const at = (ms: number) => when(new Date(ms).toISOString());
    const end = postForm(
      f,
      'sessions/end',
      `<input type="hidden" name="issuer" value="${e(identity.issuer)}"><input type="hidden" name="subject" value="${e(identity.subject)}"><button type="submit">End the sessions of ${e(identity.email)}</button>`,
    );
    return `<tr><td>${e(identity.email)}</td><td>${e(roles.join(', '))}</td><td>${sessions.length}</td><td>${at(Math.max(...sessions.map((s) => s.createdAt)))}</td><td>${at(Math.max(...sessions.map((s) => s.lastSeenAt)))}</td><td>${end}</td></tr>`;
  });
  const message = input.error ? `<p class="error" role="alert">${e(input.error)}</p>` : input.done ? `<p class="done" role="status">${e(input.done)}</p>` : '';
  return staffLayout(
    f,
    'Staff sessions',
    `<h1>Staff sessions</h1>${message}<p>Who is signed in to the console now. Ending a person's sessions signs them out everywhere: their next request asks them to sign in, and the identity provider decides again.</p>
<table id="sessions"><tr><th>Who</th><th>Roles</th><th>Sessions</th><th>Signed in</th><th>Last request</th><th></th></tr>${rows.join('')}</table>`,
  );
}

/** A page that says what went wrong: not found, not allowed, a form that did not come from this session. */
export function problemPage(f: Frame, title: string, what: string): string {
  return staffLayout(f, title, `<h1>${e(title)}</h1><p>${e(what)}</p><p><a href="${e(f.base)}cases">All cases</a></p>`);
}

/** The page a signed-out visitor gets: why, and the way in. */
export function signInPage(f: Frame, input: { startUrl: string; reason?: string; provider: string }): string {
  return staffLayout(
    f,
    'Sign in',
    `<h1>Sign in</h1>${input.reason ? `<p class="error" role="alert">${e(input.reason)}</p>` : ''}
<p>The staff console of recallguard is for the agency's compliance staff. Sign in with your agency account.</p>
<p><a id="sign-in" href="${e(input.startUrl)}">Sign in with ${e(input.provider)}</a></p>`,
  );
}
