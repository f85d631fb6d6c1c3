import { ExecutionDoesNotExist, GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import type { CaseRecord } from '#shared/case.ts';
import { caseExecutionArns } from '#shared/staydown.ts';

/** One event of an execution's history, as staff read it. */
export interface ExecutionEvent {
  id: number;
  type: string;
  timestamp: string;
  /** The state entered or left, if the event is one of those. */
  state: string | null;
}

/**
 * Every event of an execution, page by page, through the Step Functions API: the same call
 * against AWS and against the local cloud. Task tokens never appear in it.
 */
export async function executionEvents(sfn: SFNClient, executionArn: string): Promise<ExecutionEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events.map((e) => ({
    id: Number(e.id),
    type: String(e.type),
    timestamp: e.timestamp instanceof Date ? e.timestamp.toISOString() : String(e.timestamp),
    state: e.stateEnteredEventDetails?.name ?? e.stateExitedEventDetails?.name ?? null,
  }));
}

/** One of a case's executions with its events. */
export interface CaseExecution {
  executionArn: string;
  events: ExecutionEvent[];
}

/**
 * Every execution of a case with its history: the first, one per relisting, one per stay-down
 * period (linked by name). One that has not started yet is left out.
 */
export async function caseExecutions(sfn: SFNClient, record: CaseRecord): Promise<CaseExecution[]> {
  const executions = await Promise.all(
    caseExecutionArns(record).map(async (executionArn) => {
      try {
        return { executionArn, events: await executionEvents(sfn, executionArn) };
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return undefined;
        throw error;
      }
    }),
  );
  return executions.filter((e): e is CaseExecution => e !== undefined);
}
