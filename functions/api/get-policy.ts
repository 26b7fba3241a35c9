import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { todayInChinaOf } from '../../shared/domain/time.ts';
import { httpHandler } from '../../shared/http/handler.ts';

/** The policy in force today (the version a cohort filed today would keep). */
export const handler = httpHandler({}, () => {
  const deps = baseDeps();
  return deps.reference.policyInForce(todayInChinaOf(deps.clock.now()));
});
