import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Recall } from '../recall.ts';
import { normalizeRecord } from '../recall-file.ts';
import { batchPut } from './batch.ts';

/**
 * A recall is stored as a few plain attributes (to read in the console) and its raw text, from
 * which the normalized record is derived on read: small items, cheap to write, nothing lost.
 */
function item({ recall, raw }: StoredRecall): Record<string, unknown> {
  return {
    recallNumber: recall.recallNumber,
    title: recall.title.slice(0, 500),
    recallDate: recall.recallDate,
    lastPublishDate: recall.lastPublishDate,
    source: recall.source,
    contentHash: recall.contentHash,
    raw,
  };
}

/** A stored recall, as ingestion writes it: the normalized record, its raw text, and whether its workflow waits to start. */
export interface StoredRecall {
  recall: Recall;
  raw: string;
}

export const PENDING_START_INDEX = 'pendingStart';

export interface RecallStore {
  get(recallNumber: string): Promise<Recall | undefined>;
}

export class DynamoRecallStore implements RecallStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  async get(recallNumber: string): Promise<Recall | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { recallNumber }, ProjectionExpression: '#s, #r', ExpressionAttributeNames: { '#s': 'source', '#r': 'raw' } }));
    if (!Item) return undefined;
    return normalizeRecord(JSON.parse(Item.raw as string), Item.source === 'cpsc-csv' ? 'cpsc-csv' : 'cpsc-api-json');
  }

  /** The record exactly as it was received, for audit. */
  async raw(recallNumber: string): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { recallNumber }, ProjectionExpression: '#r', ExpressionAttributeNames: { '#r': 'raw' } }));
    return Item?.raw as string | undefined;
  }

  /** New recalls, in batches; each is marked as waiting for its workflow to start. */
  async insertMany(records: readonly StoredRecall[], at: Date): Promise<void> {
    await batchPut(
      this.db,
      this.table,
      records.map((record) => ({ ...item(record), storedAt: at.toISOString(), startPending: 'yes' })),
      8,
    );
  }

  /** A changed recall: its content is replaced; whether its workflow has started is kept. */
  async replaceContent(record: StoredRecall, at: Date): Promise<void> {
    const { recallNumber, ...rest } = item(record);
    const fields: Record<string, unknown> = { ...rest, updatedAt: at.toISOString() };
    const names = Object.fromEntries(Object.keys(fields).map((k, i) => [`#f${i}`, k]));
    const values = Object.fromEntries(Object.values(fields).map((v, i) => [`:v${i}`, v]));
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { recallNumber },
        UpdateExpression: `SET ${Object.keys(fields).map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** Recalls stored whose workflow has not been started yet (a sparse index). */
  async pendingStarts(limit = 500): Promise<string[]> {
    const numbers: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: PENDING_START_INDEX,
          KeyConditionExpression: 'startPending = :yes',
          ExpressionAttributeValues: { ':yes': 'yes' },
          ProjectionExpression: 'recallNumber',
          ExclusiveStartKey: startKey,
        }),
      );
      numbers.push(...(page.Items ?? []).map((i) => i.recallNumber as string));
      startKey = page.LastEvaluatedKey;
    } while (startKey && numbers.length < limit);
    return numbers.slice(0, limit);
  }

  async markStarted(recallNumber: string, at: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { recallNumber },
        UpdateExpression: 'REMOVE startPending SET workflowStartedAt = :at',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
    );
  }
}
