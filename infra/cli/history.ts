import { CASE_STATUSES, type CaseRecord, type CaseStatus } from '#shared/case.ts';
import { scorecard, type MarketplaceScore } from '#shared/scorecard.ts';
import type { AuditEntry } from '#shared/store/audit-log.ts';
import { agencyInstant, endOfAgencyDay } from '#shared/working-days.ts';
import { executionEvents, type ExecutionEvent } from '../execution-history.ts';
import { withDeployment, type DeploymentSource } from '../deployment/open.ts';

export interface CaseHistory {
  caseId: string;
  status: CaseStatus;
  executionArn: string;
  audit: AuditEntry[];
  /** The execution's history as the Step Functions API returns it (task tokens never appear in it). */
  execution: ExecutionEvent[];
}

/** A case's audit log and its execution history, read through the DynamoDB and Step Functions APIs. */
export async function caseHistory(caseId: string, source: DeploymentSource): Promise<CaseHistory> {
  return withDeployment(source, { outputs: ['CasesTable', 'AuditTable'] }, async (deployment) => {
    const { cases, audit } = deployment.stores();
    const record = await cases.get(caseId);
    if (!record) throw new Error(`there is no case ${caseId} in ${deployment.name}`);
    return {
      caseId,
      status: record.status,
      executionArn: record.executionId,
      audit: await audit.list(caseId),
      execution: await executionEvents(deployment.sfn, record.executionId),
    };
  });
}

export function printHistory(history: CaseHistory): void {
  console.log(`case ${history.caseId}: ${history.status}; execution ${history.executionArn}`);
  console.log('audit log:');
  for (const e of history.audit) console.log(`  ${e.at}  ${e.actor.padEnd(28)} ${e.action}`);
  console.log('execution history:');
  for (const e of history.execution) console.log(`  ${e.timestamp}  ${String(e.id).padStart(4)} ${e.type}${e.state ? ` ${e.state}` : ''}`);
}

export interface CaseLine {
  caseId: string;
  recallNumber: string;
  marketplaceId: string;
  status: CaseStatus;
  deadline: string | null;
  answeredAt: string | null;
  onTime: boolean | null;
}

/** The cases of a run, optionally of one status and one marketplace, in case id order. */
export async function listCases(filter: { status?: string; marketplace?: string }, source: DeploymentSource): Promise<CaseLine[]> {
  if (filter.status && !CASE_STATUSES.includes(filter.status as CaseStatus)) throw new Error(`--status must be one of ${CASE_STATUSES.join(', ')}`);
  return withDeployment(source, { outputs: ['CasesTable'] }, async (deployment) => {
    const records: CaseRecord[] = await deployment.stores().cases.list();
    return records
      .filter((r) => (!filter.status || r.status === filter.status) && (!filter.marketplace || r.marketplaceId === filter.marketplace))
      .map((r) => ({
        caseId: r.caseId,
        recallNumber: r.recallNumber,
        marketplaceId: r.marketplaceId,
        status: r.status,
        deadline: r.deadline ?? null,
        answeredAt: r.answeredAt ?? null,
        onTime: r.answerOnTime ?? null,
      }));
  });
}

export function printCases(cases: CaseLine[]): void {
  console.log(['case', 'status', 'deadline', 'answered', 'on time'].join('\t'));
  for (const c of cases)
    console.log([c.caseId, c.status, c.deadline ?? '-', c.answeredAt ?? '-', c.onTime === null ? '-' : c.onTime ? 'yes' : 'no'].join('\t'));
  console.log(`${cases.length} cases`);
}

/** The scorecard of each marketplace for the cases notified between two agency dates (both included). */
export async function report(options: { since?: string; until?: string }, source: DeploymentSource): Promise<MarketplaceScore[]> {
  const period = {
    since: options.since ? agencyInstant(options.since, 0, 0, 0) : undefined,
    until: options.until ? new Date(endOfAgencyDay(options.until).getTime() + 1000) : undefined,
  };
  if (period.since && period.until && period.since >= period.until) throw new Error('--since must be before --until');
  return withDeployment(source, { outputs: ['CasesTable'] }, async (deployment) => scorecard(await deployment.stores().cases.list(), period));
}

export function printReport(scores: MarketplaceScore[]): void {
  const cell = (v: number | null, suffix = '') => (v === null ? '-' : `${v}${suffix}`);
  console.log(['marketplace', 'notified', 'answered', 'on time', 'median h', 'p90 h', 'overdue now', 'expired', 'disputed'].join('\t'));
  for (const s of scores) {
    console.log(
      [
        s.marketplaceId,
        s.notified,
        s.answered,
        `${s.onTime} (${cell(s.onTimePct, '%')})`,
        cell(s.medianHoursToAnswer),
        cell(s.p90HoursToAnswer),
        s.overdueNow,
        s.expired,
        s.disputed,
      ].join('\t'),
    );
  }
}
