import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  CASE_CHANGE_BATCHING,
  CASE_CHANGE_RECORDS,
  CASE_CHANGED_DELIVERY,
  CASE_CHANGED_RULE,
} from '../../shared/adapters/case-changes.ts';
import { type CryptoSuite, functionEnvironment } from '../../shared/adapters/config.ts';
import { FUNCTIONS, type FunctionSpec, type WorkflowName } from '../function-map.ts';
import { DOCUMENT_PREFIX, IMPORT_PREFIX } from './documents.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** ESM needs a `require` for the CommonJS modules esbuild inlines (some SDK dependencies). */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** How every function is bundled; the bundle-size budget test and `npm run bench` build with these too. */
export const BUNDLING = {
  format: nodejs.OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourceMap: false,
  // The SDK is bundled rather than taken from the runtime: only the clients a function uses,
  // and a bundled SDK loads about twice as fast (see architecture.md, "Known facts").
  bundleAwsSDK: true,
  // Lambda gives credentials in the environment: the SDK's default chain (SSO, INI, STS, process,
  // IMDS…) is ~135 KB of every bundle that never runs there. Resolved from the project root, where
  // CDK runs esbuild (and the bench and the bundle-budget test build with these options too).
  // Event streams (~13 KB) are for operations no function calls: infra/bundling/no-event-streams.ts.
  // The endpoint-discovery cache's LRU (~7 KB with its helper) is a Map: infra/bundling/lru-cache.ts.
  esbuildArgs: {
    '--alias': [
      '@aws-sdk/credential-provider-node=./infra/bundling/credential-provider-env-only.ts',
      '@smithy/core/event-streams=./infra/bundling/no-event-streams.ts',
      'mnemonist/lru-cache=./infra/bundling/lru-cache.ts',
    ],
  },
  forceDockerBundling: false,
  logLevel: nodejs.LogLevel.WARNING,
} satisfies nodejs.BundlingOptions;

export interface FunctionsProps {
  table: dynamodb.ITableV2;
  piiKey: kms.IKey;
  eventBus: events.IEventBus;
  /** Evidence documents: the bucket and the key it is encrypted with. */
  documents: { bucket: s3.IBucket; key: kms.IKey };
  /** LOG_LEVEL of every function. */
  logLevel?: string;
  /** The token claims of the role and the organisation (ROLES_CLAIM, ORG_CLAIM). */
  claims: { roles: string; org: string };
  /** CRYPTO_SUITE of every function. */
  cryptoSuite: CryptoSuite;
  /** X-Ray active tracing (not offered for Lambda in the China regions). */
  tracing: boolean;
}

/**
 * One Lambda function per entry of the function map, each with its own log group and exactly the
 * grants its `access` names: the map is the single statement of least privilege, and the infra
 * tests check every function's policy against it.
 */
