import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Recall } from '../recall.ts';
import { isConditionFailure } from './document-client.ts';

export type UpsertOutcome = 'inserted' | 'updated' | 'unchanged';

export interface RecallStore {
  get(recallNumber: string): Promise<Recall | undefined>;
  /** Writes only when the content hash differs from the stored one. */
  upsert(recall: Recall, raw: unknown, at: Date): Promise<UpsertOutcome>;
}

export class DynamoRecallStore implements RecallStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  async get(recallNumber: string): Promise<Recall | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { recallNumber } }));
    if (!Item) return undefined;
    const { raw: _raw, storedAt: _storedAt, ...recall } = Item;
    return recall as Recall;
  }

  async upsert(recall: Recall, raw: unknown, at: Date): Promise<UpsertOutcome> {
    const existing = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { recallNumber: recall.recallNumber }, ProjectionExpression: 'contentHash' }),
    );
    const previousHash = existing.Item?.contentHash as string | undefined;
    if (previousHash === recall.contentHash) return 'unchanged';
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...recall, raw: JSON.stringify(raw), storedAt: at.toISOString() },
          ConditionExpression: previousHash ? 'contentHash = :previous' : 'attribute_not_exists(recallNumber)',
          ExpressionAttributeValues: previousHash ? { ':previous': previousHash } : undefined,
        }),
      );
    } catch (error) {
      // Another writer stored the same record first: what is stored now decides.
      if (isConditionFailure(error)) return (await this.get(recall.recallNumber))?.contentHash === recall.contentHash ? 'unchanged' : this.upsert(recall, raw, at);
      throw error;
    }
    return previousHash ? 'updated' : 'inserted';
  }
}
