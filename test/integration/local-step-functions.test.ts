import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ulid } from 'ulid';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createLocalStepFunctions,
  type LocalStepFunctions,
  type LocalStepFunctionsOptions,
  startStepFunctionsEndpoint,
} from '../../infra/local/step-functions/index.ts';
import { localFunctionArn, localStateMachineArn, renderWorkflowAsl } from '../../infra/workflows/render.ts';
import { clock, setClock } from '../../shared/adapters/clock.ts';

/**
 * The embedded Step Functions engine running the real `cohort-filing` ASL, on the run's DynamoDB
 * Local, driven through `@aws-sdk/client-sfn` against its HTTP endpoint. The three step functions
 * are small in-test functions that record what they were asked.
 *
 * The clock is process-wide and only moves forward: every test measures from `clock.now()`, uses
 * a 30-day stage limit unless it tests expiry, and leaves no execution running (afterEach).
 */
const COHORT_FILING_ARN = localStateMachineArn('cohort-filing');
const CLOCK_PROBE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:clock-probe';
const BUDGET_PROBE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:budget-probe';
const DAY_SECONDS = 86_400;
const THIRTY_DAYS = 30 * DAY_SECONDS;

interface ReviewTaskOpened {
  taskToken: string;
  cohortId: string;
  round: number;
  stage: string;
  timeoutSeconds: number;
}

/** What the in-test step functions were asked, in order. */
const calls = {
  openReviewTask: [] as ReviewTaskOpened[],
  checkExpiredReview: [] as { cohortId: string; stage: string }[],
  publishFilingOutcome: [] as { cohortId: string; round: number }[],
  probeOpened: [] as { taskToken: string }[],
  reserveBudget: [] as { mode: string }[],
};

const invokeFunction: LocalStepFunctionsOptions['invokeFunction'] = async (functionName, payload) => {
  switch (functionName) {
    case 'open-review-task':
      calls.openReviewTask.push(payload as ReviewTaskOpened);
      return { taskId: ulid() };
    case 'check-expired-review':
      calls.checkExpiredReview.push(payload as { cohortId: string; stage: string });
      return { outcome: 'expired' };
    case 'plan-handling-limit':
      // The bureau's handling limit (issue 14): here the same seconds as the other stages.
      return 86_400;
    case 'publish-filing-outcome':
      calls.publishFilingOutcome.push(payload as { cohortId: string; round: number });
      return { published: true };
    case 'open-probe-task': {
      const { taskToken } = payload as { taskToken: string };
      calls.probeOpened.push({ taskToken });
      // AWS lets the function that receives the token answer it before returning.
      if (probeAnswersItself)
        await sfn.send(new SendTaskSuccessCommand({ taskToken, output: '"answered at once"' }));
      return {};
    }
    case 'look-up-policy':
      return { subsidyPerHourFen: 1500, at: new Date(0) };
    case 'reserve-budget': {
      const { mode } = payload as { mode: string };
      calls.reserveBudget.push({ mode });
      const error = new Error('the budget is not available');
      // Busy at first, then exhausted (mode "exhausted"), or busy for ever (mode "busy").
      const attempts = calls.reserveBudget.filter((call) => call.mode === mode).length;
      error.name = mode === 'exhausted' && attempts > 1 ? 'BudgetExhausted' : 'BudgetBusy';
      throw error;
    }
    default: {
      const error = new Error(`No function ${functionName}`);
      error.name = 'ResourceNotFoundException';
      throw error;
    }
  }
};

let probeAnswersItself = false;

/** A second, tiny machine for what cohort-filing does not use: a Wait state and HeartbeatSeconds. */
const clockProbeDefinition = {
  StartAt: 'PauseForCoolingOff',
  States: {
    PauseForCoolingOff: { Type: 'Wait', SecondsPath: '$.pauseSeconds', Next: 'AwaitProbeAnswer' },
    AwaitProbeAnswer: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: localFunctionArn('open-probe-task'),
        Payload: { 'taskToken.$': '$$.Task.Token' },
      },
      HeartbeatSeconds: 60,
      TimeoutSeconds: 3600,
      ResultPath: '$.answer',
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.failure', Next: 'ProbeExpired' }],
      End: true,
    },
    ProbeExpired: { Type: 'Pass', Result: 'expired', ResultPath: '$.answer', End: true },
  },
};

