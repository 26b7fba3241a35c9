import { randomBytes, randomUUID } from 'node:crypto';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import { clock } from '../../../shared/adapters/clock.ts';
import type { ActivityMonitor } from './activity.ts';
import type { ClockTimers } from './clock-timers.ts';
import {
  functionNameOf,
  type PreparedStateMachine,
  type TaskEnvelope,
  type TaskStateSpec,
  type WaitEnvelope,
  type WaitStateSpec,
} from './definition.ts';
import { lambdaErrorCause, StepFunctionsError, stateError } from './errors.ts';
import type {
  CallbackOutcome,
  CallbackTaskRecord,
  EngineTable,
  ExecutionRecord,
  StoredHistoryEvent,
} from './store.ts';
import { runWithTimerOverflowGuard } from './timer-overflow-guard.ts';

/** What every run of this engine shares. */
export interface RunServices {
  table: EngineTable;
  timers: ClockTimers;
  activity: ActivityMonitor;
  invokeFunction: (functionName: string, payload: unknown) => Promise<unknown>;
  /** Callback tasks waiting in this process, by token. */
  openCallbacks: Map<string, CallbackWait>;
  region: string;
}

/** Where a resumed execution picks up after a restart. */
export interface ResumePoint {
  /** A top-level state, run again with its raw input. */
  stateName: string;
  rawInput: unknown;
  /** Its `StateEntered` event, already in the history (not written twice), and when it happened. */
  enteredEventId?: number;
  enteredAt?: string;
  /** The callback task to re-attach instead of calling its function again. */
  callbackTask?: CallbackTaskRecord;
  nextEventId: number;
}

type StopReason =
  | { kind: 'stopped'; error?: string; cause?: string }
  | { kind: 'timedOut' }
  /** The engine closed: leave everything as it is on the table, for the next process to resume. */
  | { kind: 'abandoned' };

/** The latest time a top-level state was entered (or retried), as the event log showed it. */
interface StateEntry {
  eventId: number;
  rawInput: unknown;
  /** On the shared clock; a resumed Wait state counts from here, not from the restart. */
  enteredAtMs: number;
  retry?: {
    intervalSeconds: number;
    maxDelaySeconds?: number;
    backoffRate: number;
    full: boolean;
    attempt: number;
  };
}

/** Thrown out of task handlers once the execution is stopped; the library has already let go. */
class ExecutionStopped extends Error {
  override name = 'ExecutionStopped';
}

const TASK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{64}$/;

/** Opaque and unguessable, like AWS's (which are long base64 strings). */
export function mintTaskToken(): string {
  return randomBytes(48).toString('base64url');
}

export function isWellFormedTaskToken(token: string): boolean {
  return TASK_TOKEN_PATTERN.test(token);
}

/**
 * A wait that counts as idle: a handler holds the engine busy while it works and lets go while
 * parked on the clock or a callback. Whoever settles the wait makes it busy again synchronously,
 * so `idle()` never sees a gap between "woken" and "running".
 */
class ParkedWait<T> {
  readonly promise: Promise<T>;
  #resolve!: (value: T) => void;
  #settled = false;
  #parked = false;

  constructor(private readonly activity: ActivityMonitor) {
    this.promise = new Promise<T>((resolve) => {
      this.#resolve = resolve;
    });
  }

  get settled(): boolean {
    return this.#settled;
  }

  park(): void {
    if (this.#settled || this.#parked) return;
    this.#parked = true;
    this.activity.end();
  }

  settle(value: T): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    if (this.#parked) {
      this.#parked = false;
      this.activity.begin();
    }
    this.#resolve(value);
    return true;
  }
}

/** A `.waitForTaskToken` task in this process, waiting for SendTaskSuccess/Failure or its time limits. */
export class CallbackWait {
  readonly outcome: ParkedWait<CallbackOutcome>;
  #closeWritten: Promise<void> | undefined;
  #cancelTimeout?: () => void;
  #cancelHeartbeat?: () => void;

  constructor(
    readonly record: CallbackTaskRecord,
    private readonly services: RunServices,
  ) {
    this.outcome = new ParkedWait(services.activity);
  }

