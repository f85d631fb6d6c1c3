import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

/**
 * The second item of each key, under `id#<keyId>` in the same table: written first, on the
 * condition that no key has that id, so key ids are unique; revoking by id reads it for the
 * key's hash. It has no marketplaceId, so it stays out of the byMarketplace index.
 */
interface KeyIdItem {
  keyHash: `id#${string}`;
  /** The hash of the key that holds the id. */
  ofKey: string;
}

/** The index of each marketplace's keys, oldest first. */
export const KEYS_BY_MARKETPLACE = 'byMarketplace';

/** Keys are 32 random bytes: a plain SHA-256 is enough to keep them at rest (no password stretching needed). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A key id: 100 random bits in 20 characters of lowercase base32 (letters and the digits 2 to 7). */
const KEY_ID = /^[a-z2-7]{20}$/;
/** Ids of keys issued before ids had 100 bits: 8 hexadecimal characters, with no id item. */
const OLD_KEY_ID = /^[a-z0-9]{8}$/;
const KEY_PATTERN = /^rgk_([a-z2-7]{20}|[a-z0-9]{8})_[A-Za-z0-9_-]{43}$/;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** 20 random characters of 5 bits each (a byte's low 5 bits are uniform). */
const newKeyId = () => Array.from(randomBytes(20), (byte) => BASE32[byte & 31]).join('');

export interface ApiKeyStore {
  /** A new key for the marketplace: the only time the key itself is seen. */
  issue(marketplaceId: string, at: Date): Promise<{ key: string; keyId: string }>;
  /** The marketplace a key answers for, or undefined for a malformed, unknown or revoked key. */
  verify(key: string): Promise<ApiKeyRecord | undefined>;
  revoke(keyId: string, at: Date): Promise<ApiKeyRecord>;
  /** A marketplace's keys, oldest first (the byMarketplace index); every key when no marketplace is named (a scan, for tools). */
  list(marketplaceId?: string): Promise<ApiKeyRecord[]>;
}

const ISSUE_ATTEMPTS = 3;

export class DynamoApiKeyStore implements ApiKeyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async issue(marketplaceId: string, at: Date): Promise<{ key: string; keyId: string }> {
    for (let attempt = 0; attempt < ISSUE_ATTEMPTS; attempt++) {
      const keyId = newKeyId();
      const key = `rgk_${keyId}_${randomBytes(32).toString('base64url')}`;
      const keyHash = hashApiKey(key);
      const idItem: KeyIdItem = { keyHash: `id#${keyId}`, ofKey: keyHash };
      try {
        await this.db.send(new PutCommand({ TableName: this.table, Item: idItem, ConditionExpression: 'attribute_not_exists(keyHash)' }));
      } catch (error) {
        if (isConditionFailure(error)) continue;
        throw error;
      }
      const record: ApiKeyRecord = { keyHash, keyId, marketplaceId, createdAt: at.toISOString() };
      await this.db.send(new PutCommand({ TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(keyHash)' }));
      return { key, keyId };
    }
    throw new Error(`no free key id was found in ${ISSUE_ATTEMPTS} tries: the random source is broken; no key was issued`);
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
      const page = await this.db.send(
        marketplaceId === undefined
          ? new ScanCommand({ TableName: this.table, FilterExpression: 'attribute_exists(marketplaceId)', ExclusiveStartKey: startKey })
          : new QueryCommand({
              TableName: this.table,
              IndexName: KEYS_BY_MARKETPLACE,
              KeyConditionExpression: 'marketplaceId = :m',
              ExpressionAttributeValues: { ':m': marketplaceId },
              ExclusiveStartKey: startKey,
            }),
      );
      found.push(...((page.Items ?? []) as ApiKeyRecord[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Revokes a key by its id; a key revoked already keeps the time it was first revoked. */
  async revoke(keyId: string, at: Date): Promise<ApiKeyRecord> {
    const keyHash = await this.hashOf(keyId);
    if (!keyHash) throw new Error(`there is no API key ${keyId}`);
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { keyHash },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
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

  /** The hash a key id is stored under: its id item's, or for a key of the old id form, the one the table holds with that id. */
  private async hashOf(keyId: string): Promise<string | undefined> {
    if (KEY_ID.test(keyId)) {
      const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { keyHash: `id#${keyId}` }, ConsistentRead: true }));
      return (Item as KeyIdItem | undefined)?.ofKey;
    }
    if (!OLD_KEY_ID.test(keyId)) return undefined;
    // Keys of the old form have no id item: the table is read through for the one with that id.
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'keyId = :id',
          ExpressionAttributeValues: { ':id': keyId },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      const found = (page.Items as ApiKeyRecord[] | undefined)?.[0];
      if (found) return found.keyHash;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return undefined;
  }
}
