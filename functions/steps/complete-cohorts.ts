import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { logger } from '../../shared/adapters/logger.ts';
import { completeDueCohorts } from '../../shared/domain/use-cases/cohort-completion.ts';
import { scheduledHandler } from '../../shared/http/step.ts';

/** Scheduled (hourly on AWS, every few seconds in the embedded runtime): cohorts the clock completes. */
export const handler = scheduledHandler(async () => {
  const result = await completeDueCohorts(baseDeps());
  if (result.completed + result.cleared > 0) logger.info('cohorts completed by the clock', result);
  return result;
});
