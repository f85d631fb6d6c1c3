import type { Attestation, CaseRecord, StaydownCheck, VerifiedActor } from './case.ts';
import type { Policy } from './marketplace.ts';
import type { CasePatch } from './store/case-store.ts';
import { agencyDate, agencyInstant, type WorkingCalendar } from './working-days.ts';

/**
 * Stay-down: a "blocked" answer is not the end of a case. On working days counted from that
 * answer's, the marketplace confirms that the product is still not offered; a listing seen live
 * again (reported by the agency) reopens the case as RELISTED with the whole ladder, and its
 * next "blocked" answer starts the checks over.
 */

/** When a check is asked for: 09:00 New York on its working day. */
const REQUEST_HOUR = 9;

export class AttestationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttestationRefused';
  }
}

/** The checks of a blocked period, each on the Nth working day after the block's working day. */
export function staydownChecks(period: number, blockedAt: Date, policy: Policy, calendar: WorkingCalendar): StaydownCheck[] {
  return policy.staydownChecksAfterWorkingDays.map((n) => ({
    period,
    afterWorkingDays: n,
    dueAt: agencyInstant(agencyDate(calendar.workingDaysAfter(blockedAt, n)), REQUEST_HOUR, 0, 0).toISOString(),
  }));
}

/** A check's deadline (the end of its Nth working day) and its reminder (the working day before, or noon of a one-day check). */
export function checkTimes(requestedAt: Date, policy: Policy, calendar: WorkingCalendar): { deadline: Date; reminder: Date } {
  const deadline = calendar.workingDaysAfter(requestedAt, policy.staydownAnswerWorkingDays);
  const reminder =
    policy.staydownAnswerWorkingDays > 1
      ? calendar.workingDaysAfter(requestedAt, policy.staydownAnswerWorkingDays - 1)
      : agencyInstant(agencyDate(requestedAt), 12, 0, 0);
  return { deadline, reminder };
}

/** The check the marketplace may answer now: the current period's latest one asked for, unanswered, while the case is blocked. */
export function openCheck(record: CaseRecord): { index: number; check: StaydownCheck } | undefined {
  if (record.status !== 'BLOCKED' || !record.staydown) return undefined;
  const { period, checks } = record.staydown;
  const index = checks.findLastIndex((c) => c.period === period && c.requestedAt);
  return index < 0 || checks[index]!.answer ? undefined : { index, check: checks[index]! };
}

/** The next check still to ask for, while the case stays blocked. */
export function nextCheck(record: CaseRecord): { index: number; check: StaydownCheck } | undefined {
  if (record.status !== 'BLOCKED' || !record.staydown) return undefined;
  const { period } = record.staydown;
  const index = record.staydown.checks.findIndex((c) => c.period === period && !c.requestedAt);
  return index < 0 ? undefined : { index, check: record.staydown.checks[index]! };
}

/**
 * A "blocked" answer closed the case: its stay-down period starts (once), its checks after the
 * earlier periods', and the relisting it answered (if any) is marked removed. Period 1 is the
 * first block, period N+1 the block after the Nth relisting.
 */
export function blockedPeriodStarted(record: CaseRecord, answeredAt: string, policy: Policy, calendar: WorkingCalendar): Partial<CaseRecord> {
  const period = (record.relistings?.length ?? 0) + 1;
  if ((record.staydown?.period ?? 0) >= period) return {};
  const checks = staydownChecks(period, new Date(answeredAt), policy, calendar);
  return {
    staydown: { period, blockedAt: answeredAt, checks: [...(record.staydown?.checks ?? []), ...checks] },
    ...relistingRemoved(record, answeredAt),
  };
}

/** The name of a blocked period's stay-down execution: one per period, so a retry starts nothing new. */
export const staydownExecutionName = (caseId: string, period: number) => `${caseId}.staydown-${period}`;

/** The name of the case workflow's execution for its Nth relisting (the first execution is named by the case id). */
export const relistingExecutionName = (caseId: string, relisting: number) => `${caseId}.relisted-${relisting}`;

const withCheck = (record: CaseRecord, index: number, change: Partial<StaydownCheck>): CasePatch => ({
  set: { staydown: { ...record.staydown!, checks: record.staydown!.checks.map((c, i) => (i === index ? { ...c, ...change } : c)) } },
});

/** A check's request waits for its send slot (once): a burst of checks due at the same hour stays within SES's rate. */
export function checkSlotted(record: CaseRecord, period: number, index: number, slot: Date): CasePatch | undefined {
  const check = record.staydown?.period === period ? record.staydown.checks[index] : undefined;
  if (!check || check.period !== period || check.slotAt || check.requestedAt) return undefined;
  return withCheck(record, index, { slotAt: slot.toISOString() });
}

/** A check is asked for: it claims its place (once) before the email goes out. */
export function checkRequested(record: CaseRecord, period: number, index: number, at: Date, deadline: Date): CasePatch | undefined {
  const check = record.staydown?.period === period ? record.staydown.checks[index] : undefined;
  if (!check || check.period !== period || check.requestedAt || record.status !== 'BLOCKED') return undefined;
  return withCheck(record, index, { requestedAt: at.toISOString(), deadline: deadline.toISOString() });
}

