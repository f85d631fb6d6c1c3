import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGet, chunks, inParallel } from './batch.ts';
import { isConditionFailure } from './document-client.ts';

/** Shards of the hash index: few enough to read in one request, each far below 400 KB up to 100,000 recalls. */
const SHARDS = 32;
const shardOf = (recallNumber: string) => `hashes#${Number(recallNumber) % SHARDS}`;
const PENDING_STARTS = 'pending-starts';

/** What ingestion remembers of a stored recall: the hash of its raw text and of its normalized content. */
export interface KnownHashes {
  raw: string;
  content: string;
}

/** A read of the index: what it holds, and the shard versions it was read at. */
export interface HashSnapshot {
  hashes: Map<string, KnownHashes>;
  versions: Map<string, number>;
}

/**
 * What ingestion remembers between runs: the hashes of every stored recall (so a re-ingest of
 * unchanged data reads a few index items and writes nothing) and the API watermark. The
 * index only ever names hashes already stored in the Recalls table.
 */
export class IngestState {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async read(recallNumbers: readonly string[]): Promise<HashSnapshot> {
    const shards = [...new Set(recallNumbers.map(shardOf))];
    const items = await batchGet(
      this.db,
      this.table,
      shards.map((key) => ({ key })),
    );
    const snapshot: HashSnapshot = { hashes: new Map(), versions: new Map(shards.map((s) => [s, 0])) };
    for (const item of items) {
      snapshot.versions.set(item.key as string, item.version as number);
      for (const [n, value] of Object.entries((item.hashes ?? {}) as Record<string, string>)) {
        const [raw = '', content = ''] = value.split(':');
        snapshot.hashes.set(n, { raw, content });
      }
    }
    return snapshot;
  }

  /**
   * Records stored hashes. Each shard is written under the version it was read at; if another
   * ingest changed it meanwhile, it is read again and merged.
   */
  async remember(stored: ReadonlyMap<string, KnownHashes>, snapshot: HashSnapshot): Promise<void> {
    const byShard = new Map<string, [string, KnownHashes][]>();
    for (const entry of stored) byShard.set(shardOf(entry[0]), [...(byShard.get(shardOf(entry[0])) ?? []), entry]);
    await inParallel([...byShard], 8, async ([key, entries]) => {
      let version = snapshot.versions.get(key) ?? 0;
      let current: Record<string, string> | undefined;
      for (let attempt = 0; attempt < 10; attempt++) {
        if (!current) {
          current = {};
          for (const [n, h] of snapshot.hashes) if (shardOf(n) === key) current[n] = `${h.raw}:${h.content}`;
        }
        const hashes = { ...current, ...Object.fromEntries(entries.map(([n, h]) => [n, `${h.raw}:${h.content}`])) };
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
          const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { key }, ConsistentRead: true }));
          version = (Item?.version as number | undefined) ?? 0;
          current = (Item?.hashes ?? {}) as Record<string, string>;
        }
      }
      throw new Error(`the hash index shard ${key} kept changing; ingest again`);
    });
  }

  /**
   * Recalls stored whose workflow has not started yet: one item holding a set, changed with
   * ADD and DELETE (atomic, idempotent), written after the recalls and before the hash index,
   * so a failure between the writes is redone by the next ingest of the same data.
   */
  async addPendingStarts(recallNumbers: readonly string[]): Promise<void> {
    for (const chunk of chunks(recallNumbers, 5_000)) {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { key: PENDING_STARTS },
          UpdateExpression: 'ADD recalls :n',
          ExpressionAttributeValues: { ':n': new Set(chunk) },
        }),
      );
    }
  }

  async pendingStarts(limit = 500): Promise<string[]> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { key: PENDING_STARTS }, ConsistentRead: true }));
    return [...((Item?.recalls as Set<string> | undefined) ?? [])].sort().slice(0, limit);
  }

  async clearPendingStart(recallNumber: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { key: PENDING_STARTS },
        UpdateExpression: 'DELETE recalls :n',
        ExpressionAttributeValues: { ':n': new Set([recallNumber]) },
      }),
    );
  }

  async watermark(source: string): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { key: `watermark#${source}` }, ConsistentRead: true }));
    return Item?.until as string | undefined;
  }

  async setWatermark(source: string, until: string, at: Date): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { key: `watermark#${source}`, until, at: at.toISOString() } }));
  }
}
