import { creditBlacklistDeps } from '../../shared/adapters/deps/credit-blacklist.ts';
import { listCreditBlacklist } from '../../shared/domain/use-cases/credit-blacklist.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { PageQuery } from '../../shared/schemas/http.ts';

/** The district's credit blacklist (bureau roles); an enterprise's own listing (its clerk and signatory). */
export const handler = httpHandler(
  {
    roles: [
      'bureau.reviewer',
      'bureau.treasurer',
      'bureau.admin',
      'enterprise.clerk',
      'enterprise.signatory',
    ],
    query: PageQuery,
  },
  (request) => listCreditBlacklist(creditBlacklistDeps(), request.principal, request.query),
);
