import type { Decision } from '../case.ts';
import type { Marketplace } from '../marketplace.ts';
import type { Recall } from '../recall.ts';
import { once } from '../once.ts';
import { AGENCY_TIME_ZONE } from '../working-days.ts';
import { companyLines, lotLines, NONE_PUBLISHED, nonePublished, recallIdentifiers, searchLines, soldOn, type RecallIdentifiers } from '../identifiers.ts';
import { recallPageLabel, trustedUrl } from '../trusted-links.ts';
import { render, type Block, type Email } from './render.ts';

export type { Email } from './render.ts';

export interface CaseEmailContext {
  /** The issuing authority, e.g. "U.S. Consumer Product Safety Commission". */
  authority: string;
  caseId: string;
  recall: Recall;
  marketplace: Marketplace;
  link: string;
  deadline: Date;
  /** Hosts whose recall pages and images are shown as links and images (the agency's). */
  trustedHosts: readonly string[];
}

const eastern = once(() => new Intl.DateTimeFormat('en-US', { timeZone: AGENCY_TIME_ZONE, dateStyle: 'full', timeStyle: 'long' }));
const utc = once(() => new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', dateStyle: 'long', timeStyle: 'short' }));

/** A deadline in the recipient's terms: Eastern time (the agency's) and UTC. */
export function formatDeadline(deadline: Date): string {
  return `${eastern().format(deadline)} (${utc().format(deadline)} UTC)`;
}

/** The recall's own page and images: links and images only on trusted hosts, plain text otherwise. */
function recallSources(recall: Recall, trustedHosts: readonly string[]): Block[] {
  const images = recall.images.filter((i) => trustedUrl(i.url, trustedHosts));
  const untrusted = recall.images.filter((i) => !trustedUrl(i.url, trustedHosts)).map((i) => i.url);
  const page = recall.url ? trustedUrl(recall.url, trustedHosts) : undefined;
  return [
    { images },
    ...(untrusted.length ? [{ list: untrusted, heading: 'Images given by the feed (not shown: not on a trusted host)' }] : []),
    ...(page
      ? [{ link: page.href, label: recallPageLabel(page) }]
      : recall.url
        ? [{ p: recall.url, lead: 'Recall page given by the feed (not verified):' }]
        : []),
  ];
}

/** What to search the platform for: the identifiers of the recalled product, each with where the record gives it. */
function identifierBlocks(ids: RecallIdentifiers): Block[] {
  return [
    { list: searchLines(ids), heading: 'Search your platform for' },
    ...(nonePublished(ids) ? [{ p: NONE_PUBLISHED, lead: 'Note:' }] : []),
    { list: lotLines(ids), heading: 'Lot, batch and date codes (they tell which units are recalled, not which listings)' },
    { list: companyLines(ids), heading: 'Companies the recall names (they are not brands unless listed above)' },
  ];
}

function recallBlocks(recall: Recall, ids: RecallIdentifiers, trustedHosts: readonly string[]): Block[] {
  const products = recall.products.map((p) =>
    [p.name, p.model && `model ${p.model}`, p.units && `units: ${p.units}`, p.description].filter(Boolean).join('; '),
  );
  return [
    { p: recall.title, lead: `CPSC recall ${recall.recallNumber} (${recall.recallDate}):` },
    { list: recall.hazards, heading: 'Hazard' },
    { list: products, heading: 'Products' },
    { p: recall.description, lead: 'Description:' },
    ...identifierBlocks(ids),
    ...(recall.retailers.length ? [{ list: recall.retailers, heading: 'Sold' }] : []),
    ...recallSources(recall, trustedHosts),
  ];
}

const ANSWER_GUIDE: Block = {
  list: [
    'Blocked: the listing ids or URLs you removed (one per line), how many, and when they were blocked.',
    'Not listed: the product is not sold on your platform.',
    'Dispute: why the notice should not apply to you.',
    'Extension: why you need more time, and the date by which you will have blocked the listings.',
  ],
  heading: 'A good answer is one of:',
};

const CHECK_GUIDE: Block = {
  list: [
    'Still blocked: you searched your platform (by the identifiers below) and the product is not offered.',
    'Found and removed: listings of it were on sale again; give the ones you removed (one per line), how many, and when.',
  ],
  heading: 'Answer with one of:',
};

function marketplaceEmail(ctx: CaseEmailContext, subject: string, opening: Block[], withRecall = true, guide: Block = ANSWER_GUIDE): Email {
  const ids = recallIdentifiers(ctx.recall);
  const sold = soldOn(ids, ctx.marketplace)[0];
  return render(subject, [
    { p: `To the trust and safety team of ${ctx.marketplace.name},` },
    ...(sold ? [{ p: `CPSC reports this product was sold on your platform: "${sold.context}" (${sold.field} of the recall).` }] : []),
    ...opening,
    { link: ctx.link, label: 'Answer this notice', big: true },
    guide,
    ...(withRecall ? recallBlocks(ctx.recall, ids, ctx.trustedHosts) : []),
    { p: `Case ${ctx.caseId}. This link stays valid for the whole case and 30 days after it.` },
    { p: ctx.authority },
  ]);
}

const ACTION = 'make sure the recalled product can no longer be bought on your platform or shipped into the United States: remove or block every listing of it';

export function noticeEmail(ctx: CaseEmailContext): Email {
  return marketplaceEmail(ctx, `Recall ${ctx.recall.recallNumber}: remove from sale on ${ctx.marketplace.name}: ${ctx.recall.title}`, [
    { p: `The ${ctx.authority} has recalled the product below. Please ${ACTION}.` },
    { p: formatDeadline(ctx.deadline), lead: 'Answer by:' },
  ]);
}

export function reminderEmail(ctx: CaseEmailContext): Email {
  return marketplaceEmail(ctx, `Reminder: recall ${ctx.recall.recallNumber} on ${ctx.marketplace.name}, answer due ${formatDeadline(ctx.deadline)}`, [
    { p: `We have not yet received your answer to the notice for CPSC recall ${ctx.recall.recallNumber}. Please ${ACTION}.` },
    { p: formatDeadline(ctx.deadline), lead: 'Answer by:' },
  ]);
}

export function linkReissuedEmail(ctx: CaseEmailContext): Email {
  return marketplaceEmail(ctx, `New response link: recall ${ctx.recall.recallNumber} on ${ctx.marketplace.name}`, [
    {
      p: `As requested, here is a new link to answer the notice for CPSC recall ${ctx.recall.recallNumber}. Links sent before keep working until they expire.`,
    },
    { p: formatDeadline(ctx.deadline), lead: 'Answer by:' },
  ]);
}

/** The listings a marketplace said it blocked, as its answer gave them. */
export interface BlockedAnswer {
  listings: string[];
  count: number;
  blockedAt: string;
}

const blockedBlocks = (blocked: BlockedAnswer): Block[] => [
  { p: `${blocked.count} listing(s), blocked at ${formatDeadline(new Date(blocked.blockedAt))}:`, lead: 'You told us you blocked' },
  { list: blocked.listings.slice(0, 50), ...(blocked.listings.length > 50 ? { heading: `the first 50 of ${blocked.listings.length}` } : {}) },
];

/** A stay-down check: the marketplace confirms the product it blocked is still not offered. */
export function staydownCheckEmail(ctx: CaseEmailContext, blocked: BlockedAnswer, afterWorkingDays: number): Email {
  return marketplaceEmail(
    ctx,
    `Check: is recall ${ctx.recall.recallNumber} still off sale on ${ctx.marketplace.name}? Answer by ${formatDeadline(ctx.deadline)}`,
    [
      {
        p: `${afterWorkingDays} working days ago ${ctx.marketplace.name} blocked the listings of CPSC recall ${ctx.recall.recallNumber}. Recalled products come back: please search your platform again and confirm that the product is still not offered, or tell us what you found and removed.`,
      },
      ...blockedBlocks(blocked),
      { p: formatDeadline(ctx.deadline), lead: 'Answer by:' },
    ],
    true,
    CHECK_GUIDE,
  );
}

export function staydownReminderEmail(ctx: CaseEmailContext): Email {
  return marketplaceEmail(
    ctx,
    `Reminder: confirm recall ${ctx.recall.recallNumber} is still off sale on ${ctx.marketplace.name}`,
    [
      { p: `We have not yet received your confirmation that CPSC recall ${ctx.recall.recallNumber} is still not offered on ${ctx.marketplace.name}.` },
      { p: formatDeadline(ctx.deadline), lead: 'Answer by:' },
    ],
    true,
    CHECK_GUIDE,
  );
}

export function staydownEscalationEmail(ctx: CaseEmailContext): Email {
  return marketplaceEmail(
    ctx,
    `OVERDUE: no confirmation that recall ${ctx.recall.recallNumber} is still off sale on ${ctx.marketplace.name}`,
    [
      {
        p: `${ctx.marketplace.name} has not confirmed by ${formatDeadline(ctx.deadline)} that CPSC recall ${ctx.recall.recallNumber} is still not offered. Compliance staff are told. Please search your platform and answer now.`,
      },
    ],
    true,
    CHECK_GUIDE,
  );
}

/** A listing seen live after the block: the case reopens with a new deadline and the whole ladder. */
export function relistedNoticeEmail(ctx: CaseEmailContext, relisting: { listing: string; seenAt: string }, earlier: BlockedAnswer | undefined): Email {
  return marketplaceEmail(ctx, `RELISTED: recall ${ctx.recall.recallNumber} is on sale again on ${ctx.marketplace.name}`, [
    {
      p: `The ${ctx.authority} found the recalled product below offered on ${ctx.marketplace.name} again, after it was reported blocked. Please ${ACTION}, and find how it came back.`,
    },
    { p: `${relisting.listing} (seen ${formatDeadline(new Date(relisting.seenAt))})`, lead: 'Seen live:' },
    ...(earlier ? blockedBlocks(earlier) : []),
    { p: formatDeadline(ctx.deadline), lead: 'Answer by:' },
  ]);
}

export function escalationEmail(ctx: CaseEmailContext): Email {
  return marketplaceEmail(ctx, `OVERDUE: recall ${ctx.recall.recallNumber} on ${ctx.marketplace.name}: no answer by the deadline`, [
    {
      p: `${ctx.marketplace.name} has not answered the notice for CPSC recall ${ctx.recall.recallNumber} by its deadline, ${formatDeadline(ctx.deadline)}. The case is overdue and has been referred to compliance staff.`,
    },
    { p: `Please ${ACTION}, and answer now.` },
  ]);
}

export function finalNoticeEmail(ctx: CaseEmailContext, expiresAt: Date): Email {
  return marketplaceEmail(ctx, `FINAL NOTICE: recall ${ctx.recall.recallNumber} on ${ctx.marketplace.name}`, [
    {
      p: `This is the final notice for CPSC recall ${ctx.recall.recallNumber}. ${ctx.marketplace.name} has not answered since the deadline of ${formatDeadline(ctx.deadline)}.`,
    },
    { p: `Please ${ACTION}, and answer at once. Without an answer by ${formatDeadline(expiresAt)} the case is left to compliance staff for action.` },
  ]);
}

const DECISION_TEXT: Record<Decision['decision'], string> = {
  grant_extension: 'Your request for an extension is granted.',
  refuse_extension: 'Your request for an extension is refused.',
  uphold_dispute: 'Your dispute is upheld: no further action is required for this recall.',
  reject_dispute: 'Your dispute is rejected.',
  close: 'Staff have closed this case: no further action is required.',
};

export function decisionEmail(ctx: CaseEmailContext, decision: Decision, resumed: boolean): Email {
  return marketplaceEmail(
    ctx,
    `Recall ${ctx.recall.recallNumber} on ${ctx.marketplace.name}: ${DECISION_TEXT[decision.decision].replace(/[.:].*$/, '')}`,
    [
      { p: DECISION_TEXT[decision.decision] },
      ...(decision.reason ? [{ p: decision.reason, lead: 'Reason:' }] : []),
      ...(resumed ? [{ p: `Please ${ACTION}.` }, { p: formatDeadline(ctx.deadline), lead: 'Answer by:' }] : []),
    ],
    resumed,
  );
}

export interface StaffEmailContext {
  authority: string;
  caseId: string;
  recall: Recall;
  marketplace: Marketplace;
  /** Where staff see the case: the Step Functions console, or the local staff page. */
  caseUrl: string;
}

export function staffDecisionNeededEmail(ctx: StaffEmailContext, what: 'dispute' | 'extension', detail: string): Email {
  return render(`Decision needed: ${ctx.marketplace.name} ${what === 'dispute' ? 'disputes' : 'asks for an extension on'} recall ${ctx.recall.recallNumber}`, [
    {
      p: `${ctx.marketplace.name} ${what === 'dispute' ? 'disputes the notice for' : 'asks for more time on'} CPSC recall ${ctx.recall.recallNumber} (${ctx.recall.title}).`,
    },
    { p: detail, lead: what === 'dispute' ? 'Reason given:' : 'Request:' },
    {
      p: `Case ${ctx.caseId} waits for your decision: ${what === 'dispute' ? 'uphold or reject the dispute' : 'grant or refuse the extension'}, or close the case.`,
    },
    { link: ctx.caseUrl, label: 'The case' },
  ]);
}

export function staffExpiredEmail(ctx: StaffEmailContext): Email {
  return render(`EXPIRED: recall ${ctx.recall.recallNumber} on ${ctx.marketplace.name} is unresolved`, [
    {
      p: `Case ${ctx.caseId} (CPSC recall ${ctx.recall.recallNumber}, ${ctx.recall.title}) on ${ctx.marketplace.name} is unresolved at the end of its ladder. It is EXPIRED and left to you.`,
    },
    { link: ctx.caseUrl, label: 'The case' },
  ]);
}

export function staffNoticeBouncedEmail(ctx: StaffEmailContext, bounce: { recipients: string[]; diagnostic?: string }): Email {
  return render(`BOUNCED: the notice of recall ${ctx.recall.recallNumber} to ${ctx.marketplace.name} was not delivered`, [
    {
      p: `SES could not deliver the notice of case ${ctx.caseId} (CPSC recall ${ctx.recall.recallNumber}, ${ctx.recall.title}) to ${ctx.marketplace.name}: ${bounce.recipients.join(', ')} bounced permanently${bounce.diagnostic ? ` (${bounce.diagnostic})` : ''}.`,
    },
    {
      p: "The case is NOTICE_BOUNCED. Its reminder and escalation still go out, the escalation to the marketplace's escalation addresses and to you. Correct the marketplace's notice addresses and reach it another way.",
    },
    { link: ctx.caseUrl, label: 'The case' },
  ]);
}

export function staffWorkflowFailedEmail(ctx: { authority: string; subject: string; executionUrl: string; error: string; cause: string }): Email {
  return render(`FAILED: the workflow of ${ctx.subject} stopped on an error`, [
    { p: `The workflow of ${ctx.subject} failed after its retries with ${ctx.error}. Nothing more happens on it until it is looked at.` },
    ...(ctx.cause ? [{ p: `Cause: ${ctx.cause}` }] : []),
    { link: ctx.executionUrl, label: 'The execution' },
  ]);
}