  /**
   * SendTaskSuccess/Failure: settles the task and resolves once it is closed on the table. It does
   * not wait for the run to move on: the function that received the token may well be the caller,
   * and the run is still waiting for that function to return.
   */
  deliver(outcome: CallbackOutcome): Promise<void> {
    if (!this.outcome.settle(outcome)) {
      throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out: the task is already closed');
    }
    return this.writeClosed(outcome);
  }

  /** Closes the task on the table with its outcome, once (both the API call and the run ask). */
  writeClosed(outcome: CallbackOutcome): Promise<void> {
    this.#closeWritten ??= (() => {
      this.cancelTimers();
      Object.assign(this.record, { status: 'CLOSED', outcome, closedAt: clock.now().toISOString() });
      return this.services.table.putCallbackTask({ ...this.record });
    })();
    return this.#closeWritten;
  }

  /** SendTaskHeartbeat: moves the heartbeat deadline on. */
  async heartbeat(): Promise<void> {
    if (this.outcome.settled)
      throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out: the task is already closed');
    if (this.record.heartbeatSeconds === undefined) return;
    this.record.heartbeatAt = new Date(
      clock.now().getTime() + this.record.heartbeatSeconds * 1000,
    ).toISOString();
    this.#armHeartbeat();
    await this.services.table.putCallbackTask(this.record);
  }

  armTimers(): void {
    if (this.record.timeoutAt) {
      this.#cancelTimeout = this.services.timers.at(new Date(this.record.timeoutAt), () =>
        this.outcome.settle({
          kind: 'timedOut',
          cause: 'The task did not complete within its TimeoutSeconds',
        }),
      );
    }
    this.#armHeartbeat();
  }

  #armHeartbeat(): void {
    this.#cancelHeartbeat?.();
    if (!this.record.heartbeatAt) return;
    this.#cancelHeartbeat = this.services.timers.at(new Date(this.record.heartbeatAt), () =>
      this.outcome.settle({ kind: 'timedOut', cause: 'No heartbeat was sent within HeartbeatSeconds' }),
    );
  }

  cancelTimers(): void {
    this.#cancelTimeout?.();
    this.#cancelHeartbeat?.();
  }
}

/**
 * One execution being run by aws-local-stepfunctions in this process: it turns the library's
 * event log into the AWS history, handles every Task state (functions, callbacks, time limits) and
 * every Wait state on the shared clock, and writes the execution's progress to the engine table.
 */
export class ExecutionRun {
  /** Resolves when the execution has ended and its final status is written (or the engine let go). */
  readonly finished: Promise<void>;
  /** Resolves once a resumed callback task is re-attached (SendTaskSuccess can find its token). */
  readonly resumedCallbackAttached: Promise<void>;

  readonly #services: RunServices;
  readonly #resume: ResumePoint | undefined;
  readonly #tokenSentinel = `task-token-${randomUUID()}`;
  readonly #latestEntries = new Map<string, StateEntry>();
  /** Everything parked in this run that a stop must wake. */
  readonly #wakeOnStop = new Set<() => void>();
  #nextEventId: number;
  #skipResumedEntry: boolean;
  #resumedCallback: CallbackTaskRecord | undefined;
  #activeTopLevelState: string | undefined;
  #stop: StopReason | undefined;
  #finishing = false;
  #abortLibrary: () => void = () => {};
  #cancelExecutionTimeout: (() => void) | undefined;
  #markFinished!: () => void;
  #markResumedCallbackAttached!: () => void;

