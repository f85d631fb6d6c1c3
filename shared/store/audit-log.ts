import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGet } from './batch.ts';
import { isConditionFailure } from './document-client.ts';

/** Who caused a transition: the system, a marketplace (by id), a staff member (by address), or an agency tool (by its IAM principal). */
export type Actor = 'system' | `marketplace:${string}` | `staff:${string}` | `agency:${string}`;

export interface AuditEntry {
  /** Whose log: a case id, or `recall-<number>` for what happens to a recall itself. */
  subject: string;
  at: string;
  actor: Actor;
  action: string;
  detail?: Record<string, unknown>;
}

/** An entry with the key it is stored under: written with a change (in its record's outbox) before it is in the log. */
export type KeyedAuditEntry = AuditEntry & { entryKey: string };

/** What an entry says, before it has a subject and a time. */
export type AuditAction = Pick<AuditEntry, 'actor' | 'action' | 'detail'>;

/** Each case's (and recall's) own append-only record; it outlives the 90 days of execution history. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  list(subject: string): Promise<AuditEntry[]>;
}

/**
 * The key of an entry: ordered by time, then by a monotonic counter for entries of the same
 * millisecond (the local cloud's virtual time stands still while a case moves); the random
 * tail keeps them unique.
 */
export function keyed(entry: AuditEntry): KeyedAuditEntry {
  return { ...entry, entryKey: `${entry.at}#${process.hrtime.bigint().toString().padStart(20, '0')}#${randomBytes(4).toString('hex')}` };
}

export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.put(keyed(entry));
  }

  /** Writes an entry under its key; one already there is left as it is (a retry writes nothing twice). */
  private async put(entry: KeyedAuditEntry): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: entry, ConditionExpression: 'attribute_not_exists(entryKey)' }));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Writes the entries of an outbox (a change just made). */
  async write(entries: readonly KeyedAuditEntry[]): Promise<void> {
    await Promise.all(entries.map((entry) => this.put(entry)));
  }

  /** Makes sure an outbox's entries are in the log: those a crash left out are written now. */
  async ensure(entries: readonly KeyedAuditEntry[]): Promise<void> {
    if (!entries.length) return;
    const found = await batchGet(
      this.db,
      this.table,
      entries.map(({ subject, entryKey }) => ({ subject, entryKey })),
      'entryKey',
    );
    const present = new Set(found.map((item) => item.entryKey));
    await this.write(entries.filter((entry) => !present.has(entry.entryKey)));
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
