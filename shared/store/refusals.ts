import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGet } from './batch.ts';

/** How long a day's count is kept: DynamoDB's TTL removes it after that. */
const KEEP_DAYS = 90;
const DAY = 86_400_000;

/** One subject's refusals on one day (UTC). */
export interface RefusalDay {
  day: string;
  count: number;
  /** The latest refusal of the day. */
  last: { reason: string; at: string };
}

const keyOf = (subject: string, day: string) => `refusals#${subject}#${day}`;

/**
 * Requests refused from outside (forged or expired links, missing or unknown API keys, cases of
 * another marketplace), counted per subject and day in the Bookkeeping table, apart from the
 * audit log: a flood grows a counter, never a case's log, and costs the same write whether or not
 * the case exists. Counts expire after 90 days.
 */
export class RefusalCounts {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async count(subject: string, reason: string, at: Date): Promise<void> {
    const day = at.toISOString().slice(0, 10);
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { key: keyOf(subject, day) },
        UpdateExpression: 'ADD #count :one SET #last = :last, #expiresAt = :expiresAt',
        ExpressionAttributeNames: { '#count': 'count', '#last': 'last', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':one': 1, ':last': { reason, at: at.toISOString() }, ':expiresAt': Math.floor((at.getTime() + KEEP_DAYS * DAY) / 1000) },
      }),
    );
  }

  /** The subject's refusals over the days up to `at` (at most 90), oldest first. */
  async recent(subject: string, at: Date, days = KEEP_DAYS): Promise<RefusalDay[]> {
    const keys = Array.from({ length: Math.min(days, KEEP_DAYS) }, (_, i) => ({
      key: keyOf(subject, new Date(at.getTime() - i * DAY).toISOString().slice(0, 10)),
    }));
    const items = await batchGet(this.db, this.table, keys);
    return items
      .map((item) => ({ day: String(item.key).slice(-10), count: Number(item.count), last: item.last as RefusalDay['last'] }))
      .sort((a, b) => a.day.localeCompare(b.day));
  }
}
