import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { personalData } from '../../shared/adapters/deps/personal-data.ts';
import { lodgePublicObjection } from '../../shared/domain/use-cases/public-notice.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { ClaimPath } from '../../shared/schemas/claim.ts';
import { PublicObjectionBody } from '../../shared/schemas/public-notice.ts';

/** `POST /public/notices/{claimId}/objections`: anyone, no token; at most 5 an hour from one address. */
export const handler = httpHandler(
  { public: true, params: ClaimPath, body: PublicObjectionBody },
  (request) =>
    lodgePublicObjection({ ...baseDeps(), pii: personalData() }, request.params.claimId, request.body, {
      ...request,
      sourceIp: request.event.requestContext?.http?.sourceIp ?? 'unknown',
    }),
);
