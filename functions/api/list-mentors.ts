import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { listMentors } from '../../shared/domain/use-cases/mentor-register.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { OrganisationPath, PageQuery } from '../../shared/schemas/http.ts';

/** An organisation's mentors with their loads: its own users, the bureau of its district and the city's. */
export const handler = httpHandler({ params: OrganisationPath, query: PageQuery }, (request) =>
  listMentors(baseDeps(), request.principal, request.params.orgId, request.query),
);