/** A third for function results and errors: `lambda:invoke`'s envelope, Retry on the clock, Catch by name, TimeoutSeconds. */
const budgetProbeDefinition = {
  TimeoutSeconds: DAY_SECONDS,
  StartAt: 'LookUpPolicy',
  States: {
    LookUpPolicy: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'look-up-policy', 'Payload.$': '$' },
      ResultSelector: { 'policy.$': '$.Payload', 'statusCode.$': '$.StatusCode' },
      ResultPath: '$.lookup',
      Next: 'ReserveBudget',
    },
    ReserveBudget: {
      Type: 'Task',
      Resource: localFunctionArn('reserve-budget'),
      Retry: [{ ErrorEquals: ['BudgetBusy'], IntervalSeconds: 600, MaxAttempts: 10, BackoffRate: 1 }],
      Catch: [{ ErrorEquals: ['BudgetExhausted'], ResultPath: '$.failure', Next: 'BudgetRefused' }],
      End: true,
    },
    BudgetRefused: { Type: 'Pass', End: true },
  },
};

function dynamodbClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: inject('dynamodbEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

async function startEngine(tableName: string) {
  const engine = await createLocalStepFunctions({
    dynamodb: dynamodbClient(),
    tableName,
    stateMachines: [
      { name: 'cohort-filing', arn: COHORT_FILING_ARN, definition: renderWorkflowAsl('cohort-filing') },
      { name: 'clock-probe', arn: CLOCK_PROBE_ARN, definition: clockProbeDefinition },
      { name: 'budget-probe', arn: BUDGET_PROBE_ARN, definition: budgetProbeDefinition },
    ],
    invokeFunction,
  });
  const http = await startStepFunctionsEndpoint(engine, 0);
  const sfn = new SFNClient({
    endpoint: http.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    engine,
    sfn,
    async close() {
      sfn.destroy();
      await http.close();
      await engine.close();
    },
  };
}

function moveClockBy(seconds: number): void {
  setClock(new Date(clock.now().getTime() + seconds * 1000));
}

function latestReviewTask(cohortId: string, stage: string): ReviewTaskOpened {
  const task = calls.openReviewTask.findLast((call) => call.cohortId === cohortId && call.stage === stage);
  if (!task) throw new Error(`No ${stage} task was opened for ${cohortId}`);
  return task;
}

function reviewTasksOpened(cohortId: string, stage: string): number {
  return calls.openReviewTask.filter((call) => call.cohortId === cohortId && call.stage === stage).length;
}

let main: Awaited<ReturnType<typeof startEngine>>;
let engine: LocalStepFunctions;
let sfn: SFNClient;

beforeAll(async () => {
  main = await startEngine(`sfn-engine-${ulid()}`);
  ({ engine, sfn } = main);
});

afterAll(async () => {
  await main?.close();
});

afterEach(async () => {
  // Leave nothing waiting: a later test moves the clock and would time it out.
  for (const stateMachineArn of [COHORT_FILING_ARN, CLOCK_PROBE_ARN, BUDGET_PROBE_ARN]) {
    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }));
    for (const execution of running.executions ?? []) {
      await sfn.send(new StopExecutionCommand({ executionArn: execution.executionArn }));
    }
  }
  await engine.idle();
});

async function startFiling(cohortId: string, stageTimeoutSeconds = THIRTY_DAYS): Promise<string> {
  const started = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: COHORT_FILING_ARN,
      name: cohortId,
      input: JSON.stringify({ cohortId, round: 1, stageTimeoutSeconds }),
    }),
  );
  await engine.idle();
  return started.executionArn!;
}

async function decide(
  cohortId: string,
  stage: string,
  outcome: 'approve' | 'return' | 'reject',
  client = sfn,
) {
  const { taskToken } = latestReviewTask(cohortId, stage);
  await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ outcome }) }));
}

