import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Recall } from '../recall.ts';
import { normalizeRecord } from '../recall-file.ts';
import { batchPut } from './batch.ts';

/**
 * A recall is stored as its raw text, from which the normalized record is derived on read,
 * with its number, date and source: small items, cheap to write, nothing lost.
 */
function item({ recall, raw }: StoredRecall): Record<string, unknown> {
  return { recallNumber: recall.recallNumber, recallDate: recall.recallDate, source: recall.source, raw };
}

/** A recall as ingestion writes it: the normalized record and its raw text. */
export interface StoredRecall {
  recall: Recall;
  raw: string;
}

export interface RecallStore {
  get(recallNumber: string): Promise<Recall | undefined>;
}

export class DynamoRecallStore implements RecallStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(recallNumber: string): Promise<Recall | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { recallNumber },
        ProjectionExpression: '#s, #r',
        ExpressionAttributeNames: { '#s': 'source', '#r': 'raw' },
      }),
    );
    if (!Item) return undefined;
    return normalizeRecord(JSON.parse(Item.raw as string), Item.source === 'cpsc-csv' ? 'cpsc-csv' : 'cpsc-api-json');
  }

  /** The record exactly as it was received, for audit. */
  async raw(recallNumber: string): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { recallNumber }, ProjectionExpression: '#r', ExpressionAttributeNames: { '#r': 'raw' } }),
    );
    return Item?.raw as string | undefined;
  }

  /** New recalls, in batches. */
  async insertMany(records: readonly StoredRecall[], at: Date): Promise<void> {
    await batchPut(
      this.db,
      this.table,
      records.map((record) => ({ ...item(record), storedAt: at.toISOString() })),
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
        UpdateExpression: `SET ${Object.keys(fields)
          .map((_, i) => `#f${i} = :v${i}`)
          .join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async markStarted(recallNumber: string, at: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { recallNumber },
        UpdateExpression: 'SET workflowStartedAt = :at',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
    );
  }
}
