import type {
  DescribeExecutionInput,
  DescribeExecutionOutput,
  ExecutionListItem,
  GetExecutionHistoryInput,
  GetExecutionHistoryOutput,
  HistoryEvent,
  ListExecutionsInput,
  ListExecutionsOutput,
  ListStateMachinesInput,
  ListStateMachinesOutput,
  SendTaskFailureInput,
  SendTaskHeartbeatInput,
  SendTaskSuccessInput,
  StartExecutionInput,
  StartExecutionOutput,
  StopExecutionInput,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import { ulid } from 'ulid';
import { clock } from '../../../shared/adapters/clock.ts';
import { ActivityMonitor } from './activity.ts';
import type { LocalStepFunctions, LocalStepFunctionsOptions } from './api.ts';
import { ClockTimers } from './clock-timers.ts';
import { PreparedStateMachine } from './definition.ts';
import { StepFunctionsError } from './errors.ts';
import {
  type CallbackWait,
  ExecutionRun,
  isWellFormedTaskToken,
  type ResumePoint,
  type RunServices,
} from './execution-run.ts';
import { EngineTable, type ExecutionRecord, type StoredHistoryEvent } from './store.ts';

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:([^:]+):([^:]+)$/;
/** AWS's rule for execution names: 1–80 characters, no whitespace, brackets, wildcards or punctuation it reserves. */
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;
const EXECUTION_STATUSES: readonly string[] = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
];
const MAX_INPUT_BYTES = 256 * 1024;

/**
 * The embedded Step Functions: aws-local-stepfunctions runs each execution's states; this engine
 * gives executions their AWS identity and API (start, callbacks, describe, stop, history, lists),
 * keeps them on a DynamoDB table, and resumes them after a restart.
 */
export class LocalStepFunctionsEngine implements LocalStepFunctions {
  readonly #table: EngineTable;
  readonly #timers = new ClockTimers();
  readonly #activity: ActivityMonitor;
  readonly #machines = new Map<string, { prepared: PreparedStateMachine; creationDate: Date }>();
  readonly #runs = new Map<string, ExecutionRun>();
  readonly #openCallbacks = new Map<string, CallbackWait>();
  /** Resumes in progress, by execution ARN, so one execution is never resumed twice. */
  readonly #resuming = new Map<string, Promise<void>>();
  readonly #services: RunServices;
  #closed = false;

