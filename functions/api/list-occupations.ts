import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { PageQuery } from '../../shared/schemas/http.ts';

export const handler = httpHandler(
  { query: PageQuery.extend({ limit: PageQuery.shape.limit.unwrap().max(100).default(100) }) },
  (request) => baseDeps().reference.listOccupations(request.query),
);
