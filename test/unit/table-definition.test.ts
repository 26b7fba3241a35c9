import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createTestTable } from '../support/table.ts';

describe('table definition on DynamoDB Local', () => {
  it('creates the table with its three indexes', async () => {
    const { client, tableName } = await createTestTable();
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(described.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
      'GSI1',
      'GSI2',
      'GSI3',
    ]);
  });
});
