/**
 * AWS list prices used by the cost model of `npm run bench`, in one place.
 *
 * us-east-1 (N. Virginia) on-demand LIST prices in USD, as published on the AWS pricing pages and
 * known to the author as of 2025-06 (DynamoDB on-demand after the November 2024 price cut). They
 * were not re-checked when this file was written (no internet on the build machine): check them
 * against https://aws.amazon.com/pricing/ before quoting a figure, and change them here only.
 * Free tiers, Savings Plans and volume tiers beyond the first are left out on purpose: the model
 * prices every unit, so small deployments cost less than it says.
 */
export const PRICES = {
  region: 'us-east-1',
  asOf: '2025-06',
  currency: 'USD',
  lambda: {
    /** arm64 (Graviton), first 7.5 billion GB-s a month. */
    arm64PerGbSecond: 0.0000133334,
    perMillionRequests: 0.2,
  },
  dynamodb: {
    /** On-demand capacity mode, Standard table class. */
    perMillionWriteRequestUnits: 0.625,
    perMillionReadRequestUnits: 0.125,
  },
  stepFunctions: {
    /** Standard workflows: $0.025 per 1,000 state transitions. */
    standardPerStateTransition: 0.000025,
  },
  apiGateway: {
    /** HTTP API, first 300 million requests a month (each 512 KB counts as one). */
    httpApiPerMillionRequests: 1.0,
  },
  kms: {
    /** Customer-managed key; each of its first two yearly rotations adds $1 a month. */
    perKeyMonth: 1.0,
    per10kRequests: 0.03,
  },
  cloudWatchLogs: {
    /** Standard log class (Lambda and vended logs start at the same price). */
    ingestionPerGb: 0.5,
    storagePerGbMonth: 0.03,
  },
  cloudWatch: {
    /** Standard-resolution alarm, per alarm metric. */
    alarmPerMonth: 0.1,
  },
  eventBridge: {
    /** Custom events put on a bus, per 64 KB chunk. */
    customEventsPerMillion: 1.0,
  },
  xray: {
    /** Traces recorded (tracing is active on the functions and the state machine). */
    tracesRecordedPerMillion: 5.0,
  },
} as const;

export type Prices = typeof PRICES;