async function describe_(executionArn: string, client = sfn) {
  return client.send(new DescribeExecutionCommand({ executionArn }));
}

async function history(executionArn: string, client = sfn): Promise<HistoryEvent[]> {
  return (await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
}

describe('local Step Functions engine: cohort-filing', () => {
  it('runs a cohort through company, school and bureau approval to its filing', async () => {
    const cohortId = `cohort-${ulid()}`;
    const executionArn = await startFiling(cohortId);
    expect(executionArn).toBe(`arn:aws:states:us-east-1:000000000000:execution:cohort-filing:${cohortId}`);

    const company = latestReviewTask(cohortId, 'COMPANY_REVIEW');
    expect(company).toMatchObject({ cohortId, round: 1, timeoutSeconds: THIRTY_DAYS });
    expect(company.taskToken).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect((await describe_(executionArn)).status).toBe('RUNNING');

    await decide(cohortId, 'COMPANY_REVIEW', 'approve');
    await engine.idle();
    await decide(cohortId, 'SCHOOL_REVIEW', 'approve');
    await engine.idle();
    await decide(cohortId, 'BUREAU_REVIEW', 'approve');
    await engine.idle();

    const done = await describe_(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.startDate).toBeInstanceOf(Date);
    expect(done.stopDate!.getTime()).toBeGreaterThanOrEqual(done.startDate!.getTime());
    expect(JSON.parse(done.output!)).toMatchObject({ cohortId, decision: { outcome: 'approve' } });
    expect(calls.publishFilingOutcome.filter((call) => call.cohortId === cohortId)).toEqual([
      { cohortId, round: 1 },
    ]);
  });

  it('publishes a returned cohort without opening the later stages', async () => {
    const cohortId = `cohort-${ulid()}`;
    const executionArn = await startFiling(cohortId);
    await decide(cohortId, 'COMPANY_REVIEW', 'approve');
    await engine.idle();
    await decide(cohortId, 'SCHOOL_REVIEW', 'return');
    await engine.idle();

    expect((await describe_(executionArn)).status).toBe('SUCCEEDED');
    expect(reviewTasksOpened(cohortId, 'BUREAU_REVIEW')).toBe(0);
    expect(calls.publishFilingOutcome.filter((call) => call.cohortId === cohortId)).toHaveLength(1);
    expect(JSON.parse((await describe_(executionArn)).output!).decision).toEqual({ outcome: 'return' });
    const states = (await history(executionArn))
      .filter((event) => event.type?.endsWith('StateEntered'))
      .map((event) => event.stateEnteredEventDetails?.name);
    expect(states).toEqual([
      'AwaitCompanyApproval',
      'CompanyDecision',
      'AwaitSchoolConfirmation',
      'SchoolDecision',
      'PublishFilingOutcome',
      'FilingClosed',
    ]);
  });

  it('checks an expired review once the clock passes the stage time limit', async () => {
    const cohortId = `cohort-${ulid()}`;
    const stageTimeoutSeconds = 2 * DAY_SECONDS;
    const executionArn = await startFiling(cohortId, stageTimeoutSeconds);
    const { taskToken } = latestReviewTask(cohortId, 'COMPANY_REVIEW');

    moveClockBy(stageTimeoutSeconds - 60);
    await engine.idle();
    expect(calls.checkExpiredReview.filter((call) => call.cohortId === cohortId)).toEqual([]);

    moveClockBy(120);
    await engine.idle();
    expect(calls.checkExpiredReview.filter((call) => call.cohortId === cohortId)).toEqual([
      { cohortId, round: 1, stage: 'COMPANY_REVIEW' },
    ]);
    const events = await history(executionArn);
    expect(events.find((event) => event.type === 'TaskTimedOut')?.taskTimedOutEventDetails).toMatchObject({
      error: 'States.Timeout',
      resource: 'invoke.waitForTaskToken',
    });
    expect(events.map((event) => event.stateEnteredEventDetails?.name)).toContain(
      'CheckCompanyApprovalExpiry',
    );
    const done = await describe_(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!).decision).toEqual({ outcome: 'expired' });

    // The expired task's token is closed.
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ outcome: 'approve' }) })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut', $metadata: { httpStatusCode: 400 } });
  });

  it('routes a withdrawal (SendTaskFailure CaseWithdrawn) to PublishFilingOutcome', async () => {
    const cohortId = `cohort-${ulid()}`;
    const executionArn = await startFiling(cohortId);
    await decide(cohortId, 'COMPANY_REVIEW', 'approve');
    await engine.idle();
    const { taskToken } = latestReviewTask(cohortId, 'SCHOOL_REVIEW');
    await sfn.send(
      new SendTaskFailureCommand({ taskToken, error: 'CaseWithdrawn', cause: 'withdrawn by the enterprise' }),
    );
    await engine.idle();

    const done = await describe_(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!).failure).toEqual({
      Error: 'CaseWithdrawn',
      Cause: 'withdrawn by the enterprise',
    });
    expect(calls.publishFilingOutcome.filter((call) => call.cohortId === cohortId)).toHaveLength(1);
    expect(reviewTasksOpened(cohortId, 'BUREAU_REVIEW')).toBe(0);
    const failed = (await history(executionArn)).find((event) => event.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toMatchObject({
      error: 'CaseWithdrawn',
      cause: 'withdrawn by the enterprise',
    });
  });

  it('answers callbacks with closed, unknown or malformed tokens as AWS does', async () => {
    const cohortId = `cohort-${ulid()}`;
    await startFiling(cohortId);
    const { taskToken } = latestReviewTask(cohortId, 'COMPANY_REVIEW');
    await decide(cohortId, 'COMPANY_REVIEW', 'approve');
    await engine.idle();

    const again = { taskToken, output: JSON.stringify({ outcome: 'reject' }) };
    await expect(sfn.send(new SendTaskSuccessCommand(again))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(sfn.send(new SendTaskHeartbeatCommand({ taskToken }))).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: 'A'.repeat(64), output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await expect(
      sfn.send(new SendTaskFailureCommand({ taskToken: 'not a token', error: 'CaseWithdrawn' })),
    ).rejects.toMatchObject({ name: 'InvalidToken' });
    const school = latestReviewTask(cohortId, 'SCHOOL_REVIEW');
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: school.taskToken, output: 'not json' })),
    ).rejects.toMatchObject({ name: 'InvalidOutput' });
  });

  it('starts idempotently by name and input, and rejects bad requests with AWS errors', async () => {
    const cohortId = `cohort-${ulid()}`;
    const input = JSON.stringify({ cohortId, round: 1, stageTimeoutSeconds: THIRTY_DAYS });
    const first = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: COHORT_FILING_ARN, name: cohortId, input }),
    );
    const repeat = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: COHORT_FILING_ARN, name: cohortId, input }),
    );
    expect(repeat.executionArn).toBe(first.executionArn);
    expect(repeat.startDate?.getTime()).toBe(first.startDate?.getTime());
    await engine.idle();
    expect(reviewTasksOpened(cohortId, 'COMPANY_REVIEW')).toBe(1);

    const otherInput = JSON.stringify({ cohortId, round: 2, stageTimeoutSeconds: THIRTY_DAYS });
    await expect(
      sfn.send(
        new StartExecutionCommand({ stateMachineArn: COHORT_FILING_ARN, name: cohortId, input: otherInput }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await expect(
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn: localStateMachineArn('cohort-filing').replace('cohort-filing', 'nope'),
          input,
        }),
      ),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(
      sfn.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' })),
    ).rejects.toMatchObject({
      name: 'InvalidArn',
    });
    await expect(
      sfn.send(new DescribeExecutionCommand({ executionArn: `${first.executionArn}-missing` })),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });

    // A generated name is a ULID.
    const unnamed = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: COHORT_FILING_ARN, input: otherInput }),
    );
    expect(unnamed.executionArn).toMatch(/:execution:cohort-filing:[0-9A-HJKMNP-TV-Z]{26}$/);
    await engine.idle();
  });

  it('stops an execution and closes the task it waits on', async () => {
    const cohortId = `cohort-${ulid()}`;
    const executionArn = await startFiling(cohortId);
    const { taskToken } = latestReviewTask(cohortId, 'COMPANY_REVIEW');
    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn, error: 'Superseded', cause: 'resubmitted' }),
    );
    expect(stopped.stopDate).toBeInstanceOf(Date);
    await engine.idle();

    const done = await describe_(executionArn);
    expect(done).toMatchObject({ status: 'ABORTED', error: 'Superseded', cause: 'resubmitted' });
    const types = (await history(executionArn)).map((event) => event.type);
    expect(types.slice(-2)).toEqual(['TaskStateAborted', 'ExecutionAborted']);
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ outcome: 'approve' }) })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('returns the history and the executions as the API does, page by page', async () => {
    const cohortId = `cohort-${ulid()}`;
    const executionArn = await startFiling(cohortId);
    await decide(cohortId, 'COMPANY_REVIEW', 'reject');
    await engine.idle();

    const all = await history(executionArn);
    expect(all.map((event) => event.id)).toEqual(all.map((_, index) => index + 1));
    expect(all.map((event) => event.previousEventId)).toEqual(all.map((_, index) => index));
    expect(all.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(all[0]!.timestamp).toBeInstanceOf(Date);
    expect(JSON.parse(all[0]!.executionStartedEventDetails!.input!)).toMatchObject({ cohortId });
    expect(all[1]!.stateEnteredEventDetails?.name).toBe('AwaitCompanyApproval');
    expect(all[2]!.taskScheduledEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      region: 'us-east-1',
      timeoutInSeconds: THIRTY_DAYS,
    });
    expect(JSON.parse(all[5]!.taskSucceededEventDetails!.output!)).toEqual({ outcome: 'reject' });

    const pages: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new GetExecutionHistoryCommand({
          executionArn,
          maxResults: 5,
          reverseOrder: true,
          nextToken,
          includeExecutionData: false,
        }),
      );
      expect(page.events!.length).toBeLessThanOrEqual(5);
      pages.push(...page.events!);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(pages.map((event) => event.id)).toEqual(all.map((event) => event.id).reverse());
    expect(pages.at(-1)!.executionStartedEventDetails?.input).toBeUndefined();

    // Newest first; a status filter; pages of one.
    const second = await startFiling(`cohort-${ulid()}`);
    const listed = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: COHORT_FILING_ARN, maxResults: 1 }),
    );
    expect(listed.executions).toEqual([
      expect.objectContaining({
        executionArn: second,
        status: 'RUNNING',
        stateMachineArn: COHORT_FILING_ARN,
      }),
    ]);
    const next = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: COHORT_FILING_ARN,
        maxResults: 1,
        nextToken: listed.nextToken,
      }),
    );
    expect(next.executions?.[0]).toMatchObject({ executionArn, status: 'SUCCEEDED', name: cohortId });
    expect(next.executions?.[0]?.stopDate).toBeInstanceOf(Date);
    const succeeded = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: COHORT_FILING_ARN, statusFilter: 'SUCCEEDED' }),
    );
    expect(succeeded.executions?.every((execution) => execution.status === 'SUCCEEDED')).toBe(true);
    expect(succeeded.executions?.map((execution) => execution.executionArn)).toContain(executionArn);
    expect(succeeded.executions?.map((execution) => execution.executionArn)).not.toContain(second);

    const machines = await sfn.send(new ListStateMachinesCommand({}));
    expect(machines.stateMachines).toEqual([
      expect.objectContaining({
        stateMachineArn: COHORT_FILING_ARN,
        name: 'cohort-filing',
        type: 'STANDARD',
      }),
      expect.objectContaining({ stateMachineArn: CLOCK_PROBE_ARN, name: 'clock-probe' }),
      expect.objectContaining({ stateMachineArn: BUDGET_PROBE_ARN, name: 'budget-probe' }),
    ]);
  });

  it('does not fire a 30-day stage limit early (beyond setTimeout range), and fires it when due', async () => {
    const cohortId = `cohort-${ulid()}`;
    const executionArn = await startFiling(cohortId, THIRTY_DAYS);
    // Node would fire an overflowing timer after 1 ms: give it ample real time to misbehave.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await engine.idle();
    expect((await describe_(executionArn)).status).toBe('RUNNING');

    moveClockBy(29 * DAY_SECONDS);
    await engine.idle();
    expect(calls.checkExpiredReview.filter((call) => call.cohortId === cohortId)).toEqual([]);
    expect((await history(executionArn)).map((event) => event.type)).not.toContain('TaskTimedOut');

    moveClockBy(2 * DAY_SECONDS);
    await engine.idle();
    expect(calls.checkExpiredReview.filter((call) => call.cohortId === cohortId)).toHaveLength(1);
    expect((await describe_(executionArn)).status).toBe('SUCCEEDED');
  });
});

