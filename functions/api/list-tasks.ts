import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { listTasks } from '../../shared/domain/use-cases/cohort-reads.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { PageQuery } from '../../shared/schemas/http.ts';

export const handler = httpHandler({ query: PageQuery }, (request) =>
  listTasks(baseDeps(), request.principal, request.query),
);
