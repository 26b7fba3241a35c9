import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { inject } from 'vitest';
import { createTableInput } from '../../shared/adapters/dynamodb/table-definition.ts';

/** A fresh table, made from the same definition as the deployed one, on the run's DynamoDB Local. */
export async function createTestTable(
  prefix = 'test',
): Promise<{ client: DynamoDBClient; tableName: string; endpoint: string }> {
  const endpoint = inject('dynamodbEndpoint');
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const tableName = `${prefix}-${ulid()}`;
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return { client, tableName, endpoint };
}
