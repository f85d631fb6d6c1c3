import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchPut } from './batch.ts';

export interface QuarantinedRecord {
  /** Where the record came from: a file name, or an API window. */
  source: string;
  /** Its position in the source. */
  index: number;
  recallNumber: string | null;
  reason: string;
  /** The record exactly as received (JSON text). */
  raw: string;
}

/** Raw content is kept whole: split into parts well inside DynamoDB's 400 KB item limit. */
const PART_BYTES = 300_000;

/** Records that could not be stored, each with its reason and its raw content, never dropped. */
export class QuarantineStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async add(batchId: string, at: Date, records: readonly QuarantinedRecord[]): Promise<void> {
    const items = records.flatMap((record) => {
      const parts = Math.max(1, Math.ceil(record.raw.length / PART_BYTES));
      return Array.from({ length: parts }, (_, part) => ({
        batchId,
        entry: `${String(record.index).padStart(9, '0')}#${String(part).padStart(4, '0')}`,
        at: at.toISOString(),
        source: record.source,
        index: record.index,
        recallNumber: record.recallNumber,
        reason: record.reason,
        part,
        parts,
        raw: record.raw.slice(part * PART_BYTES, (part + 1) * PART_BYTES),
      }));
    });
    await batchPut(this.db, this.table, items);
  }

  /** A batch's quarantined records, with their raw content put back together. */
  async list(batchId: string): Promise<QuarantinedRecord[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'batchId = :b',
          ExpressionAttributeValues: { ':b': batchId },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const records = new Map<number, QuarantinedRecord>();
    for (const item of items) {
      const index = item.index as number;
      const record = records.get(index) ?? {
        source: item.source as string,
        index,
        recallNumber: item.recallNumber as string | null,
        reason: item.reason as string,
        raw: '',
      };
      record.raw += item.raw as string;
      records.set(index, record);
    }
    return [...records.values()];
  }
}
