import { PutItemCommand, QueryCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { addIndexes } from '#infra/local-cloud/deploy.ts';
import { localDynamo } from '../support/local-dynamo.ts';

const dynamo = localDynamo('indexes');

describe("a data directory's table from before an index was added", () => {
  it('gets the index with every item kept, as CloudFormation backfills one', async () => {
    const name = await dynamo.table('keyHash');
    for (let i = 0; i < 30; i++)
      await dynamo.client().send(new PutItemCommand({ TableName: name, Item: { keyHash: { S: `h${i}` }, marketplaceId: { S: i % 2 ? 'odd' : 'even' } } }));
    const input: CreateTableCommandInput = {
      TableName: name,
      KeySchema: [{ AttributeName: 'keyHash', KeyType: 'HASH' }],
      AttributeDefinitions: [
        { AttributeName: 'keyHash', AttributeType: 'S' },
        { AttributeName: 'marketplaceId', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        { IndexName: 'byMarketplace', KeySchema: [{ AttributeName: 'marketplaceId', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } },
      ],
    };
    const said = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await addIndexes(dynamo.client(), input);
    await addIndexes(dynamo.client(), input);
    const lines = said.mock.calls.map((c) => String(c[0]));
    said.mockRestore();
    expect(lines).toEqual([`[dynamodb] ${name}: added its indexes (30 items kept)`]);
    const odd = await dynamo.client().send(
      new QueryCommand({
        TableName: name,
        IndexName: 'byMarketplace',
        KeyConditionExpression: 'marketplaceId = :m',
        ExpressionAttributeValues: { ':m': { S: 'odd' } },
      }),
    );
    expect(odd.Count).toBe(15);
  });
});