  private constructor(options: LocalStepFunctionsOptions, activity: ActivityMonitor, table: EngineTable) {
    this.#activity = activity;
    this.#table = table;
    this.#services = {
      table,
      timers: this.#timers,
      activity,
      invokeFunction: options.invokeFunction,
      openCallbacks: this.#openCallbacks,
      region: options.region ?? 'us-east-1',
    };
  }

  static async create(options: LocalStepFunctionsOptions): Promise<LocalStepFunctionsEngine> {
    // Definitions first: an unsupported one fails before anything touches the table.
    const prepared = options.stateMachines.map(
      (machine) => new PreparedStateMachine(machine.name, machine.arn, machine.definition),
    );
    const activity = new ActivityMonitor();
    const table = new EngineTable(options.dynamodb, options.tableName, activity);
    await table.ensureExists();
    const engine = new LocalStepFunctionsEngine(options, activity, table);
    for (const machine of prepared) {
      const creationDate = await table.registerStateMachine(machine.arn, machine.name, clock.now());
      engine.#machines.set(machine.arn, { prepared: machine, creationDate });
    }
    return engine;
  }

  async startExecution(input: StartExecutionInput): Promise<StartExecutionOutput> {
    this.#assertOpen();
    const stateMachineArn = requireString(input.stateMachineArn, 'stateMachineArn');
    const machine = this.#machine(stateMachineArn).prepared;
    const name = input.name ?? ulid();
    if (!EXECUTION_NAME.test(name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    const executionInput = input.input ?? '{}';
    if (Buffer.byteLength(executionInput) > MAX_INPUT_BYTES) {
      throw new StepFunctionsError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: larger than 256 KiB',
      );
    }
    try {
      JSON.parse(executionInput);
    } catch {
      throw new StepFunctionsError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: not JSON',
      );
    }

    const startDate = clock.now();
    const execution: ExecutionRecord = {
      executionArn: executionArnOf(stateMachineArn, name),
      stateMachineArn,
      name,
      status: 'RUNNING',
      input: executionInput,
      startDate: startDate.toISOString(),
      ...(machine.executionTimeoutSeconds
        ? { timeoutAt: new Date(startDate.getTime() + machine.executionTimeoutSeconds * 1000).toISOString() }
        : {}),
    };
    return this.#activity.during(async () => {
      if (!(await this.#table.createExecution(execution))) {
        // AWS: the same name and input while it runs is the same request again; otherwise a conflict.
        const existing =
          this.#runs.get(execution.executionArn)?.execution ??
          (await this.#table.getExecution(execution.executionArn));
        if (existing && existing.status === 'RUNNING' && sameJson(existing.input, executionInput)) {
          return { executionArn: existing.executionArn, startDate: new Date(existing.startDate) };
        }
        throw new StepFunctionsError(
          'ExecutionAlreadyExists',
          `Execution Already Exists: '${execution.executionArn}'`,
        );
      }
      // Listed and marked running before it runs: a crash from here on is resumed.
      await Promise.all([
        this.#table.putExecutionListing(execution),
        this.#table.putRunning({ executionArn: execution.executionArn }),
      ]);
      this.#startRun(machine, execution);
      return { executionArn: execution.executionArn, startDate };
    });
  }

  async sendTaskSuccess(input: SendTaskSuccessInput): Promise<Record<string, never>> {
    const taskToken = this.#requireToken(input.taskToken);
    const output = requireString(input.output, 'output');
    try {
      JSON.parse(output);
    } catch {
      throw new StepFunctionsError('InvalidOutput', 'Invalid Output: not JSON');
    }
    const wait = await this.#openCallback(taskToken);
    await wait.deliver({ kind: 'succeeded', output });
    return {};
  }

  async sendTaskFailure(input: SendTaskFailureInput): Promise<Record<string, never>> {
    const taskToken = this.#requireToken(input.taskToken);
    const wait = await this.#openCallback(taskToken);
    await wait.deliver({ kind: 'failed', error: input.error ?? '', cause: input.cause ?? '' });
    return {};
  }

  async sendTaskHeartbeat(input: SendTaskHeartbeatInput): Promise<Record<string, never>> {
    const taskToken = this.#requireToken(input.taskToken);
    const wait = await this.#openCallback(taskToken);
    await wait.heartbeat();
    return {};
  }

  async describeExecution(input: DescribeExecutionInput): Promise<DescribeExecutionOutput> {
    const execution = await this.#execution(input.executionArn);
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: new Date(execution.startDate),
      ...(execution.stopDate ? { stopDate: new Date(execution.stopDate) } : {}),
      input: execution.input,
      inputDetails: { included: true },
      ...(execution.output !== undefined
        ? { output: execution.output, outputDetails: { included: true } }
        : {}),
      ...(execution.error !== undefined ? { error: execution.error } : {}),
      ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
    };
  }

  async stopExecution(input: StopExecutionInput): Promise<StopExecutionOutput> {
    this.#assertOpen();
    const executionArn = this.#requireExecutionArn(input.executionArn);
    const reason = {
      kind: 'stopped' as const,
      ...(input.error !== undefined ? { error: input.error } : {}),
      ...(input.cause !== undefined ? { cause: input.cause } : {}),
    };
    await this.#resuming.get(executionArn);
    const run = this.#runs.get(executionArn);
    if (run) {
      await run.stop(reason);
      return { stopDate: new Date(run.execution.stopDate ?? clock.now()) };
    }
    const execution = await this.#table.getExecution(executionArn);
    if (!execution) throw executionDoesNotExist(executionArn);
    // Already ended: nothing to stop (AWS answers with success too).
    if (execution.status !== 'RUNNING')
      return { stopDate: new Date(execution.stopDate ?? execution.startDate) };
    await this.#activity.during(() => this.#stopWithoutRunning(execution, reason));
    return { stopDate: new Date(execution.stopDate ?? clock.now()) };
  }

  async getExecutionHistory(input: GetExecutionHistoryInput): Promise<GetExecutionHistoryOutput> {
    const executionArn = this.#requireExecutionArn(input.executionArn);
    await this.#execution(executionArn);
    await this.#table.writer.flushed();
    const page = await this.#table.queryHistory(executionArn, {
      limit: pageSize(input.maxResults),
      newestFirst: input.reverseOrder === true,
      startKey: decodePageToken(input.nextToken, `EXEC#${executionArn}`),
    });
    const includeData = input.includeExecutionData !== false;
    return {
      events: page.events.map((event) => toHistoryEvent(event, includeData)),
      ...(page.lastKey ? { nextToken: encodePageToken(page.lastKey) } : {}),
    };
  }

  async listExecutions(input: ListExecutionsInput): Promise<ListExecutionsOutput> {
    const stateMachineArn = requireString(input.stateMachineArn, 'stateMachineArn');
    this.#machine(stateMachineArn);
    if (input.statusFilter !== undefined && !EXECUTION_STATUSES.includes(input.statusFilter)) {
      throw new StepFunctionsError(
        'ValidationException',
        `statusFilter must be one of ${EXECUTION_STATUSES.join(', ')}`,
      );
    }
    await this.#table.writer.flushed();
    const page = await this.#table.queryExecutionListings(stateMachineArn, {
      limit: pageSize(input.maxResults),
      ...(input.statusFilter ? { status: input.statusFilter } : {}),
      startKey: decodePageToken(input.nextToken, `SM#${stateMachineArn}`),
    });
    return {
      executions: page.executions.map(
        (execution): ExecutionListItem => ({
          executionArn: execution.executionArn,
          stateMachineArn: execution.stateMachineArn,
          name: execution.name,
          status: execution.status,
          startDate: new Date(execution.startDate),
          ...(execution.stopDate ? { stopDate: new Date(execution.stopDate) } : {}),
        }),
      ),
      ...(page.lastKey ? { nextToken: encodePageToken(page.lastKey) } : {}),
    };
  }

  async listStateMachines(input: ListStateMachinesInput = {}): Promise<ListStateMachinesOutput> {
    const all = [...this.#machines.values()];
    const start = input.nextToken ? Number(decodePageToken(input.nextToken, 'STATE_MACHINES')?.sk) : 0;
    const end = start + pageSize(input.maxResults);
    return {
      stateMachines: all.slice(start, end).map(({ prepared, creationDate }) => ({
        stateMachineArn: prepared.arn,
        name: prepared.name,
        type: 'STANDARD',
        creationDate,
      })),
      ...(end < all.length ? { nextToken: encodePageToken({ pk: 'STATE_MACHINES', sk: String(end) }) } : {}),
    };
  }

  async resumeWaiting(): Promise<number> {
    this.#assertOpen();
    const running = await this.#table.listRunning();
    let resumed = 0;
    for (const { executionArn } of running) {
      if (this.#runs.has(executionArn)) continue;
      if (await this.#resumeExecution(executionArn)) resumed += 1;
    }
    return resumed;
  }

  idle(): Promise<void> {
    return this.#activity.idle();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled(this.#resuming.values());
    await this.#table.writer.flushed();
    for (const run of this.#runs.values()) run.abandon();
    this.#runs.clear();
    this.#openCallbacks.clear();
    this.#timers.close();
    this.#table.writer.close();
  }

  // ---------------------------------------------------------------------------------------------

  #startRun(machine: PreparedStateMachine, execution: ExecutionRecord, resume?: ResumePoint): ExecutionRun {
    const run = new ExecutionRun(machine, execution, this.#services, resume);
    this.#runs.set(execution.executionArn, run);
    void run.finished.then(() => {
      if (this.#runs.get(execution.executionArn) === run) this.#runs.delete(execution.executionArn);
    });
    run.start();
    return run;
  }

  #resumeExecution(executionArn: string): Promise<boolean> {
    const inProgress = this.#resuming.get(executionArn);
    if (inProgress) return inProgress.then(() => false);
    const resume = this.#activity.during(async () => {
      if (this.#runs.has(executionArn)) return false;
      const execution = await this.#table.getExecution(executionArn);
      if (execution?.status !== 'RUNNING') {
        // Ended just before a crash, while still listed as running.
        await this.#table.deleteRunning(executionArn);
        return false;
      }
      const machine = this.#machines.get(execution.stateMachineArn)?.prepared;
      if (!machine) {
        console.warn(
          `[step-functions] not resuming ${executionArn}: state machine ${execution.stateMachineArn} is not loaded`,
        );
        return false;
      }
      const point = await this.#resumePoint(machine, execution);
      if (!machine.topLevelStates.has(point.stateName)) {
        console.warn(
          `[step-functions] not resuming ${executionArn}: the definition no longer has state ${point.stateName}`,
        );
        return false;
      }
      const run = this.#startRun(machine, execution, point);
      await run.resumedCallbackAttached;
      return true;
    });
    const settled = resume.then(
      () => undefined,
      () => undefined,
    );
    this.#resuming.set(executionArn, settled);
    void settled.then(() => this.#resuming.delete(executionArn));
    return resume;
  }

  /**
   * Where a running execution continues in a new process:
   * - waiting on a callback task: that task's state, with its saved raw input, token and deadlines
   *   (its function is not called again);
   * - its latest callback task closed but the next state not yet entered: that state again, the
   *   recorded outcome replayed (a decision is never asked for twice);
   * - otherwise (the process stopped between states): the last state entered, with the raw input
   *   its StateEntered event shows — the state runs again, as a retried AWS state would;
   * - nothing entered yet: the start, with the execution's input.
   */
  async #resumePoint(machine: PreparedStateMachine, execution: ExecutionRecord): Promise<ResumePoint> {
    const executionArn = execution.executionArn;
    const [latestEvent] = (await this.#table.queryHistory(executionArn, { limit: 1, newestFirst: true }))
      .events;
    const nextEventId = (latestEvent?.id ?? 0) + 1;
    const latestEntered = await this.#table.findLatestEvent(
      executionArn,
      (event) =>
        String(event.type).endsWith('StateEntered') &&
        machine.topLevelStates.has(event.stateEnteredEventDetails?.name ?? ''),
    );
    const running = await this.#table.getRunning(executionArn);
    const task = running?.currentToken ? await this.#table.getCallbackTask(running.currentToken) : undefined;
    if (
      task &&
      (task.status === 'WAITING' ||
        (task.outcome && task.outcome.kind !== 'aborted' && latestEntered?.id === task.enteredEventId))
    ) {
      return {
        stateName: task.stateName,
        rawInput: JSON.parse(task.rawInput),
        enteredEventId: task.enteredEventId,
        ...(latestEntered?.id === task.enteredEventId ? { enteredAt: latestEntered.timestamp } : {}),
        callbackTask: task,
        nextEventId,
      };
    }
    const entered = latestEntered?.stateEnteredEventDetails;
    if (latestEntered && entered?.name) {
      return {
        stateName: entered.name,
        rawInput: JSON.parse(entered.input ?? 'null'),
        enteredEventId: latestEntered.id,
        enteredAt: latestEntered.timestamp,
        nextEventId,
      };
    }
    return { stateName: machine.startAt, rawInput: JSON.parse(execution.input), nextEventId };
  }

  /** StopExecution for an execution left running by another process and not resumed here. */
  async #stopWithoutRunning(
    execution: ExecutionRecord,
    reason: { error?: string; cause?: string },
  ): Promise<void> {
    const executionArn = execution.executionArn;
    const [latestEvent] = (await this.#table.queryHistory(executionArn, { limit: 1, newestFirst: true }))
      .events;
    const now = clock.now();
    const id = (latestEvent?.id ?? 0) + 1;
    Object.assign(execution, { status: 'ABORTED', stopDate: now.toISOString(), ...reason });
    const running = await this.#table.getRunning(executionArn);
    const task = running?.currentToken ? await this.#table.getCallbackTask(running.currentToken) : undefined;
    const writes = [
      this.#table.putHistoryEvent(executionArn, {
        id,
        previousEventId: id - 1,
        timestamp: now.toISOString(),
        type: 'ExecutionAborted',
        executionAbortedEventDetails: reason,
      }),
      this.#table.putExecution(execution),
      this.#table.putExecutionListing(execution),
    ];
    if (task?.status === 'WAITING') {
      writes.push(
        this.#table.putCallbackTask({
          ...task,
          status: 'CLOSED',
          outcome: { kind: 'aborted' },
          closedAt: now.toISOString(),
        }),
      );
    }
    writes.push(this.#table.deleteRunning(executionArn));
    await Promise.all(writes);
  }

  /**
   * The open callback task for a token. Unknown tokens answer TaskDoesNotExist, closed ones
   * TaskTimedOut (as AWS does for a task that already ended). A task still waiting on the table
   * but not in this process (resumeWaiting not called yet) is resumed first.
   */
  async #openCallback(taskToken: string): Promise<CallbackWait> {
    this.#assertOpen();
    const open = this.#openCallbacks.get(taskToken);
    if (open) return open;
    const task = await this.#table.getCallbackTask(taskToken);
    if (!task) throw new StepFunctionsError('TaskDoesNotExist', 'Task Does Not Exist');
    if (task.status === 'WAITING') {
      if (!this.#runs.has(task.executionArn)) await this.#resumeExecution(task.executionArn);
      else await this.#resuming.get(task.executionArn);
      const resumed = this.#openCallbacks.get(taskToken);
      if (resumed) return resumed;
    }
    throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out: the task is already closed');
  }

  async #execution(executionArnInput: string | undefined): Promise<ExecutionRecord> {
    const executionArn = this.#requireExecutionArn(executionArnInput);
    const execution =
      this.#runs.get(executionArn)?.execution ?? (await this.#table.getExecution(executionArn));
    if (!execution) throw executionDoesNotExist(executionArn);
    return execution;
  }

  #machine(stateMachineArn: string): { prepared: PreparedStateMachine; creationDate: Date } {
    if (!STATE_MACHINE_ARN.test(stateMachineArn)) {
      throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${stateMachineArn}'`);
    }
    const machine = this.#machines.get(stateMachineArn);
    if (!machine) {
      throw new StepFunctionsError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${stateMachineArn}'`,
      );
    }
    return machine;
  }

  #requireExecutionArn(value: string | undefined): string {
    const executionArn = requireString(value, 'executionArn');
    if (!EXECUTION_ARN.test(executionArn))
      throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${executionArn}'`);
    return executionArn;
  }

  #requireToken(value: string | undefined): string {
    const taskToken = requireString(value, 'taskToken');
    if (!isWellFormedTaskToken(taskToken)) throw new StepFunctionsError('InvalidToken', 'Invalid Token');
    return taskToken;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('The local Step Functions engine is closed');
  }
}

