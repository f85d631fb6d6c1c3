import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { CaseRecord } from '#shared/case.ts';
import type { CaseStore } from '#shared/store/case-store.ts';

/** What the workflow receives when the marketplace's answer resumes it. */
export interface AnswerResult {
  answer: NonNullable<CaseRecord['answer']>;
  answeredAt: string;
  onTime: boolean;
}

export type Delivery = 'delivered' | 'awaiting-token' | 'workflow-not-waiting';

/** Task-token errors meaning the workflow no longer waits on this token. */
const CLOSED_TOKEN_ERRORS = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/**
 * Resumes the workflow with the recorded answer, using the token stored on the case. Both the
 * response endpoint and the await step call it, so an answer that arrives before the token is
 * stored is delivered as soon as the token is.
 */
export async function deliverAnswer(record: CaseRecord, sfn: SFNClient, cases: CaseStore, at: Date): Promise<Delivery> {
  if (!record.answer || !record.answeredAt) throw new Error(`case ${record.caseId} has no answer to deliver`);
  if (record.answerDelivered) return 'delivered';
  if (!record.taskToken) return 'awaiting-token';
  const output: AnswerResult = { answer: record.answer, answeredAt: record.answeredAt, onTime: record.answerOnTime ?? false };
  try {
    await sfn.send(new SendTaskSuccessCommand({ taskToken: record.taskToken, output: JSON.stringify(output) }));
  } catch (error) {
    if (error instanceof Error && CLOSED_TOKEN_ERRORS.has(error.name)) return 'workflow-not-waiting';
    throw error;
  }
  await cases.markAnswerDelivered(record.caseId, at);
  return 'delivered';
}
