import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { says } from '../../domain/error-codes.ts';
import { ServiceUnavailable } from '../../domain/errors.ts';
import { CallbackNotAccepted, type WorkflowName, type Workflows } from '../../domain/ports.ts';
import { errorFields, logger } from '../logger.ts';

/**
 * Step Functions through `@aws-sdk/client-sfn`. The endpoint comes from the environment
 * (`AWS_ENDPOINT_URL_SFN` points at the embedded engine locally), so this is the code AWS runs.
 */
let client: SFNClient | undefined;
const sfn = () => {
  client ??= new SFNClient({ maxAttempts: 3 });
  return client;
};

/** Errors meaning the task is no longer waiting: the callback can never be delivered. */
const CLOSED_TASK = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

export class StepFunctionsWorkflows implements Workflows {
  constructor(private readonly stateMachines: Partial<Record<WorkflowName, string | undefined>>) {}

  async start(workflow: WorkflowName, executionName: string, input: Record<string, unknown>): Promise<void> {
    const arn = this.stateMachines[workflow];
    if (!arn) throw new Error(`The state machine ARN of ${workflow} is not set`);
    try {
      await sfn().send(
        new StartExecutionCommand({
          stateMachineArn: arn,
          name: executionName,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      logger.warn('workflow start failed', { executionName, ...errorFields(error) });
      throw new ServiceUnavailable(says('workflow.start_failed'), {
        cause: error,
      });
    }
  }

  async sendSuccess(token: string, output: Record<string, unknown>): Promise<void> {
    await this.callback(() =>
      sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) })),
    );
  }

  async sendFailure(token: string, error: string, cause: string): Promise<void> {
    await this.callback(() => sfn().send(new SendTaskFailureCommand({ taskToken: token, error, cause })));
  }

  private async callback(send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (error) {
      const name = (error as Error).name;
      if (CLOSED_TASK.has(name)) throw new CallbackNotAccepted(name);
      logger.warn('workflow callback failed', errorFields(error));
      throw new ServiceUnavailable(says('workflow.callback_unacknowledged'), { cause: error });
    }
  }
}
