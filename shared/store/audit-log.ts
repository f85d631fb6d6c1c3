import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Who caused a transition: the system, a marketplace (by id) or a staff member (by address). */
export type Actor = 'system' | `marketplace:${string}` | `staff:${string}`;

export interface AuditEntry {
  /** Whose log: a case id, or `recall-<number>` for what happens to a recall itself. */
  subject: string;
  at: string;
  actor: Actor;
  action: string;
  detail?: Record<string, unknown>;
}

/** Each case's (and recall's) own append-only record; it outlives the 90 days of execution history. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  list(subject: string): Promise<AuditEntry[]>;
}

export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    // Ordered by time, then by a monotonic counter for entries of the same millisecond (the
    // local cloud's virtual time stands still while a case moves); the random tail keeps them unique.
    const entryKey = `${entry.at}#${process.hrtime.bigint().toString().padStart(20, '0')}#${randomBytes(4).toString('hex')}`;
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...entry, entryKey }, ConditionExpression: 'attribute_not_exists(entryKey)' }));
  }

  async list(subject: string): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'subject = :s',
          ExpressionAttributeValues: { ':s': subject },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const { entryKey: _key, ...entry } = item;
        entries.push(entry as AuditEntry);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return entries;
  }
}