describe('local Step Functions engine: Wait states and heartbeats on the clock', () => {
  it('waits on the clock, not in real time, and expires a task whose heartbeat stops', async () => {
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: CLOCK_PROBE_ARN,
        input: JSON.stringify({ pauseSeconds: 7 * DAY_SECONDS }),
      }),
    );
    const executionArn = started.executionArn!;
    await engine.idle();
    const opened = calls.probeOpened.length;
    expect((await history(executionArn)).map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
    ]);

    moveClockBy(7 * DAY_SECONDS);
    await engine.idle();
    expect(calls.probeOpened).toHaveLength(opened + 1);
    const { taskToken } = calls.probeOpened.at(-1)!;

    // Heartbeats keep it alive past HeartbeatSeconds (60 s)...
    for (let beat = 0; beat < 3; beat += 1) {
      moveClockBy(45);
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken }));
      await engine.idle();
    }
    expect((await describe_(executionArn)).status).toBe('RUNNING');
    // ...and it expires once they stop.
    moveClockBy(61);
    await engine.idle();
    const done = await describe_(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({
      answer: 'expired',
      failure: { Error: 'States.Timeout' },
    });
  });
});

describe('local Step Functions engine: a callback sent by the function that got the token', () => {
  it('completes the task without waiting for the function to return first', async () => {
    probeAnswersItself = true;
    try {
      const started = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: CLOCK_PROBE_ARN,
          input: JSON.stringify({ pauseSeconds: 0 }),
        }),
      );
      await engine.idle();
      const done = await describe_(started.executionArn!);
      expect(done.status).toBe('SUCCEEDED');
      expect(JSON.parse(done.output!).answer).toBe('answered at once');
      const types = (await history(started.executionArn!)).map((event) => event.type);
      expect(types.slice(types.indexOf('TaskScheduled'))).toEqual([
        'TaskScheduled',
        'TaskStarted',
        'TaskSubmitted',
        'TaskSucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]);
    } finally {
      probeAnswersItself = false;
    }
  });
});

