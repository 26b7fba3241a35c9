import { DescribeTableCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
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

  it('creates its KEYS_ONLY stream, which DynamoDB Local serves over the Streams API: keys, never attributes', async () => {
    const { client, tableName, endpoint } = await createTestTable();
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(described.Table?.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'KEYS_ONLY',
    });
    const streamArn = described.Table!.LatestStreamArn!;
    expect(streamArn).toContain(`table/${tableName}/stream/`);

    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: { pk: { S: 'COHORT#c1' }, sk: { S: 'COHORT' }, name: { S: '李娜' } },
            },
          },
          { Put: { TableName: tableName, Item: { pk: { S: 'COHORT#c1' }, sk: { S: 'AUDIT#0000000001' } } } },
        ],
      }),
    );
    const streams = new DynamoDBStreamsClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const stream = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      expect(stream.StreamDescription).toMatchObject({
        StreamStatus: 'ENABLED',
        StreamViewType: 'KEYS_ONLY',
      });
      const [shard] = stream.StreamDescription!.Shards!;
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard!.ShardId!,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const { Records = [] } = await streams.send(new GetRecordsCommand({ ShardIterator }));
      const bySortKey = [...Records].sort((a, b) =>
        String(a.dynamodb?.Keys?.sk?.S).localeCompare(String(b.dynamodb?.Keys?.sk?.S)),
      );
      expect(bySortKey.map((record) => [record.eventName, record.dynamodb?.Keys])).toEqual([
        ['INSERT', { pk: { S: 'COHORT#c1' }, sk: { S: 'AUDIT#0000000001' } }],
        ['INSERT', { pk: { S: 'COHORT#c1' }, sk: { S: 'COHORT' } }],
      ]);
      for (const record of Records) {
        expect(record.dynamodb?.NewImage).toBeUndefined();
        expect(record.dynamodb?.OldImage).toBeUndefined();
        expect(record.dynamodb?.SequenceNumber).toMatch(/^\d+$/);
      }
    } finally {
      streams.destroy();
    }
  });
});
