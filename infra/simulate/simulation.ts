import { z } from 'zod';
import type { CaseRecord } from '#shared/case.ts';
import { agencyDate } from '#shared/working-days.ts';
import type { LocalCloud } from '../local-cloud/local-cloud.ts';

/**
 * A scripted event of a case, and when (virtual time): the marketplace's answer to its notice, its
 * answer to a stay-down check (still_blocked, found_removed), or the agency's report of a listing
 * seen live again (relisted). A case may have several, in time order.
 */
export const responsesSchema = z
  .array(
    z.object({
      recallNumber: z.string().transform((n) => n.replace(/-/g, '')),
      marketplaceId: z.string().min(1),
      action: z.enum(['blocked', 'not_listed', 'dispute', 'extension', 'none', 'still_blocked', 'found_removed', 'relisted']),
      at: z.iso.datetime({ offset: true }),
      listings: z.array(z.string().min(1)).min(1).optional(),
      count: z.number().int().min(1).optional(),
      blockedAt: z.iso.datetime({ offset: true }).optional(),
      listing: z.url({ protocol: /^https?$/ }).optional(),
      reason: z.string().min(1).optional(),
      requestedDate: z.iso.date().optional(),
    }),
  )
  .check((ctx) => {
    const last = new Map<string, number>();
    ctx.value.forEach((r, i) => {
      const key = `${r.recallNumber}.${r.marketplaceId}`;
      if (Date.parse(r.at) < (last.get(key) ?? -Infinity)) {
        ctx.issues.push({ code: 'custom', path: [i, 'at'], message: `the entries of case ${key} must be in time order`, input: r.at });
      }
      last.set(key, Date.parse(r.at));
    });
  });
export type ScriptedResponse = z.infer<typeof responsesSchema>[number];

export function parseResponses(input: unknown): ScriptedResponse[] {
  const result = responsesSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`invalid responses: ${issue?.path.join('.') || 'file'}: ${issue?.message}`);
  }
  return result.data;
}

export interface CaseReport {
  caseId: string;
  recallNumber: string;
  marketplaceId: string;
  status: CaseRecord['status'];
  notifiedAt: string | null;
  deadline: string | null;
  remindedAt: string | null;
  escalatedAt: string | null;
  finalNoticeAt: string | null;
  respondedAt: string | null;
  onTime: boolean | null;
  /** The case workflow's state transitions (states entered), over its executions (the first, and one per relisting). */
  transitions: number;
  /** The stay-down executions' state transitions. */
  staydownTransitions: number;
  emails: { to: string[]; subject: string; at: string }[];
  /** The stay-down checks asked for, every period's. */
  staydown: { requestedAt: string; deadline: string; answer: string | null; answeredAt: string | null }[];
  /** Listings reported live again after the block. */
  relistings: { reportedAt: string; listing: string; noticeAt: string | null; deadline: string | null; removedAt: string | null }[];
}

/** The form a scripted answer posts, as a marketplace would fill it in. */
function formFor(response: ScriptedResponse, caseId: string): Record<string, string> | undefined {
  const at = new Date(response.at);
  switch (response.action) {
    case 'blocked': {
      const listings = response.listings ?? [`https://${response.marketplaceId}.example/listing/${caseId}`];
      return {
        answer: 'blocked',
        listings: listings.join('\n'),
        count: String(response.count ?? listings.length),
        blockedAt: response.blockedAt ?? at.toISOString(),
      };
    }
    case 'not_listed':
      return { answer: 'not_listed', ...(response.reason ? { reason: response.reason } : {}) };
    case 'dispute':
      return { answer: 'dispute', reason: response.reason ?? 'The notice does not apply to our listings.' };
    case 'extension':
      return {
        answer: 'extension',
        reason: response.reason ?? 'We need more time to find every listing.',
        requestedDate: response.requestedDate ?? agencyDate(new Date(at.getTime() + 10 * 86_400_000)),
      };
    case 'still_blocked':
      return { answer: 'still_blocked' };
    case 'found_removed': {
      const listings = response.listings ?? [`https://${response.marketplaceId}.example/listing/${caseId}/again`];
      return {
        answer: 'found_removed',
        listings: listings.join('\n'),
        count: String(response.count ?? listings.length),
        blockedAt: response.blockedAt ?? at.toISOString(),
      };
    }
    case 'none':
    case 'relisted':
      return undefined;
  }
}

