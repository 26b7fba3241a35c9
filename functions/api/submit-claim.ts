import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { stepFunctions } from '../../shared/adapters/deps/workflows.ts';
import { submitClaim } from '../../shared/domain/use-cases/claim-preparation.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { ClaimPath } from '../../shared/schemas/claim.ts';

export const handler = httpHandler({ roles: ['enterprise.signatory'], params: ClaimPath }, (request) =>
  submitClaim(
    { ...baseDeps(), workflows: stepFunctions() },
    request.principal,
    request.params.claimId,
    request,
  ),
);
