import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { errorFields, logger, withInvocationFields } from '../adapters/logger.ts';
import type * as z from '../schemas/zod.ts';
import { stepFields } from './invocation.ts';
import { isRetryableInStep } from './transient-errors.ts';

/**
 * Handler factory for workflow steps: validate the input the state machine built, run one use
 * case, and let errors propagate by name (Step Functions' Retry/Catch match `errorType`). Every
 * line logged meanwhile carries the request id and the case of the input (`./invocation.ts`).
 */
export function stepHandler<S extends z.ZodMiniType, R>(schema: S, run: (input: z.output<S>) => Promise<R>) {
  const step = async (event: unknown) => {
    const input = schema.parse(event);
    try {
      return await run(input);
    } catch (error) {
      // Throttling, timeouts, a concurrent change: the state machine retries `ServiceUnavailable`.
      if (isRetryableInStep(error))
        throw Object.assign(new Error((error as Error).message), { name: 'ServiceUnavailable' });
      throw error;
    }
  };
  return middy((event: unknown, context: Context) =>
    withInvocationFields(stepFields(event, context), () => step(event)),
  ).use({
    onError: async (request) => {
      withInvocationFields(stepFields(request.event, request.context), () =>
        logger.warn('step failed', errorFields(request.error)),
      );
    },
  });
}

/** A scheduled function (no case of its own): its lines carry the request id. */
export function scheduledHandler<R>(run: () => Promise<R>) {
  return (_event: unknown, context: Context): Promise<R> =>
    withInvocationFields(stepFields(undefined, context), run);
}
