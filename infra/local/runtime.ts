import './node-version.ts';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import {
  CASE_CHANGE_RECORDS,
  CASE_CHANGED_DELIVERY,
  CASE_CHANGED_RULE,
} from '../../shared/adapters/case-changes.ts';
import {
  clock,
  clockOffsetMs,
  onClockMoved,
  restoreClockOffset,
  setClock,
} from '../../shared/adapters/clock.ts';
import {
  AWS_ENVIRONMENT,
  type CryptoSuite,
  DEFAULT_ORG_CLAIM,
  DEFAULT_ROLES_CLAIM,
  functionEnvironment,
} from '../../shared/adapters/config.ts';
import {
  describeMigration,
  migrateMentorLoads,
} from '../../shared/adapters/dynamodb/migrations/mentor-loads.ts';
import { Table } from '../../shared/adapters/dynamodb/table.ts';
import { createTableInput, STREAM_VIEW_TYPE } from '../../shared/adapters/dynamodb/table-definition.ts';
import { FUNCTIONS, type FunctionSpec, functionByName } from '../function-map.ts';
import { localStateMachineArn, renderWorkflowAsl } from '../workflows/render.ts';
import { type ExtraRoute, type LambdaRoute, startApiGateway } from './api-gateway/index.ts';
import { consoleRoutes } from './console-assets.ts';
import { createDevIssuer, DEV_AUDIENCE, devIssuerRoutes } from './dev-issuer.ts';
import { DEV_ISSUER_SCOPES, startDevIssuerServer } from './dev-issuer-server.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { type BusEvent, LocalEventOutbox, type RuleTarget } from './event-bus.ts';
import { type LocalObjectStorage, type ObjectCreated, startObjectStorage } from './object-storage/index.ts';
import { seedDemoData } from './seed.ts';
import { createLocalStepFunctions, startStepFunctionsEndpoint } from './step-functions/index.ts';
import { startTableStream, type TableStreamPoller } from './table-stream.ts';

/**
 * The embedded runtime: the whole system on one machine, on loopback. DynamoDB Local stands in
 * for DynamoDB, the local engine runs the ASL rendered from the CDK workflow code, and a local
 * HTTP API turns requests into payload-2.0 events for the very handlers Lambda runs. The
 * handlers learn where things are only through environment variables (endpoints).
 */
export interface RuntimeOptions {
  port: number;
  host?: string;
  /** Where data, keys and the dev issuer's key pair live; default `.data`. */
  dataDir?: string;
  /** Use this DynamoDB endpoint instead of starting DynamoDB Local (tests share one). */
  dynamodbEndpoint?: string;
  dynamodbPort?: number;
  stepFunctionsPort?: number;
  /** The S3 stand-in (evidence documents); default `port + 3`. Keep it across restarts in one process. */
  objectStoragePort?: number;
  tableName?: string;
  seed?: boolean;
  log?: (line: string) => void;
  /** How often scheduled functions (the reconciler) run; default 3 s. */
  scheduleIntervalMs?: number;
  /** The dev issuer's OIDC endpoints (discovery, sign-in, token, JWKS); default `port + 4`. */
  issuerPort?: number;
  /**
   * The `iss` the dev issuer writes and the API trusts. Default: the issuer's own URL
   * (`http://127.0.0.1:<issuerPort>`), which discovery needs — what the console signs in with.
   * Tests that mint tokens offline with the fixed `DEV_ISSUER` pass that instead (the console
   * cannot sign in by discovery then).
   */
  issuer?: string;
  /** The token claims of the role and organisation (ROLES_CLAIM, ORG_CLAIM); default Cognito's. */
  claims?: { roles: string; org: string };
  /** CRYPTO_SUITE of the functions; default `standard`. */
  cryptoSuite?: CryptoSuite;
  /**
   * More targets of the `case.changed` rule beside the function map's `onCaseChanged` functions
   * (tests: a target that fails, one that records what it got).
   */
  caseChangedTargets?: readonly RuleTarget[];
  /** How often the table's stream is read when caught up; default the mapping's batching window (1 s). */
  streamPollIntervalMs?: number;
  /** The local bus's first retry of a failed delivery (each next one doubles); default 200 ms. */
  eventRetryBaseMs?: number;
}

