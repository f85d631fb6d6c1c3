import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { identityActor, identityName, verifiedIdentity, type AgencyIdentity } from '#shared/agency-identity.ts';
import { CASE_ID_PATTERN, type CaseRecord } from '#shared/case.ts';
import { audited } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import * as z from '#shared/schema.ts';
import { relistingExecutionName, RelistingRefused, relistingReported } from '#shared/staydown.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import type { RefusalKind } from '../runtime/agency-route.ts';

/** A listing seen live after the block, as staff or a monitoring tool report it. */
export interface RelistingReport {
  caseId: string;
  /** The listing's URL. */
  listing: unknown;
  /** When it was seen live (ISO 8601); the report's own time when left out. */
  seenAt?: unknown;
}

export type RelistingResult =
  | { ok: true; caseId: string; status: 'RELISTED'; relisting: number; executionArn: string; repeated: boolean }
  | { ok: false; error: string; field?: string; kind: RefusalKind };

export interface ReportRelistingDeps {
  cases: CaseStore;
  sfn: SFNClient;
  caseStateMachineArn: string;
}

const reportSchema = z.object({
  listing: z
    .url({ protocol: /^https?$/, error: 'listing: give the URL of the listing seen live (http or https)' })
    .check(z.maxLength(2048, 'listing: at most 2,048 characters')),
  seenAt: z.optional(z.iso.datetime({ offset: true, error: 'seenAt: give when the listing was seen as an ISO 8601 date and time, e.g. 2026-11-25T14:30:00Z' })),
});

/** The report checked against the case: seen after the block, and not in the future. */
function seenProblem(record: CaseRecord, seenAt: Date, at: Date): string | undefined {
  if (seenAt.getTime() > at.getTime()) return `seenAt: ${seenAt.toISOString()} is in the future`;
  const blockedAt = record.answeredAt;
  if (record.status === 'BLOCKED' && blockedAt && seenAt.getTime() < Date.parse(blockedAt)) {
    return `seenAt: ${seenAt.toISOString()} is before the marketplace's "blocked" answer (${blockedAt}): a relisting is a listing seen live after the block`;
  }
  return undefined;
}

/**
 * Records a listing seen live after the block (the case becomes RELISTED, with its audit entry,
 * in one write) and starts the case workflow's next execution, which sends the relisted notice
 * with a new ladder. Refused, with the reason and nothing changed, on a case that is not blocked.
 * A repeat of the same report (a retry) starts the same execution and records nothing more.
 */
export async function reportRelisting(report: RelistingReport, reporter: AgencyIdentity, deps: ReportRelistingDeps): Promise<RelistingResult> {
  const at = now();
  if (typeof report?.caseId !== 'string' || !CASE_ID_PATTERN.test(report.caseId))
    return { ok: false, error: `there is no case ${String(report?.caseId)}`, kind: 'not-found' };
  const parsed = reportSchema.safeParse({ listing: report.listing, seenAt: report.seenAt });
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]!.message, field: String(parsed.error.issues[0]!.path[0] ?? ''), kind: 'invalid' };
  const record = await deps.cases.get(report.caseId);
  if (!record) return { ok: false, error: `there is no case ${report.caseId}`, kind: 'not-found' };
  const seenAt = parsed.data.seenAt ? new Date(parsed.data.seenAt) : at;
  const problem = seenProblem(record, seenAt, at);
  if (problem) return { ok: false, error: problem, field: 'seenAt', kind: 'invalid' };
  const by = identityName(reporter);
  const actor = identityActor(reporter);
  const verified = verifiedIdentity(reporter);
  const repeat = record.status === 'RELISTED' && record.relistings?.at(-1)?.listing === parsed.data.listing && !record.relistings.at(-1)!.noticeAt;
  let current = record;
  if (!repeat) {
    try {
      const entry = {
        actor,
        action: 'RELISTING_REPORTED',
        detail: { listing: parsed.data.listing, seenAt: seenAt.toISOString(), relisting: (record.relistings?.length ?? 0) + 1, ...verified },
      };
      current = (
        await deps.cases.mutate(
          report.caseId,
          at,
          (c) => audited(relistingReported(c, { listing: parsed.data.listing, seenAt, by, ...verified }, at), entry),
          record,
        )
      ).record;
    } catch (error) {
      if (error instanceof RelistingRefused) return { ok: false, error: error.message, kind: 'conflict' };
      throw error;
    }
  }
  const relisting = current.relistings!.length;
  const executionArn = await startRelistedExecution(current, relisting, deps);
  return { ok: true, caseId: report.caseId, status: 'RELISTED', relisting, executionArn, repeated: repeat };
}

/** The case workflow's execution for this relisting, named by it: a retry starts nothing new. */
async function startRelistedExecution(record: CaseRecord, relisting: number, deps: ReportRelistingDeps): Promise<string> {
  const name = relistingExecutionName(record.caseId, relisting);
  const input = JSON.stringify({ caseId: record.caseId, recallNumber: record.recallNumber, marketplaceId: record.marketplaceId });
  try {
    return (await deps.sfn.send(new StartExecutionCommand({ stateMachineArn: deps.caseStateMachineArn, name, input }))).executionArn!;
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) return `${deps.caseStateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    throw error;
  }
}
