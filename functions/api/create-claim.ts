import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { createClaim } from '../../shared/domain/use-cases/claim-preparation.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { CreateClaimBody } from '../../shared/schemas/claim.ts';

export const handler = httpHandler({ roles: ['enterprise.clerk'], body: CreateClaimBody }, (request) =>
  createClaim(baseDeps(), request.principal, request.body, request),
);