export interface RunningRuntime {
  url: string;
  dynamodbEndpoint: string;
  stepFunctionsEndpoint: string;
  objectStorageEndpoint: string;
  /** Where the dev issuer listens (its origin); its identifier is `issuer`. */
  issuerUrl: string;
  issuer: string;
  tableName: string;
  /** Resolves when no execution is between states (all waiting for people, or finished). */
  idle(): Promise<void>;
  /**
   * Resolves once every record written to the table's stream before the call has been read (and
   * handed to the `onTableStream` functions) and every delivery of the events that resulted has
   * succeeded — what a read model shows is then up to date with every change made before. Rejects
   * after `timeoutMs` (default 30 s), saying what is still owed.
   */
  settleEvents(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../..');
const REGION = 'us-east-1';
/** The documents bucket's name in the embedded runtime (a folder under `.data/objects/`). */
export const DOCUMENTS_BUCKET = 'apprenticeflow-documents';
const CLOCK_KEY = { pk: 'LOCAL#CLOCK', sk: 'CLOCK' };
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startRuntime(options: RuntimeOptions): Promise<RunningRuntime> {
  const dataDir = resolve(options.dataDir ?? join(ROOT, '.data'));
  mkdirSync(dataDir, { recursive: true });
  const tableName = options.tableName ?? 'apprenticeflow';
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));

