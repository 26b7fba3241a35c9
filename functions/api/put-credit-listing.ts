import { creditBlacklistDeps } from '../../shared/adapters/deps/credit-blacklist.ts';
import { putCreditListing } from '../../shared/domain/use-cases/credit-blacklist.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { CreditListingBody, CreditListingPath } from '../../shared/schemas/trust.ts';

export const handler = httpHandler(
  { roles: ['bureau.admin'], params: CreditListingPath, body: CreditListingBody },
  (request) =>
    putCreditListing(
      creditBlacklistDeps(),
      request.principal,
      request.params.enterpriseId,
      request.body,
      request,
    ),
);
