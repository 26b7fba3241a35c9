import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

/**
 * Prepares an ASL definition for aws-local-stepfunctions without changing what it means.
 *
 * The library runs the states; the engine adds what it lacks. To do that it hands the library a
 * rewritten copy (the original is kept for history and `DescribeStateMachine`-like answers):
 *
 * - Top-level Task states get their Parameters wrapped in an envelope that also resolves
 *   `TimeoutSecondsPath` / `HeartbeatSecondsPath` against the state's input (the library would
 *   read them from the already-processed Parameters, where `$.stageTimeoutSeconds` is gone), and
 *   their time limits are removed: the engine enforces them on the shared clock. The library is
 *   left with the AWS default limit (99,999,999 s), which the timer overflow guard never fires.
 * - Wait states become Task states handled by the engine, so that they wait on the shared clock,
 *   not in real time. Their history still says `WaitStateEntered`.
 * - The state machine's own `TimeoutSeconds` is likewise enforced by the engine.
 */
export const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;

/** Resource of the Task states that stand in for Wait states in the library's copy. */
const CLOCK_WAIT_RESOURCE = 'arn:aws:states:::local:clock-wait';

export type TaskIntegration =
  /** `Resource` is the function's ARN: the function gets the input, its result is the task's. */
  | { kind: 'lambda-function'; resource: string; functionName: string }
  /** `arn:aws:states:::lambda:invoke`: `{FunctionName, Payload}` in, `{Payload, StatusCode}` out. */
  | { kind: 'lambda-invoke'; resource: string }
  /** `…lambda:invoke.waitForTaskToken`: the task's result is what `SendTaskSuccess` sends. */
  | { kind: 'lambda-invoke-callback'; resource: string };

export interface TaskStateSpec {
  name: string;
  topLevel: boolean;
  integration: TaskIntegration;
  hasParameters: boolean;
  timeoutSeconds?: number;
  timeoutSecondsPath?: string;
  heartbeatSeconds?: number;
  heartbeatSecondsPath?: string;
}

export interface WaitStateSpec {
  name: string;
  seconds?: number;
  timestamp?: string;
  hasSecondsPath: boolean;
  hasTimestampPath: boolean;
}

/** What a top-level Task handler receives from the library: the envelope built below. */
export interface TaskEnvelope {
  parameters?: unknown;
  input?: unknown;
  timeoutSeconds?: unknown;
  heartbeatSeconds?: unknown;
}

/** What a Wait stand-in receives. */
export interface WaitEnvelope {
  input: unknown;
  seconds?: unknown;
  timestamp?: unknown;
}

const validatedDefinitions = new Set<string>();

type AslState = Record<string, unknown> & { Type: string };
type AslStates = Record<string, AslState>;

export class PreparedStateMachine {
  readonly startAt: string;
  /** Type of every state, nested ones included (ASL state names are unique in a whole machine). */
  readonly stateTypes = new Map<string, string>();
  readonly topLevelStates: ReadonlySet<string>;
  readonly tasks = new Map<string, TaskStateSpec>();
  readonly waits = new Map<string, WaitStateSpec>();
  /**
   * Top-level Task states with a `Retry`: the library's real-time pause before a retry is zeroed
   * and the engine's handler waits on the clock instead. (Nested states keep the library's pause:
   * with Map iterations running side by side the engine could not tell whose retry it is.)
   */
  readonly clockRetriedStates: string[] = [];
  readonly executionTimeoutSeconds: number | undefined;
  readonly #runnable: Record<string, unknown>;
  readonly #machines = new Map<string, StateMachine>();

  constructor(
    readonly name: string,
    readonly arn: string,
    readonly definition: Record<string, unknown>,
  ) {
    const runnable = structuredClone(definition) as Record<string, unknown> & {
      States: AslStates;
      StartAt: string;
    };
    if (!runnable.States || typeof runnable.StartAt !== 'string') {
      throw new Error(`State machine ${name}: the definition has no States or StartAt`);
    }
    if (runnable.QueryLanguage === 'JSONata') {
      throw new Error(`State machine ${name}: JSONata is not supported by the local engine; use JSONPath`);
    }
    this.startAt = runnable.StartAt;
    this.topLevelStates = new Set(Object.keys(runnable.States));
    this.#prepareStates(runnable.States, true);
    if (typeof runnable.TimeoutSeconds === 'number') {
      this.executionTimeoutSeconds = runnable.TimeoutSeconds;
      delete runnable.TimeoutSeconds;
    }
    this.#runnable = runnable;
    this.#machines.set(this.startAt, this.#construct(this.startAt));
  }

  /** The library's state machine, starting at `stateName` (a resumed execution starts mid-way). */
  machineStartingAt(stateName: string): StateMachine {
    let machine = this.#machines.get(stateName);
    if (!machine) {
      if (!this.topLevelStates.has(stateName))
        throw new Error(`State machine ${this.name} has no state ${stateName}`);
      machine = this.#construct(stateName);
      this.#machines.set(stateName, machine);
    }
    return machine;
  }

