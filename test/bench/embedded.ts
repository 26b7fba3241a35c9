import diagnostics from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { freePort } from '../../infra/local/free-port.ts';
import { type RunningRuntime, startRuntime } from '../../infra/local/runtime.ts';
import { ApiClient } from '../../scripts/lib/api-client.ts';
import type { KeySource } from '../../shared/adapters/crypto/personal-data.ts';
import { personalData } from '../../shared/adapters/deps/personal-data.ts';
import { Table } from '../../shared/adapters/dynamodb/table.ts';
import { attributeRequests } from './attribution.ts';

/**
 * The embedded runtime started in this process for the benchmarks: its own in-memory DynamoDB
 * Local, the local Step Functions engine and the local HTTP API on free ports, with the DynamoDB
 * request counter on the handlers' client (`COUNT_DYNAMODB_REQUESTS=1`) and counters of what the
 * counter cannot see: KMS requests (at the key-source port the local key file stands in for) and
 * events put on the bus.
 */
export interface BenchRuntime {
  runtime: RunningRuntime;
  api: ApiClient;
  /** The table, through a client of its own (not counted): for seeding and looking. */
  table: Table;
  sfn: SFNClient;
  counters: { kmsRequests: number; eventsPut: number };
  stop(): Promise<void>;
}

export async function startBenchRuntime(): Promise<BenchRuntime> {
  process.env.COUNT_DYNAMODB_REQUESTS = '1';
  process.env.LOG_LEVEL ??= 'WARN';
  const dynamo: DynamoDbLocal = await startDynamoDbLocal({ port: await freePort() });
  const dataDir = mkdtempSync(join(tmpdir(), 'apprenticeflow-bench-'));
  const runtime = await startRuntime({
    port: await freePort(),
    stepFunctionsPort: await freePort(),
    objectStoragePort: await freePort(),
    issuerPort: await freePort(),
    dynamodbEndpoint: dynamo.endpoint,
    tableName: 'apprenticeflow-bench',
    dataDir,
    log: () => undefined,
  });
  const apiPort = Number(new URL(runtime.url).port);
  const stopAttributing = attributeRequests(apiPort);

  const counters = { kmsRequests: 0, eventsPut: 0 };
  countKeySourceCalls(counters);
  const onRequest = (message: unknown) => {
    const { request, server } = message as { request: IncomingMessage; server: Server };
    const address = server.address();
    if (typeof address !== 'object' || address?.port !== apiPort) return;
    // The embedded EventBridge: one PutEvents per event (EventBridgeEvents.publish sends one entry).
    if (request.headers['x-amz-target'] === 'AWSEvents.PutEvents') counters.eventsPut += 1;
  };
  diagnostics.subscribe('http.server.request.start', onRequest);

  const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const client = new DynamoDBClient({ ...local, endpoint: dynamo.endpoint });
  const sfn = new SFNClient({ ...local, endpoint: runtime.stepFunctionsEndpoint });
  return {
    runtime,
    api: new ApiClient(runtime.url),
    table: new Table(client, runtime.tableName),
    sfn,
    counters,
    async stop() {
      diagnostics.unsubscribe('http.server.request.start', onRequest);
      stopAttributing();
      client.destroy();
      sfn.destroy();
      await runtime.stop();
      await dynamo.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * On AWS each `generateDataKey` is a KMS GenerateDataKey and each `unwrapDataKey` a KMS Decrypt
 * (kms-key-source.ts); the embedded runtime's local key file answers both. Counting the calls at
 * that port counts the KMS requests the same work would make. (The HMAC key is unwrapped once per
 * Lambda container, not per case: it is not counted.)
 */
function countKeySourceCalls(counters: { kmsRequests: number }): void {
  const protector = personalData() as unknown as { keys: KeySource };
  const source = protector.keys;
  const generate = source.generateDataKey.bind(source);
  const unwrap = source.unwrapDataKey.bind(source);
  source.generateDataKey = () => {
    counters.kmsRequests += 1;
    return generate();
  };
  source.unwrapDataKey = (wrapped) => {
    counters.kmsRequests += 1;
    return unwrap(wrapped);
  };
}