  constructor(
    readonly machine: PreparedStateMachine,
    readonly execution: ExecutionRecord,
    services: RunServices,
    resume?: ResumePoint,
  ) {
    this.#services = services;
    this.#resume = resume;
    this.#nextEventId = resume?.nextEventId ?? 1;
    this.#skipResumedEntry = resume?.enteredEventId !== undefined;
    this.#resumedCallback = resume?.callbackTask;
    this.finished = new Promise((resolve) => {
      this.#markFinished = resolve;
    });
    this.resumedCallbackAttached = new Promise((resolve) => {
      this.#markResumedCallbackAttached = resolve;
    });
    if (!this.#resumedCallback) this.#markResumedCallbackAttached();
  }

  start(): void {
    const startAt = this.#resume?.stateName ?? this.machine.startAt;
    const input = this.#resume ? this.#resume.rawInput : JSON.parse(this.execution.input);
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const spec of this.machine.tasks.values())
      handlers[spec.name] = (processed) => this.#runTask(spec, processed);
    for (const spec of this.machine.waits.values())
      handlers[spec.name] = (processed) => this.#runWait(spec, processed);
    const retryIntervalOverrides = Object.fromEntries(
      this.machine.clockRetriedStates.map((name) => [name, 0]),
    );

    const machine = this.machine.machineStartingAt(startAt);
    const run = runWithTimerOverflowGuard(() =>
      machine.run(input, {
        overrides: {
          taskResourceLocalHandlers: handlers as never,
          retryIntervalOverrides,
        },
        context: {
          Execution: {
            Id: this.execution.executionArn,
            Name: this.execution.name,
            StartTime: this.execution.startDate,
          },
          StateMachine: { Id: this.machine.arn, Name: this.machine.name },
          // Replaced by a freshly minted token in each callback task's parameters.
          Task: { Token: this.#tokenSentinel },
        },
        noThrowOnAbort: true,
      }),
    );
    this.#abortLibrary = run.abort;
    // The outcome is read from the event log; the result promise only must not go unhandled.
    run.result.catch(() => {});
    void this.#consume(run.eventLogs);

    if (this.execution.timeoutAt) {
      this.#cancelExecutionTimeout = this.#services.timers.at(new Date(this.execution.timeoutAt), () => {
        void this.stop({ kind: 'timedOut' });
      });
    }
  }

  /** StopExecution (or the state machine's own time limit): abort, close any waiting task, record. */
  stop(reason: Exclude<StopReason, { kind: 'abandoned' }>): Promise<void> {
    if (!this.#stop && !this.#finishing) {
      this.#stop = reason;
      this.#abortLibrary();
      for (const wake of [...this.#wakeOnStop]) wake();
    }
    return this.finished;
  }

  /** The engine is closing: stop running without writing anything, so a new engine can resume. */
  abandon(): void {
    if (this.#finishing) return;
    this.#stop = { kind: 'abandoned' };
    this.#finishing = true;
    this.#cancelExecutionTimeout?.();
    this.#abortLibrary();
    for (const wake of [...this.#wakeOnStop]) wake();
    this.#markResumedCallbackAttached();
    this.#markFinished();
  }

  get #abandoned(): boolean {
    return this.#stop?.kind === 'abandoned';
  }

  // ---------------------------------------------------------------------------------------------
  // The library's event log → AWS history, execution status

  async #consume(events: AsyncGenerator<LibraryEvent>): Promise<void> {
    try {
      // Synchronous per event: task handlers rely on the log being observed within a macrotask.
      for await (const event of events) this.#observe(event);
    } catch (error) {
      console.error(`[step-functions] reading the event log of ${this.execution.executionArn} failed`, error);
    }
  }

  #observe(event: LibraryEvent): void {
    if (this.#abandoned) return;
    switch (event.type) {
      case 'ExecutionStarted':
        // A resumed run has its ExecutionStarted already.
        if (this.#nextEventId === 1) {
          this.#emit('ExecutionStarted', {
            executionStartedEventDetails: { input: this.execution.input, inputDetails: { truncated: false } },
          });
        }
        return;
      case 'StateEntered': {
        const { name, input } = event.state;
        const topLevel = this.machine.topLevelStates.has(name);
        if (topLevel) this.#activeTopLevelState = name;
        if (topLevel && this.#skipResumedEntry && this.#resume?.enteredEventId !== undefined) {
          this.#skipResumedEntry = false;
          const enteredAtMs = this.#resume.enteredAt
            ? Date.parse(this.#resume.enteredAt)
            : clock.now().getTime();
          this.#latestEntries.set(name, {
            eventId: this.#resume.enteredEventId,
            rawInput: input,
            enteredAtMs,
          });
          return;
        }
        const id = this.#emit(this.#stateEventType(name, 'Entered'), {
          stateEnteredEventDetails: { name, input: json(input), inputDetails: { truncated: false } },
        });
        if (topLevel)
          this.#latestEntries.set(name, { eventId: id, rawInput: input, enteredAtMs: clock.now().getTime() });
        return;
      }
      case 'StateExited': {
        const { name, output } = event.state;
        if (this.#activeTopLevelState === name) this.#activeTopLevelState = undefined;
        this.#emit(this.#stateEventType(name, 'Exited'), {
          stateExitedEventDetails: { name, output: json(output), outputDetails: { truncated: false } },
        });
        return;
      }
      case 'StateRetried': {
        const entry = this.#latestEntries.get(event.state.name);
        if (!entry) return;
        const retrier = event.retry.retrier;
        entry.retry = {
          intervalSeconds: retrier.IntervalSeconds ?? 1,
          backoffRate: retrier.BackoffRate ?? 2,
          full: retrier.JitterStrategy === 'FULL',
          attempt: event.retry.attempt,
          ...(retrier.MaxDelaySeconds !== undefined ? { maxDelaySeconds: retrier.MaxDelaySeconds } : {}),
        };
        return;
      }
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const detailsKey = `${event.type[0]?.toLowerCase()}${event.type.slice(1)}EventDetails`;
        this.#emit(event.type, { [detailsKey]: { name: event.parentState.name, index: event.index } });
        return;
      }
      case 'ExecutionSucceeded':
        this.#finish({ status: 'SUCCEEDED', output: json(event.output) });
        return;
      case 'ExecutionFailed':
        this.#finish({ status: 'FAILED', error: event.Error, cause: causeText(event.Cause) });
        return;
      case 'ExecutionAborted':
      case 'ExecutionTimeout':
        if (this.#stop?.kind === 'timedOut' || event.type === 'ExecutionTimeout') {
          this.#finish({
            status: 'TIMED_OUT',
            error: 'States.Timeout',
            cause: 'The execution did not complete within the state machine TimeoutSeconds',
          });
        } else {
          const stop = this.#stop?.kind === 'stopped' ? this.#stop : undefined;
          this.#finish({ status: 'ABORTED', error: stop?.error, cause: stop?.cause });
        }
        return;
      default:
        // StateFailed/StateCaught and Parallel branch events have no counterpart in AWS's history.
        return;
    }
  }

  #stateEventType(stateName: string, phase: 'Entered' | 'Exited' | 'Aborted'): HistoryEventType {
    // The original type: a Wait state runs as a Task in the library but its history says Wait.
    return `${this.machine.stateTypes.get(stateName) ?? 'Task'}State${phase}` as HistoryEventType;
  }

  #finish(final: Pick<ExecutionRecord, 'status' | 'output' | 'error' | 'cause'>): void {
    if (this.#finishing) return;
    this.#finishing = true;
    this.#cancelExecutionTimeout?.();
    const active = this.#activeTopLevelState;
    const activeType = active ? this.machine.stateTypes.get(active) : undefined;
    if (final.status === 'ABORTED' || final.status === 'TIMED_OUT') {
      if (
        active &&
        (activeType === 'Task' || activeType === 'Wait' || activeType === 'Map' || activeType === 'Parallel')
      ) {
        this.#emit(this.#stateEventType(active, 'Aborted'), {});
      }
    }
    switch (final.status) {
      case 'SUCCEEDED':
        this.#emit('ExecutionSucceeded', {
          executionSucceededEventDetails: { output: final.output, outputDetails: { truncated: false } },
        });
        break;
      case 'FAILED':
        this.#emit('ExecutionFailed', {
          executionFailedEventDetails: { error: final.error, cause: final.cause },
        });
        break;
      case 'ABORTED':
        this.#emit('ExecutionAborted', {
          executionAbortedEventDetails: { error: final.error, cause: final.cause },
        });
        break;
      case 'TIMED_OUT':
        this.#emit('ExecutionTimedOut', {
          executionTimedOutEventDetails: { error: final.error, cause: final.cause },
        });
        break;
    }
    Object.assign(this.execution, final, { stopDate: clock.now().toISOString() });
    const { table } = this.#services;
    // In this order on the table: the final status first, then out of the running set.
    void Promise.allSettled([
      table.putExecution(this.execution),
      table.putExecutionListing(this.execution),
      table.deleteRunning(this.execution.executionArn),
    ]).then(() => {
      this.#markResumedCallbackAttached();
      this.#markFinished();
    });
  }

  #emit(type: HistoryEventType, details: Partial<HistoryEvent>): number {
    const id = this.#nextEventId++;
    if (this.#abandoned) return id;
    const event = {
      ...details,
      id,
      previousEventId: id - 1,
      timestamp: clock.now().toISOString(),
      type,
    } as StoredHistoryEvent;
    void this.#services.table.putHistoryEvent(this.execution.executionArn, event).catch(() => {});
    return id;
  }

  // ---------------------------------------------------------------------------------------------
  // Task and Wait states

  async #runTask(spec: TaskStateSpec, processed: unknown): Promise<unknown> {
    const { activity } = this.#services;
    activity.begin();
    try {
      // The library calls a handler right after logging StateEntered/StateRetried, before the
      // event log is read; after one macrotask this run has observed it (raw input, event id).
      await nextMacrotask();
      if (this.#stop) throw new ExecutionStopped();
      if (!spec.topLevel) return await this.#runFunctionTask(spec, processed, {});

      const entry = this.#latestEntries.get(spec.name);
      if (!entry) throw new Error(`No StateEntered event was observed for ${spec.name}`);
      if (entry.retry) {
        const retry = entry.retry;
        entry.retry = undefined;
        await this.#sleepUntil(new Date(clock.now().getTime() + retryDelayMs(retry)));
      }
      const envelope = processed as TaskEnvelope;
      const input = spec.hasParameters ? envelope.parameters : envelope.input;
      const timing = taskTiming(spec, envelope);
      if (spec.integration.kind === 'lambda-invoke-callback') {
        return await this.#runCallbackTask(spec, entry, input, timing);
      }
      return await this.#runFunctionTask(spec, input, timing);
    } finally {
      activity.end();
    }
  }

  /** A Lambda ARN or `lambda:invoke` task: call the function, within the task's time limit. */
  async #runFunctionTask(spec: TaskStateSpec, input: unknown, timing: TaskTiming): Promise<unknown> {
    const integration = spec.integration;
    const viaLambdaArn = integration.kind === 'lambda-function';
    const { functionName, payload } = viaLambdaArn
      ? { functionName: integration.functionName, payload: input }
      : invocationOf(input);
    if (viaLambdaArn) {
      this.#emit('LambdaFunctionScheduled', {
        lambdaFunctionScheduledEventDetails: {
          resource: integration.resource,
          input: json(payload),
          inputDetails: { truncated: false },
          ...(timing.timeoutSeconds ? { timeoutInSeconds: timing.timeoutSeconds } : {}),
        },
      });
      this.#emit('LambdaFunctionStarted', {});
    } else {
      this.#emit('TaskScheduled', {
        taskScheduledEventDetails: {
          resourceType: 'lambda',
          resource: 'invoke',
          region: this.#services.region,
          parameters: json(input),
          ...(timing.timeoutSeconds ? { timeoutInSeconds: timing.timeoutSeconds } : {}),
        },
      });
      this.#emit('TaskStarted', { taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } });
    }

    type Settled =
      | { kind: 'returned'; value: unknown }
      | { kind: 'threw'; error: unknown }
      | { kind: 'timedOut' }
      | { kind: 'stopped' };
    let settle!: (settled: Settled) => void;
    const settled = new Promise<Settled>((resolve) => {
      settle = resolve;
    });
    this.#services.invokeFunction(functionName, asJson(payload)).then(
      (value) => settle({ kind: 'returned', value }),
      (error: unknown) => settle({ kind: 'threw', error }),
    );
    const cancelTimeout = timing.timeoutSeconds
      ? this.#services.timers.at(new Date(clock.now().getTime() + timing.timeoutSeconds * 1000), () =>
          settle({ kind: 'timedOut' }),
        )
      : undefined;
    const wake = () => settle({ kind: 'stopped' });
    this.#wakeOnStop.add(wake);
    const outcome = await settled;
    cancelTimeout?.();
    this.#wakeOnStop.delete(wake);

    const resource = viaLambdaArn ? integration.resource : 'invoke';
    switch (outcome.kind) {
      case 'stopped':
        throw new ExecutionStopped();
      case 'returned': {
        const result = asJson(outcome.value);
        const output = viaLambdaArn
          ? result
          : { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 };
        if (viaLambdaArn) {
          this.#emit('LambdaFunctionSucceeded', {
            lambdaFunctionSucceededEventDetails: {
              output: json(output),
              outputDetails: { truncated: false },
            },
          });
        } else {
          this.#emit('TaskSucceeded', {
            taskSucceededEventDetails: {
              resourceType: 'lambda',
              resource,
              output: json(output),
              outputDetails: { truncated: false },
            },
          });
        }
        return output;
      }
      case 'threw': {
        const { error, cause } = lambdaErrorCause(outcome.error);
        if (viaLambdaArn)
          this.#emit('LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error, cause } });
        else
          this.#emit('TaskFailed', {
            taskFailedEventDetails: { resourceType: 'lambda', resource, error, cause },
          });
        throw stateError(error, cause);
      }
      case 'timedOut': {
        const error = 'States.Timeout';
        const cause = `The function did not return within ${timing.timeoutSeconds} seconds`;
        if (viaLambdaArn)
          this.#emit('LambdaFunctionTimedOut', { lambdaFunctionTimedOutEventDetails: { error, cause } });
        else
          this.#emit('TaskTimedOut', {
            taskTimedOutEventDetails: { resourceType: 'lambda', resource, error, cause },
          });
        throw stateError(error, cause);
      }
    }
  }

  /**
   * `lambda:invoke.waitForTaskToken`: mint a token (or re-attach the saved one after a restart),
   * record the waiting task, call the function once, then wait for SendTaskSuccess/Failure or a
   * time limit on the clock.
   */
  async #runCallbackTask(
    spec: TaskStateSpec,
    entry: StateEntry,
    input: unknown,
    timing: TaskTiming,
  ): Promise<unknown> {
    const { table, openCallbacks } = this.#services;
    const resumed = this.#takeResumedCallback(spec.name);
    const now = clock.now();
    const record: CallbackTaskRecord = resumed ?? {
      token: mintTaskToken(),
      executionArn: this.execution.executionArn,
      stateName: spec.name,
      rawInput: json(entry.rawInput),
      enteredEventId: entry.eventId,
      status: 'WAITING',
      functionInvoked: false,
      createdAt: now.toISOString(),
      ...(timing.timeoutSeconds
        ? { timeoutAt: new Date(now.getTime() + timing.timeoutSeconds * 1000).toISOString() }
        : {}),
      ...(timing.heartbeatSeconds
        ? {
            heartbeatSeconds: timing.heartbeatSeconds,
            heartbeatAt: new Date(now.getTime() + timing.heartbeatSeconds * 1000).toISOString(),
          }
        : {}),
    };
    // Decided before the restart: replay it (the decision must not be asked for twice).
    if (record.status === 'CLOSED' && record.outcome) {
      this.#markResumedCallbackAttached();
      return this.#callbackResult(record.outcome);
    }

    const parameters = replaceText(input, this.#tokenSentinel, record.token);
    const { functionName, payload } = invocationOf(parameters);
    const wait = new CallbackWait(record, this.#services);
    openCallbacks.set(record.token, wait);
    const wake = () => wait.outcome.settle({ kind: 'aborted' });
    this.#wakeOnStop.add(wake);
    if (resumed) {
      this.#markResumedCallbackAttached();
    } else {
      this.#emit('TaskScheduled', {
        taskScheduledEventDetails: {
          resourceType: 'lambda',
          resource: 'invoke.waitForTaskToken',
          region: this.#services.region,
          parameters: json(parameters),
          ...(timing.timeoutSeconds ? { timeoutInSeconds: timing.timeoutSeconds } : {}),
          ...(timing.heartbeatSeconds ? { heartbeatInSeconds: timing.heartbeatSeconds } : {}),
        },
      });
      this.#emit('TaskStarted', {
        taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' },
      });
      // On the table before the token leaves the engine: a restart can then re-attach it.
      await Promise.all([
        table.putCallbackTask(record),
        table.putRunning({ executionArn: this.execution.executionArn, currentToken: record.token }),
      ]);
    }
    wait.armTimers();

    if (!record.functionInvoked && !wait.outcome.settled) {
      try {
        const submitted = asJson(await this.#services.invokeFunction(functionName, asJson(payload)));
        record.functionInvoked = true;
        this.#emit('TaskSubmitted', {
          taskSubmittedEventDetails: {
            resourceType: 'lambda',
            resource: 'invoke.waitForTaskToken',
            output: json({ ExecutedVersion: '$LATEST', Payload: submitted, StatusCode: 200 }),
            outputDetails: { truncated: false },
          },
        });
        if (!wait.outcome.settled) void table.putCallbackTask(record).catch(() => {});
      } catch (error) {
        // The function that should hand out the token failed: so does the task.
        const failure = lambdaErrorCause(error);
        wait.outcome.settle({ kind: 'failed', error: failure.error, cause: failure.cause });
      }
    }

    wait.outcome.park();
    const outcome = await wait.outcome.promise;
    this.#wakeOnStop.delete(wake);
    openCallbacks.delete(record.token);
    if (this.#abandoned) {
      wait.cancelTimers();
      throw new ExecutionStopped();
    }

    const resource = 'invoke.waitForTaskToken';
    switch (outcome.kind) {
      case 'succeeded':
        this.#emit('TaskSucceeded', {
          taskSucceededEventDetails: {
            resourceType: 'lambda',
            resource,
            output: outcome.output,
            outputDetails: { truncated: false },
          },
        });
        break;
      case 'failed':
        this.#emit('TaskFailed', {
          taskFailedEventDetails: {
            resourceType: 'lambda',
            resource,
            error: outcome.error,
            cause: outcome.cause,
          },
        });
        break;
      case 'timedOut':
        this.#emit('TaskTimedOut', {
          taskTimedOutEventDetails: {
            resourceType: 'lambda',
            resource,
            error: 'States.Timeout',
            cause: outcome.cause,
          },
        });
        break;
      case 'aborted':
        break;
    }
    // Closed on the table before the run moves on: a restart must not re-open a decided task.
    await wait.writeClosed(outcome).catch(() => {});
    return this.#callbackResult(outcome);
  }

  #callbackResult(outcome: CallbackOutcome): unknown {
    switch (outcome.kind) {
      case 'succeeded':
        return JSON.parse(outcome.output);
      case 'failed':
        throw stateError(outcome.error, outcome.cause);
      case 'timedOut':
        // Heartbeat expiry too: the project's definitions catch `States.Timeout` for both.
        throw stateError('States.Timeout', outcome.cause);
      case 'aborted':
        throw new ExecutionStopped();
    }
  }

  #takeResumedCallback(stateName: string): CallbackTaskRecord | undefined {
    const resumed = this.#resumedCallback;
    if (!resumed || resumed.stateName !== stateName) return undefined;
    this.#resumedCallback = undefined;
    return resumed;
  }

  /** A Wait state, on the shared clock. */
  async #runWait(spec: WaitStateSpec, processed: unknown): Promise<unknown> {
    const { activity } = this.#services;
    activity.begin();
    try {
      const envelope = processed as WaitEnvelope;
      let startMs = clock.now().getTime();
      if (this.machine.topLevelStates.has(spec.name)) {
        // As for tasks: let the event log catch up, then count from when the state was entered.
        await nextMacrotask();
        startMs = this.#latestEntries.get(spec.name)?.enteredAtMs ?? startMs;
      }
      await this.#sleepUntil(waitDueAt(spec, envelope, startMs));
      if (this.#stop) throw new ExecutionStopped();
      return envelope.input;
    } finally {
      activity.end();
    }
  }

  async #sleepUntil(dueAt: Date): Promise<void> {
    const wait = new ParkedWait<void>(this.#services.activity);
    const cancel = this.#services.timers.at(dueAt, () => wait.settle());
    const wake = () => wait.settle();
    this.#wakeOnStop.add(wake);
    wait.park();
    await wait.promise;
    cancel();
    this.#wakeOnStop.delete(wake);
    if (this.#stop) throw new ExecutionStopped();
  }
}