  let dynamo: DynamoDbLocal | undefined;
  let dynamodbEndpoint = options.dynamodbEndpoint;
  if (!dynamodbEndpoint) {
    dynamo = await startDynamoDbLocal({
      port: options.dynamodbPort ?? options.port + 1,
      dbPath: join(dataDir, 'dynamodb'),
    });
    dynamodbEndpoint = dynamo.endpoint;
  }
  const stepFunctionsPort = options.stepFunctionsPort ?? options.port + 2;
  const stepFunctionsEndpoint = `http://127.0.0.1:${stepFunctionsPort}`;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host}:${options.port}`;
  const objectStoragePort = options.objectStoragePort ?? options.port + 3;
  const objectStorageEndpoint = `http://127.0.0.1:${objectStoragePort}`;

  // What Lambda would get from CDK, pointed at the stand-ins.
  const credentials = {
    accessKeyId: process.env[AWS_ENVIRONMENT.accessKeyId] ?? 'local',
    secretAccessKey: process.env[AWS_ENVIRONMENT.secretAccessKey] ?? 'local',
  };
  const piiKeyFile = join(dataDir, 'pii-key.json');
  Object.assign(process.env, {
    [AWS_ENVIRONMENT.region]: REGION,
    [AWS_ENVIRONMENT.accessKeyId]: credentials.accessKeyId,
    [AWS_ENVIRONMENT.secretAccessKey]: credentials.secretAccessKey,
    [AWS_ENVIRONMENT.dynamodbEndpoint]: dynamodbEndpoint,
    [AWS_ENVIRONMENT.stepFunctionsEndpoint]: stepFunctionsEndpoint,
    [AWS_ENVIRONMENT.s3Endpoint]: objectStorageEndpoint,
    // PutEvents arrives as `POST /` with `X-Amz-Target: AWSEvents.PutEvents` (AWS JSON 1.1).
    [AWS_ENVIRONMENT.eventBridgeEndpoint]: url,
    ...functionEnvironment({
      tableName,
      piiKeyFile,
      stateMachineArns: {
        'cohort-filing': localStateMachineArn('cohort-filing'),
        'subsidy-claim': localStateMachineArn('subsidy-claim'),
      },
      eventBusName: 'apprenticeflow-domain-events',
      documentsBucket: DOCUMENTS_BUCKET,
      // Set every time: a runtime restarted in one process (tests) must not inherit the last one's.
      rolesClaim: options.claims?.roles ?? DEFAULT_ROLES_CLAIM,
      orgClaim: options.claims?.org ?? DEFAULT_ORG_CLAIM,
      cryptoSuite: options.cryptoSuite ?? 'standard',
    }),
  });

  const client = new DynamoDBClient({
    endpoint: dynamodbEndpoint,
    region: REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  await ensureTable(client, tableName);
  const table = new Table(client, tableName);
  // A `.data` from an earlier `npm start` upgrades itself before anything is served (the deployed
  // table: `npm run migrate`). Until then the filing rule would not see the old mentor loads.
  const migrated = await migrateMentorLoads(table);
  if (migrated.found > 0) for (const line of describeMigration(migrated)) log(`migrate: ${line}`);
  if (options.seed !== false) await seedDemoData(table, piiKeyFile);

  // The clock survives restarts: a demo moved to 2028 stays in 2028.
  const savedClock = await table.get<{ offsetMs: number }>(CLOCK_KEY);
  if (savedClock) restoreClockOffset(savedClock.offsetMs);

  const handlers = new Map<string, Promise<(event: unknown, context: unknown) => Promise<unknown>>>();
  const handlerOf = (spec: FunctionSpec) => {
    let loaded = handlers.get(spec.name);
    if (!loaded) {
      loaded = import(pathToFileURL(join(ROOT, spec.entry)).href).then((module) => module.handler);
      handlers.set(spec.name, loaded);
    }
    return loaded;
  };

  const engine = await createLocalStepFunctions({
    dynamodb: client,
    tableName: `${tableName}-stepfunctions`,
    stateMachines: [
      {
        name: 'cohort-filing',
        arn: localStateMachineArn('cohort-filing'),
        definition: renderWorkflowAsl('cohort-filing'),
      },
      {
        name: 'subsidy-claim',
        arn: localStateMachineArn('subsidy-claim'),
        definition: renderWorkflowAsl('subsidy-claim'),
      },
    ],
    invokeFunction: async (functionName, payload) => {
      const handler = await handlerOf(functionByName(functionName));
      return handler(payload, lambdaContext(functionName));
    },
  });
  const stepFunctions = await startStepFunctionsEndpoint(engine, stepFunctionsPort);

  // S3 → EventBridge → the `onObjectCreated` functions, as the stack routes it on AWS.
  const objectCreatedFunctions = FUNCTIONS.filter((spec) => spec.onObjectCreated);
  const objects: LocalObjectStorage = await startObjectStorage({
    port: objectStoragePort,
    host: '127.0.0.1',
    dir: join(dataDir, 'objects'),
    region: REGION,
    credentials,
    onObjectCreated: async (created) => {
      // The stack's rule matches the evidence documents' prefix only (not the kept imports).
      if (!created.key.startsWith('cohorts/')) return; // DOCUMENT_PREFIX of infra/constructs/documents.ts
      for (const spec of objectCreatedFunctions) {
        await (await handlerOf(spec))(objectCreatedEvent(created), lambdaContext(spec.name));
      }
    },
    log,
  });

  const issuerPort = options.issuerPort ?? options.port + 4;
  const issuerUrl = `http://127.0.0.1:${issuerPort}`;
  const issuer = await createDevIssuer({ dataDir, issuer: options.issuer ?? issuerUrl });
  // The console may be opened by either loopback name; the issuer sends each back to itself.
  const consoleOrigins = [url, ...(host === '127.0.0.1' ? [`http://localhost:${options.port}`] : [])];
  const oidc = await startDevIssuerServer(issuer, { port: issuerPort, consoleOrigins, log });
  const routes: LambdaRoute[] = FUNCTIONS.filter((spec) => spec.route && spec.name !== 'health').map(
    (spec) => {
      const [method, path] = spec.route!.split(' ') as [string, string];
      return {
        method,
        path,
        public: spec.public,
        functionName: spec.name,
        async handler(event, context) {
          const handler = await handlerOf(spec);
          return handler(event, context);
        },
      };
    },
  );
  // The domain bus, with the stack's rule to the `onCaseChanged` functions (infra/constructs/functions.ts).
  const caseChangedTargets: RuleTarget[] = [
    ...FUNCTIONS.filter((spec) => spec.onCaseChanged).map((spec) => ({
      name: spec.name,
      handler: async (event: BusEvent) => (await handlerOf(spec))(event, lambdaContext(spec.name)),
    })),
    ...(options.caseChangedTargets ?? []),
  ];
  const outbox = new LocalEventOutbox(table, {
    rules: [
      {
        name: 'case-changed',
        pattern: CASE_CHANGED_RULE,
        targets: caseChangedTargets,
        retryAttempts: CASE_CHANGED_DELIVERY.retryAttempts,
      },
    ],
    region: REGION,
    retryBaseMs: options.eventRetryBaseMs,
    log,
  });
  const extraRoutes: ExtraRoute[] = [
    ...devIssuerRoutes(issuer),
    // The web console at `/` (built on first request), as CloudFront serves it on AWS.
    ...consoleRoutes({
      log,
      connectTo: [objectStorageEndpoint, oidc.url],
      signIn: { issuer: issuer.issuer, clientId: DEV_AUDIENCE, scopes: [...DEV_ISSUER_SCOPES] },
    }),
    {
      method: 'GET',
      path: '/health',
      handle: async () =>
        json(200, {
          status: 'ok',
          now: clock.now().toISOString(),
          endpoints: { dynamodb: dynamodbEndpoint, stepfunctions: stepFunctionsEndpoint },
        }),
    },
    {
      method: 'POST',
      path: '/dev/clock',
      handle: async (request) => {
        const now = parseClockBody(request.body);
        if (!now)
          return json(400, {
            title: 'Invalid input',
            status: 400,
            errors: [{ path: 'now', message: 'an ISO instant, e.g. 2028-03-15T00:00:00Z' }],
          });
        const moved = setClock(now);
        await table.transact([{ put: { ...CLOCK_KEY, offsetMs: clockOffsetMs(), version: Date.now() } }]);
        await engine.idle();
        return json(200, { now: moved.toISOString(), offsetMs: clockOffsetMs() });
      },
    },
    {
      method: 'GET',
      path: '/dev/clock',
      handle: async () => json(200, { now: clock.now().toISOString(), offsetMs: clockOffsetMs() }),
    },
    { method: 'POST', path: '/', handle: (request) => outbox.putEvents(request.headers, request.body) },
    { method: 'GET', path: '/dev/events', handle: async () => json(200, { items: await outbox.recent() }) },
  ];
  const api = await startApiGateway({
    port: options.port,
    host,
    routes,
    issuer: issuer.verifier,
    extraRoutes,
    log,
  });
  const resumed = await engine.resumeWaiting();
  log(`step functions: ${JSON.stringify(resumed ?? {})} resumed`);
  outbox.redeliverOwed();

  // The table's stream → the `onTableStream` functions, with the stack's filter; the API (where
  // PutEvents is answered) is up by now.
  const streamPollers: TableStreamPoller[] = [];
  for (const spec of FUNCTIONS.filter((candidate) => candidate.onTableStream)) {
    streamPollers.push(
      await startTableStream({
        client,
        connection: { endpoint: dynamodbEndpoint, region: REGION, credentials: LOCAL_CREDENTIALS },
        table,
        functionName: spec.name,
        filter: CASE_CHANGE_RECORDS,
        handler: async (event) => (await handlerOf(spec))(event, lambdaContext(spec.name)),
        intervalMs: options.streamPollIntervalMs,
        log,
      }),
    );
  }
  const stopClockListener = onClockMoved(() => undefined);

  // Scheduled functions (the callback reconciler) run every few seconds here, every few minutes on AWS.
  let scheduledRun: Promise<unknown> = Promise.resolve();
  const scheduled = FUNCTIONS.filter((spec) => spec.scheduleMinutes);
  const scheduleTimer = setInterval(() => {
    scheduledRun = scheduledRun.then(() =>
      Promise.all(
        scheduled.map(async (spec) =>
          (await handlerOf(spec))({}, lambdaContext(spec.name)).catch(() => undefined),
        ),
      ),
    );
  }, options.scheduleIntervalMs ?? 3_000);
  scheduleTimer.unref();

  return {
    url: api.url,
    dynamodbEndpoint,
    stepFunctionsEndpoint: stepFunctions.endpoint,
    objectStorageEndpoint: objects.endpoint,
    issuerUrl: oidc.url,
    issuer: issuer.issuer,
    tableName,
    idle: () => engine.idle(),
    async settleEvents(timeoutMs = 30_000) {
      const deadline = new AbortController();
      const timer = setTimeout(
        () =>
          deadline.abort(
            new Error(
              `events not settled within ${timeoutMs} ms (${outbox.owedCount} deliveries still owed)`,
            ),
          ),
        timeoutMs,
      );
      try {
        for (const poller of streamPollers) await poller.settle(deadline.signal);
        await outbox.settle(deadline.signal);
      } finally {
        clearTimeout(timer);
      }
    },
    async stop() {
      clearInterval(scheduleTimer);
      await scheduledRun;
      stopClockListener();
      // The stream first (its function puts events through the API), then the bus's deliveries.
      for (const poller of streamPollers) await poller.stop();
      await outbox.stop();
      await api.close();
      await oidc.close();
      await objects.idle();
      await objects.close();
      await stepFunctions.close();
      await engine.close();
      client.destroy();
      if (dynamo) await dynamo.stop();
    },
  };
}

async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  let stream: { StreamEnabled?: boolean; StreamViewType?: string } | undefined;
  try {
    stream = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table
      ?.StreamSpecification;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    return;
  }
  // A table made before it had a stream (a `.data` of an earlier version) gets it now, as the
  // stack's update gives the deployed one; a stream of another view type is replaced.
  if (stream?.StreamEnabled && stream.StreamViewType === STREAM_VIEW_TYPE) return;
  if (stream?.StreamEnabled)
    await client.send(
      new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }),
    );
  await client.send(
    new UpdateTableCommand({
      TableName: tableName,
      StreamSpecification: { StreamEnabled: true, StreamViewType: STREAM_VIEW_TYPE },
    }),
  );
}

function parseClockBody(body: string): Date | undefined {
  try {
    const parsed = JSON.parse(body) as { now?: unknown };
    if (typeof parsed.now !== 'string') return undefined;
    const date = new Date(parsed.now);
    return Number.isNaN(date.getTime()) ? undefined : date;
  } catch {
    return undefined;
  }
}

function json(statusCode: number, body: unknown) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The event S3 puts on EventBridge's default bus for a new object (the fields a rule can match). */
function objectCreatedEvent(created: ObjectCreated) {
  return {
    version: '0',
    id: ulid(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '000000000000',
    time: new Date().toISOString(),
    region: REGION,
    resources: [`arn:aws:s3:::${created.bucket}`],
    detail: {
      version: '0',
      bucket: { name: created.bucket },
      object: { key: created.key, size: created.size },
      reason: 'PutObject',
    },
  };
}

function lambdaContext(functionName: string) {
  const started = Date.now();
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: ulid(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, 30_000 - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
