import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGet, inParallel } from './batch.ts';
import { isConditionFailure } from './document-client.ts';

/** Shards of the recall-number -> content-hash index, by the last two digits. */
const shardOf = (recallNumber: string) => `hashes#${recallNumber.slice(-2)}`;

/**
 * What ingestion remembers between runs: the content hash of every stored recall (so a
 * re-ingest of unchanged data reads a few index items and writes nothing) and the API
 * watermark. The index only ever names hashes already stored in the Recalls table.
 */
export class IngestState {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async hashesOf(recallNumbers: readonly string[]): Promise<Map<string, string>> {
    const shards = [...new Set(recallNumbers.map(shardOf))];
    const items = await batchGet(this.db, this.table, shards.map((key) => ({ key })));
    const hashes = new Map<string, string>();
    for (const item of items) for (const [n, hash] of Object.entries((item.hashes ?? {}) as Record<string, string>)) hashes.set(n, hash);
    return hashes;
  }

  /** Records stored hashes; each shard is merged under its version, retried on a concurrent change. */
  async rememberHashes(stored: ReadonlyMap<string, string>): Promise<void> {
    const byShard = new Map<string, [string, string][]>();
    for (const entry of stored) byShard.set(shardOf(entry[0]), [...(byShard.get(shardOf(entry[0])) ?? []), entry]);
    await inParallel([...byShard], 4, async ([key, entries]) => {
      for (let attempt = 0; attempt < 10; attempt++) {
        const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { key }, ConsistentRead: true }));
        const version = (Item?.version as number | undefined) ?? 0;
        const hashes = { ...((Item?.hashes ?? {}) as Record<string, string>), ...Object.fromEntries(entries) };
        try {
          await this.db.send(
            new PutCommand({
              TableName: this.table,
              Item: { key, hashes, version: version + 1 },
              ConditionExpression: version ? 'version = :v' : 'attribute_not_exists(#k)',
              ExpressionAttributeNames: version ? undefined : { '#k': 'key' },
              ExpressionAttributeValues: version ? { ':v': version } : undefined,
            }),
          );
          return;
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }
      throw new Error(`the hash index shard ${key} kept changing; ingest again`);
    });
  }

  async watermark(source: string): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { key: `watermark#${source}` }, ConsistentRead: true }));
    return Item?.until as string | undefined;
  }

  async setWatermark(source: string, until: string, at: Date): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { key: `watermark#${source}`, until, at: at.toISOString() } }));
  }
}
