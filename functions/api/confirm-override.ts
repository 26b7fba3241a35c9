import { employmentDeps } from '../../shared/adapters/deps/employment.ts';
import { confirmOverride } from '../../shared/domain/use-cases/overrides.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { OverridePath } from '../../shared/schemas/employment.ts';

/** The second bureau user's confirmation (never the writer's): the override is ACTIVE until it expires. */
export const handler = httpHandler(
  { roles: ['bureau.reviewer', 'bureau.admin'], params: OverridePath },
  (request) => confirmOverride(employmentDeps(), request.principal, request.params.overrideId, request),
);
