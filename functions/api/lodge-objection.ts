import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { stepFunctions } from '../../shared/adapters/deps/workflows.ts';
import { lodgeObjection } from '../../shared/domain/use-cases/claim-notice.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { ClaimPath, ObjectionBody } from '../../shared/schemas/claim.ts';

export const handler = httpHandler(
  { roles: ['bureau.reviewer'], params: ClaimPath, body: ObjectionBody },
  (request) =>
    lodgeObjection(
      { ...baseDeps(), workflows: stepFunctions() },
      request.principal,
      request.params.claimId,
      request.body.reason,
      request,
    ),
);
