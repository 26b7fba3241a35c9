import { FUNCTIONS } from '../../infra/function-map.ts';
import type { DynamoDbWork } from './capacity.ts';
import type { CaseWork } from './filing.ts';
import { PRICES } from './prices.ts';
import type { ScheduledWork } from './scheduled.ts';

/**
 * The AWS cost model: the work one case was measured to do on the embedded runtime, priced with
 * the list prices of prices.ts. What is measured and what is assumed:
 *
 *  - measured: API requests, Lambda invocations and their durations (API calls timed at the
 *    client, steps from the execution history; DynamoDB Local on the same two cores is slower
 *    than DynamoDB, so durations — and compute cost — are on the high side), DynamoDB requests
 *    and capacity units (see capacity.ts), state transitions, KMS requests, events, the size of
 *    the state machine's log records;
 *  - assumed (AWS's documented formats, not measured here): the bytes of Lambda's platform log
 *    records and of an API access-log record, below;
 *  - left out: cold starts (INIT is billed since 2025-08; section 1 shows how long a cold import
 *    takes), free tiers, DynamoDB storage and backups (kilobytes per case), Cognito users.
 */

/** Memory of a function without `memoryMb` in the function map (infra/constructs/functions.ts). */
export const DEFAULT_MEMORY_MB = 512;
/** JSON log format: `platform.start` and `platform.report` (with X-Ray) per invocation, roughly. */
const LAMBDA_PLATFORM_LOG_BYTES = 650;
/** One access-log record of the stack's format (ids, time, route, status, latency, sub). */
const API_ACCESS_LOG_BYTES = 330;
/** CloudWatch Logs bills each event's message plus 26 bytes. */
const LOG_EVENT_OVERHEAD_BYTES = 26;
const GB = 1024 ** 3;

export interface WorkPerCase {
  cases: number;
  apprentices: number;
  apiRequests: number;
  stepInvocations: number;
  lambdaInvocations: number;
  /** Σ over invocations of billed duration (ms, rounded up) × memory (GB). */
  lambdaGbSeconds: number;
  dynamodb: DynamoDbWork;
  stateTransitions: number;
  executions: number;
  kmsRequests: number;
  eventsPut: number;
  logBytes: { lambda: number; apiAccess: number; stepFunctions: number };
}

function memoryGbOfRoute(route: string): number {
  const spec = FUNCTIONS.find((candidate) => candidate.route === route);
  return (spec?.memoryMb ?? DEFAULT_MEMORY_MB) / 1024;
}

function memoryGbOfFunction(name: string): number {
  const spec = FUNCTIONS.find((candidate) => candidate.name === name);
  return (spec?.memoryMb ?? DEFAULT_MEMORY_MB) / 1024;
}

/** The average work of a set of cases (each measured alone). */
export function workPerCase(cases: readonly CaseWork[]): WorkPerCase {
  const n = cases.length;
  const mean = (pick: (work: CaseWork) => number) => cases.reduce((sum, work) => sum + pick(work), 0) / n;
  const gbSeconds = (work: CaseWork) =>
    work.apiCalls.reduce((sum, call) => sum + (Math.ceil(call.ms) / 1000) * memoryGbOfRoute(call.route), 0) +
    work.execution.stepInvocations.reduce(
      (sum, step) => sum + (Math.ceil(step.ms) / 1000) * memoryGbOfFunction(step.functionName),
      0,
    );
  const commands = [...new Set(cases.flatMap((work) => Object.keys(work.dynamodb.requests)))];
  const apiRequests = mean((work) => work.apiCalls.length);
  const stepInvocations = mean((work) => work.execution.stepInvocations.length);
  const lambdaInvocations = apiRequests + stepInvocations;
  return {
    cases: n,
    apprentices: mean((work) => work.apprentices),
    apiRequests,
    stepInvocations,
    lambdaInvocations,
    lambdaGbSeconds: mean(gbSeconds),
    dynamodb: {
      requests: Object.fromEntries(
        commands.map((command) => [command, mean((work) => work.dynamodb.requests[command] ?? 0)]),
      ),
      readRequests: mean((work) => work.dynamodb.readRequests),
      writeRequests: mean((work) => work.dynamodb.writeRequests),
      readUnits: mean((work) => work.dynamodb.readUnits),
      writeUnitsReported: mean((work) => work.dynamodb.writeUnitsReported),
      writeUnits: mean((work) => work.dynamodb.writeUnits),
    },
    stateTransitions: mean((work) => work.execution.stateTransitions),
    executions: mean((work) => work.executions ?? 1),
    kmsRequests: mean((work) => work.kmsRequests),
    eventsPut: mean((work) => work.eventsPut),
    logBytes: {
      lambda: lambdaInvocations * (LAMBDA_PLATFORM_LOG_BYTES + 2 * LOG_EVENT_OVERHEAD_BYTES),
      apiAccess: apiRequests * (API_ACCESS_LOG_BYTES + LOG_EVENT_OVERHEAD_BYTES),
      stepFunctions: mean(
        (work) => work.execution.logBytes + work.execution.historyEvents * LOG_EVENT_OVERHEAD_BYTES,
      ),
    },
  };
}

export interface CostLine {
  service: string;
  quantity: number;
  unit: string;
  usd: number;
}

export interface CaseCost {
  lines: CostLine[];
  perCaseUsd: number;
  perApprenticeUsd: number;
  per1000ApprenticesUsd: number;
  logGbPer1000Apprentices: number;
}

