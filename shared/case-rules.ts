import {
  AWAITING_STATUSES,
  DECISIONS_FOR,
  STATUS_OF_ANSWER,
  STAFF_STATUSES,
  type Answer,
  type CaseRecord,
  type CaseStatus,
  type Decision,
  type VerifiedActor,
} from './case.ts';
import type { Ladder, Step } from './ladder.ts';
import type { AuditAction } from './store/audit-log.ts';
import type { CasePatch } from './store/case-store.ts';

/** A change with the audit entries that say what happened: written together (CaseStore.mutate). */
export function audited(patch: CasePatch | undefined, ...entries: AuditAction[]): CasePatch | undefined {
  return patch && { ...patch, audit: [...(patch.audit ?? []), ...entries] };
}

/**
 * How a case changes. Each rule takes the current record and returns the patch to apply, or
 * undefined when there is nothing to do (the change already happened: a retry is harmless).
 */

export function noticeSent(record: CaseRecord, notice: { sentAt: Date; messageId: string; ladder: Ladder; soldHere: boolean }): CasePatch | undefined {
  if (record.noticeSentAt) return undefined;
  return {
    set: {
      noticeSentAt: notice.sentAt.toISOString(),
      noticeMessageId: notice.messageId,
      deadline: notice.ladder.deadline,
      timers: notice.ladder.timers,
      soldHere: notice.soldHere,
    },
  };
}

/** The marketplace's answer: the first one counts; one after the case ended is kept as late. */
export function answerReceived(record: CaseRecord, answer: Answer, at: Date): CasePatch | undefined {
  if (record.answer) return undefined;
  const awaiting = AWAITING_STATUSES.includes(record.status);
  const onTime = awaiting && (!record.deadline || at.getTime() <= Date.parse(record.deadline));
  return {
    set: { answer, answeredAt: at.toISOString(), answerOnTime: onTime, ...(awaiting ? { status: STATUS_OF_ANSWER[answer.answer] } : {}) },
    remove: ['answerDelivered'],
  };
}

/**
 * SES reported the notice undeliverable: the case says so until the marketplace answers or the
 * ladder moves on (the reminder and the escalation still go out, the escalation to its other
 * addresses and to staff).
 */
export function noticeBounced(record: CaseRecord, messageId: string, at: Date): CasePatch | undefined {
  if (record.noticeMessageId !== messageId || record.noticeBouncedAt) return undefined;
  return { set: { noticeBouncedAt: at.toISOString(), ...(record.status === 'NOTIFIED' ? { status: 'NOTICE_BOUNCED' as const } : {}) } };
}

/** The step that received the answer or decision marks it delivered in the write it makes. */
export function delivered(patch: CasePatch | undefined, flag: 'answerDelivered' | 'decisionDelivered'): CasePatch | undefined {
  return patch && { ...patch, set: { ...patch.set, [flag]: true } };
}

const STEP_STATUS: Record<Step, { to: CaseStatus; from: readonly CaseStatus[]; stamp: keyof CaseRecord }> = {
  REMIND: { to: 'REMINDED', from: ['NOTIFIED', 'NOTICE_BOUNCED', 'RELISTED'], stamp: 'remindedAt' },
  ESCALATE: { to: 'OVERDUE', from: ['NOTIFIED', 'NOTICE_BOUNCED', 'REMINDED', 'RELISTED'], stamp: 'escalatedAt' },
  FINAL_NOTICE: { to: 'FINAL_NOTICE', from: AWAITING_STATUSES, stamp: 'finalNoticeAt' },
  EXPIRE: { to: 'EXPIRED', from: [...AWAITING_STATUSES, ...STAFF_STATUSES], stamp: 'expiredAt' },
};

/** Whether a due step still applies: the case is in a status the step moves on from. */
export function stepApplies(record: CaseRecord, step: Step): boolean {
  return STEP_STATUS[step].from.includes(record.status);
}

/** A due step's email waits for its send slot: the step's timer moves to it (an answer may still come first). */
export function stepDeferred(record: CaseRecord, step: Step, slot: Date): CasePatch | undefined {
  const timers = record.timers ?? [];
  if (!timers.some((t) => t.step === step && !t.slotted)) return undefined;
  return { set: { timers: timers.map((t) => (t.step === step ? { step, at: slot.toISOString(), slotted: true } : t)) } };
}

/**
 * A ladder step is done: it leaves the timers, and moves the status when it still applies. A
 * case that expires drops its token, and a staff decision that had not reached the workflow.
 */
export function stepDone(record: CaseRecord, step: Step, at: Date): CasePatch | undefined {
  const timers = record.timers ?? [];
  if (!timers.some((t) => t.step === step)) return undefined;
  const rule = STEP_STATUS[step];
  const applies = stepApplies(record, step);
  const expires = applies && step === 'EXPIRE';
  return {
    set: {
      timers: timers.filter((t) => t.step !== step),
      ...(applies ? { status: rule.to, [rule.stamp]: record[rule.stamp] ?? at.toISOString() } : {}),
      ...(expires ? { closedAt: at.toISOString() } : {}),
    },
    remove: expires ? ['taskToken', 'tokenFor', 'decision'] : [],
  };
}

