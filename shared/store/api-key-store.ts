import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './document-client.ts';

/** What is kept of a key: its SHA-256, never the key itself. */
export interface ApiKeyRecord {
  keyHash: string;
  /** The key's public part, shown in lists and logs to tell keys apart. */
  keyId: string;
  marketplaceId: string;
  createdAt: string;
  revokedAt?: string;
}

/** Keys are 32 random bytes: a plain SHA-256 is enough to keep them at rest (no password stretching needed). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const KEY_PATTERN = /^rgk_([a-z0-9]{8})_[A-Za-z0-9_-]{43}$/;

export interface ApiKeyStore {
  /** A new key for the marketplace: the only time the key itself is seen. */
  issue(marketplaceId: string, at: Date): Promise<{ key: string; keyId: string }>;
  /** The marketplace a key answers for, or undefined for a malformed, unknown or revoked key. */
  verify(key: string): Promise<ApiKeyRecord | undefined>;
  revoke(keyId: string, at: Date): Promise<ApiKeyRecord>;
  list(marketplaceId?: string): Promise<ApiKeyRecord[]>;
}

export class DynamoApiKeyStore implements ApiKeyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async issue(marketplaceId: string, at: Date): Promise<{ key: string; keyId: string }> {
    const keyId = randomBytes(5).toString('hex').slice(0, 8);
    const key = `rgk_${keyId}_${randomBytes(32).toString('base64url')}`;
    const record: ApiKeyRecord = { keyHash: hashApiKey(key), keyId, marketplaceId, createdAt: at.toISOString() };
    await this.db.send(new PutCommand({ TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(keyHash)' }));
    return { key, keyId };
  }

  async verify(key: string): Promise<ApiKeyRecord | undefined> {
    if (!KEY_PATTERN.test(key)) return undefined;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { keyHash: hashApiKey(key) } }));
    const record = Item as ApiKeyRecord | undefined;
    return record && !record.revokedAt ? record : undefined;
  }

  async list(marketplaceId?: string): Promise<ApiKeyRecord[]> {
    const found: ApiKeyRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey: startKey }));
      found.push(...((page.Items ?? []) as ApiKeyRecord[]).filter((k) => !marketplaceId || k.marketplaceId === marketplaceId));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async revoke(keyId: string, at: Date): Promise<ApiKeyRecord> {
    const found = (await this.list()).find((k) => k.keyId === keyId);
    if (!found) throw new Error(`there is no API key ${keyId}`);
    if (found.revokedAt) return found;
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { keyHash: found.keyHash },
          UpdateExpression: 'SET revokedAt = :at',
          ConditionExpression: 'attribute_exists(keyHash)',
          ExpressionAttributeValues: { ':at': at.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as ApiKeyRecord;
    } catch (error) {
      if (isConditionFailure(error)) throw new Error(`there is no API key ${keyId}`);
      throw error;
    }
  }
}