// -----------------------------------------------------------------------------------------------

interface TaskTiming {
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

function taskTiming(spec: TaskStateSpec, envelope: TaskEnvelope): TaskTiming {
  const timing: TaskTiming = {};
  const timeoutSeconds =
    spec.timeoutSeconds ??
    (spec.timeoutSecondsPath ? positiveInteger(envelope.timeoutSeconds, 'TimeoutSecondsPath') : undefined);
  const heartbeatSeconds =
    spec.heartbeatSeconds ??
    (spec.heartbeatSecondsPath
      ? positiveInteger(envelope.heartbeatSeconds, 'HeartbeatSecondsPath')
      : undefined);
  if (timeoutSeconds !== undefined) timing.timeoutSeconds = timeoutSeconds;
  if (heartbeatSeconds !== undefined) timing.heartbeatSeconds = heartbeatSeconds;
  return timing;
}

function positiveInteger(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  throw stateError('States.Runtime', `${field} resolved to ${JSON.stringify(value)}, not a positive integer`);
}

function waitDueAt(spec: WaitStateSpec, envelope: WaitEnvelope, startMs: number): Date {
  if (spec.seconds !== undefined) return new Date(startMs + spec.seconds * 1000);
  if (spec.timestamp !== undefined) return new Date(spec.timestamp);
  if (spec.hasSecondsPath) {
    const seconds = envelope.seconds;
    if (typeof seconds === 'number' && Number.isInteger(seconds) && seconds >= 0)
      return new Date(startMs + seconds * 1000);
    throw stateError(
      'States.Runtime',
      `SecondsPath resolved to ${JSON.stringify(seconds)}, not a non-negative integer`,
    );
  }
  const timestamp = envelope.timestamp;
  if (typeof timestamp === 'string' && !Number.isNaN(Date.parse(timestamp))) return new Date(timestamp);
  throw stateError(
    'States.Runtime',
    `TimestampPath resolved to ${JSON.stringify(timestamp)}, not a timestamp`,
  );
}

function retryDelayMs(retry: NonNullable<StateEntry['retry']>): number {
  let seconds = retry.intervalSeconds * retry.backoffRate ** Math.max(0, retry.attempt - 1);
  if (retry.maxDelaySeconds !== undefined) seconds = Math.min(seconds, retry.maxDelaySeconds);
  const ms = seconds * 1000;
  return retry.full ? Math.random() * ms : ms;
}

/** `{FunctionName, Payload}` of a `lambda:invoke` task. */
function invocationOf(parameters: unknown): { functionName: string; payload: unknown } {
  const { FunctionName, Payload } = (parameters ?? {}) as { FunctionName?: unknown; Payload?: unknown };
  try {
    return { functionName: functionNameOf(FunctionName), payload: Payload ?? {} };
  } catch (error) {
    throw stateError('States.Runtime', (error as Error).message);
  }
}

/** What crosses the Lambda boundary is JSON (a Date becomes a string, undefined becomes null). */
function asJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

function json(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}

function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return json(cause);
}

