import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { says } from '../../shared/domain/error-codes.ts';
import { POLICY_PUBLISHERS } from '../../shared/domain/principal.ts';
import { putPolicy } from '../../shared/domain/use-cases/reference-admin.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { PolicySchema } from '../../shared/schemas/policy.ts';

/** The city's policy: published by the municipal bureau only; a district's administrator reads it. */
export const handler = httpHandler(
  { roles: POLICY_PUBLISHERS, refused: says('policy.admin_only'), body: PolicySchema },
  (request) => putPolicy({ policies: baseDeps().reference }, request.principal, request.body),
);
