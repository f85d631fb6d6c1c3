import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/store/document-client.ts';
import { SendSlots } from '#shared/store/send-slots.ts';

describe('send slots', () => {
  const server = dynalite({ createTableMs: 0 });
  let client: DynamoDBClient;
  let table = 0;
  const fresh = async (perSecond: number) => {
    const name = `slots-${table++}`;
    await client.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [{ AttributeName: 'key', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'key', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    return new SendSlots(documentClient(client), name, perSecond);
  };
  const at = (iso: string) => new Date(iso);
  const times = (slots: Date[]) => slots.map((d) => d.toISOString().slice(11, 23));

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
  });
  afterAll(() => {
    client.destroy();
    server.close();
  });

  it('hands out whole seconds, so many a second, to concurrent callers without overlap', async () => {
    const slots = await fresh(3);
    const reserved = await Promise.all(Array.from({ length: 10 }, () => slots.reserve(2, at('2026-03-02T14:00:00.250Z'))));
    const perSecond = new Map<string, number>();
    for (const slot of reserved.flat()) perSecond.set(slot.toISOString(), (perSecond.get(slot.toISOString()) ?? 0) + 1);
    expect([...perSecond.entries()].sort()).toEqual([
      ['2026-03-02T14:00:00.250Z', 3],
      ['2026-03-02T14:00:01.250Z', 3],
      ['2026-03-02T14:00:02.250Z', 3],
      ['2026-03-02T14:00:03.250Z', 3],
      ['2026-03-02T14:00:04.250Z', 3],
      ['2026-03-02T14:00:05.250Z', 3],
      ['2026-03-02T14:00:06.250Z', 2],
    ]);
  });

  it('restarts after an idle spell, never within a second of the last second given', async () => {
    const slots = await fresh(2);
    expect(times(await slots.reserve(3, at('2026-03-02T14:00:00.000Z')))).toEqual(['14:00:00.000', '14:00:00.000', '14:00:01.000']);
    // Half a second into the last second given (14:00:01): starting now would put more than two
    // sends within a second, so the counter restarts a second after it.
    expect(times(await slots.reserve(2, at('2026-03-02T14:00:01.500Z')))).toEqual(['14:00:02.000', '14:00:02.000']);
    // The counter's next second (14:00:03) has passed and the last second given (14:00:02) is over: it restarts now.
    expect(times(await slots.reserve(1, at('2026-03-02T14:00:03.200Z')))).toEqual(['14:00:03.200']);
    expect(times(await slots.reserve(1, at('2026-03-02T15:00:00.000Z')))).toEqual(['15:00:00.000']);
  });
});
