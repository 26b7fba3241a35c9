/**
 * `npm run migrate`: brings a table's data up to what this code reads — today, moving mentor load
 * items to the organisation's partition (shared/adapters/dynamodb/migrations/mentor-loads.ts).
 * Run it after `cdk deploy` when upgrading a deployment that holds cohorts; idempotent, and safe
 * while the system serves. The table is TABLE_NAME; region and credentials are the SDK's own
 * (AWS_REGION or the profile's, AWS_PROFILE, ...), as for the AWS CLI. AWS_ENDPOINT_URL_DYNAMODB
 * points it elsewhere (`npm start` runs the same migration itself before it serves).
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ENVIRONMENT } from '../shared/adapters/config.ts';
import {
  describeMigration,
  migrateMentorLoads,
} from '../shared/adapters/dynamodb/migrations/mentor-loads.ts';
import { Table } from '../shared/adapters/dynamodb/table.ts';

const tableName = process.env[ENVIRONMENT.tableName];
if (!tableName || process.argv.length > 2) {
  process.stderr.write(
    'usage: TABLE_NAME=<the stack table> [AWS_REGION=<region>] npm run migrate\n' +
      '(the table name is the stack output TableName, or: aws dynamodb list-tables)\n',
  );
  process.exit(2);
}

const client = new DynamoDBClient({ maxAttempts: 8 });
try {
  const region = await client.config.region();
  await client.send(new DescribeTableCommand({ TableName: tableName }));
  process.stdout.write(`table ${tableName} in ${region}\n`);
  const result = await migrateMentorLoads(new Table(client, tableName));
  for (const line of describeMigration(result)) process.stdout.write(`${line}\n`);
} catch (error) {
  process.stderr.write(`migration failed: ${(error as Error).name}: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  client.destroy();
}
