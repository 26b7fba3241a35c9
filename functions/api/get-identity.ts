import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { personalData } from '../../shared/adapters/deps/personal-data.ts';
import { revealIdentity } from '../../shared/domain/use-cases/cohort-reads.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { ApprenticePath, IdentityQuery, identityFields } from '../../shared/schemas/http.ts';

export const handler = httpHandler(
  { roles: ['bureau.reviewer'], params: ApprenticePath, query: IdentityQuery },
  (request) =>
    revealIdentity(
      { ...baseDeps(), pii: personalData() },
      request.principal,
      request.params.cohortId,
      request.params.apprenticeId,
      request.query.reason,
      identityFields(request.query.fields),
    ),
);