/** `arn:aws:states:<region>:<account>:execution:<stateMachineName>:<executionName>`. */
function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

function executionDoesNotExist(executionArn: string): StepFunctionsError {
  return new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new StepFunctionsError(
      'ValidationException',
      `1 validation error detected: '${field}' must not be null`,
    );
  }
  return value;
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return a === b;
  }
}

/** AWS: 0 or absent means the default page of 100; at most 1000. */
function pageSize(maxResults: number | undefined): number {
  if (maxResults === undefined || maxResults === 0) return 100;
  if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > 1000) {
    throw new StepFunctionsError('ValidationException', 'maxResults must be between 0 and 1000');
  }
  return maxResults;
}

function encodePageToken(key: { pk: string; sk: string }): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Opaque page tokens; one minted for another list (or tampered with) answers InvalidToken, as AWS does. */
function decodePageToken(
  token: string | undefined,
  expectedPk: string,
): { pk: string; sk: string } | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      pk?: unknown;
      sk?: unknown;
    };
    if (key.pk === expectedPk && typeof key.sk === 'string') return { pk: key.pk, sk: key.sk };
  } catch {
    // fall through
  }
  throw new StepFunctionsError('InvalidToken', 'Invalid Token: nextToken');
}

function toHistoryEvent(stored: StoredHistoryEvent, includeData: boolean): HistoryEvent {
  const event: Record<string, unknown> = { ...stored, timestamp: new Date(stored.timestamp) };
  if (!includeData) {
    for (const [key, details] of Object.entries(event)) {
      if (!key.endsWith('EventDetails') || !details || typeof details !== 'object') continue;
      const {
        input: _input,
        output: _output,
        inputDetails: _inputDetails,
        outputDetails: _outputDetails,
        ...rest
      } = details as Record<string, unknown>;
      event[key] = rest;
    }
  }
  return event as unknown as HistoryEvent;
}
