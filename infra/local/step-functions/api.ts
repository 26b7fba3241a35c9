import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  DescribeExecutionInput,
  DescribeExecutionOutput,
  GetExecutionHistoryInput,
  GetExecutionHistoryOutput,
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

export interface LocalStepFunctionsOptions {
  /** Pointed at DynamoDB Local. */
  dynamodb: DynamoDBClient;
  /** The engine's own table (created if missing: pk/sk strings, on demand); not the app table. */
  tableName: string;
  stateMachines: { name: string; arn: string; definition: Record<string, unknown> }[];
  /**
   * Runs a Lambda function by name (the part after `function:` in the ARN) with the payload;
   * resolves its result; rejects with an Error whose `name` is the error type.
   */
  invokeFunction: (functionName: string, payload: unknown) => Promise<unknown>;
  /** Region in history details (`TaskScheduled.region`); defaults to us-east-1. */
  region?: string;
}

/**
 * The Step Functions API as the project uses it, with the request and response shapes of
 * `@aws-sdk/client-sfn` (dates as `Date`; the HTTP endpoint turns them into epoch seconds).
 * Failures are `StepFunctionsError`s named like AWS's (`TaskDoesNotExist`, …).
 */
export interface LocalStepFunctions {
  startExecution(input: StartExecutionInput): Promise<StartExecutionOutput>;
  sendTaskSuccess(input: SendTaskSuccessInput): Promise<Record<string, never>>;
  sendTaskFailure(input: SendTaskFailureInput): Promise<Record<string, never>>;
  sendTaskHeartbeat(input: SendTaskHeartbeatInput): Promise<Record<string, never>>;
  describeExecution(input: DescribeExecutionInput): Promise<DescribeExecutionOutput>;
  stopExecution(input: StopExecutionInput): Promise<StopExecutionOutput>;
  getExecutionHistory(input: GetExecutionHistoryInput): Promise<GetExecutionHistoryOutput>;
  listExecutions(input: ListExecutionsInput): Promise<ListExecutionsOutput>;
  listStateMachines(input?: ListStateMachinesInput): Promise<ListStateMachinesOutput>;
  /**
   * Picks up every execution a previous process left running: re-attaches waiting callback tasks
   * (their functions are not called again) and re-runs the others from their last entered state.
   * Call once on start; resolves with how many executions were resumed.
   */
  resumeWaiting(): Promise<number>;
  /** Resolves when no execution is between states: each is waiting (callback, clock) or finished. */
  idle(): Promise<void>;
  /** Stops running without touching the table: executions stay RUNNING for the next process to resume. */
  close(): Promise<void>;
}
