import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { replaceMentor } from '../../shared/domain/use-cases/apprenticeship.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { MentorsBody } from '../../shared/schemas/claim.ts';
import { ApprenticePath } from '../../shared/schemas/http.ts';

export const handler = httpHandler(
  { roles: ['school.registrar', 'enterprise.signatory'], params: ApprenticePath, body: MentorsBody },
  (request) =>
    replaceMentor(
      baseDeps(),
      request.principal,
      request.params.cohortId,
      request.params.apprenticeId,
      request.body,
      request,
    ),
);
