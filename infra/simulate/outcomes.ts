import type { CaseStatus } from '#shared/case.ts';
import type { LocalCloud } from '../local-cloud/local-cloud.ts';

/** How a case ended, as the comparison of two runs of the same simulation needs it. */
export interface CaseOutcome {
  caseId: string;
  status: CaseStatus;
  /** The audit log's actions, sorted: what happened, not when. */
  actions: string[];
  /** Answers recorded (ANSWER_RECEIVED entries). */
  answers: number;
  /** Notices in the inbox for this case: the emails SES accepted, whatever the audit log says. */
  noticesDelivered: number;
}

/** Every case's outcome in a cloud whose simulation has run. */
export async function caseOutcomes(cloud: LocalCloud): Promise<CaseOutcome[]> {
  const { cases, audit, marketplaces } = cloud.stores();
  const names = new Map((await marketplaces.listActive()).map((m) => [m.name, m.id]));
  const notices = new Map<string, number>();
  for (const email of await cloud.emails()) {
    const match = /^Recall (\d+): remove from sale on (.+?): /.exec(email.subject);
    const marketplaceId = match && names.get(match[2]!);
    if (marketplaceId) notices.set(`${match[1]}.${marketplaceId}`, (notices.get(`${match[1]}.${marketplaceId}`) ?? 0) + 1);
  }
  const outcomes: CaseOutcome[] = [];
  for (const record of await cases.list()) {
    const entries = await audit.list(record.caseId);
    outcomes.push({
      caseId: record.caseId,
      status: record.status,
      actions: entries.map((e) => e.action).sort(),
      answers: entries.filter((e) => e.action === 'ANSWER_RECEIVED').length,
      noticesDelivered: notices.get(record.caseId) ?? 0,
    });
  }
  return outcomes;
}

export interface FaultRunComparison {
  cases: number;
  /** Answers recorded in the run without faults that the faulty run does not have. */
  lost: number;
  /** Cases with more than one notice delivered. */
  duplicateNotices: number;
  /** Cases that ended in another status than without faults (or are missing). */
  statusMismatches: number;
  /** Cases whose audit log holds other actions than without faults. */
  auditMismatches: number;
  /** A few of the cases that differ, to look at. */
  examples: string[];
}

/** Compares a run with faults against the same run without. */
export function compareRuns(clean: CaseOutcome[], faulty: CaseOutcome[]): FaultRunComparison {
  const byId = new Map(faulty.map((o) => [o.caseId, o]));
  const result: FaultRunComparison = { cases: clean.length, lost: 0, duplicateNotices: 0, statusMismatches: 0, auditMismatches: 0, examples: [] };
  const differs = (caseId: string, what: string) => result.examples.length < 10 && result.examples.push(`${caseId}: ${what}`);
  for (const expected of clean) {
    const actual = byId.get(expected.caseId);
    if (!actual || actual.status !== expected.status) {
      result.statusMismatches++;
      differs(expected.caseId, `${expected.status} without faults, ${actual?.status ?? 'missing'} with`);
    }
    if ((actual?.answers ?? 0) < expected.answers) result.lost += expected.answers - (actual?.answers ?? 0);
    if (!actual || actual.actions.join() !== expected.actions.join()) {
      result.auditMismatches++;
      differs(expected.caseId, `audit ${expected.actions.join(' ')} without faults, ${actual?.actions.join(' ') ?? 'none'} with`);
    }
  }
  for (const o of faulty.filter((x) => x.noticesDelivered > 1)) {
    result.duplicateNotices++;
    differs(o.caseId, `${o.noticesDelivered} notices delivered`);
  }
  return result;
}