describe('local Step Functions engine: function results and errors', () => {
  it('wraps lambda:invoke results, retries on the clock, catches by error name', async () => {
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: BUDGET_PROBE_ARN,
        input: JSON.stringify({ mode: 'exhausted' }),
      }),
    );
    await engine.idle();
    // First attempt failed with BudgetBusy; the retry waits 600 s on the clock.
    expect(calls.reserveBudget.filter((call) => call.mode === 'exhausted')).toHaveLength(1);
    expect((await describe_(started.executionArn!)).status).toBe('RUNNING');

    moveClockBy(600);
    await engine.idle();
    const done = await describe_(started.executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({
      mode: 'exhausted',
      lookup: { policy: { subsidyPerHourFen: 1500, at: '1970-01-01T00:00:00.000Z' }, statusCode: 200 },
      failure: {
        Error: 'BudgetExhausted',
        Cause: JSON.stringify({ errorType: 'BudgetExhausted', errorMessage: 'the budget is not available' }),
      },
    });
    const types = (await history(started.executionArn!)).map((event) => event.type);
    expect(types).toContain('TaskSucceeded');
    expect(types.filter((type) => type === 'LambdaFunctionFailed')).toHaveLength(2);
  });

  it('times the execution out at the state machine TimeoutSeconds', async () => {
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: BUDGET_PROBE_ARN,
        input: JSON.stringify({ mode: 'busy' }),
      }),
    );
    await engine.idle();
    moveClockBy(DAY_SECONDS);
    await engine.idle();
    const done = await describe_(started.executionArn!);
    expect(done).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect((await history(started.executionArn!)).at(-1)?.type).toBe('ExecutionTimedOut');
  });
});

