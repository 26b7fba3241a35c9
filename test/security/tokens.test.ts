import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { base64url, exportSPKI, generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { cohortBody, cohortCount, createCohort } from '../support/cohorts.ts';
import { recordReliability } from '../support/reliability.ts';
import { startTestRuntime } from '../support/runtime.ts';
import { type Caller, demoCaller, ENT_B, idTokenClaims, send, signWithDevKey } from '../support/security.ts';

/**
 * Bad tokens against the embedded runtime's real API (gateway, JWT authorizer, handlers, DynamoDB
 * Local): every one is answered 401 and nothing runs — no cohort is created, the draft a bad token
 * tries to submit keeps its state, version and audit trail, and the answer says nothing about the
 * case. (How the authorizer itself decides is unit-tested in test/integration/local-api-gateway.test.ts;
 * this is the same rules seen from outside, through a request that would change data.)
 */
let runtime: RunningRuntime;
let api: ApiClient;
let dataDir: string;
let draft: { cohortId: string; version: number };
const clerk: Caller = demoCaller('ent-a-clerk');

beforeAll(async () => {
  ({ runtime, api, dataDir } = await startTestRuntime());
  draft = await createCohort(api, 2);
});
afterAll(async () => {
  await runtime?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

/** Each bad token, made fresh (they expire or depend on the runtime's key). */
const BAD_TOKENS: [string, () => Promise<string | undefined>][] = [
  ['no token at all', async () => undefined],
  [
    'a token signed with another key under the issuer’s kid',
    async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const { kid } = JSON.parse(await readFile(join(dataDir, 'dev-issuer', 'key.json'), 'utf8')) as {
        kid: string;
      };
      return new SignJWT(idTokenClaims(clerk))
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .sign(privateKey);
    },
  ],
  [
    'a valid token whose payload was changed (another organisation)',
    async () => {
      const [header, , signature] = (await signWithDevKey(dataDir, idTokenClaims(clerk))).split('.');
      return `${header}.${encode(idTokenClaims(clerk, { 'custom:org': ENT_B }))}.${signature}`;
    },
  ],
  [
    'a wrong issuer',
    async () =>
      signWithDevKey(
        dataDir,
        idTokenClaims(clerk, { iss: 'https://cognito-idp.us-east-1.amazonaws.com/evil' }),
      ),
  ],
  ['a wrong audience', async () => signWithDevKey(dataDir, idTokenClaims(clerk, { aud: 'another-client' }))],
  [
    'an expired token',
    async () =>
      signWithDevKey(
        dataDir,
        idTokenClaims(clerk, { iat: now() - 7200, auth_time: now() - 7200, exp: now() - 60 }),
      ),
  ],
  ['a token not valid yet', async () => signWithDevKey(dataDir, idTokenClaims(clerk, { nbf: now() + 600 }))],
  ['alg "none"', async () => `${encode({ alg: 'none', typ: 'JWT' })}.${encode(idTokenClaims(clerk))}.`],
  [
    'HS256 keyed with the issuer’s public key',
    async () => {
      const jwks = (await (await fetch(`${runtime.url}/.well-known/jwks.json`)).json()) as {
        keys: { kid: string }[];
      };
      const publicKey = await importJWK({ ...jwks.keys[0]!, alg: 'RS256' } as never, 'RS256');
      const pem = await exportSPKI(publicKey as never);
      return new SignJWT(idTokenClaims(clerk))
        .setProtectedHeader({ alg: 'HS256', kid: jwks.keys[0]!.kid })
        .sign(new TextEncoder().encode(pem));
    },
  ],
  [
    'a token without the groups claim',
    async () => {
      const { 'cognito:groups': _groups, ...claims } = idTokenClaims(clerk);
      return signWithDevKey(dataDir, claims);
    },
  ],
  [
    'a token without the custom:org claim',
    async () => {
      const { 'custom:org': _org, ...claims } = idTokenClaims(clerk);
      return signWithDevKey(dataDir, claims);
    },
  ],
  [
    'a token with two groups',
    async () =>
      signWithDevKey(
        dataDir,
        idTokenClaims(clerk, { 'cognito:groups': ['enterprise.clerk', 'bureau.reviewer'] }),
      ),
  ],
  [
    'a token whose only group is not a role',
    async () => signWithDevKey(dataDir, idTokenClaims(clerk, { 'cognito:groups': ['admins'] })),
  ],
  [
    'a token with an empty organisation',
    async () => signWithDevKey(dataDir, idTokenClaims(clerk, { 'custom:org': '' })),
  ],
];

describe('bad tokens through the real API', () => {
  it.for(BAD_TOKENS)('refuses %s with 401 and runs nothing', async ([, make], { task }) => {
    const token = await make();
    const before = {
      cohorts: await cohortCount(api),
      draft: (await api.as('ent-a-clerk').get(`/cohorts/${draft.cohortId}`)).body,
      history: (await api.as('ent-a-clerk').get(`/cohorts/${draft.cohortId}/history?limit=100`)).body.items
        .length,
    };

    const create = await send(runtime.url, { method: 'POST', path: '/cohorts', token, body: cohortBody(1) });
    const submit = await send(runtime.url, {
      method: 'POST',
      path: `/cohorts/${draft.cohortId}/submit`,
      token,
    });
    const read = await send(runtime.url, { method: 'GET', path: `/cohorts/${draft.cohortId}`, token });
    const list = await send(runtime.url, { method: 'GET', path: '/cohorts', token });
    await runtime.idle();
    const after = {
      cohorts: await cohortCount(api),
      draft: (await api.as('ent-a-clerk').get(`/cohorts/${draft.cohortId}`)).body,
      history: (await api.as('ent-a-clerk').get(`/cohorts/${draft.cohortId}/history?limit=100`)).body.items
        .length,
    };
    const answers = [create, submit, read, list];
    const refusedAll = answers.every(
      (answer) =>
        answer.status === 401 &&
        !answer.text.includes(before.draft.apprentices[0].name) &&
        !answer.text.includes(draft.cohortId),
    );
    const ranNothing =
      after.cohorts === before.cohorts &&
      after.draft.status === 'DRAFT' &&
      after.draft.version === before.draft.version &&
      after.history === before.history;
    recordReliability(task, {
      invariantsChecked: 2,
      invariantsViolated: (refusedAll ? 0 : 1) + (ranNothing ? 0 : 1),
    });

    for (const answer of answers) {
      expect(answer.status, answer.text).toBe(401);
      expect(answer.text).not.toContain(before.draft.apprentices[0].name);
      expect(answer.text).not.toContain(draft.cohortId);
      if (token) expect(answer.text).not.toContain(token.split('.')[1]!.slice(0, 20));
    }
    expect(after.cohorts).toBe(before.cohorts);
    expect(after.draft).toMatchObject({ status: 'DRAFT', version: before.draft.version });
    expect(after.history).toBe(before.history);
  });

  it('lets the same requests through with a good token (so the refusals above are the tokens’ doing)', async () => {
    const token = await signWithDevKey(dataDir, idTokenClaims(clerk));
    const before = await cohortCount(api);
    expect(
      (await send(runtime.url, { method: 'GET', path: `/cohorts/${draft.cohortId}`, token })).status,
    ).toBe(200);
    expect(
      (await send(runtime.url, { method: 'POST', path: '/cohorts', token, body: cohortBody(1) })).status,
    ).toBe(201);
    expect(await cohortCount(api)).toBe(before + 1);
    const submit = await send(runtime.url, {
      method: 'POST',
      path: `/cohorts/${draft.cohortId}/submit`,
      token,
    });
    expect(submit.status, submit.text).toBe(200);
    expect(submit.body.status).toBe('COMPANY_REVIEW');
  });
});
