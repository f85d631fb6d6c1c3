import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll } from 'vitest';

/**
 * dynalite in memory for the tests of one file: started before them and stopped after. `table`
 * makes a new table keyed by `key` (a string), and sorted by `sort` if given, and gives its name;
 * `client()` is the SDK client.
 */
export function localDynamo(prefix: string): { client: () => DynamoDBClient; table: (key?: string, sort?: string) => Promise<string> } {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  let client: DynamoDBClient | undefined;
  let n = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
  });
  afterAll(() => {
    client?.destroy();
    server.close();
  });
  return {
    client: () => client!,
    async table(key = 'key', sort?: string) {
      const name = `${prefix}-${n++}`;
      const keys = sort ? [key, sort] : [key];
      await client!.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: keys.map((AttributeName, i) => ({ AttributeName, KeyType: i ? 'RANGE' : 'HASH' })),
          AttributeDefinitions: keys.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      return name;
    },
  };
}
