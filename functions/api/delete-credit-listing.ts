import { creditBlacklistDeps } from '../../shared/adapters/deps/credit-blacklist.ts';
import { deleteCreditListing } from '../../shared/domain/use-cases/credit-blacklist.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { CreditListingPath } from '../../shared/schemas/trust.ts';

export const handler = httpHandler({ roles: ['bureau.admin'], params: CreditListingPath }, (request) =>
  deleteCreditListing(creditBlacklistDeps(), request.principal, request.params.enterpriseId, request),
);
