import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { pageQuery } from '../../shared/schemas/http.ts';

export const handler = httpHandler({ query: pageQuery(100) }, (request) =>
  baseDeps().reference.listOccupations(request.query),
);