/** The response link of each case, read from the emails in the local inbox as a marketplace would: the latest one each case got. */
class InboxLinks {
  private readonly links = new Map<string, string>();
  private reading: Promise<void> | undefined;

  constructor(private readonly cloud: LocalCloud) {}

  async linkFor(caseId: string, at: Date): Promise<string | undefined> {
    const known = this.links.get(caseId);
    // A link past its expiry is looked for again: a later email carries a newer one.
    if (!known || Number(new URL(known).searchParams.get('exp')) * 1000 < at.getTime()) {
      // One read of the inbox serves every answer waiting for it.
      this.reading ??= this.read().finally(() => (this.reading = undefined));
      await this.reading;
    }
    return this.links.get(caseId);
  }

  private async read(): Promise<void> {
    for (const email of await this.cloud.emails()) {
      const link = email.body.text?.match(/Answer this notice: (\S+)/)?.[1];
      const id = link && decodeURIComponent(new URL(link).pathname.split('/').pop() ?? '');
      if (id) this.links.set(id, link);
    }
  }
}

const SEND_ATTEMPTS = 8;

/** The agency reports a listing of the case seen live again, through the API's IAM-authorized route. */
async function reportRelisting(cloud: LocalCloud, response: ScriptedResponse, warn: (message: string) => void): Promise<void> {
  const caseId = `${response.recallNumber}.${response.marketplaceId}`;
  const listing = response.listing ?? `https://${response.marketplaceId}.example/listing/${caseId}/relisted`;
  const post = () => cloud.agencyApi('POST', `v1/agency/cases/${encodeURIComponent(caseId)}/relisting`, { listing });
  // Sent again when the service fails (5xx): a repeat of a recorded report changes nothing.
  let reply = await post();
  for (let attempt = 1; reply.status >= 500 && attempt < SEND_ATTEMPTS; attempt++) reply = await post();
  if (reply.status !== 201) warn(`the relisting of case ${caseId} at ${response.at} was refused (HTTP ${reply.status}): ${JSON.stringify(reply.body)}`);
}

/** Posts one scripted answer through the real response endpoint, with the link from the emails. */
async function send(cloud: LocalCloud, links: InboxLinks, response: ScriptedResponse, warn: (message: string) => void): Promise<void> {
  if (response.action === 'relisted') return reportRelisting(cloud, response, warn);
  const caseId = `${response.recallNumber}.${response.marketplaceId}`;
  const fields = formFor(response, caseId);
  if (!fields) return;
  const link = await links.linkFor(caseId, cloud.clock.date());
  if (!link) return warn(`no notice was sent for case ${caseId}: its answer at ${response.at} is skipped`);
  const post = () =>
    fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  // A marketplace sends again when the service fails (5xx); a repeat of a recorded answer changes nothing.
  let reply = await post();
  for (let attempt = 1; reply.status >= 500 && attempt < SEND_ATTEMPTS; attempt++) reply = await post();
  if (reply.status !== 200) warn(`the answer for case ${caseId} at ${response.at} was refused (HTTP ${reply.status})`);
}

/**
 * Runs the whole system in virtual time: the recalls are ingested at the start, each scripted
 * answer is sent at its time, and every workflow runs to its end, or to `until`.
 */
