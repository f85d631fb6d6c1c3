import { z } from 'zod';
import type { CaseRecord } from '#shared/case.ts';
import { agencyDate } from '#shared/working-days.ts';
import type { LocalCloud } from '../local-cloud/local-cloud.ts';

/** A marketplace's scripted answer: what it does, and when (virtual time). */
export const responsesSchema = z.array(
  z.object({
    recallNumber: z.string().transform((n) => n.replace(/-/g, '')),
    marketplaceId: z.string().min(1),
    action: z.enum(['blocked', 'not_listed', 'dispute', 'extension', 'none']),
    at: z.iso.datetime({ offset: true }),
    listings: z.array(z.string().min(1)).min(1).optional(),
    reason: z.string().min(1).optional(),
    requestedDate: z.iso.date().optional(),
  }),
);
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
  /** The case execution's state transitions (states entered). */
  transitions: number;
  emails: { to: string[]; subject: string; at: string }[];
}

/** The form a scripted answer posts, as a marketplace would fill it in. */
function formFor(response: ScriptedResponse, caseId: string): Record<string, string> | undefined {
  const at = new Date(response.at);
  switch (response.action) {
    case 'blocked': {
      const listings = response.listings ?? [`https://${response.marketplaceId}.example/listing/${caseId}`];
      return { answer: 'blocked', listings: listings.join('\n'), count: String(listings.length), blockedAt: at.toISOString() };
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
    case 'none':
      return undefined;
  }
}

/** The response link of each case, read from the emails in the local inbox as a marketplace would. */
class InboxLinks {
  private readonly links = new Map<string, string>();
  private reading: Promise<void> | undefined;

  constructor(private readonly cloud: LocalCloud) {}

  async linkFor(caseId: string): Promise<string | undefined> {
    if (!this.links.has(caseId)) {
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
      if (id && !this.links.has(id)) this.links.set(id, link);
    }
  }
}

const SEND_ATTEMPTS = 8;

/** Posts one scripted answer through the real response endpoint, with the link from the emailed notice. */
async function send(links: InboxLinks, response: ScriptedResponse, warn: (message: string) => void): Promise<void> {
  const caseId = `${response.recallNumber}.${response.marketplaceId}`;
  const fields = formFor(response, caseId);
  if (!fields) return;
  const link = await links.linkFor(caseId);
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
      send(links, response, warn).catch((error: unknown) =>
        warn(`the answer for ${response.recallNumber}.${response.marketplaceId} failed: ${(error as Error).message}`),
      );
    cloud.clock.setTimeout(() => void cloud.clock.track(post()), Date.parse(response.at) - start);
  }
  await cloud.clock.run({ until: options.until });
  return { ingest };
}

/** Each case as it ended: times, answer, transitions and the emails sent about it. */
export async function caseReports(cloud: LocalCloud): Promise<CaseReport[]> {
  const { cases, audit } = cloud.stores();
  const reports: CaseReport[] = [];
  for (const record of await cases.list()) {
    const entries = await audit.list(record.caseId);
    const emails = entries.flatMap((e) => {
      const email = e.detail?.email as { to: string[]; subject: string } | undefined;
      return email ? [{ to: email.to, subject: email.subject, at: e.at }] : [];
    });
    let transitions = 0;
    try {
      transitions = cloud.stepFunctions.history(record.executionId).filter((e) => e.type.endsWith('StateEntered')).length;
    } catch {
      transitions = 0;
    }
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
      transitions,
      emails,
    });
  }
  return reports;
}
