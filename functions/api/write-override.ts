import { employmentDeps } from '../../shared/adapters/deps/employment.ts';
import { writeOverride } from '../../shared/domain/use-cases/overrides.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { OverrideBody } from '../../shared/schemas/employment.ts';

/** A bureau reviewer's override of a failed employment check, PENDING until another bureau user confirms it. */
export const handler = httpHandler({ roles: ['bureau.reviewer'], body: OverrideBody }, (request) =>
  writeOverride(employmentDeps(), request.principal, request.body, request),
);
