import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { cohortHistory } from '../../shared/domain/use-cases/cohort-reads.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { CohortPath, PageQuery } from '../../shared/schemas/http.ts';

export const handler = httpHandler({ params: CohortPath, query: PageQuery }, (request) =>
  cohortHistory(baseDeps(), request.principal, request.params.cohortId, request.query),
);
