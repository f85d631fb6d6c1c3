import { CASE_STATUSES, type CaseRecord, type CaseStatus } from '#shared/case.ts';
import { scorecard, scorecardTotals, type MarketplaceScore, type ScorecardTotals } from '#shared/scorecard.ts';
import type { AuditEntry } from '#shared/store/audit-log.ts';
import { agencyInstant, endOfAgencyDay } from '#shared/working-days.ts';
import { caseExecutions, type CaseExecution, type ExecutionEvent } from '#shared/execution-history.ts';
import { withDeployment, type DeploymentSource } from '../deployment/open.ts';

export interface CaseHistory {
  caseId: string;
  status: CaseStatus;
  executionArn: string;
  audit: AuditEntry[];
  /** The current execution's history as the Step Functions API returns it (task tokens never appear in it). */
  execution: ExecutionEvent[];
  /** The case's other executions, linked by name: earlier ones (before a relisting) and its stay-down checks'. */
  linkedExecutions: CaseExecution[];
}

/** A case's audit log and its execution history, read through the DynamoDB and Step Functions APIs. */
export async function caseHistory(caseId: string, source: DeploymentSource): Promise<CaseHistory> {
  return withDeployment(source, { outputs: ['CasesTable', 'AuditTable'] }, async (deployment) => {
    const { cases, audit } = deployment.stores();
    const record = await cases.get(caseId);
    if (!record) throw new Error(`there is no case ${caseId} in ${deployment.name}`);
    const executions = await caseExecutions(deployment.sfn, record);
    return {
      caseId,
      status: record.status,
      executionArn: record.executionId,
      audit: await audit.list(caseId),
      execution: executions.find((e) => e.executionArn === record.executionId)?.events ?? [],
      linkedExecutions: executions.filter((e) => e.executionArn !== record.executionId),
    };
  });
}

export function printHistory(history: CaseHistory): void {
  console.log(`case ${history.caseId}: ${history.status}; execution ${history.executionArn}`);
  console.log('audit log:');
  for (const e of history.audit) console.log(`  ${e.at}  ${e.actor.padEnd(28)} ${e.action}`);
  console.log('execution history:');
  for (const e of history.execution) console.log(`  ${e.timestamp}  ${String(e.id).padStart(4)} ${e.type}${e.state ? ` ${e.state}` : ''}`);
  for (const linked of history.linkedExecutions) {
    console.log(`linked execution ${linked.executionArn}:`);
    for (const e of linked.events) console.log(`  ${e.timestamp}  ${String(e.id).padStart(4)} ${e.type}${e.state ? ` ${e.state}` : ''}`);
  }
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
/** The scorecard of each marketplace, and the percentages over all of them, both ways. */
export interface Report {
  marketplaces: MarketplaceScore[];
  totals: ScorecardTotals;
}

/** The scorecard of each marketplace for the cases notified between two agency dates (both included), as of the deployment's now. */
export async function report(options: { since?: string; until?: string }, source: DeploymentSource): Promise<Report> {
  const period = {
    since: options.since ? agencyInstant(options.since, 0, 0, 0) : undefined,
    until: options.until ? new Date(endOfAgencyDay(options.until).getTime() + 1000) : undefined,
  };
  if (period.since && period.until && period.since >= period.until) throw new Error('--since must be before --until');
  return withDeployment(source, { outputs: ['CasesTable'] }, async (deployment) => {
    const marketplaces = scorecard(await deployment.stores().cases.list(), deployment.calendar, deployment.now(), period);
    return { marketplaces, totals: scorecardTotals(marketplaces) };
  });
}

export function printReport({ marketplaces, totals }: Report): void {
  const cell = (v: number | null, suffix = '') => (v === null ? '-' : `${v}${suffix}`);
  const columns = [
    'marketplace',
    'notified',
    'answered',
    'on time',
    'median h',
    'p90 h',
    'overdue now',
    'expired',
    'disputed',
    'listings removed',
    'in 2 wd',
    'checks',
    'checks on time',
    'relisted',
    'reappearance',
    'median h to re-removal',
  ];
  console.log(columns.join('\t'));
  for (const s of marketplaces) {
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
        s.listingsRemoved,
        cell(s.listingsRemovedWithin2WdPct, '%'),
        s.staydownChecks,
        cell(s.staydownAnsweredOnTimePct, '%'),
        s.relisted,
        cell(s.reappearanceRatePct, '%'),
        cell(s.medianHoursToReRemoval),
      ].join('\t'),
    );
  }
  const both = (name: keyof ScorecardTotals['weighted']) =>
    `${cell(totals.weighted[name], '%')} per item, ${cell(totals.meanOfMarketplaces[name], '%')} mean of marketplaces`;
  console.log(
    `All marketplaces: on time ${both('onTimePct')}; listings removed in 2 working days ${both('listingsRemovedWithin2WdPct')}; checks on time ${both('staydownAnsweredOnTimePct')}; reappearance ${both('reappearanceRatePct')}.`,
  );
}
