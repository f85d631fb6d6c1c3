import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { DynamoApiKeyStore, hashApiKey, KEYS_BY_MARKETPLACE } from '#shared/store/api-key-store.ts';
import { documentClient } from '#shared/store/document-client.ts';
import { localDynamo } from '../support/local-dynamo.ts';

/** The random bytes the next key ids are made of (20 bytes each), before the random source's own. */
const forcedIds = vi.hoisted(() => [] as Buffer[]);
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  return { ...crypto, randomBytes: (size: number) => (size === 20 && forcedIds.length ? forcedIds.shift()! : crypto.randomBytes(size)) };
});

/** A document client that records the name of each command it sends. */
function recording(db: DynamoDBDocumentClient, sent: string[]): DynamoDBDocumentClient {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name);
        return target.send(command as never);
      };
    },
  });
}

const T0 = new Date('2026-03-02T14:00:00Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('API keys', () => {
  const dynamo = localDynamo('api-keys');
  /** A table as tables.ts declares it: keyed by keyHash, with the byMarketplace index. */
  const fresh = async () => {
    const name = `api-keys-${Math.random().toString(36).slice(2)}`;
    await dynamo.client().send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [{ AttributeName: 'keyHash', KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: 'keyHash', AttributeType: 'S' },
          { AttributeName: 'marketplaceId', AttributeType: 'S' },
          { AttributeName: 'createdAt', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: KEYS_BY_MARKETPLACE,
            KeySchema: [
              { AttributeName: 'marketplaceId', KeyType: 'HASH' },
              { AttributeName: 'createdAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const sent: string[] = [];
    const db = documentClient(dynamo.client());
    return { store: new DynamoApiKeyStore(recording(db, sent), name), db, name, sent };
  };

  it('issues keys with 100-bit ids in lowercase letters and digits, verified by their hash, listed by marketplace without a scan', async () => {
    const { store, sent } = await fresh();
    const first = await store.issue('alimart', T0);
    const second = await store.issue('alimart', later(1));
    const other = await store.issue('bazaarly', later(2));
    for (const issued of [first, second, other]) {
      expect(issued.keyId).toMatch(/^[a-z2-7]{20}$/);
      expect(issued.key).toMatch(new RegExp(`^rgk_${issued.keyId}_[A-Za-z0-9_-]{43}$`));
    }
    expect(new Set([first.keyId, second.keyId, other.keyId]).size).toBe(3);
    expect(await store.verify(first.key)).toEqual({
      keyHash: hashApiKey(first.key),
      keyId: first.keyId,
      marketplaceId: 'alimart',
      createdAt: T0.toISOString(),
    });
    expect(await store.verify(`rgk_${first.keyId}_${'A'.repeat(43)}`)).toBeUndefined();
    expect(await store.verify('rgk_short_x')).toBeUndefined();

    sent.length = 0;
    expect((await store.list('alimart')).map((k) => k.keyId)).toEqual([first.keyId, second.keyId]);
    expect((await store.list('bazaarly')).map((k) => k.keyId)).toEqual([other.keyId]);
    expect(await store.list('nowhere')).toEqual([]);
    expect(sent).toEqual(['QueryCommand', 'QueryCommand', 'QueryCommand']);
    // Every key, for tools: the keys only, never the items that hold their ids.
    expect((await store.list()).map((k) => k.keyId)).toEqual([first.keyId, second.keyId, other.keyId]);
  });

  it('revokes a key by its id with a read and a write, keeping the time of the first revocation', async () => {
    const { store, sent } = await fresh();
    const kept = await store.issue('alimart', T0);
    const revoked = await store.issue('alimart', T0);
    sent.length = 0;
    expect(await store.revoke(revoked.keyId, later(5))).toMatchObject({ keyId: revoked.keyId, marketplaceId: 'alimart', revokedAt: later(5).toISOString() });
    expect(sent).toEqual(['GetCommand', 'UpdateCommand']);
    expect(await store.revoke(revoked.keyId, later(9))).toMatchObject({ revokedAt: later(5).toISOString() });
    expect(await store.verify(revoked.key)).toBeUndefined();
    expect(await store.verify(kept.key)).toMatchObject({ keyId: kept.keyId });
    for (const unknown of ['abcdefghijklmnopqrst', 'not an id', '']) await expect(store.revoke(unknown, T0)).rejects.toThrow(`there is no API key ${unknown}`);
  });

  it('never gives two keys one id: an id already held is drawn again, and the key that holds it is untouched', async () => {
    const { store } = await fresh();
    const same = Buffer.alloc(20, 7);
    forcedIds.push(same);
    const first = await store.issue('alimart', T0);
    expect(first.keyId).toBe('h'.repeat(20));
    forcedIds.push(same);
    const second = await store.issue('bazaarly', T0);
    expect(second.keyId).not.toBe(first.keyId);
    expect(await store.revoke(first.keyId, later(1))).toMatchObject({ keyHash: hashApiKey(first.key), marketplaceId: 'alimart' });
    expect(await store.verify(second.key)).toMatchObject({ marketplaceId: 'bazaarly' });

    forcedIds.push(same, same, same);
    await expect(store.issue('alimart', T0)).rejects.toThrow('no free key id was found in 3 tries');
    expect((await store.list('alimart')).map((k) => k.keyId)).toEqual([first.keyId]);
  });

  it('still verifies and revokes keys issued with the old 8-character ids', async () => {
    const { store, db, name } = await fresh();
    const key = `rgk_0a1b2c3d_${'k'.repeat(43)}`;
    await db.send(
      new PutCommand({ TableName: name, Item: { keyHash: hashApiKey(key), keyId: '0a1b2c3d', marketplaceId: 'alimart', createdAt: T0.toISOString() } }),
    );
    await store.issue('alimart', later(1));
    expect(await store.verify(key)).toMatchObject({ keyId: '0a1b2c3d', marketplaceId: 'alimart' });
    expect((await store.list('alimart'))[0]).toMatchObject({ keyId: '0a1b2c3d' });
    expect(await store.revoke('0a1b2c3d', later(2))).toMatchObject({ keyId: '0a1b2c3d', revokedAt: later(2).toISOString() });
    expect(await store.verify(key)).toBeUndefined();
    await expect(store.revoke('ffffffff', T0)).rejects.toThrow('there is no API key ffffffff');
  });
});
