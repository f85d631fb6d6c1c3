import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { CaseRecord } from '#shared/case.ts';

/** What the workflow receives when the marketplace's answer resumes it. */
export interface AnswerResult {
  answer: NonNullable<CaseRecord['answer']>;
  answeredAt: string;
  onTime: boolean;
}

export type Delivery = 'delivered' | 'nothing-to-deliver' | 'awaiting-token' | 'workflow-not-waiting';

/** Task-token errors meaning the workflow no longer waits on this token. */
const CLOSED_TOKEN_ERRORS = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/**
 * Resumes the workflow with the case's recorded answer (marketplace) or decision (staff),
 * using the token stored on the case. The response endpoint, the staff decision and the
 * await step all call it, so whatever is recorded before the token is stored is delivered as
 * soon as it is. The step that receives it marks it delivered in the write it makes anyway; a
 * second delivery on a spent token is refused by Step Functions and changes nothing.
 */
export async function deliver(record: CaseRecord, sfn: SFNClient, at: Date): Promise<Delivery> {
  const forStaff = record.tokenFor === 'staff';
  const pending = forStaff ? record.decision && !record.decisionDelivered : record.answer && !record.answerDelivered;
  if (!pending) return 'nothing-to-deliver';
  if (!record.taskToken) return 'awaiting-token';
  const output = forStaff
    ? record.decision
    : ({ answer: record.answer!, answeredAt: record.answeredAt ?? at.toISOString(), onTime: record.answerOnTime ?? false } satisfies AnswerResult);
  return resume(sfn, record.taskToken, output);
}

/** Resumes a waiting task; a token whose task no longer waits is refused by Step Functions and changes nothing. */
async function resume(sfn: SFNClient, taskToken: string, output: unknown): Promise<Delivery> {
  try {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  } catch (error) {
    if (error instanceof Error && CLOSED_TOKEN_ERRORS.has(error.name)) return 'workflow-not-waiting';
    throw error;
  }
  return 'delivered';
}

/**
 * Resumes the stay-down workflow waiting for the current check's answer, once that answer is on
 * the case (the response endpoint and the stay-down step both call it, as for answers).
 */
export async function deliverAttestation(record: CaseRecord, sfn: SFNClient): Promise<Delivery> {
  const period = record.staydown?.period;
  const last = record.staydown?.checks.filter((c) => c.period === period && c.requestedAt).at(-1);
  if (!last?.answer) return 'nothing-to-deliver';
  if (!record.checkToken) return 'awaiting-token';
  return resume(sfn, record.checkToken, { answer: last.answer.answer, answeredAt: last.answeredAt, onTime: last.onTime });
}
