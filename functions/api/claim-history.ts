import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { claimHistory } from '../../shared/domain/use-cases/claim-reads.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { ClaimPath } from '../../shared/schemas/claim.ts';
import { PageQuery } from '../../shared/schemas/http.ts';

export const handler = httpHandler({ params: ClaimPath, query: PageQuery }, (request) =>
  claimHistory(baseDeps(), request.principal, request.params.claimId, request.query),
);