/** The variable cost of one case, line by line, and per apprentice. */
export function caseCost(work: WorkPerCase): CaseCost {
  const logBytes = work.logBytes.lambda + work.logBytes.apiAccess + work.logBytes.stepFunctions;
  const lines: CostLine[] = [
    {
      service: 'API Gateway HTTP API',
      quantity: work.apiRequests,
      unit: 'requests',
      usd: (work.apiRequests * PRICES.apiGateway.httpApiPerMillionRequests) / 1e6,
    },
    {
      service: 'Lambda requests',
      quantity: work.lambdaInvocations,
      unit: 'invocations',
      usd: (work.lambdaInvocations * PRICES.lambda.perMillionRequests) / 1e6,
    },
    {
      service: 'Lambda compute (arm64)',
      quantity: work.lambdaGbSeconds,
      unit: 'GB-s',
      usd: work.lambdaGbSeconds * PRICES.lambda.arm64PerGbSecond,
    },
    {
      service: 'DynamoDB writes (on-demand)',
      quantity: work.dynamodb.writeUnits,
      unit: 'WRU',
      usd: (work.dynamodb.writeUnits * PRICES.dynamodb.perMillionWriteRequestUnits) / 1e6,
    },
    {
      service: 'DynamoDB reads (on-demand)',
      quantity: work.dynamodb.readUnits,
      unit: 'RRU',
      usd: (work.dynamodb.readUnits * PRICES.dynamodb.perMillionReadRequestUnits) / 1e6,
    },
    {
      service: 'Step Functions Standard',
      quantity: work.stateTransitions,
      unit: 'state transitions',
      usd: work.stateTransitions * PRICES.stepFunctions.standardPerStateTransition,
    },
    {
      service: 'KMS requests',
      quantity: work.kmsRequests,
      unit: 'requests',
      usd: (work.kmsRequests * PRICES.kms.per10kRequests) / 1e4,
    },
    {
      service: 'EventBridge custom events',
      quantity: work.eventsPut,
      unit: 'events',
      usd: (work.eventsPut * PRICES.eventBridge.customEventsPerMillion) / 1e6,
    },
    {
      service: 'X-Ray traces (at most)',
      quantity: work.apiRequests + work.executions,
      unit: 'traces',
      usd: ((work.apiRequests + work.executions) * PRICES.xray.tracesRecordedPerMillion) / 1e6,
    },
    {
      service: 'CloudWatch Logs ingestion',
      quantity: logBytes,
      unit: 'bytes',
      usd: (logBytes / GB) * PRICES.cloudWatchLogs.ingestionPerGb,
    },
  ];
  const perCaseUsd = lines.reduce((sum, line) => sum + line.usd, 0);
  const perApprenticeUsd = perCaseUsd / work.apprentices;
  return {
    lines,
    perCaseUsd,
    perApprenticeUsd,
    per1000ApprenticesUsd: perApprenticeUsd * 1000,
    logGbPer1000Apprentices: ((logBytes / work.apprentices) * 1000) / GB,
  };
}

export interface FixedMonthlyCost {
  lines: CostLine[];
  usd: number;
  /** Log storage grows with use: per month, for each 1,000 apprentices' logs kept a year. */
  logStoragePer1000ApprenticesUsd: number;
}

/** What the stack costs a month before any case: keys, alarms, scheduled functions; log storage apart. */
export function fixedMonthlyCost(
  logGbPer1000Apprentices: number,
  scheduled: readonly ScheduledWork[],
): FixedMonthlyCost {
  // The table's key and the personal-information key (infra/constructs/table.ts), and the
  // evidence documents' key (infra/constructs/documents.ts).
  const kmsKeys = 3;
  // One "execution failed" alarm per workflow and one for API 5xx (infra/constructs/observability.ts).
  const workflows = new Set(
    FUNCTIONS.flatMap((spec) => [
      ...(spec.access.startWorkflows ?? []),
      ...(spec.access.callbackWorkflows ?? []),
    ]),
  );
  const alarms = workflows.size + 1;
  const lines: CostLine[] = [
    {
      service: 'KMS customer-managed keys',
      quantity: kmsKeys,
      unit: 'keys',
      usd: kmsKeys * PRICES.kms.perKeyMonth,
    },
    {
      service: 'CloudWatch alarms',
      quantity: alarms,
      unit: 'alarms',
      usd: alarms * PRICES.cloudWatch.alarmPerMonth,
    },
    ...scheduled.map((work) => {
      const perRun =
        PRICES.lambda.perMillionRequests / 1e6 +
        (Math.ceil(work.ms) / 1000) * (work.memoryMb / 1024) * PRICES.lambda.arm64PerGbSecond +
        (work.dynamodb.readUnits * PRICES.dynamodb.perMillionReadRequestUnits) / 1e6 +
        (work.dynamodb.writeUnits * PRICES.dynamodb.perMillionWriteRequestUnits) / 1e6 +
        ((LAMBDA_PLATFORM_LOG_BYTES + 2 * LOG_EVENT_OVERHEAD_BYTES) / GB) *
          PRICES.cloudWatchLogs.ingestionPerGb;
      return {
        service: `${work.name} every ${work.scheduleMinutes} min`,
        quantity: work.runsPerMonth,
        unit: 'runs',
        usd: work.runsPerMonth * perRun,
      };
    }),
  ];
  return {
    lines,
    usd: lines.reduce((sum, line) => sum + line.usd, 0),
    // Log groups keep a year: at steady state twelve months of logs are stored.
    logStoragePer1000ApprenticesUsd: logGbPer1000Apprentices * 12 * PRICES.cloudWatchLogs.storagePerGbMonth,
  };
}
