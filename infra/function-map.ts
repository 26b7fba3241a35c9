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
  /**
   * Evidence documents' bucket: `upload` signs PUT URLs (s3:PutObject, with the key's
   * GenerateDataKey), `download` signs GET URLs (s3:GetObject, Decrypt), `inspect` reads an
   * object's size and checksum (s3:GetObject for HeadObject; no data key needed), `keep` stores
   * a file the function received itself (s3:PutObject under `imports/`, with GenerateDataKey).
   */
  documents?: readonly ('upload' | 'download' | 'inspect' | 'keep')[];
}

export type WorkflowName = 'cohort-filing' | 'subsidy-claim';

export interface FunctionSpec {
  /** Stable name; also the function-name part of the local Lambda ARN. */
  name: string;
  /** Module path from the project root; it exports `handler`. */
  entry: string;
  /** HTTP route as API Gateway writes it, for API functions. */
  route?: `${HttpMethod} /${string}`;
  /** Whether the route is public (no JWT authorizer). */
  public?: boolean;
  /**
   * Route-level throttling on the API's stage (requests per second across all callers), below the
   * stage's default: API Gateway cannot throttle per address, which the use case itself does.
   */
  throttle?: { rateLimit: number; burstLimit: number };
  /** Run on a schedule (minutes between runs on AWS; the embedded runtime runs it every few seconds). */
  scheduleMinutes?: number;
  /** Run for each object created in the documents bucket (S3 → EventBridge; the stand-in locally). */
  onObjectCreated?: boolean;
  /**
   * Read the table's stream (KEYS_ONLY): on AWS a Lambda event source mapping filtered to the
   * case changes (shared/adapters/case-changes.ts `CASE_CHANGE_RECORDS`), with bisection, retries
   * and an SQS on-failure destination; in the embedded runtime its stream poller. The grants to
   * read the stream (and decrypt it with the table's key) come with the mapping, whatever `access`
   * says of the table itself.
   */
  onTableStream?: boolean;
  /**
   * Run for each `case.changed` event on the domain bus (a cohort or a claim changed: the key of
   * its new audit record), through the bus's rule, retried a day, then to a dead-letter queue; in
   * the embedded runtime the local bus delivers it, retrying likewise. The read models' projector.
   */
  onCaseChanged?: boolean;
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
    access: read,
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
    // An organisation's mentors with their loads (issue 16 item 10): one Query of its partition.
    name: 'list-mentors',
    entry: 'functions/api/list-mentors.ts',
    route: 'GET /organisations/{orgId}/mentors',
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
  {
    name: 'verify-audit',
    entry: 'functions/api/verify-audit.ts',
    route: 'GET /cohorts/{cohortId}/audit-verification',
    access: read,
  },
  { name: 'list-tasks', entry: 'functions/api/list-tasks.ts', route: 'GET /tasks', access: read },
  {
    name: 'decide-task',
    entry: 'functions/api/decide-task.ts',
    route: 'POST /tasks/{taskId}/decision',
    access: { table: 'readwrite', callbackWorkflows: ['cohort-filing', 'subsidy-claim'] },
  },
  // The apprenticeship after filing (domain.md, "Changes while FILED").
  {
    name: 'withdraw-apprentice',
    entry: 'functions/api/withdraw-apprentice.ts',
    route: 'POST /cohorts/{cohortId}/apprentices/{apprenticeId}/withdrawal',
    access: write,
  },
  {
    name: 'record-outcome',
    entry: 'functions/api/record-outcome.ts',
    route: 'POST /cohorts/{cohortId}/apprentices/{apprenticeId}/outcome',
    access: write,
  },
  {
    name: 'replace-mentor',
    entry: 'functions/api/replace-mentor.ts',
    route: 'PUT /cohorts/{cohortId}/apprentices/{apprenticeId}/mentors',
    access: write,
  },
  // Training-fund claims.
  { name: 'create-claim', entry: 'functions/api/create-claim.ts', route: 'POST /claims', access: write },
  { name: 'list-claims', entry: 'functions/api/list-claims.ts', route: 'GET /claims', access: read },
  { name: 'get-claim', entry: 'functions/api/get-claim.ts', route: 'GET /claims/{claimId}', access: read },
  {
    name: 'update-claim',
    entry: 'functions/api/update-claim.ts',
    route: 'PATCH /claims/{claimId}',
    access: write,
  },
  {
    name: 'submit-claim',
    entry: 'functions/api/submit-claim.ts',
    route: 'POST /claims/{claimId}/submit',
    access: { table: 'readwrite', startWorkflows: ['subsidy-claim'] },
  },
  {
    // The commitment (承诺书) text in force: served from the bundle, no table.
    name: 'get-commitment',
    entry: 'functions/api/get-commitment.ts',
    route: 'GET /commitments/current',
    access: { table: 'none' },
  },
  {
    name: 'claim-history',
    entry: 'functions/api/claim-history.ts',
    route: 'GET /claims/{claimId}/history',
    access: read,
  },
  {
    name: 'lodge-objection',
    entry: 'functions/api/lodge-objection.ts',
    route: 'POST /claims/{claimId}/objection',
    access: { table: 'readwrite', callbackWorkflows: ['subsidy-claim'] },
  },
  // The public notice page (issue 14): no token, on the same HTTP API without the authorizer.
  {
    name: 'list-public-notices',
    entry: 'functions/api/list-public-notices.ts',
    route: 'GET /public/notices',
    public: true,
    throttle: { rateLimit: 20, burstLimit: 40 },
    access: read,
  },
  {
    name: 'lodge-public-objection',
    entry: 'functions/api/lodge-public-objection.ts',
    route: 'POST /public/notices/{claimId}/objections',
    public: true,
    throttle: { rateLimit: 2, burstLimit: 10 },
    access: { table: 'readwrite', piiKey: true },
  },
  // Evidence documents: records on the table, bytes in the documents bucket.
  {
    name: 'create-document',
    entry: 'functions/api/create-document.ts',
    route: 'POST /cohorts/{cohortId}/documents',
    access: { table: 'readwrite', documents: ['upload'] },
  },
  {
    name: 'get-document',
    entry: 'functions/api/get-document.ts',
    route: 'GET /documents/{documentId}',
    access: { table: 'read', documents: ['download'] },
  },
  {
    name: 'confirm-document',
    entry: 'functions/events/confirm-document.ts',
    onObjectCreated: true,
    access: { table: 'readwrite', documents: ['inspect'] },
  },
  {
    // The table's stream → one `case.changed` event per cohort or claim changed in a batch, on
    // the domain bus for the read models (issue 15 item 5). Reads nothing of the table itself.
    name: 'publish-case-changes',
    entry: 'functions/events/publish-case-changes.ts',
    onTableStream: true,
    access: { table: 'none', events: true },
  },
  // Reference data kept by bureau.admin, and reports.
  { name: 'put-policy', entry: 'functions/api/put-policy.ts', route: 'PUT /policy', access: write },
  {
    // A draft policy against the open cohorts of every district (issue 12 item 5): reads only.
    name: 'preview-policy',
    entry: 'functions/api/preview-policy.ts',
    route: 'POST /policy/preview',
    access: read,
  },
  {
    name: 'get-budget',
    entry: 'functions/api/get-budget.ts',
    route: 'GET /budgets/{districtCode}/{year}',
    access: read,
  },
  {
    name: 'put-budget',
    entry: 'functions/api/put-budget.ts',
    route: 'PUT /budgets/{districtCode}/{year}',
    access: write,
  },
  {
    // The district's credit blacklist (失信名单, issue 13 item 5): kept by its bureau.admin.
    name: 'put-credit-listing',
    entry: 'functions/api/put-credit-listing.ts',
    route: 'PUT /credit-blacklist/{enterpriseId}',
    access: write,
  },
  {
    name: 'delete-credit-listing',
    entry: 'functions/api/delete-credit-listing.ts',
    route: 'DELETE /credit-blacklist/{enterpriseId}',
    access: write,
  },
  {
    name: 'list-credit-blacklist',
    entry: 'functions/api/list-credit-blacklist.ts',
    route: 'GET /credit-blacklist',
    access: read,
  },
  // Employment verification (社保 check, issue 13 items 1-3).
  {
    // The district's monthly contribution file: hashed ID numbers (PII key), the file kept as it came.
    name: 'import-contributions',
    entry: 'functions/api/import-contributions.ts',
    route: 'POST /employment-records/imports',
    access: { table: 'readwrite', piiKey: true, documents: ['keep'] },
    // 50,000 rows: validated, hashed and written in one request (test/bench/employment.ts).
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  {
    name: 'list-employment-checks',
    entry: 'functions/api/list-employment-checks.ts',
    route: 'GET /cohorts/{cohortId}/employment-checks',
    access: read,
  },
  {
    name: 'write-override',
    entry: 'functions/api/write-override.ts',
    route: 'POST /overrides',
    access: write,
  },
  {
    name: 'confirm-override',
    entry: 'functions/api/confirm-override.ts',
    route: 'POST /overrides/{overrideId}/confirm',
    access: write,
  },
  { name: 'list-overrides', entry: 'functions/api/list-overrides.ts', route: 'GET /overrides', access: read },
  {
    name: 'subsidy-report',
    entry: 'functions/api/subsidy-report.ts',
    route: 'GET /reports/subsidies',
    access: read,
  },
  // What the bureau watches (issue 15): reports read the read models the projector keeps.
  {
    name: 'liability-report',
    entry: 'functions/api/liability-report.ts',
    route: 'GET /reports/liability',
    access: read,
  },
  {
    name: 'pipeline-report',
    entry: 'functions/api/pipeline-report.ts',
    route: 'GET /reports/pipeline',
    access: read,
  },
  {
    name: 'stage-times-report',
    entry: 'functions/api/stage-times-report.ts',
    route: 'GET /reports/stage-times',
    access: read,
  },
  {
    name: 'demand-report',
    entry: 'functions/api/demand-report.ts',
    route: 'GET /reports/demand',
    access: read,
  },
  {
    name: 'put-demand-list',
    entry: 'functions/api/put-demand-list.ts',
    route: 'PUT /demand-lists/{period}',
    access: write,
  },
  {
    // case.changed (an audit record in a case's partition) → the case's read-model cells again.
    name: 'project-case',
    entry: 'functions/events/project-case.ts',
    onCaseChanged: true,
    access: write,
  },
  // Workflow steps (invoked by Step Functions, never by HTTP).
  { name: 'open-review-task', entry: 'functions/steps/open-review-task.ts', access: write },
  { name: 'check-expired-review', entry: 'functions/steps/check-expired-review.ts', access: write },
  {
    name: 'publish-filing-outcome',
    entry: 'functions/steps/publish-filing-outcome.ts',
    access: { table: 'read', events: true },
  },
  { name: 'open-claim-task', entry: 'functions/steps/open-claim-task.ts', access: write },
  {
    name: 'redeliver-callbacks',
    entry: 'functions/steps/redeliver-callbacks.ts',
    scheduleMinutes: 5,
    access: { table: 'readwrite', callbackWorkflows: ['cohort-filing', 'subsidy-claim'] },
  },
  {
    // FILED → COMPLETED once the end date has passed and every apprentice has an outcome.
    name: 'complete-cohorts',
    entry: 'functions/steps/complete-cohorts.ts',
    scheduleMinutes: 60,
    access: write,
  },
  { name: 'check-claim-task-expiry', entry: 'functions/steps/check-claim-task-expiry.ts', access: write },
  // Before a bureau stage's wait: its handling limit in working days (issue 14), from the policy.
  { name: 'plan-handling-limit', entry: 'functions/steps/plan-handling-limit.ts', access: read },
  { name: 'plan-public-notice', entry: 'functions/steps/plan-public-notice.ts', access: write },
  {
    name: 'publish-claim-outcome',
    entry: 'functions/steps/publish-claim-outcome.ts',
    access: { table: 'read', events: true },
  },
];

export function functionByName(name: string): FunctionSpec {
  const spec = FUNCTIONS.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`No function named ${name} in the function map`);
  return spec;
}
