/**
 * The embedded Step Functions of the local runtime: runs the project's state machines (the very
 * ASL CDK deploys) with aws-local-stepfunctions, adds callback tasks, time limits on the shared
 * clock, persistence in DynamoDB Local with resume after a restart, and an HTTP endpoint speaking
 * the Step Functions JSON protocol. See architecture.md, "Embedded default".
 */
import type { LocalStepFunctions, LocalStepFunctionsOptions } from './api.ts';
import { LocalStepFunctionsEngine } from './engine.ts';

export type { LocalStepFunctions, LocalStepFunctionsOptions } from './api.ts';
export { StepFunctionsError, type StepFunctionsErrorType } from './errors.ts';
export { startStepFunctionsEndpoint } from './http-endpoint.ts';

export async function createLocalStepFunctions(
  options: LocalStepFunctionsOptions,
): Promise<LocalStepFunctions> {
  return LocalStepFunctionsEngine.create(options);
}
