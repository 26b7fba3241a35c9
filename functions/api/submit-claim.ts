import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { stepFunctions } from '../../shared/adapters/deps/workflows.ts';
import { submitClaim } from '../../shared/domain/use-cases/claim-preparation.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { ClaimPath } from '../../shared/schemas/claim.ts';
import { SubmitClaimBody } from '../../shared/schemas/trust.ts';

/** The signatory submits, accepting the commitment (承诺书): `{"commitment": {"accepted": true}}`. */
export const handler = httpHandler(
  { roles: ['enterprise.signatory'], params: ClaimPath, body: SubmitClaimBody, emptyBodyValidated: true },
  (request) =>
    submitClaim(
      { ...baseDeps(), workflows: stepFunctions() },
      request.principal,
      request.params.claimId,
      request,
    ),
);
