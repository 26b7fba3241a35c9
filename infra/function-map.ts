/**
 * The map from function name to handler module: the one list both CDK (one NodejsFunction each)
 * and the embedded runtime (in-process handlers) read. `access` says which grants CDK gives the
 * function — nothing more — and the infra tests assert exactly that.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface FunctionAccess {
  /** DynamoDB: read-only (GetItem/Query/BatchGetItem) or read-write (+ TransactWriteItems/PutItem/UpdateItem). */
  table: 'read' | 'readwrite' | 'none';
  /** Starts executions of these workflows. */
  startWorkflows?: readonly WorkflowName[];
  /** Sends task callbacks (SendTaskSuccess/Failure/Heartbeat) to these workflows. */
  callbackWorkflows?: readonly WorkflowName[];
  /** Uses the personal-information key (KMS GenerateDataKey / Decrypt). */
  piiKey?: boolean;
  /** Puts domain events on the bus. */
  events?: boolean;
}

export type WorkflowName = 'cohort-filing';

export interface FunctionSpec {
  /** Stable name; also the function-name part of the local Lambda ARN. */
  name: string;
  /** Module path from the project root; it exports `handler`. */
  entry: string;
  /** HTTP route as API Gateway writes it, for API functions. */
  route?: `${HttpMethod} /${string}`;
  /** Whether the route is public (no JWT authorizer). */
  public?: boolean;
  access: FunctionAccess;
  memoryMb?: number;
  timeoutSeconds?: number;
}

const read: FunctionAccess = { table: 'read' };
const write: FunctionAccess = { table: 'readwrite' };

export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: 'health',
    entry: 'functions/api/health.ts',
    route: 'GET /health',
    public: true,
    access: { table: 'none' },
  },
  {
    name: 'openapi',
    entry: 'functions/api/openapi.ts',
    route: 'GET /openapi.json',
    public: true,
    access: { table: 'none' },
  },
  {
    name: 'list-organisations',
    entry: 'functions/api/list-organisations.ts',
    route: 'GET /organisations',
    access: read,
  },
  {
    name: 'list-occupations',
    entry: 'functions/api/list-occupations.ts',
    route: 'GET /occupations',
    access: read,
  },
  { name: 'get-policy', entry: 'functions/api/get-policy.ts', route: 'GET /policy', access: read },
  {
    name: 'create-cohort',
    entry: 'functions/api/create-cohort.ts',
    route: 'POST /cohorts',
    access: { table: 'readwrite', piiKey: true },
  },
  { name: 'list-cohorts', entry: 'functions/api/list-cohorts.ts', route: 'GET /cohorts', access: read },
  {
    name: 'get-cohort',
    entry: 'functions/api/get-cohort.ts',
    route: 'GET /cohorts/{cohortId}',
    access: read,
  },
  {
    name: 'update-cohort',
    entry: 'functions/api/update-cohort.ts',
    route: 'PATCH /cohorts/{cohortId}',
    access: { table: 'readwrite', piiKey: true },
  },
  {
    name: 'add-apprentices',
    entry: 'functions/api/add-apprentices.ts',
    route: 'POST /cohorts/{cohortId}/apprentices',
    access: { table: 'readwrite', piiKey: true },
  },
  {
    name: 'remove-apprentice',
    entry: 'functions/api/remove-apprentice.ts',
    route: 'DELETE /cohorts/{cohortId}/apprentices/{apprenticeId}',
    access: write,
  },
  {
    name: 'submit-cohort',
    entry: 'functions/api/submit-cohort.ts',
    route: 'POST /cohorts/{cohortId}/submit',
    access: { table: 'readwrite', startWorkflows: ['cohort-filing'] },
  },
  {
    name: 'withdraw-cohort',
    entry: 'functions/api/withdraw-cohort.ts',
    route: 'POST /cohorts/{cohortId}/withdraw',
    access: { table: 'readwrite', callbackWorkflows: ['cohort-filing'] },
  },
  {
    name: 'cohort-history',
    entry: 'functions/api/cohort-history.ts',
    route: 'GET /cohorts/{cohortId}/history',
    access: read,
  },
  {
    name: 'get-identity',
    entry: 'functions/api/get-identity.ts',
    route: 'GET /cohorts/{cohortId}/apprentices/{apprenticeId}/identity',
    access: { table: 'readwrite', piiKey: true },
  },
  { name: 'list-tasks', entry: 'functions/api/list-tasks.ts', route: 'GET /tasks', access: read },
  {
    name: 'decide-task',
    entry: 'functions/api/decide-task.ts',
    route: 'POST /tasks/{taskId}/decision',
    access: { table: 'readwrite', callbackWorkflows: ['cohort-filing'] },
  },
  // Workflow steps (invoked by Step Functions, never by HTTP).
  { name: 'open-review-task', entry: 'functions/steps/open-review-task.ts', access: write },
  { name: 'check-expired-review', entry: 'functions/steps/check-expired-review.ts', access: write },
  {
    name: 'publish-filing-outcome',
    entry: 'functions/steps/publish-filing-outcome.ts',
    access: { table: 'read', events: true },
  },
];

export function functionByName(name: string): FunctionSpec {
  const spec = FUNCTIONS.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`No function named ${name} in the function map`);
  return spec;
}
