import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import { cohortBody } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';
import { type Caller, demoCaller, idTokenClaims, send, signWithDevKey } from '../support/security.ts';

/**
 * Any OIDC issuer's claims (issue 18): started with ROLES_CLAIM=roles and ORG_CLAIM=org_code (what
 * the stack passes from `-c oidcRolesClaim=roles -c oidcOrgClaim=org_code`), the embedded runtime's
 * API reads the caller's role and organisation from those claims — an array, API Gateway's
 * flattened "[a b]" or a space-separated string — and refuses tokens that carry them only where
 * Cognito puts them. The tokens are signed with the runtime's own dev-issuer key, so they pass its
 * JWT authorizer like any of its tokens.
 */
let runtime: RunningRuntime;
let dataDir: string;

beforeAll(async () => {
  ({ runtime, dataDir } = await startTestRuntime({ claims: { roles: 'roles', org: 'org_code' } }));
});
afterAll(async () => {
  await runtime?.stop();
});

/** A token of `caller` with the role and organisation in the bureau IdP's claims, none of Cognito's. */
function oidcToken(caller: Caller, roles: unknown, org: unknown = caller.orgId) {
  const {
    'cognito:groups': _groups,
    'custom:org': _org,
    'cognito:username': _username,
    ...standard
  } = idTokenClaims(caller);
  return signWithDevKey(dataDir, { ...standard, preferred_username: caller.username, roles, org_code: org });
}

describe('ROLES_CLAIM=roles ORG_CLAIM=org_code', () => {
  const clerk = demoCaller('ent-a-clerk');

  it.each([
    ['an array', [clerk.role]],
    ['a space-separated string', `${clerk.role} offline_access`],
    ['API Gateway’s flattened form', `[${clerk.role}]`],
  ])('accepts the role in `roles` as %s and the organisation in `org_code`', async (_form, roles) => {
    const token = await oidcToken(clerk, roles);
    const listed = await send(runtime.url, { method: 'GET', path: '/cohorts', token });
    expect(listed.status, listed.text).toBe(200);
  });

  it('acts as that principal: a cohort created with such a token belongs to the org in `org_code`', async () => {
    const token = await oidcToken(clerk, [clerk.role]);
    const created = await send(runtime.url, { method: 'POST', path: '/cohorts', token, body: cohortBody(1) });
    expect(created.status, created.text).toBe(201);
    expect(created.body.enterpriseId).toBe(clerk.orgId);
    const history = await send(runtime.url, {
      method: 'GET',
      path: `/cohorts/${created.body.cohortId}/history`,
      token,
    });
    expect(history.body.items[0].actor).toMatchObject({
      username: 'ent-a-clerk',
      role: 'enterprise.clerk',
      orgId: clerk.orgId,
    });
  });

  it('refuses a Cognito-shaped token (role in cognito:groups, org in custom:org) with 401 problem+json', async () => {
    const cognitoShaped = await signWithDevKey(dataDir, idTokenClaims(clerk));
    const refused = await send(runtime.url, { method: 'GET', path: '/cohorts', token: cognitoShaped });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('mints its own dev tokens with the claims it is started with, so npm run demo works in that mode', async () => {
    const dev = await send(runtime.url, {
      method: 'POST',
      path: '/dev/token',
      body: { user: 'ent-a-clerk' },
    });
    expect(dev.status).toBe(200);
    const claims = JSON.parse(Buffer.from(dev.body.token.split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ roles: ['enterprise.clerk'], org_code: clerk.orgId });
    expect(claims).not.toHaveProperty('cognito:groups');
    expect((await send(runtime.url, { method: 'GET', path: '/cohorts', token: dev.body.token })).status).toBe(
      200,
    );
  });

  it('refuses two roles, no role, or two organisations', async () => {
    for (const [roles, org] of [
      [['enterprise.clerk', 'bureau.admin'], clerk.orgId],
      [[], clerk.orgId],
      [['enterprise.clerk'], [clerk.orgId, '91110108MA01BBBB0B']],
    ] as const) {
      const token = await oidcToken(clerk, roles, org);
      expect((await send(runtime.url, { method: 'GET', path: '/cohorts', token })).status).toBe(401);
    }
  });
});