function replaceText(value: unknown, search: string, replacement: string): unknown {
  if (typeof value === 'string') return value.replaceAll(search, replacement);
  if (Array.isArray(value)) return value.map((item) => replaceText(item, search, replacement));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, replaceText(item, search, replacement)]),
    );
  }
  return value;
}

/** The library's event log entries this engine reads (a subset of its `EventLog` union). */
type LibraryState = { name: string; type: string; input: unknown; output?: unknown };
type LibraryEvent =
  | { type: 'ExecutionStarted'; timestamp: number; input: unknown }
  | { type: 'ExecutionSucceeded'; timestamp: number; output: unknown }
  | { type: 'ExecutionFailed'; timestamp: number; Error: string; Cause: unknown }
  | { type: 'ExecutionAborted' | 'ExecutionTimeout'; timestamp: number }
  | {
      type: 'StateEntered' | 'StateExited' | 'StateFailed' | 'StateCaught';
      timestamp: number;
      state: LibraryState;
      index?: number;
    }
  | {
      type: 'StateRetried';
      timestamp: number;
      state: LibraryState;
      retry: {
        retrier: {
          IntervalSeconds?: number;
          BackoffRate?: number;
          MaxDelaySeconds?: number;
          JitterStrategy?: string;
        };
        attempt: number;
      };
    }
  | {
      type: 'MapIterationStarted' | 'MapIterationSucceeded' | 'MapIterationFailed';
      timestamp: number;
      index: number;
      parentState: LibraryState;
    }
  | { type: 'ParallelBranchStarted' | 'ParallelBranchSucceeded' | 'ParallelBranchFailed'; timestamp: number };
