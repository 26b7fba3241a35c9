import { employmentDeps } from '../../shared/adapters/deps/employment.ts';
import { listEmploymentChecks } from '../../shared/domain/use-cases/overrides.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { CohortPath, PageQuery } from '../../shared/schemas/http.ts';

/** Every employment check run for a cohort (its parties; the city reads too). */
export const handler = httpHandler({ params: CohortPath, query: PageQuery }, (request) =>
  listEmploymentChecks(employmentDeps(), request.principal, request.params.cohortId, request.query),
);
