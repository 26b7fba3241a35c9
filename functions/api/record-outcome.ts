import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { recordOutcome } from '../../shared/domain/use-cases/apprenticeship.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { OutcomeBody } from '../../shared/schemas/claim.ts';
import { ApprenticePath } from '../../shared/schemas/http.ts';

export const handler = httpHandler(
  { roles: ['school.registrar', 'enterprise.clerk'], params: ApprenticePath, body: OutcomeBody },
  (request) =>
    recordOutcome(
      baseDeps(),
      request.principal,
      request.params.cohortId,
      request.params.apprenticeId,
      request.body,
      request,
    ),
);
