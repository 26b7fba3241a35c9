/**
 * `npm run rebuild:read-models [-- --write]`: recomputes the read models of "what the bureau
 * watches" (the reports of issue 15) from every cohort and claim — their records and audit trails —
 * and compares them with what the projector keeps incrementally; prints each difference and exits
 * 1 when there is one. `--write` replaces what differs (run it while nothing writes). The table is
 * TABLE_NAME; region and credentials are the SDK's own (AWS_REGION, AWS_PROFILE, ...);
 * AWS_ENDPOINT_URL_DYNAMODB points it elsewhere (for `npm start`'s: http://127.0.0.1:3001).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ENVIRONMENT } from '../shared/adapters/config.ts';
import { rebuildReadModels } from '../shared/adapters/dynamodb/maintenance/rebuild-read-models.ts';
import { DynamoReferenceData } from '../shared/adapters/dynamodb/reference-data.ts';
import { Table } from '../shared/adapters/dynamodb/table.ts';

const tableName = process.env[ENVIRONMENT.tableName];
const args = process.argv.slice(2);
if (!tableName || args.some((arg) => arg !== '--write')) {
  process.stderr.write(
    'usage: TABLE_NAME=<the stack table> [AWS_REGION=<region>] npm run rebuild:read-models [-- --write]\n',
  );
  process.exit(2);
}
const client = new DynamoDBClient({ maxAttempts: 8 });
try {
  const table = new Table(client, tableName);
  const result = await rebuildReadModels(table, new DynamoReferenceData(table), {
    write: args.includes('--write'),
  });
  process.stdout.write(
    `${result.cases} cases, ${result.rows} read-model rows rebuilt; ${result.differences.length} differences\n`,
  );
  for (const line of result.differences) process.stdout.write(`  ${line}\n`);
  if (result.written > 0) process.stdout.write(`${result.written} items written\n`);
  if (result.differences.length > 0 && result.written === 0) process.exitCode = 1;
} catch (error) {
  process.stderr.write(`rebuild failed: ${(error as Error).name}: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  client.destroy();
}
