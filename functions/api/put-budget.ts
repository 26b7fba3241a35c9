import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { putBudget } from '../../shared/domain/use-cases/reference-admin.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { BudgetBody, BudgetPath } from '../../shared/schemas/claim.ts';

export const handler = httpHandler(
  { roles: ['bureau.admin'], params: BudgetPath, body: BudgetBody },
  (request) =>
    putBudget(baseDeps(), request.principal, request.params.districtCode, request.params.year, request.body),
);
