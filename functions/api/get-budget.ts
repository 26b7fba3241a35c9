import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { getBudget } from '../../shared/domain/use-cases/reference-admin.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { BudgetPath } from '../../shared/schemas/claim.ts';

export const handler = httpHandler({ params: BudgetPath }, (request) =>
  getBudget(baseDeps(), request.params.districtCode, request.params.year),
);
