import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { personalData } from '../../shared/adapters/deps/personal-data.ts';
import { updateCohort } from '../../shared/domain/use-cases/cohort-drafts.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { UpdateCohortBody } from '../../shared/schemas/cohort.ts';
import { CohortPath } from '../../shared/schemas/http.ts';

export const handler = httpHandler(
  { roles: ['enterprise.clerk'], params: CohortPath, body: UpdateCohortBody },
  (request) =>
    updateCohort(
      { ...baseDeps(), pii: personalData() },
      request.principal,
      request.params.cohortId,
      request.body,
      request,
    ),
);
