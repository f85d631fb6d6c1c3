import { GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Marketplace } from '../marketplace.ts';
import { keyed, type AuditAction, type DynamoAuditLog, type KeyedAuditEntry } from './audit-log.ts';
import { isConditionFailure } from './document-client.ts';

/** A marketplace as stored: `version` counts its writes (0 before the first, and for one stored before versions were kept). */
export type StoredMarketplace = Marketplace & { version: number };

/** The stored item: the marketplace, and the audit entry of its last change until the log has it. */
type MarketplaceItem = StoredMarketplace & { auditOutbox?: KeyedAuditEntry[] };

/** What a change stores: the marketplace as it is to be, and what its audit entry says. */
export interface MarketplaceChange {
  marketplace: Marketplace;
  audit: AuditAction;
}

/** The part of the audit log a change writes to: its entry, and any a crash kept in the outbox. */
export type ChangeLog = Pick<DynamoAuditLog, 'write' | 'ensure'>;

export type MarketplaceWrite =
  | { outcome: 'stored'; marketplace: StoredMarketplace }
  | { outcome: 'unchanged'; marketplace: StoredMarketplace | undefined }
  /** The marketplace is not at the version the change was based on: `current` is what it is now. */
  | { outcome: 'conflict'; current: StoredMarketplace | undefined };

/** The audit log each marketplace's administration is kept in. */
export const marketplaceSubject = (marketplaceId: string) => `marketplace-${marketplaceId}`;

export interface MarketplaceStore {
  /** A marketplace as read, with its version (eventually consistent; a function's container may remember it for a minute). */
  get(id: string): Promise<Marketplace | undefined>;
  /** A marketplace as last written: a strongly consistent read, never remembered. What a change is based on. */
  latest(id: string): Promise<StoredMarketplace | undefined>;
  listActive(): Promise<StoredMarketplace[]>;
  /** Every marketplace, deactivated ones included. */
  list(): Promise<StoredMarketplace[]>;
  /**
   * Changes one marketplace: `change` gets it as last written (undefined if there is none) and
   * returns what to store, or undefined to store nothing. The marketplace and its audit entry
   * are one item write (the entry in the item's outbox), guarded by the version read, then the
   * entry goes to `log`; an entry a crash left in the outbox goes to the log first. With
   * `basedOn`, a marketplace at another version is not changed (a conflict); without, a write
   * that loses a race is tried again on what won.
   */
  change(
    id: string,
    at: Date,
    change: (current: StoredMarketplace | undefined) => MarketplaceChange | undefined,
    options: { basedOn?: number; log: ChangeLog },
  ): Promise<MarketplaceWrite>;
  /** Stores a marketplace with no audit entry (the local cloud's demo): its version moves on, its outbox is kept. */
  put(marketplace: Marketplace): Promise<void>;
}

const MAX_CONFLICTS = 8;
const keptChanging = (id: string) => new Error(`marketplace ${id} kept changing under ${MAX_CONFLICTS} attempts to store it; try again`);

/** What a reader sees of an item: the marketplace and its version, not the outbox. */
function stored(item: MarketplaceItem | undefined): StoredMarketplace | undefined {
  if (!item) return undefined;
  const { auditOutbox: _outbox, ...marketplace } = item;
  return { ...marketplace, version: marketplace.version ?? 0 };
}

export class DynamoMarketplaceStore implements MarketplaceStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<Marketplace | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { id } }));
    return stored(Item as MarketplaceItem | undefined);
  }

  async latest(id: string): Promise<StoredMarketplace | undefined> {
    return stored(await this.item(id));
  }

  async listActive(): Promise<StoredMarketplace[]> {
    return (await this.list()).filter((m) => m.active);
  }

  async list(): Promise<StoredMarketplace[]> {
    const found: StoredMarketplace[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey: startKey }));
      found.push(...((page.Items ?? []) as MarketplaceItem[]).map((item) => stored(item)!));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found.sort((a, b) => a.id.localeCompare(b.id));
  }

  async change(
    id: string,
    at: Date,
    change: (current: StoredMarketplace | undefined) => MarketplaceChange | undefined,
    options: { basedOn?: number; log: ChangeLog },
  ): Promise<MarketplaceWrite> {
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      const item = await this.item(id);
      // What the last change left undone goes to the log first, even when this change is refused.
      if (item?.auditOutbox?.length) await options.log.ensure(item.auditOutbox);
      const current = stored(item);
      if (options.basedOn !== undefined && options.basedOn !== (current?.version ?? 0)) return { outcome: 'conflict', current };
      const next = change(current);
      if (!next) return { outcome: 'unchanged', marketplace: current };
      if (next.marketplace.id !== id) throw new Error(`a change of marketplace ${id} cannot store marketplace ${next.marketplace.id}`);
      const entries = [keyed({ subject: marketplaceSubject(id), at: at.toISOString(), ...next.audit })];
      const written: MarketplaceItem = { ...next.marketplace, version: (current?.version ?? 0) + 1, auditOutbox: entries };
      if (!(await this.write(written, current))) {
        if (options.basedOn !== undefined) return { outcome: 'conflict', current: await this.latest(id) };
        continue;
      }
      await options.log.write(entries);
      return { outcome: 'stored', marketplace: stored(written)! };
    }
    throw keptChanging(id);
  }

  async put(marketplace: Marketplace): Promise<void> {
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      const item = await this.item(marketplace.id);
      const current = stored(item);
      const written: MarketplaceItem = { ...marketplace, version: (current?.version ?? 0) + 1, ...(item?.auditOutbox && { auditOutbox: item.auditOutbox }) };
      if (await this.write(written, current)) return;
    }
    throw keptChanging(marketplace.id);
  }

  /** The whole item, read strongly consistent: not through `get`, which a function's container may replace with a remembered read. */
  private async item(id: string): Promise<MarketplaceItem | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { id }, ConsistentRead: true }));
    return Item as MarketplaceItem | undefined;
  }

  /** One write of a whole item, on the condition that it is still what was read; false when another write came first. */
  private async write(item: MarketplaceItem, read: StoredMarketplace | undefined): Promise<boolean> {
    const guard = !read
      ? { ConditionExpression: 'attribute_not_exists(id)' }
      : read.version === 0
        ? { ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(#version)', ExpressionAttributeNames: { '#version': 'version' } }
        : {
            ConditionExpression: '#version = :seen',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':seen': read.version },
          };
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: item, ...guard }));
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }
}
