import { GetExecutionHistoryCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { identityActor, identityName, verifiedIdentity, type AgencyIdentity } from '#shared/agency-identity.ts';
import { decisionSchema, type CaseRecord, type CaseStatus } from '#shared/case.ts';
import { audited, closed, DecisionRefused, decisionNotApplied, decisionRecorded } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import { deliver, type Delivery } from '../case-operations/deliver.ts';
import type { RefusalKind } from '../runtime/agency-route.ts';

export interface StaffDecisionInput {
  caseId: string;
  /** Who decides, as verified: the case and the audit log name them. */
  decider: AgencyIdentity;
  decision: unknown;
}

export type StaffDecisionResult = { ok: true; status: CaseStatus; delivery: Delivery | 'closed-directly' } | { ok: false; error: string; kind: RefusalKind };

export interface StaffDecisionDeps {
  cases: CaseStore;
  sfn: SFNClient;
}

/**
 * Records a staff decision with its audit entry and resumes the workflow waiting for it (the
 * same callback as any answer). An EXPIRED case has no workflow left: closing it is recorded
 * directly. A decision loses, and its caller is told why, when another one is being carried out
 * or when the workflow stopped waiting (the case expired) before the decision reached it: the
 * record then keeps what was applied, not the lost decision.
 */
export async function staffDecision(input: StaffDecisionInput, deps: StaffDecisionDeps): Promise<StaffDecisionResult> {
  const at = now();
  const parsed = decisionSchema.safeParse(input.decision);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue?.path.join('.') || 'decision'}: ${issue?.message}`, kind: 'invalid' };
  }
  const decision = parsed.data;
  const [by, actor] = [identityName(input.decider), identityActor(input.decider)];
  const verified = verifiedIdentity(input.decider);
  try {
    const current = await deps.cases.get(input.caseId);
    if (!current) return { ok: false, error: `case ${input.caseId} does not exist`, kind: 'not-found' };
    if (current.status === 'EXPIRED' && decision.decision === 'close') {
      const entry = { actor, action: 'CASE_CLOSED', detail: { decision, ...verified } };
      const { record } = await deps.cases.mutate(input.caseId, at, (c) => audited(closed(c, 'CLOSED', at), entry), current);
      return { ok: true, status: record.status, delivery: 'closed-directly' };
    }
    const entry = { actor, action: 'DECISION_RECORDED', detail: { decision, ...verified } };
    const { record } = await deps.cases.mutate(input.caseId, at, (c) => audited(decisionRecorded(c, decision, by, at, verified), entry), current);
    // The same decision again (a retry after a lost response): it may have reached the workflow already.
    const repeat = current.decision !== undefined && current.decision.decidedAt === record.decision?.decidedAt;
    const delivery = await deliver(record, deps.sfn, at);
    if (delivery === 'workflow-not-waiting' && repeat && (await reachedWorkflow(record, deps.sfn)))
      return { ok: true, status: record.status, delivery: 'delivered' };
    if (delivery === 'workflow-not-waiting') return notApplied(record, deps, at);
    return { ok: true, status: record.status, delivery };
  } catch (error) {
    if (error instanceof DecisionRefused) return { ok: false, error: error.message, kind: 'conflict' };
    throw error;
  }
}

/**
 * Whether the case's workflow took this decision (a task succeeded with it as its output): a
 * repeated decision finds the token spent either because the first one was delivered, or
 * because the case expired first; only its execution's history tells them apart.
 */
async function reachedWorkflow(record: CaseRecord, sfn: SFNClient): Promise<boolean> {
  const decidedAt = JSON.stringify(record.decision?.decidedAt);
  const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: record.executionId, reverseOrder: true, maxResults: 200 }));
  return events.some((e) => e.taskSucceededEventDetails?.output?.includes(`"decidedAt":${decidedAt}`));
}

/** The workflow stopped waiting before the decision reached it: the decision leaves the record, and the caller is told. */
async function notApplied(record: CaseRecord, deps: StaffDecisionDeps, at: Date): Promise<StaffDecisionResult> {
  const decision = record.decision!;
  const entry = {
    actor: 'system' as const,
    action: 'DECISION_NOT_APPLIED',
    detail: { decision, reason: 'the workflow had stopped waiting for a decision: the case expired first' },
  };
  const { record: now } = await deps.cases.mutate(record.caseId, at, (c) => audited(decisionNotApplied(c, decision), entry), record);
  return {
    ok: false,
    error: `case ${record.caseId} was no longer waiting for a decision when this one reached it (the case expired first; it is ${now.status}): the decision was not applied`,
    kind: 'conflict',
  };
}
