import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { updateClaim } from '../../shared/domain/use-cases/claim-preparation.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { ClaimPath, UpdateClaimBody } from '../../shared/schemas/claim.ts';

export const handler = httpHandler(
  { roles: ['enterprise.clerk'], params: ClaimPath, body: UpdateClaimBody },
  (request) => updateClaim(baseDeps(), request.principal, request.params.claimId, request.body, request),
);
