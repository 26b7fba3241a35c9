import * as settings from '../adapters/config.ts';
import { says } from '../domain/error-codes.ts';
import { Unauthenticated } from '../domain/errors.ts';
import { type Principal, ROLES, type Role } from '../domain/principal.ts';

/**
 * Reads the caller from the JWT claims API Gateway's authorizer verified, through the claims the
 * deployment names (`ROLES_CLAIM`, default `cognito:groups`; `ORG_CLAIM`, default `custom:org`):
 * Cognito's, or those of any OIDC issuer. API Gateway flattens claims to strings, so an array
 * arrives as `"[enterprise.clerk]"`; a raw array (direct invocation) and a space-separated string
 * (the OAuth `scope` style some issuers use) are accepted too. A user belongs to exactly one
 * organisation and acts in one role.
 */
export function principalFromClaims(claims: Record<string, unknown> | undefined): Principal {
  if (!claims) throw new Unauthenticated(says('auth.no_token'));
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  const orgs = claimValues(claims[settings.orgClaim()]);
  const roles = claimValues(claims[settings.rolesClaim()]).filter((group): group is Role =>
    (ROLES as readonly string[]).includes(group),
  );
  if (!sub || orgs.length !== 1 || roles.length !== 1) {
    throw new Unauthenticated(says('auth.token_incomplete'));
  }
  const username = [claims['cognito:username'], claims.preferred_username].find(
    (name): name is string => typeof name === 'string' && name !== '',
  );
  return { sub, username: username ?? sub, role: roles[0]!, orgId: orgs[0]! };
}

/** A claim as a list: an array, API Gateway's flattened `"[a b]"`, or a space- or comma-separated string. */
export function claimValues(value: unknown): string[] {
  if (Array.isArray(value))
    return value.filter((item): item is string => typeof item === 'string' && item !== '');
  if (typeof value !== 'string') return [];
  const trimmed = value.trim();
  const inner = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  return inner
    .split(/[\s,]+/)
    .map((item) => item.replace(/^"|"$/g, ''))
    .filter(Boolean);
}
