import type { SFNClient } from '@aws-sdk/client-sfn';
import { decisionSchema, type CaseStatus } from '#shared/case.ts';
import { closed, DecisionRefused, decisionRecorded } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import type { AuditLog } from '#shared/store/audit-log.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import { deliver, type Delivery } from '../case-operations/deliver.ts';

export interface StaffDecisionInput {
  caseId: string;
  /** The staff member's address, for the audit log. */
  by: string;
  decision: unknown;
}

export type StaffDecisionResult = { ok: true; status: CaseStatus; delivery: Delivery | 'closed-directly' } | { ok: false; error: string };

export interface StaffDecisionDeps {
  cases: CaseStore;
  audit: AuditLog;
  sfn: SFNClient;
}

/**
 * Records a staff decision and resumes the workflow waiting for it (the same callback as any
 * answer). An EXPIRED case has no workflow left: closing it is recorded directly.
 */
export async function staffDecision(input: StaffDecisionInput, deps: StaffDecisionDeps): Promise<StaffDecisionResult> {
  const at = now();
  const parsed = decisionSchema.safeParse(input.decision);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue?.path.join('.') || 'decision'}: ${issue?.message}` };
  }
  if (!/^[^@\s]+@[^@\s]+$/.test(input.by)) return { ok: false, error: 'by: give the deciding staff member as an email address' };
  const decision = parsed.data;
  try {
    const current = await deps.cases.get(input.caseId);
    if (!current) return { ok: false, error: `case ${input.caseId} does not exist` };
    if (current.status === 'EXPIRED' && decision.decision === 'close') {
      const { record } = await deps.cases.mutate(input.caseId, at, (c) => closed(c, 'CLOSED', at));
      await deps.audit.append({ subject: input.caseId, at: at.toISOString(), actor: `staff:${input.by}`, action: 'CASE_CLOSED', detail: { decision } });
      return { ok: true, status: record.status, delivery: 'closed-directly' };
    }
    const { record, changed } = await deps.cases.mutate(input.caseId, at, (c) => decisionRecorded(c, decision, input.by, at));
    if (changed) {
      await deps.audit.append({ subject: input.caseId, at: at.toISOString(), actor: `staff:${input.by}`, action: 'DECISION_RECORDED', detail: { decision } });
    }
    return { ok: true, status: record.status, delivery: await deliver(record, deps.sfn, at) };
  } catch (error) {
    if (error instanceof DecisionRefused) return { ok: false, error: error.message };
    throw error;
  }
}
