import { employmentDeps } from '../../shared/adapters/deps/employment.ts';
import { listOverrides } from '../../shared/domain/use-cases/overrides.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { OverrideListQuery } from '../../shared/schemas/employment.ts';

/** The district's overrides of failed employment checks (its bureau roles). */
export const handler = httpHandler(
  { roles: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin'], query: OverrideListQuery },
  (request) => listOverrides(employmentDeps(), request.principal, request.query),
);
