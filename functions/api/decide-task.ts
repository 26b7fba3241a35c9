import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { employmentChecks } from '../../shared/adapters/deps/employment-checks.ts';
import { stepFunctions } from '../../shared/adapters/deps/workflows.ts';
import { says } from '../../shared/domain/error-codes.ts';
import { CASE_ROLES } from '../../shared/domain/principal.ts';
import { claimReviews } from '../../shared/domain/use-cases/claim-review.ts';
import { cohortReviews } from '../../shared/domain/use-cases/cohort-review.ts';
import { decidePublicObjection, redeliverUpheld } from '../../shared/domain/use-cases/public-notice.ts';
import { decideTask } from '../../shared/domain/use-cases/review-lifecycle.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { DecisionBody } from '../../shared/schemas/decision.ts';
import { TaskPath } from '../../shared/schemas/http.ts';

/** A decision on any review task: the task's workflow picks its case type. */
// The municipal bureau reads cases and never decides them: refused before any task is looked up.
const deciders = { roles: CASE_ROLES, refused: says('auth.city_reads_only') };

export const handler = httpHandler({ ...deciders, params: TaskPath, body: DecisionBody }, (request) => {
  const deps = { ...baseDeps(), workflows: stepFunctions(), employment: employmentChecks() };
  const publicObjection = {
    decide: (input: Parameters<typeof decidePublicObjection>[1]) => decidePublicObjection(deps, input),
    replay: (task: Parameters<typeof redeliverUpheld>[1]) => redeliverUpheld(deps, task),
  };
  return decideTask(
    {
      ...deps,
      reviews: { 'cohort-filing': cohortReviews(deps), 'subsidy-claim': claimReviews(deps) },
      standalone: { PUBLIC_OBJECTION: publicObjection },
    },
    request.principal,
    request.params.taskId,
    request.body,
    request,
  );
});