export async function runSimulation(
  cloud: LocalCloud,
  input: { recalls: unknown[]; marketplaces: unknown; responses: ScriptedResponse[] },
  options: { until?: Date; warn?: (message: string) => void } = {},
): Promise<{ ingest: unknown }> {
  const warn = options.warn ?? ((m: string) => console.error(m));
  const start = cloud.clock.now();
  const early = input.responses.find((r) => Date.parse(r.at) < start);
  if (early)
    throw new Error(
      `the answer for ${early.recallNumber}.${early.marketplaceId} at ${early.at} is before the simulation starts (${new Date(start).toISOString()})`,
    );
  await cloud.importMarketplaces(input.marketplaces);
  const ingest = await cloud.invoke('ingest', { source: 'simulation', records: input.recalls });
  const links = new InboxLinks(cloud);
  for (const response of input.responses) {
    const post = () =>
      send(cloud, links, response, warn).catch((error: unknown) =>
        warn(`the answer for ${response.recallNumber}.${response.marketplaceId} failed: ${(error as Error).message}`),
      );
    cloud.clock.setTimeout(() => void cloud.clock.track(post()), Date.parse(response.at) - start);
  }
  await cloud.clock.run({ until: options.until });
  return { ingest };
}

/** States entered by each case's executions of a workflow, by case id (a case's first execution is named by it, later ones start with it). */
function transitionsByCase(cloud: LocalCloud, stateMachineArn: string): Map<string, number> {
  const byCase = new Map<string, number>();
  for (const execution of cloud.stepFunctions.listExecutions(stateMachineArn)) {
    const caseId = execution.name.replace(/\.(relisted|staydown)-\d+$/, '');
    const entered = cloud.stepFunctions.history(execution.executionArn).filter((e) => e.type.endsWith('StateEntered')).length;
    byCase.set(caseId, (byCase.get(caseId) ?? 0) + entered);
  }
  return byCase;
}

/** Each case as it ended: times, answer, transitions, the emails sent about it, its stay-down checks and relistings. */
export async function caseReports(cloud: LocalCloud): Promise<CaseReport[]> {
  const { cases, audit } = cloud.stores();
  const reports: CaseReport[] = [];
  const caseTransitions = transitionsByCase(cloud, cloud.caseStateMachineArn);
  const staydownTransitions = transitionsByCase(cloud, cloud.staydownStateMachineArn);
  for (const record of await cases.list()) {
    const entries = await audit.list(record.caseId);
    const emails = entries.flatMap((e) => {
      const email = e.detail?.email as { to: string[]; subject: string } | undefined;
      return email ? [{ to: email.to, subject: email.subject, at: e.at }] : [];
    });
    reports.push({
      caseId: record.caseId,
      recallNumber: record.recallNumber,
      marketplaceId: record.marketplaceId,
      status: record.status,
      notifiedAt: record.noticeSentAt ?? null,
      deadline: record.deadline ?? null,
      remindedAt: record.remindedAt ?? null,
      escalatedAt: record.escalatedAt ?? null,
      finalNoticeAt: record.finalNoticeAt ?? null,
      respondedAt: record.answeredAt ?? record.previousAnswers?.at(-1)?.answeredAt ?? null,
      onTime: record.answerOnTime ?? record.previousAnswers?.at(-1)?.onTime ?? null,
      transitions: caseTransitions.get(record.caseId) ?? 0,
      staydownTransitions: staydownTransitions.get(record.caseId) ?? 0,
      emails,
      staydown: (record.staydown?.checks ?? [])
        .filter((c) => c.requestedAt)
        .map((c) => ({ requestedAt: c.requestedAt!, deadline: c.deadline!, answer: c.answer?.answer ?? null, answeredAt: c.answeredAt ?? null })),
      relistings: (record.relistings ?? []).map((r) => ({
        reportedAt: r.reportedAt,
        listing: r.listing,
        noticeAt: r.noticeAt ?? null,
        deadline: r.deadline ?? null,
        removedAt: r.removedAt ?? null,
      })),
    });
  }
  return reports;
}
