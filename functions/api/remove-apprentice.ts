import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { removeApprentice } from '../../shared/domain/use-cases/cohort-drafts.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { ApprenticePath } from '../../shared/schemas/http.ts';

export const handler = httpHandler({ roles: ['enterprise.clerk'], params: ApprenticePath }, (request) =>
  removeApprentice(baseDeps(), request.principal, request.params.cohortId, request.params.apprenticeId),
);
