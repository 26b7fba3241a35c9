import { says } from '../domain/error-codes.ts';
import { Unauthenticated } from '../domain/errors.ts';
import { type Principal, ROLES, type Role } from '../domain/principal.ts';

/**
 * Reads the caller from the JWT claims API Gateway's authorizer verified. API Gateway flattens
 * claims to strings, so `cognito:groups` arrives as `"[enterprise.clerk]"`; a raw array (direct
 * invocation) is accepted too. A user belongs to exactly one organisation and acts in one role.
 */
export function principalFromClaims(claims: Record<string, unknown> | undefined): Principal {
  if (!claims) throw new Unauthenticated(says('auth.no_token'));
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  const org = typeof claims['custom:org'] === 'string' ? claims['custom:org'] : '';
  const groups = parseGroups(claims['cognito:groups']);
  const roles = groups.filter((group): group is Role => (ROLES as readonly string[]).includes(group));
  if (!sub || !org || roles.length !== 1) {
    throw new Unauthenticated(says('auth.token_incomplete'));
  }
  const username = typeof claims['cognito:username'] === 'string' ? claims['cognito:username'] : sub;
  return { sub, username, role: roles[0]!, orgId: org };
}

function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value !== 'string') return [];
  const trimmed = value.trim();
  const inner = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  return inner
    .split(/[\s,]+/)
    .map((group) => group.replace(/^"|"$/g, ''))
    .filter(Boolean);
}
