import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { stepFunctions } from '../../shared/adapters/deps/workflows.ts';
import { submitCohort } from '../../shared/domain/use-cases/cohort-filing.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { CohortPath } from '../../shared/schemas/http.ts';

export const handler = httpHandler({ roles: ['enterprise.clerk'], params: CohortPath }, (request) =>
  submitCohort(
    { ...baseDeps(), workflows: stepFunctions() },
    request.principal,
    request.params.cohortId,
    request,
  ),
);
