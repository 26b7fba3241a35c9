import { GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { WorkflowName } from '../../infra/function-map.ts';
import { DEMO_USERS } from '../../infra/local/demo-register.ts';
import { localStateMachineArn } from '../../infra/workflows/render.ts';
import type { ApiClient, ApiResponse } from '../../scripts/lib/api-client.ts';
import { makeCohortBody, makeEnrolment } from '../../scripts/lib/roster.ts';
import { dynamoDbRequests } from '../../shared/adapters/dynamodb/request-counter.ts';
import { executionName } from '../../shared/domain/use-cases/cohort-filing.ts';
import type { AttributedRequest } from './attribution.ts';
import { type BilledRequest, type DynamoDbWork, dynamoDbWork } from './capacity.ts';
import type { BenchRuntime } from './embedded.ts';

/**
 * The cohort-filing scenario: a cohort from DRAFT to FILED through the HTTP API, as its users
 * would drive it. The filing path of one case is 11 API calls: POST /cohorts, submit, and at each
 * of the three stages GET /tasks, GET /cohorts/{id}, POST /tasks/{id}/decision.
 */
export const FILING_PARTIES = {
  clerk: 'ent-a-clerk',
  stages: [
    { user: 'ent-a-signatory', stage: 'COMPANY_REVIEW' },
    { user: 'school-a-registrar', stage: 'SCHOOL_REVIEW' },
    { user: 'bureau-reviewer', stage: 'BUREAU_REVIEW' },
  ],
} as const;

export function orgOf(username: string): string {
  const user = DEMO_USERS.find((candidate) => candidate.username === username);
  if (!user) throw new Error(`No demo user ${username}`);
  return user.orgId;
}

export function filingBody(apprentices: number) {
  return makeCohortBody({
    schoolId: orgOf('school-a-registrar'),
    startDate: '2027-03-01',
    endDate: '2028-02-29',
    count: apprentices,
  });
}

let keys = 0;
/** An Idempotency-Key, as a careful client sends with every state-changing POST. */
export const idempotencyKey = () => ({ idempotencyKey: `bench-${process.pid}-${Date.now()}-${++keys}` });

export async function timed(
  call: () => Promise<ApiResponse>,
): Promise<{ response: ApiResponse; ms: number }> {
  const started = performance.now();
  const response = await call();
  return { response, ms: performance.now() - started };
}

export function expectStatus(response: ApiResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`);
  }
}

/** The decision body of a stage (the school names student numbers and mentors). */
export function decisionBody(stage: string, cohort: { apprentices: { apprenticeId: string }[] }) {
  return stage === 'SCHOOL_REVIEW' ? makeEnrolment(cohort.apprentices) : { decision: 'approve' };
}

/** All of a user's open tasks, following every page. */
export async function openTasks(
  api: ApiClient,
  user: string,
): Promise<{ taskId: string; caseId: string; stage: string }[]> {
  const tasks: { taskId: string; caseId: string; stage: string }[] = [];
  let cursor: string | null = null;
  do {
    const page: ApiResponse = await api
      .as(user)
      .get(`/tasks?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expectStatus(page, 200, 'GET /tasks');
    tasks.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return tasks;
}

export interface ExecutionFacts {
  /** State transitions as Standard workflows bill them: one per state entered. */
  stateTransitions: number;
  /** Lambda invocations the execution made, with how long each took on the embedded runtime. */
  stepInvocations: { functionName: string; ms: number }[];
  /** What the state machine's log group would ingest (level ALL, without execution data). */
  logBytes: number;
  historyEvents: number;
}

/** Facts of a filing's workflow, from GetExecutionHistory against the local engine's endpoint. */
export function executionFacts(bench: BenchRuntime, cohortId: string, round = 1): Promise<ExecutionFacts> {
  return executionFactsOf(bench, 'cohort-filing', executionName(cohortId, round));
}

/** Facts of one execution of `workflow`, from GetExecutionHistory against the local engine's endpoint. */
export async function executionFactsOf(
  bench: BenchRuntime,
  workflow: WorkflowName,
  name: string,
): Promise<ExecutionFacts> {
  const executionArn = `${localStateMachineArn(workflow).replace(':stateMachine:', ':execution:')}:${name}`;
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await bench.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const scheduled = new Map<number, string>();
  const started = new Map<number, { at: number; functionName: string }>();
  const stepInvocations: { functionName: string; ms: number }[] = [];
  let logBytes = 0;
  for (const event of events) {
    const at = event.timestamp ? new Date(event.timestamp).getTime() : 0;
    if (event.type === 'TaskScheduled' || event.type === 'LambdaFunctionScheduled') {
      const target =
        event.lambdaFunctionScheduledEventDetails?.resource ??
        (JSON.parse(event.taskScheduledEventDetails?.parameters ?? '{}') as { FunctionName?: string })
          .FunctionName ??
        '';
      scheduled.set(event.id ?? 0, target.split(':').pop() ?? target);
    }
    if (event.type === 'TaskStarted' || event.type === 'LambdaFunctionStarted') {
      started.set(event.id ?? 0, { at, functionName: scheduled.get(event.previousEventId ?? -1) ?? '' });
    }
    if (
      event.type === 'TaskSubmitted' ||
      event.type === 'TaskSucceeded' ||
      event.type === 'TaskFailed' ||
      event.type === 'LambdaFunctionSucceeded' ||
      event.type === 'LambdaFunctionFailed'
    ) {
      // A callback task's Lambda returns when the task is submitted; its success comes later, from a person.
      const begin = started.get(event.previousEventId ?? -1);
      if (begin) stepInvocations.push({ functionName: begin.functionName, ms: at - begin.at });
    }
    logBytes += logRecordBytes(event, executionArn);
  }
  return {
    stateTransitions: events.filter((event) => event.type?.endsWith('StateEntered')).length,
    stepInvocations,
    logBytes,
    historyEvents: events.length,
  };
}

/**
 * A Step Functions log record of a history event at level ALL with `includeExecutionData: false`:
 * the event's envelope and details, without inputs, outputs, parameters or payloads.
 */
function logRecordBytes(event: HistoryEvent, executionArn: string): number {
  const { id, previousEventId, type, timestamp, ...rest } = event;
  const details = Object.fromEntries(
    Object.entries(rest).map(([name, value]) => [
      name,
      Object.fromEntries(
        Object.entries((value ?? {}) as Record<string, unknown>).filter(
          ([field]) => !/input|output|parameters|payload/i.test(field),
        ),
      ),
    ]),
  );
  const record = {
    id: String(id),
    type,
    details,
    previous_event_id: String(previousEventId ?? 0),
    event_timestamp: String(timestamp ? new Date(timestamp).getTime() : 0),
    execution_arn: executionArn,
  };
  return Buffer.byteLength(JSON.stringify(record));
}

export interface ApiCall {
  route: string;
  status: number;
  ms: number;
}

/** Everything one filed case cost, measured on its own (the runtime idle before and after each call). */
export interface CaseWork {
  apprentices: number;
  cohortId: string;
  apiCalls: ApiCall[];
  execution: ExecutionFacts;
  /** Workflow executions the case started (default 1: its filing). */
  executions?: number;
  dynamodb: DynamoDbWork;
  kmsRequests: number;
  eventsPut: number;
}

/**
 * Files one cohort of `apprentices`, one call at a time, each followed by the workflow work it set
 * going, and counts everything it cost. With nothing else running, every DynamoDB request of the
 * window belongs to this case.
 */
export async function fileCohortMeasured(bench: BenchRuntime, apprentices: number): Promise<CaseWork> {
  const { api, runtime, counters } = bench;
  await runtime.idle();
  const mark = dynamoDbRequests.mark();
  const kmsBefore = counters.kmsRequests;
  const eventsBefore = counters.eventsPut;
  const apiCalls: ApiCall[] = [];
  const call = async (route: string, status: number, send: () => Promise<ApiResponse>) => {
    const { response, ms } = await timed(send);
    expectStatus(response, status, route);
    apiCalls.push({ route, status: response.status, ms });
    await runtime.idle();
    return response;
  };

  const clerk = api.as(FILING_PARTIES.clerk);
  const created = await call('POST /cohorts', 201, () =>
    clerk.post('/cohorts', filingBody(apprentices), idempotencyKey()),
  );
  const cohortId: string = created.body.cohortId;
  await call('POST /cohorts/{cohortId}/submit', 200, () =>
    clerk.post(`/cohorts/${cohortId}/submit`, undefined, idempotencyKey()),
  );
  for (const { user, stage } of FILING_PARTIES.stages) {
    const party = api.as(user);
    const inbox = await call('GET /tasks', 200, () => party.get('/tasks?limit=100'));
    const task = inbox.body.items.find(
      (item: { caseId: string; stage: string }) => item.caseId === cohortId && item.stage === stage,
    );
    if (!task) throw new Error(`No ${stage} task for ${cohortId} on the first page of ${user}'s inbox`);
    const cohort = await call('GET /cohorts/{cohortId}', 200, () => party.get(`/cohorts/${cohortId}`));
    await call('POST /tasks/{taskId}/decision', 200, () =>
      party.post(`/tasks/${task.taskId}/decision`, decisionBody(stage, cohort.body), idempotencyKey()),
    );
  }
  // Only what the case's API calls and its workflow sent: not the scheduled reconciler's runs,
  // which happen every few seconds whatever the cases do (priced apart, as a fixed cost).
  const requests = (dynamoDbRequests.since(mark) as (BilledRequest & AttributedRequest)[]).filter(
    (request) => request.origin?.kind === 'api' || request.origin?.kind === 'workflow',
  );
  const status = (await api.as(FILING_PARTIES.clerk).get(`/cohorts/${cohortId}`)).body.status;
  if (status !== 'FILED') throw new Error(`Cohort ${cohortId} ended ${status}, not FILED`);
  return {
    apprentices,
    cohortId,
    apiCalls,
    execution: await executionFacts(bench, cohortId),
    dynamodb: dynamoDbWork(requests),
    kmsRequests: counters.kmsRequests - kmsBefore,
    eventsPut: counters.eventsPut - eventsBefore,
  };
}
