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
  try {
    await sfn.send(new SendTaskSuccessCommand({ taskToken: record.taskToken, output: JSON.stringify(output) }));
  } catch (error) {
    if (error instanceof Error && CLOSED_TOKEN_ERRORS.has(error.name)) return 'workflow-not-waiting';
    throw error;
  }
  return 'delivered';
}
