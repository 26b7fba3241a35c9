import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { listClaims } from '../../shared/domain/use-cases/claim-reads.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { ClaimListQuery } from '../../shared/schemas/claim.ts';

export const handler = httpHandler({ query: ClaimListQuery }, (request) =>
  listClaims(baseDeps(), request.principal, request.query),
);
