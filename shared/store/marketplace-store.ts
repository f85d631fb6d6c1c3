import { GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Marketplace } from '../marketplace.ts';

export interface MarketplaceStore {
  get(id: string): Promise<Marketplace | undefined>;
  listActive(): Promise<Marketplace[]>;
  /** Every marketplace, deactivated ones included. */
  list(): Promise<Marketplace[]>;
  put(marketplace: Marketplace): Promise<void>;
}

export class DynamoMarketplaceStore implements MarketplaceStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<Marketplace | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { id } }));
    return Item as Marketplace | undefined;
  }

  async listActive(): Promise<Marketplace[]> {
    return (await this.list()).filter((m) => m.active);
  }

  async list(): Promise<Marketplace[]> {
    const found: Marketplace[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey: startKey }));
      found.push(...((page.Items ?? []) as Marketplace[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found.sort((a, b) => a.id.localeCompare(b.id));
  }

  async put(marketplace: Marketplace): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: marketplace }));
  }
}