/** An open check's reminder went to the marketplace, or its escalation to staff (once each). */
export function checkFollowedUp(record: CaseRecord, period: number, index: number, step: 'REMIND' | 'ESCALATE', at: Date): CasePatch | undefined {
  const check = record.staydown?.period === period ? record.staydown.checks[index] : undefined;
  const stamp = step === 'REMIND' ? 'remindedAt' : 'escalatedAt';
  if (!check || check.answer || check[stamp]) return undefined;
  return withCheck(record, index, { [stamp]: at.toISOString() });
}

/** The marketplace's answer to the open check; refused, with the reason, when no check is open. */
export function attestationReceived(record: CaseRecord, attestation: Attestation, at: Date): CasePatch | undefined {
  const open = openCheck(record);
  // The same answer again (a retry after a failure): nothing to change.
  if (!open && repeatedAttestation(record, attestation)) return undefined;
  if (!open) {
    throw new AttestationRefused(
      record.staydown?.checks.some((c) => c.answer)
        ? `case ${record.caseId} has no stay-down check waiting for an answer: the last one is answered; the next is asked for by email`
        : `case ${record.caseId} has no stay-down check waiting for an answer: checks are asked for by email after a "blocked" answer`,
    );
  }
  const onTime = at.getTime() <= Date.parse(open.check.deadline!);
  return withCheck(record, open.index, { answer: attestation, answeredAt: at.toISOString(), onTime });
}

/** The check of the current period answered last, if that answer is this one. */
export function repeatedAttestation(record: CaseRecord, attestation: Attestation): { index: number; check: StaydownCheck } | undefined {
  if (record.status !== 'BLOCKED' || !record.staydown) return undefined;
  const { period, checks } = record.staydown;
  const index = checks.findLastIndex((c) => c.period === period && c.answer);
  return index >= 0 && JSON.stringify(checks[index]!.answer) === JSON.stringify(attestation) ? { index, check: checks[index]! } : undefined;
}

export class RelistingRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RelistingRefused';
  }
}

/**
 * A listing seen live after the block: the case reopens as RELISTED (its "blocked" answer is kept
 * among the earlier ones), and its workflow sends the relisted notice with a new ladder. Refused,
 * with the reason, on a case that is not blocked now.
 */
export function relistingReported(record: CaseRecord, report: { listing: string; seenAt: Date; by: string } & VerifiedActor, at: Date): CasePatch {
  if (record.status !== 'BLOCKED' || record.answer?.answer !== 'blocked') {
    throw new RelistingRefused(
      `case ${record.caseId} is ${record.status}: a listing seen live again is reported on a case its marketplace answered "blocked", and this one is ${
        record.status === 'RELISTED' ? 'already reopened for a relisting' : 'not'
      }`,
    );
  }
  if (!record.closedAt)
    throw new RelistingRefused(`case ${record.caseId}: its "blocked" answer is still being recorded; report the relisting again in a minute`);
  const previous = [...(record.previousAnswers ?? []), { answer: record.answer, answeredAt: record.answeredAt ?? '', onTime: record.answerOnTime ?? false }];
  const relisting = {
    reportedAt: at.toISOString(),
    seenAt: report.seenAt.toISOString(),
    listing: report.listing,
    by: report.by,
    ...(report.identity ? { identity: report.identity } : {}),
    ...(report.principal ? { principal: report.principal } : {}),
  };
  return {
    set: { status: 'RELISTED', relistings: [...(record.relistings ?? []), relisting], previousAnswers: previous, timers: [] },
    remove: ['answer', 'answeredAt', 'answerOnTime', 'answerDelivered', 'closedAt', 'checkToken', 'taskToken', 'tokenFor'],
  };
}

/** The relisted notice went out: the relisting's deadline and the new ladder (once). */
export function relistedNoticeSent(
  record: CaseRecord,
  index: number,
  notice: { sentAt: Date; messageId: string; deadline: string; timers: CaseRecord['timers']; executionId: string },
): CasePatch | undefined {
  const relisting = record.relistings?.[index];
  if (!relisting || relisting.noticeAt || record.status !== 'RELISTED') return undefined;
  const relistings = record.relistings!.map((r, i) => (i === index ? { ...r, noticeAt: notice.sentAt.toISOString(), deadline: notice.deadline } : r));
  return {
    set: { relistings, deadline: notice.deadline, timers: notice.timers, noticeMessageId: notice.messageId, executionId: notice.executionId },
    remove: ['noticeBouncedAt'],
  };
}

/** A "blocked" answer after a relisting: the listing is off again. */
export function relistingRemoved(record: CaseRecord, at: string): Partial<CaseRecord> {
  const last = record.relistings?.at(-1);
  if (!last || last.removedAt) return {};
  return { relistings: record.relistings!.map((r, i, all) => (i === all.length - 1 ? { ...r, removedAt: at } : r)) };
}

/**
 * Every execution of a case, oldest first: its first (named by the case id), one per relisting,
 * and one per blocked period with checks. Their ARNs follow from the current execution's.
 */
export function caseExecutionArns(record: CaseRecord): string[] {
  const prefix = record.executionId.slice(0, record.executionId.lastIndexOf(':'));
  const staydownPrefix = prefix.replace(/-case$/, '-staydown');
  const periods = [...new Set((record.staydown?.checks ?? []).map((c) => c.period))].sort((a, b) => a - b);
  return [
    `${prefix}:${record.caseId}`,
    ...(record.relistings ?? []).map((_, i) => `${prefix}:${relistingExecutionName(record.caseId, i + 1)}`),
    ...periods.map((p) => `${staydownPrefix}:${staydownExecutionName(record.caseId, p)}`),
  ];
}
