import middy from '@middy/core';
import { errorFields, logger } from '../adapters/logger.ts';
import type * as z from '../schemas/zod.ts';
import { isRetryableInStep } from './transient-errors.ts';

/**
 * Handler factory for workflow steps: validate the input the state machine built, run one use
 * case, and let errors propagate by name (Step Functions' Retry/Catch match `errorType`).
 */
export function stepHandler<S extends z.ZodMiniType, R>(schema: S, run: (input: z.output<S>) => Promise<R>) {
  return middy(async (event: unknown) => {
    const input = schema.parse(event);
    try {
      return await run(input);
    } catch (error) {
      // Throttling, timeouts, a concurrent change: the state machine retries `ServiceUnavailable`.
      if (isRetryableInStep(error))
        throw Object.assign(new Error((error as Error).message), { name: 'ServiceUnavailable' });
      throw error;
    }
  }).use({
    onError: async (request) => {
      logger.warn('step failed', errorFields(request.error));
    },
  });
}
