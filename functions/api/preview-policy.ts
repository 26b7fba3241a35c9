import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { says } from '../../shared/domain/error-codes.ts';
import { POLICY_PUBLISHERS } from '../../shared/domain/principal.ts';
import { previewPolicy } from '../../shared/domain/use-cases/policy-preview.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { PolicyPreviewQuery } from '../../shared/schemas/http.ts';
import { PolicySchema } from '../../shared/schemas/policy.ts';

/** A draft policy against the open cohorts of the city's districts: the municipal bureau's; stores nothing. */
export const handler = httpHandler(
  {
    roles: POLICY_PUBLISHERS,
    refused: says('policy.admin_only'),
    body: PolicySchema,
    query: PolicyPreviewQuery,
  },
  (request) => previewPolicy(baseDeps(), request.principal, request.body, request.query),
);