export class Functions extends Construct {
  private readonly byName = new Map<string, nodejs.NodejsFunction>();
  /** Events for `onObjectCreated` functions that failed every retry, kept 14 days for a replay. */
  readonly objectEventsDeadLetters: sqs.Queue;
  /**
   * Where the table stream's event source mapping sends a batch of records it gave up on (after
   * its retries, or older than the stream keeps records): the shard and sequence numbers of the
   * batch, kept 14 days, to publish again by hand. Only when an `onTableStream` function exists.
   */
  readonly tableStreamFailures: sqs.Queue | undefined;
  /**
   * `case.changed` events an `onCaseChanged` function failed on for a day of retries, kept 14
   * days for a replay. Only when an `onCaseChanged` function exists.
   */
  readonly caseEventsDeadLetters: sqs.Queue | undefined;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    this.objectEventsDeadLetters = new sqs.Queue(this, 'ObjectEventsDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const deadLetterQueue = (id: string) =>
      new sqs.Queue(this, id, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
    this.tableStreamFailures = FUNCTIONS.some((spec) => spec.onTableStream)
      ? deadLetterQueue('TableStreamFailures')
      : undefined;
    this.caseEventsDeadLetters = FUNCTIONS.some((spec) => spec.onCaseChanged)
      ? deadLetterQueue('CaseEventsDeadLetters')
      : undefined;
    for (const spec of FUNCTIONS) {
      const fn = this.createFunction(spec, props);
      this.grantDataAccess(fn, spec, props);
      this.byName.set(spec.name, fn);
      if (spec.scheduleMinutes) {
        // The reconciler runs on a schedule (EventBridge Scheduler's older sibling is enough here).
        new events.Rule(this, `${pascalCase(spec.name)}Schedule`, {
          schedule: events.Schedule.rate(Duration.minutes(spec.scheduleMinutes)),
          targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
        });
      }
      if (spec.onObjectCreated) {
        // S3 → EventBridge (default bus) → this function, retried for a day, then kept for a replay.
        new events.Rule(this, `${pascalCase(spec.name)}Trigger`, {
          eventPattern: {
            source: ['aws.s3'],
            detailType: ['Object Created'],
            detail: {
              bucket: { name: [props.documents.bucket.bucketName] },
              object: { key: [{ prefix: DOCUMENT_PREFIX }] },
            },
          },
          targets: [
            new targets.LambdaFunction(fn, {
              retryAttempts: 185,
              maxEventAge: Duration.hours(24),
              deadLetterQueue: this.objectEventsDeadLetters,
            }),
          ],
        });
      }
      if (spec.onTableStream) {
        // The table's stream → this function, only the case changes (the same filter the embedded
        // poller applies). A failing batch is split to find the failing record, retried while the
        // stream keeps it (24 h), then its position goes to an SQS queue; the function reports the
        // first record it could not publish, so the retry starts there (nothing lost, nothing skipped).
        fn.addEventSource(
          new sources.DynamoEventSource(props.table, {
            startingPosition: lambda.StartingPosition.TRIM_HORIZON,
            batchSize: CASE_CHANGE_BATCHING.batchSize,
            maxBatchingWindow: Duration.seconds(CASE_CHANGE_BATCHING.windowSeconds),
            bisectBatchOnError: true,
            reportBatchItemFailures: true,
            retryAttempts: 10_000,
            maxRecordAge: Duration.hours(24),
            onFailure: new sources.SqsDlq(this.tableStreamFailures!),
            filters: [lambda.FilterCriteria.filter(CASE_CHANGE_RECORDS)],
          }),
        );
      }
      if (spec.onCaseChanged) {
        // The domain bus → this function, for every `case.changed` (what publish-case-changes
        // puts), retried a day, then kept for a replay. One rule per function: a rule has at most
        // five targets.
        new events.Rule(this, `${pascalCase(spec.name)}CaseChanged`, {
          eventBus: props.eventBus,
          eventPattern: {
            source: [...CASE_CHANGED_RULE.source],
            detailType: [...CASE_CHANGED_RULE['detail-type']],
          },
          targets: [
            new targets.LambdaFunction(fn, {
              retryAttempts: CASE_CHANGED_DELIVERY.retryAttempts,
              maxEventAge: Duration.hours(CASE_CHANGED_DELIVERY.maxEventAgeHours),
              deadLetterQueue: this.caseEventsDeadLetters,
            }),
          ],
        });
      }
    }
  }

  /** The function of a function-map entry. */
  get(name: string): nodejs.NodejsFunction {
    const fn = this.byName.get(name);
    if (!fn) throw new Error(`No function named ${name} in the function map`);
    return fn;
  }

  entries(): [FunctionSpec, nodejs.NodejsFunction][] {
    return FUNCTIONS.map((spec) => [spec, this.get(spec.name)]);
  }

  /**
   * Workflow grants come after the state machines exist, which themselves need the step functions:
   * only the API functions that start or call back a workflow learn its ARN. Handing it to a
   * function the state machine invokes would make the two depend on each other.
   */
  grantWorkflowAccess(stateMachines: Record<WorkflowName, sfn.IStateMachine>): void {
    for (const [spec, fn] of this.entries()) {
      const starts = spec.access.startWorkflows ?? [];
      const callsBack = spec.access.callbackWorkflows ?? [];
      const stateMachineArns = Object.fromEntries(
        [...new Set([...starts, ...callsBack])].map((workflow) => [
          workflow,
          stateMachines[workflow].stateMachineArn,
        ]),
      );
      for (const [name, arn] of Object.entries(functionEnvironment({ stateMachineArns }))) {
        fn.addEnvironment(name, arn);
      }
      for (const workflow of starts) stateMachines[workflow].grantStartExecution(fn);
      for (const workflow of callsBack) stateMachines[workflow].grantTaskResponse(fn);
    }
  }

  private createFunction(spec: FunctionSpec, props: FunctionsProps): nodejs.NodejsFunction {
    const id = pascalCase(spec.name);
    const logGroup = new logs.LogGroup(this, `${id}Logs`, { retention: logs.RetentionDays.ONE_YEAR });
    return new nodejs.NodejsFunction(this, id, {
      description: `ApprenticeFlow ${spec.name} (${describeTrigger(spec)})`,
      entry: `${PROJECT_ROOT}${spec.entry}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb ?? 512,
      // API Gateway gives up after 30 s; steps may take longer (large cohorts).
      timeout: Duration.seconds(spec.timeoutSeconds ?? (spec.route ? 15 : 30)),
      tracing: props.tracing ? lambda.Tracing.ACTIVE : undefined,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // The names are the ones the adapters read (shared/adapters/config.ts).
      environment: functionEnvironment({
        serviceName: 'apprenticeflow',
        logLevel: props.logLevel ?? 'INFO',
        tableName: spec.access.table !== 'none' ? props.table.tableName : undefined,
        piiKeyId: spec.access.piiKey ? props.piiKey.keyArn : undefined,
        eventBusName: spec.access.events ? props.eventBus.eventBusName : undefined,
        documentsBucket: spec.access.documents ? props.documents.bucket.bucketName : undefined,
        rolesClaim: props.claims.roles,
        orgClaim: props.claims.org,
        cryptoSuite: props.cryptoSuite,
      }),
      bundling: BUNDLING,
    });
  }

  private grantDataAccess(fn: lambda.IFunction, spec: FunctionSpec, props: FunctionsProps): void {
    const { access } = spec;
    if (access.table === 'read') props.table.grantReadData(fn);
    if (access.table === 'readwrite') props.table.grantReadWriteData(fn);
    if (access.piiKey) props.piiKey.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
    if (access.events) props.eventBus.grantPutEventsTo(fn);
    // Only the application's objects, only the actions each function's URLs or reads need.
    const objects = props.documents.bucket.arnForObjects(`${DOCUMENT_PREFIX}*`);
    const uses = new Set(access.documents ?? []);
    if (uses.has('upload')) {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [objects] }));
      props.documents.key.grant(fn, 'kms:GenerateDataKey');
    }
    if (uses.has('download') || uses.has('inspect')) {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
    }
    if (uses.has('download')) props.documents.key.grant(fn, 'kms:Decrypt');
    if (uses.has('keep')) {
      // Files a function receives and keeps as they came (contribution files), apart from the evidence.
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['s3:PutObject'],
          resources: [props.documents.bucket.arnForObjects(`${IMPORT_PREFIX}*`)],
        }),
      );
      props.documents.key.grant(fn, 'kms:GenerateDataKey');
    }
  }
}

function describeTrigger(spec: FunctionSpec): string {
  if (spec.route) return spec.route;
  if (spec.onTableStream) return 'table stream';
  if (spec.onCaseChanged) return 'case.changed';
  return 'workflow step';
}

/** `create-cohort` → `CreateCohort` (construct ids, hence logical ids). */
export function pascalCase(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_match, _dash, char: string) => char.toUpperCase());
}