describe('local Step Functions engine: restart', () => {
  it('resumes a waiting execution in a new engine on the same table without re-opening its task', async () => {
    const tableName = `sfn-engine-restart-${ulid()}`;
    const cohortId = `cohort-${ulid()}`;
    const before = await startEngine(tableName);
    const started = await before.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: COHORT_FILING_ARN,
        name: cohortId,
        input: JSON.stringify({ cohortId, round: 1, stageTimeoutSeconds: THIRTY_DAYS }),
      }),
    );
    const executionArn = started.executionArn!;
    await before.engine.idle();
    await decide(cohortId, 'COMPANY_REVIEW', 'approve', before.sfn);
    await before.engine.idle();
    const school = latestReviewTask(cohortId, 'SCHOOL_REVIEW');
    expect(reviewTasksOpened(cohortId, 'SCHOOL_REVIEW')).toBe(1);
    const historyBefore = await history(executionArn, before.sfn);
    // A second execution is in a Wait state (between callbacks): it resumes from that state.
    const paused = await before.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: CLOCK_PROBE_ARN,
        input: JSON.stringify({ pauseSeconds: 5 * DAY_SECONDS }),
      }),
    );
    await before.engine.idle();
    moveClockBy(2 * DAY_SECONDS);
    await before.close();

    const after = await startEngine(tableName);
    try {
      expect(await after.engine.resumeWaiting()).toBe(2);
      await after.engine.idle();
      const probesOpened = calls.probeOpened.length;
      // The pause counts from when the Wait state was entered, not from the restart.
      moveClockBy(3 * DAY_SECONDS);
      await after.engine.idle();
      expect(calls.probeOpened).toHaveLength(probesOpened + 1);
      await after.sfn.send(
        new SendTaskSuccessCommand({ taskToken: calls.probeOpened.at(-1)!.taskToken, output: '"yes"' }),
      );
      await after.engine.idle();
      expect(JSON.parse((await describe_(paused.executionArn!, after.sfn)).output!)).toMatchObject({
        answer: 'yes',
      });

      await after.engine.idle();
      expect(reviewTasksOpened(cohortId, 'SCHOOL_REVIEW')).toBe(1);
      expect((await describe_(executionArn, after.sfn)).status).toBe('RUNNING');

      await after.sfn.send(
        new SendTaskSuccessCommand({
          taskToken: school.taskToken,
          output: JSON.stringify({ outcome: 'approve' }),
        }),
      );
      await after.engine.idle();
      await decide(cohortId, 'BUREAU_REVIEW', 'approve', after.sfn);
      await after.engine.idle();

      expect((await describe_(executionArn, after.sfn)).status).toBe('SUCCEEDED');
      expect(reviewTasksOpened(cohortId, 'SCHOOL_REVIEW')).toBe(1);
      expect(reviewTasksOpened(cohortId, 'BUREAU_REVIEW')).toBe(1);

      // One history across both processes: the resumed state is not entered twice.
      const events = await history(executionArn, after.sfn);
      expect(events.slice(0, historyBefore.length).map((event) => event.type)).toEqual(
        historyBefore.map((event) => event.type),
      );
      expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
      const entered = events.filter(
        (event) => event.stateEnteredEventDetails?.name === 'AwaitSchoolConfirmation',
      );
      expect(entered).toHaveLength(1);
      expect(events.filter((event) => event.type === 'ExecutionStarted')).toHaveLength(1);
      expect(await after.engine.resumeWaiting()).toBe(0);
    } finally {
      await after.close();
    }
  });
});
