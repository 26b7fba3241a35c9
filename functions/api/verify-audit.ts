import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { verifyCohortAudit } from '../../shared/domain/use-cases/audit-verification.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { CohortPath } from '../../shared/schemas/http.ts';

/** `GET /cohorts/{cohortId}/audit-verification`: a bureau recomputes the cohort's audit hash chain. */
export const handler = httpHandler(
  { roles: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin'], params: CohortPath },
  (request) => verifyCohortAudit(baseDeps(), request.principal, request.params.cohortId),
);
