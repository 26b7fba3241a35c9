import { relative } from 'node:path';
import type { TestProject } from 'vitest/node';
import '../../infra/local/node-version.ts';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { freePort } from '../../infra/local/free-port.ts';

/** One DynamoDB Local for the whole run (it starts in ~2.5 s); each test file makes its own table. */
export default async function setup(project: TestProject) {
  // Which Node the suite ran on (issue 11: Lambda's major, from the `node` devDependency).
  const where = relative(process.cwd(), process.execPath);
  process.stdout.write(`Node ${process.version} (${where.startsWith('..') ? process.execPath : where})\n`);
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  project.provide('dynamodbEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}