  #construct(startAt: string): StateMachine {
    const definition = { ...this.#runnable, StartAt: startAt } as unknown as StateMachineDefinition;
    // Validated once per process as written (asl-validator takes ~0.5 s); a copy starting mid-way
    // may leave states unreachable, which is fine.
    const key = JSON.stringify(this.#runnable);
    const validate = startAt === this.startAt && !validatedDefinitions.has(key);
    const machine = new StateMachine(definition, {
      validationOptions: validate ? { checkArn: false, checkPaths: false } : { noValidate: true },
    });
    if (validate) validatedDefinitions.add(key);
    return machine;
  }

  #prepareStates(states: AslStates, topLevel: boolean): void {
    for (const [name, state] of Object.entries(states)) {
      if (this.stateTypes.has(name))
        throw new Error(`State machine ${this.name}: state name ${name} is used twice`);
      this.stateTypes.set(name, state.Type);
      if (topLevel && state.Type === 'Task' && Array.isArray(state.Retry) && state.Retry.length > 0) {
        this.clockRetriedStates.push(name);
      }
      switch (state.Type) {
        case 'Task':
          this.#prepareTask(name, state, topLevel);
          break;
        case 'Wait':
          states[name] = this.#prepareWait(name, state);
          break;
        case 'Parallel':
          for (const branch of (state.Branches as { States: AslStates }[] | undefined) ?? []) {
            this.#prepareStates(branch.States, false);
          }
          break;
        case 'Map': {
          const processor = (state.ItemProcessor ?? state.Iterator) as { States: AslStates } | undefined;
          if (processor) this.#prepareStates(processor.States, false);
          break;
        }
      }
    }
  }

  #prepareTask(name: string, state: AslState, topLevel: boolean): void {
    const integration = taskIntegration(name, state.Resource);
    if (integration.kind === 'lambda-invoke-callback' && !topLevel) {
      // A resumed execution re-runs its enclosing Parallel/Map from the start, so the callback
      // could not be re-attached after a restart (see architecture.md).
      throw new Error(
        `State machine ${this.name}: callback task ${name} is inside a Parallel or Map state; the local engine supports callback tasks at the top level only`,
      );
    }
    if (!topLevel) {
      // Nested tasks keep the library's own handling; only its 60 s default limit is lifted to AWS's.
      if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
        state.TimeoutSeconds = AWS_DEFAULT_TASK_TIMEOUT_SECONDS;
      }
      this.tasks.set(name, { name, topLevel, integration, hasParameters: 'Parameters' in state });
      return;
    }
    const spec: TaskStateSpec = { name, topLevel, integration, hasParameters: 'Parameters' in state };
    if (typeof state.TimeoutSeconds === 'number') spec.timeoutSeconds = state.TimeoutSeconds;
    if (typeof state.TimeoutSecondsPath === 'string') spec.timeoutSecondsPath = state.TimeoutSecondsPath;
    if (typeof state.HeartbeatSeconds === 'number') spec.heartbeatSeconds = state.HeartbeatSeconds;
    if (typeof state.HeartbeatSecondsPath === 'string')
      spec.heartbeatSecondsPath = state.HeartbeatSecondsPath;
    this.tasks.set(name, spec);

    const envelope: Record<string, unknown> = spec.hasParameters
      ? { parameters: state.Parameters }
      : { 'input.$': '$' };
    if (spec.timeoutSecondsPath) envelope['timeoutSeconds.$'] = spec.timeoutSecondsPath;
    if (spec.heartbeatSecondsPath) envelope['heartbeatSeconds.$'] = spec.heartbeatSecondsPath;
    state.Parameters = envelope;
    delete state.TimeoutSecondsPath;
    delete state.HeartbeatSeconds;
    delete state.HeartbeatSecondsPath;
    state.TimeoutSeconds = AWS_DEFAULT_TASK_TIMEOUT_SECONDS;
  }

  #prepareWait(name: string, state: AslState): AslState {
    const { Type: _type, Seconds, Timestamp, SecondsPath, TimestampPath, ...rest } = state;
    const spec: WaitStateSpec = {
      name,
      hasSecondsPath: typeof SecondsPath === 'string',
      hasTimestampPath: typeof TimestampPath === 'string',
    };
    if (typeof Seconds === 'number') spec.seconds = Seconds;
    if (typeof Timestamp === 'string') spec.timestamp = Timestamp;
    this.waits.set(name, spec);
    const parameters: Record<string, unknown> = { 'input.$': '$' };
    if (typeof SecondsPath === 'string') parameters['seconds.$'] = SecondsPath;
    if (typeof TimestampPath === 'string') parameters['timestamp.$'] = TimestampPath;
    // Same input and output as the Wait: the handler returns its (InputPath-filtered) input,
    // which becomes the whole result (no ResultPath), then OutputPath applies.
    return {
      ...rest,
      Type: 'Task',
      Resource: CLOCK_WAIT_RESOURCE,
      Parameters: parameters,
      TimeoutSeconds: AWS_DEFAULT_TASK_TIMEOUT_SECONDS,
    };
  }
}

const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/;
const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke$/;
const LAMBDA_INVOKE_CALLBACK = /^arn:aws[a-z-]*:states:::lambda:invoke\.waitForTaskToken$/;

function taskIntegration(stateName: string, resource: unknown): TaskIntegration {
  if (typeof resource === 'string') {
    const functionArn = LAMBDA_FUNCTION_ARN.exec(resource);
    if (functionArn?.[1]) return { kind: 'lambda-function', resource, functionName: functionArn[1] };
    if (LAMBDA_INVOKE.test(resource)) return { kind: 'lambda-invoke', resource };
    if (LAMBDA_INVOKE_CALLBACK.test(resource)) return { kind: 'lambda-invoke-callback', resource };
  }
  throw new Error(
    `State ${stateName}: resource ${String(resource)} is not supported by the local engine (Lambda ARNs, lambda:invoke and lambda:invoke.waitForTaskToken are)`,
  );
}

/** The function name in a `FunctionName` parameter: a name, a full or partial ARN, with or without a qualifier. */
export function functionNameOf(functionName: unknown): string {
  if (typeof functionName !== 'string' || functionName === '') {
    throw new Error('FunctionName is missing');
  }
  const match = /(?:^|:)function:([^:]+)/.exec(functionName);
  return match?.[1] ?? functionName;
}
