import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { listCohorts } from '../../shared/domain/use-cases/cohort-reads.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { CohortListQuery } from '../../shared/schemas/http.ts';

export const handler = httpHandler({ query: CohortListQuery }, (request) =>
  listCohorts(baseDeps(), request.principal, request.query),
);
