import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { PolicySchema } from '../../shared/domain/policy.ts';
import { putPolicy } from '../../shared/domain/use-cases/reference-admin.ts';
import { httpHandler } from '../../shared/http/handler.ts';

export const handler = httpHandler({ roles: ['bureau.admin'], body: PolicySchema }, (request) =>
  putPolicy({ policies: baseDeps().reference }, request.principal, request.body),
);
