import middy from '@middy/core';
import type * as z from 'zod';
import { errorFields, logger } from '../adapters/logger.ts';

/**
 * Handler factory for workflow steps: validate the input the state machine built, run one use
 * case, and let errors propagate by name (Step Functions' Retry/Catch match `errorType`).
 */
export function stepHandler<S extends z.ZodType, R>(schema: S, run: (input: z.output<S>) => Promise<R>) {
  return middy(async (event: unknown) => {
    const input = schema.parse(event);
    return run(input);
  }).use({
    onError: async (request) => {
      logger.warn('step failed', errorFields(request.error));
    },
  });
}