/**
 * A due step that still applies is claimed before its email goes out: the case moves on (an
 * answer that comes after finds it moved), and the email is marked as still to be recorded.
 * Undefined when an answer (or anything else) got there first: no email then.
 */
export function stepClaimed(record: CaseRecord, step: Step, at: Date): CasePatch | undefined {
  if (!stepApplies(record, step)) return undefined;
  const done = stepDone(record, step, at);
  return done && { ...done, set: { ...done.set, followUpPending: { step, from: record.status, claimedAt: at.toISOString() } } };
}

/** The claimed step's email went out: the claim is settled (its audit entry goes with this change). */
export function followUpSent(record: CaseRecord, step: Step): CasePatch | undefined {
  return record.followUpPending?.step === step ? { remove: ['followUpPending'] } : undefined;
}

/** Staff sent the marketplace a new link: later emails carry it. */
export function linkReissued(record: CaseRecord, at: Date): CasePatch | undefined {
  return { set: { linkReissuedAt: at.toISOString() } };
}

/** Staff were emailed about this answer (by its time): once per answer. */
export function handedToStaff(record: CaseRecord, answeredAt: string): CasePatch | undefined {
  return record.handedToStaffFor === answeredAt ? undefined : { set: { handedToStaffFor: answeredAt } };
}

export class DecisionRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecisionRefused';
  }
}

/** The same decision from the same person: a retry. */
function sameDecision(recorded: NonNullable<CaseRecord['decision']>, decision: Decision, by: string): boolean {
  const field = (d: Decision, name: 'reason' | 'until') => (name in d ? String((d as Record<string, unknown>)[name] ?? '') : '');
  return (
    recorded.by === by &&
    recorded.decision === decision.decision &&
    field(recorded, 'reason') === field(decision, 'reason') &&
    field(recorded, 'until') === field(decision, 'until')
  );
}

/**
 * A staff decision, checked against what the case is waiting for. A decision already recorded
 * and not yet carried out wins: another one is refused with what it lost to (a retry of the same
 * decision changes nothing).
 */
export function decisionRecorded(record: CaseRecord, decision: Decision, by: string, at: Date, verified: VerifiedActor = {}): CasePatch | undefined {
  const allowed = DECISIONS_FOR[record.status] ?? [];
  const pending = record.decisionDelivered ? undefined : record.decision;
  if (pending && sameDecision(pending, decision, by)) return undefined;
  if (pending) {
    throw new DecisionRefused(
      `case ${record.caseId} already has a decision being carried out: ${pending.decision.replace(/_/g, ' ')} by ${pending.by} at ${pending.decidedAt}; this one was not recorded`,
    );
  }
  if (!allowed.includes(decision.decision)) {
    throw new DecisionRefused(
      allowed.length
        ? `case ${record.caseId} is ${record.status}: the decisions it takes are ${allowed.join(', ')}`
        : `case ${record.caseId} is ${record.status}: it waits for no staff decision`,
    );
  }
  if (decision.decision === 'grant_extension' && Date.parse(`${decision.until}T23:59:59Z`) < at.getTime()) {
    throw new DecisionRefused(`the extension must end on a future date, not ${decision.until}`);
  }
  return { set: { decision: { ...decision, by, decidedAt: at.toISOString(), ...verified } }, remove: ['decisionDelivered'] };
}

/** A recorded decision its workflow never received (the case expired first): it leaves the record, which keeps what was applied. */
export function decisionNotApplied(record: CaseRecord, decision: NonNullable<CaseRecord['decision']>): CasePatch | undefined {
  if (!record.decision || record.decisionDelivered || record.decision.decidedAt !== decision.decidedAt || record.decision.by !== decision.by) return undefined;
  return { remove: ['decision'] };
}

/** The case goes back to the marketplace with a new ladder; the answer staff decided on is kept. */
export function resumed(record: CaseRecord, ladder: Ladder): CasePatch | undefined {
  if (!record.answer) return undefined;
  const previous = [...(record.previousAnswers ?? []), { answer: record.answer, answeredAt: record.answeredAt ?? '', onTime: record.answerOnTime ?? false }];
  return {
    set: { status: 'NOTIFIED', deadline: ladder.deadline, timers: ladder.timers, previousAnswers: previous },
    remove: ['answer', 'answeredAt', 'answerOnTime', 'answerDelivered', 'decision', 'decisionDelivered', 'taskToken', 'tokenFor'],
  };
}

/** The case ends in `status` (BLOCKED, NOT_LISTED or CLOSED). */
export function closed(record: CaseRecord, status: CaseStatus, at: Date): CasePatch | undefined {
  if (record.closedAt && record.status === status) return undefined;
  return { set: { status, closedAt: at.toISOString(), timers: [] }, remove: ['taskToken', 'tokenFor'] };
}
