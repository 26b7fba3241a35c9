import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { getClaim } from '../../shared/domain/use-cases/claim-reads.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { ClaimPath } from '../../shared/schemas/claim.ts';

export const handler = httpHandler({ params: ClaimPath }, (request) =>
  getClaim(baseDeps(), request.principal, request.params.claimId),
);
