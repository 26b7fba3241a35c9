import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { withdrawApprentice } from '../../shared/domain/use-cases/apprenticeship.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { WithdrawalBody } from '../../shared/schemas/claim.ts';
import { ApprenticePath } from '../../shared/schemas/http.ts';

export const handler = httpHandler(
  { roles: ['enterprise.clerk'], params: ApprenticePath, body: WithdrawalBody },
  (request) =>
    withdrawApprentice(
      baseDeps(),
      request.principal,
      request.params.cohortId,
      request.params.apprenticeId,
      request.body,
      request,
    ),
);
