/**
 * Errors the Step Functions API answers, named exactly as AWS names them: the HTTP endpoint sends
 * `name` as `__type`, so `@aws-sdk/client-sfn` raises its own exception class for each
 * (`TaskDoesNotExist`, `ExecutionAlreadyExists`, …).
 */
export type StepFunctionsErrorType =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'StateMachineDoesNotExist'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'ValidationException';

export class StepFunctionsError extends Error {
  constructor(
    readonly type: StepFunctionsErrorType,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/**
 * A failure of a state (what `Catch`/`Retry` match on): `name` is the ASL error name
 * (`States.Timeout`, `CaseWithdrawn`, …) and `message` its cause, as the library reads them.
 */
export function stateError(error: string, cause: string): Error {
  const failure = new Error(cause);
  failure.name = error;
  return failure;
}

/** AWS's Cause for a failed Lambda function: the function's error as JSON. */
export function lambdaErrorCause(error: unknown): { error: string; cause: string } {
  if (error instanceof Error) {
    return {
      error: error.name || 'Error',
      cause: JSON.stringify({ errorType: error.name || 'Error', errorMessage: error.message }),
    };
  }
  return { error: 'Lambda.Unknown', cause: JSON.stringify({ errorMessage: String(error) }) };
}
