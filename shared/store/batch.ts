import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const MAX_ATTEMPTS = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Exponential backoff with full jitter, as AWS recommends for unprocessed batch items. */
const backoff = (attempt: number) => sleep(Math.random() * Math.min(2_000, 25 * 2 ** attempt));

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}

/**
 * Puts items with BatchWriteItem, 25 a request and a few requests at a time, retrying what
 * DynamoDB leaves unprocessed; throws if any item is still unwritten after the retries.
 */
export async function batchPut(db: DynamoDBDocumentClient, table: string, items: readonly Record<string, unknown>[], concurrency = 4): Promise<void> {
  await inParallel(chunks(items, 25), concurrency, async (chunk) => {
    let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt === MAX_ATTEMPTS) throw new Error(`DynamoDB left ${pending.length} items of ${table} unwritten after ${MAX_ATTEMPTS} attempts`);
      if (attempt > 0) await backoff(attempt);
      const { UnprocessedItems } = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  });
}

/** Gets items by key with BatchGetItem, 100 a request, retrying unprocessed keys. */
export async function batchGet(
  db: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  projection?: string,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  await inParallel(chunks(keys, 100), 4, async (chunk) => {
    let pending: Record<string, unknown>[] = chunk;
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt === MAX_ATTEMPTS) throw new Error(`DynamoDB left ${pending.length} keys of ${table} unread after ${MAX_ATTEMPTS} attempts`);
      if (attempt > 0) await backoff(attempt);
      const { Responses, UnprocessedKeys } = await db.send(
        new BatchGetCommand({
          RequestItems: { [table]: { Keys: pending, ConsistentRead: true, ...(projection ? { ProjectionExpression: projection } : {}) } },
        }),
      );
      found.push(...(Responses?.[table] ?? []));
      pending = (UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  });
  return found;
}
