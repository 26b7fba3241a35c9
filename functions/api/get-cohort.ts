import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { getCohort } from '../../shared/domain/use-cases/cohort-reads.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { CohortPath } from '../../shared/schemas/http.ts';

export const handler = httpHandler({ params: CohortPath }, (request) =>
  getCohort(baseDeps(), request.principal, request.params.cohortId),
);
