import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { stepFunctions } from '../../shared/adapters/deps/workflows.ts';
import { logger } from '../../shared/adapters/logger.ts';
import { redeliverPendingCallbacks } from '../../shared/domain/use-cases/reconcile-callbacks.ts';
import { scheduledHandler } from '../../shared/http/step.ts';

/** Scheduled (every few minutes on AWS, every few seconds in the embedded runtime): the reconciler. */
export const handler = scheduledHandler(async () => {
  const result = await redeliverPendingCallbacks({ ...baseDeps(), workflows: stepFunctions() });
  if (result.redelivered + result.closed + result.failed > 0) logger.info('callbacks reconciled', result);
  return result;
});
