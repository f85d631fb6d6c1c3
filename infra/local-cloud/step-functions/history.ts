/** One event of an execution's history, in the shape GetExecutionHistory returns. */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

/** Appends events with ids and timestamps, as the Step Functions service numbers them. */
export class History {
  constructor(
    private readonly now: () => number,
    readonly events: HistoryEvent[] = [],
  ) {}

  add(type: string, details: Record<string, unknown> = {}, timestamp = this.now()): HistoryEvent {
    const id = this.events.length + 1;
    const event: HistoryEvent = { id, previousEventId: id - 1, timestamp, type, ...details };
    this.events.push(event);
    return event;
  }
}

/** Removes task tokens from what the history shows: they never leave the backend. */
export function redactTokens(value: unknown, tokens: Iterable<string>): string {
  let text = JSON.stringify(value ?? null);
  for (const token of tokens) text = text.split(token).join('<task token>');
  return text;
}
