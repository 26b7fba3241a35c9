import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { PageQuery } from '../../shared/schemas/http.ts';

/** The register: every signed-in party may read it (to pick a school, to name a bureau). */
export const handler = httpHandler({ query: PageQuery }, (request) =>
  baseDeps().reference.listOrganisations(request.query),
);
