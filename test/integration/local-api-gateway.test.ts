import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, type CryptoKey, exportSPKI, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../infra/function-map.ts';
import {
  authorizeJwt,
  type ExtraRoute,
  type HttpApiEvent,
  type LambdaContext,
  type LambdaRoute,
  type RunningApiGateway,
  startApiGateway,
} from '../../infra/local/api-gateway/index.ts';
import {
  createDevIssuer,
  DEV_AUDIENCE,
  DEV_ISSUER,
  type DevIssuer,
  devIssuerRoutes,
  UnknownDemoUser,
} from '../../infra/local/dev-issuer.ts';
import { freePort } from '../../infra/local/free-port.ts';
import { devIssuerUrl } from '../../infra/local/settings.ts';

const projectRoot = join(import.meta.dirname, '..', '..');

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: () => any;
}

/** A request through node:http, so that repeated header lines reach the server as sent. */
function send(
  base: string,
  method: string,
  path: string,
  options: { headers?: OutgoingHttpHeaders; body?: string | Buffer } = {},
): Promise<Reply> {
  const url = new URL(base);
  const headers: OutgoingHttpHeaders = { ...options.headers };
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text,
            json: () => JSON.parse(text),
          });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let dataDir: string;
let issuer: DevIssuer;
let gateway: RunningApiGateway;
let small: RunningApiGateway;
let clerkToken: string;
const logLines: string[] = [];
const calls: string[] = [];

/** Signs arbitrary claims with the dev issuer's own private key (read from its key file). */
async function signWithDevKey(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const stored = JSON.parse(await readFile(issuer.keyFile, 'utf8')) as { privateJwk: JWK };
  const key = await importJWK(stored.privateJwk, 'RS256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: issuer.kid, ...header }).sign(key);
}

function validClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: 'u-ent-a-clerk',
    'cognito:username': 'ent-a-clerk',
    'cognito:groups': ['enterprise.clerk'],
    'custom:org': '91110108MA01AAAA0M',
    token_use: 'id',
    iss: DEV_ISSUER,
    aud: DEV_AUDIENCE,
    iat: now,
    exp: now + 600,
    ...overrides,
  };
}

function echo(name: string): LambdaRoute['handler'] {
  return async (event: HttpApiEvent, context: LambdaContext) => {
    calls.push(name);
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        event,
        context: {
          functionName: context.functionName,
          awsRequestId: context.awsRequestId,
          invokedFunctionArn: context.invokedFunctionArn,
          remainingMs: context.getRemainingTimeInMillis(),
        },
      }),
    };
  };
}

const routes: LambdaRoute[] = [
  {
    method: 'POST',
    path: '/cohorts/{cohortId}/submit',
    handler: echo('submit-cohort'),
    functionName: 'submit-cohort',
  },
  { method: 'GET', path: '/cohorts/{cohortId}', handler: echo('get-cohort'), functionName: 'get-cohort' },
  { method: 'GET', path: '/cohorts/latest', handler: echo('latest-cohort') },
  { method: 'POST', path: '/cohorts/{cohortId}/apprentices', handler: echo('add-apprentices') },
  { method: 'GET', path: '/files/{proxy+}', handler: echo('files') },
  {
    method: 'GET',
    path: '/cohorts',
    handler: async () => {
      calls.push('list-cohorts');
      return { items: [], nextCursor: null };
    },
  },
  { method: 'GET', path: '/health', public: true, handler: echo('health') },
  {
    method: 'POST',
    path: '/boom',
    handler: async () => {
      calls.push('boom');
      throw new Error('secret internals: table apprenticeflow-prod, key 0xDEADBEEF');
    },
  },
  { method: 'GET', path: '/malformed', handler: async () => ({ statusCode: 'two hundred' }) },
  {
    method: 'GET',
    path: '/slow',
    timeoutSeconds: 0.2,
    handler: async (_event: HttpApiEvent, context: LambdaContext) => {
      calls.push(`slow:${context.getRemainingTimeInMillis()}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return { statusCode: 200, body: 'too late' };
    },
  },
  {
    method: 'GET',
    path: '/cookies',
    handler: async () => ({
      statusCode: 201,
      headers: { 'X-Custom': 7 },
      cookies: ['a=1; Path=/', 'b=2; HttpOnly'],
      body: Buffer.from('binary ok').toString('base64'),
      isBase64Encoded: true,
    }),
  },
];

const clockRoute: ExtraRoute = {
  method: 'POST',
  path: '/dev/clock',
  async handle(request) {
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: request.body };
  },
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apprenticeflow-gw-'));
  issuer = await createDevIssuer({ dataDir });
  clerkToken = await issuer.issueToken('ent-a-clerk');
  gateway = await startApiGateway({
    port: await freePort(),
    routes,
    issuer: issuer.verifier,
    extraRoutes: [...devIssuerRoutes(issuer), clockRoute],
    log: (line) => logLines.push(line),
  });
  small = await startApiGateway({
    port: 0,
    routes,
    issuer: issuer.verifier,
    maxBodyBytes: 1024,
    log: (line) => logLines.push(line),
  });
});

afterAll(async () => {
  await gateway?.close();
  await small?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the HTTP API payload format 2.0 event', () => {
  it('is built as API Gateway builds it', async () => {
    const reply = await send(
      gateway.url,
      'POST',
      '/cohorts/c%2001%2Fx/submit?status=DRAFT&status=RETURNED&q=a+b%2Bc&flag',
      {
        headers: {
          ...bearer(clerkToken),
          'Content-Type': 'application/json',
          'X-Multi': ['one', 'two'],
          'User-Agent': 'vitest-agent',
          Cookie: 'session=abc; theme=dark',
          'Idempotency-Key': 'K-1',
        },
        body: '{"hello":"世界"}',
      },
    );
    expect(reply.status).toBe(200);
    const { event, context } = reply.json() as { event: HttpApiEvent; context: Record<string, unknown> };

    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('POST /cohorts/{cohortId}/submit');
    expect(event.rawPath).toBe('/cohorts/c%2001%2Fx/submit');
    expect(event.rawQueryString).toBe('status=DRAFT&status=RETURNED&q=a+b%2Bc&flag');
    expect(event.queryStringParameters).toEqual({ status: 'DRAFT,RETURNED', q: 'a b+c', flag: '' });
    expect(event.pathParameters).toEqual({ cohortId: 'c 01/x' });
    expect(event.cookies).toEqual(['session=abc', 'theme=dark']);
    expect(event.body).toBe('{"hello":"世界"}');
    expect(event.isBase64Encoded).toBe(false);

    for (const name of Object.keys(event.headers)) expect(name).toBe(name.toLowerCase());
    expect(event.headers['x-multi']).toBe('one,two');
    expect(event.headers['user-agent']).toBe('vitest-agent');
    expect(event.headers['idempotency-key']).toBe('K-1');
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.headers.authorization).toBe(`Bearer ${clerkToken}`);
    expect(event.headers.cookie).toBeUndefined();
    expect(event.headers.connection).toBeUndefined();
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);

    const rc = event.requestContext;
    expect(rc.routeKey).toBe('POST /cohorts/{cohortId}/submit');
    expect(rc.stage).toBe('$default');
    expect(rc.accountId).toMatch(/^\d{12}$/);
    expect(rc.http).toEqual({
      method: 'POST',
      path: '/cohorts/c%2001%2Fx/submit',
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: 'vitest-agent',
    });
    expect(rc.requestId).toBe(reply.headers['apigw-requestid']);
    expect(reply.headers['x-amzn-requestid']).toBe(rc.requestId);
    expect(rc.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(rc.timeEpoch - Date.now())).toBeLessThan(60_000);

    // Claims arrive flattened to strings, as API Gateway hands them over.
    const claims = rc.authorizer!.jwt.claims;
    expect(claims['cognito:groups']).toBe('[enterprise.clerk]');
    expect(claims.sub).toBe('u-ent-a-clerk');
    expect(claims['cognito:username']).toBe('ent-a-clerk');
    expect(claims['custom:org']).toBe('91110108MA01AAAA0M');
    expect(claims.token_use).toBe('id');
    expect(claims.iss).toBe(DEV_ISSUER);
    expect(claims.aud).toBe(DEV_AUDIENCE);
    expect(claims.exp).toMatch(/^\d+$/);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
    for (const value of Object.values(claims)) expect(typeof value).toBe('string');
    expect(rc.authorizer!.jwt.scopes).toBeNull();

    expect(context.functionName).toBe('submit-cohort');
    expect(context.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:submit-cohort');
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.remainingMs).toBeGreaterThan(25_000);
    expect(context.remainingMs).toBeLessThanOrEqual(30_000);
  });

  it('leaves out cookies, query, path parameters and body when there are none', async () => {
    const reply = await send(gateway.url, 'GET', '/files/a/b%20c/d.pdf', { headers: bearer(clerkToken) });
    const { event } = reply.json() as { event: HttpApiEvent };
    expect(event.routeKey).toBe('GET /files/{proxy+}');
    expect(event.pathParameters).toEqual({ proxy: 'a/b c/d.pdf' });
    expect(event.rawQueryString).toBe('');
    expect('queryStringParameters' in event).toBe(false);
    expect('cookies' in event).toBe(false);
    expect('body' in event).toBe(false);
    expect(event.isBase64Encoded).toBe(false);

    const plain = await send(gateway.url, 'GET', '/health');
    expect('pathParameters' in (plain.json() as { event: HttpApiEvent }).event).toBe(false);
  });

  it('base64-encodes bodies that are not text, as API Gateway does', async () => {
    const path = '/cohorts/c1/apprentices';
    const csv = await send(gateway.url, 'POST', path, {
      headers: { ...bearer(clerkToken), 'content-type': 'text/csv; charset=utf-8' },
      body: 'name,idNumber\n李娜,110108200001011237\n',
    });
    expect(csv.json().event).toMatchObject({
      isBase64Encoded: false,
      body: 'name,idNumber\n李娜,110108200001011237\n',
    });

    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    const binary = await send(gateway.url, 'POST', path, {
      headers: { ...bearer(clerkToken), 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(binary.json().event).toMatchObject({ isBase64Encoded: true, body: bytes.toString('base64') });

    const form = await send(gateway.url, 'POST', path, {
      headers: { ...bearer(clerkToken), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.json().event).toMatchObject({
      isBase64Encoded: true,
      body: Buffer.from('a=1').toString('base64'),
    });

    const untyped = await send(gateway.url, 'POST', path, { headers: bearer(clerkToken), body: '{}' });
    expect(untyped.json().event).toMatchObject({
      isBase64Encoded: true,
      body: Buffer.from('{}').toString('base64'),
    });
  });
});

describe('routing', () => {
  it('prefers a literal segment to a path parameter', async () => {
    const latest = await send(gateway.url, 'GET', '/cohorts/latest', { headers: bearer(clerkToken) });
    expect(latest.json().event.routeKey).toBe('GET /cohorts/latest');
    const one = await send(gateway.url, 'GET', '/cohorts/01J0000000', { headers: bearer(clerkToken) });
    expect(one.json().event.routeKey).toBe('GET /cohorts/{cohortId}');
    expect(one.json().event.pathParameters).toEqual({ cohortId: '01J0000000' });
  });

  it('answers 404 {"message":"Not Found"} for an unknown route or a known path with another method', async () => {
    const before = calls.length;
    for (const [method, path] of [
      ['GET', '/nowhere'],
      ['DELETE', '/cohorts/c1/submit'],
      ['GET', '/cohorts/c1/submit'],
      ['GET', '/cohorts/c1/extra/segments'],
      ['GET', '/cohorts/'],
    ] as const) {
      const reply = await send(gateway.url, method, path, { headers: bearer(clerkToken) });
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.json()).toEqual({ message: 'Not Found' });
    }
    // Route matching comes before the authorizer: no token still gets 404, not 401.
    expect((await send(gateway.url, 'GET', '/nowhere')).status).toBe(404);
    expect(calls.length).toBe(before);
  });
});

describe('the JWT authorizer', () => {
  async function expectUnauthorized(authorization: string | undefined, why: string) {
    const before = calls.length;
    const reply = await send(gateway.url, 'GET', '/cohorts/c1', {
      headers: authorization === undefined ? {} : { authorization },
    });
    expect(reply.status, why).toBe(401);
    expect(reply.json(), why).toEqual({ message: 'Unauthorized' });
    expect(calls.length, `${why}: the handler must not run`).toBe(before);
  }

  it('accepts the token with or without "Bearer"', async () => {
    expect((await send(gateway.url, 'GET', '/cohorts/c1', { headers: bearer(clerkToken) })).status).toBe(200);
    expect(
      (await send(gateway.url, 'GET', '/cohorts/c1', { headers: { authorization: clerkToken } })).status,
    ).toBe(200);
  });

  it('refuses a missing or unreadable token', async () => {
    await expectUnauthorized(undefined, 'no header');
    await expectUnauthorized('', 'empty header');
    await expectUnauthorized('Bearer ', 'Bearer alone');
    await expectUnauthorized('Bearer not.a.jwt', 'garbage');
    await expectUnauthorized(`Basic ${Buffer.from('a:b').toString('base64')}`, 'basic auth');
  });

  it('refuses a token signed by another key pair', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const sameKid = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'RS256', kid: issuer.kid })
      .sign(privateKey);
    await expectUnauthorized(`Bearer ${sameKid}`, 'forged with the real kid');
    const otherKid = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'RS256', kid: 'other' })
      .sign(privateKey);
    await expectUnauthorized(`Bearer ${otherKid}`, 'unknown kid');
    const [header, payload, signature] = clerkToken.split('.') as [string, string, string];
    const tampered = base64url.encode(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
        'custom:org': '91110108MA01BBBB0B',
      }),
    );
    await expectUnauthorized(`Bearer ${header}.${tampered}.${signature}`, 'payload changed after signing');
  });

  it('refuses wrong issuer, wrong audience, expired, not-yet-valid and expiry-less tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    // The same key and the same claims are accepted, so each refusal below is the one claim's doing.
    expect(
      (
        await send(gateway.url, 'GET', '/cohorts/c1', {
          headers: bearer(await signWithDevKey(validClaims())),
        })
      ).status,
    ).toBe(200);
    await expectUnauthorized(
      `Bearer ${await signWithDevKey(validClaims({ iss: `${DEV_ISSUER}/` }))}`,
      'issuer',
    );
    await expectUnauthorized(
      `Bearer ${await signWithDevKey(validClaims({ aud: 'someone-else' }))}`,
      'audience',
    );
    await expectUnauthorized(`Bearer ${await signWithDevKey(validClaims({ exp: now - 1 }))}`, 'expired');
    await expectUnauthorized(
      `Bearer ${await signWithDevKey(validClaims({ nbf: now + 120 }))}`,
      'nbf in the future',
    );
    await expectUnauthorized(
      `Bearer ${await signWithDevKey(validClaims({ iat: now + 120 }))}`,
      'iat in the future',
    );
    await expectUnauthorized(`Bearer ${await signWithDevKey(validClaims({ exp: undefined }))}`, 'no exp');
    const noAudience = validClaims({ aud: undefined });
    await expectUnauthorized(`Bearer ${await signWithDevKey(noAudience)}`, 'neither aud nor client_id');
    await expectUnauthorized(
      `Bearer ${await signWithDevKey(validClaims({ aud: 'someone-else', client_id: DEV_AUDIENCE }))}`,
      'client_id is not looked at when aud is present',
    );
  });

  it('accepts client_id when there is no aud, and an aud array naming the audience (as API Gateway does)', async () => {
    const accessLike = await signWithDevKey(
      validClaims({ aud: undefined, client_id: DEV_AUDIENCE, token_use: 'access' }),
    );
    expect((await send(gateway.url, 'GET', '/cohorts/c1', { headers: bearer(accessLike) })).status).toBe(200);
    const many = await signWithDevKey(validClaims({ aud: ['another', DEV_AUDIENCE] }));
    const reply = await send(gateway.url, 'GET', '/cohorts/c1', { headers: bearer(many) });
    expect(reply.status).toBe(200);
    expect(reply.json().event.requestContext.authorizer.jwt.claims.aud).toBe(`[another ${DEV_AUDIENCE}]`);
  });

  it('refuses alg "none" and the HS256-keyed-with-the-public-key trick', async () => {
    const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
    const unsigned = `${encode({ alg: 'none', kid: issuer.kid, typ: 'JWT' })}.${encode(validClaims())}.`;
    await expectUnauthorized(`Bearer ${unsigned}`, 'alg none');
    await expectUnauthorized(
      `Bearer ${encode({ alg: 'none', kid: issuer.kid })}.${encode(validClaims())}`,
      'alg none, no signature part',
    );

    const publicJwk = issuer.jwks().keys[0]!;
    const publicKey = await importJWK(publicJwk, 'RS256');
    const pem = await exportSPKI(publicKey as CryptoKey);
    for (const secret of [pem, JSON.stringify(publicJwk), publicJwk.n!]) {
      const confused = await new SignJWT(validClaims())
        .setProtectedHeader({ alg: 'HS256', kid: issuer.kid })
        .sign(new TextEncoder().encode(secret));
      await expectUnauthorized(`Bearer ${confused}`, 'HS256 keyed with the public key');
    }
  });

  it('says why in WWW-Authenticate, and logs the reason but never the token', async () => {
    const expired = await signWithDevKey(validClaims({ exp: Math.floor(Date.now() / 1000) - 5 }));
    const reply = await send(gateway.url, 'GET', '/cohorts/c1?secretQuery=1', { headers: bearer(expired) });
    expect(reply.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(reply.headers['www-authenticate']).toContain('expired');
    const line = logLines.find(
      (entry) => entry.startsWith('[api] GET /cohorts/c1 401') && entry.includes('expired'),
    );
    expect(line).toBeDefined();
    expect(line).not.toContain('secretQuery');
  });

  it('lets public routes through without a token (and ignores a bad one there)', async () => {
    const reply = await send(gateway.url, 'GET', '/health');
    expect(reply.status).toBe(200);
    expect('authorizer' in reply.json().event.requestContext).toBe(false);
    expect(
      (await send(gateway.url, 'GET', '/health', { headers: { authorization: 'Bearer junk' } })).status,
    ).toBe(200);
  });
});

describe('the response mapping', () => {
  it('answers a result without statusCode as 200 application/json', async () => {
    const reply = await send(gateway.url, 'GET', '/cohorts', { headers: bearer(clerkToken) });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.json()).toEqual({ items: [], nextCursor: null });
  });

  it('maps statusCode, headers, cookies and base64 bodies', async () => {
    const reply = await send(gateway.url, 'GET', '/cookies', { headers: bearer(clerkToken) });
    expect(reply.status).toBe(201);
    expect(reply.headers['x-custom']).toBe('7');
    expect(reply.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(reply.text).toBe('binary ok');
    expect(reply.headers['apigw-requestid']).toBeTruthy();
  });

  it('turns a thrown handler error into a bare 500 and logs it without the request body', async () => {
    const reply = await send(gateway.url, 'POST', '/boom', {
      headers: { ...bearer(clerkToken), 'content-type': 'application/json' },
      body: '{"idNumber":"110108200001011237"}',
    });
    expect(reply.status).toBe(500);
    expect(reply.json()).toEqual({ message: 'Internal Server Error' });
    expect(reply.text).not.toContain('secret');
    expect(logLines.some((line) => line.includes('secret internals'))).toBe(true);
    expect(logLines.some((line) => line.includes('[api] POST /boom 500'))).toBe(true);
  });

  it('answers 500 when the function runs past its timeout', async () => {
    const reply = await send(gateway.url, 'GET', '/slow', { headers: bearer(clerkToken) });
    expect(reply.status).toBe(500);
    expect(reply.json()).toEqual({ message: 'Internal Server Error' });
    const remaining = Number(calls.findLast((call) => call.startsWith('slow:'))?.slice(5));
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(200);
  });

  it('answers 500 to a malformed Lambda response', async () => {
    const reply = await send(gateway.url, 'GET', '/malformed', { headers: bearer(clerkToken) });
    expect(reply.status).toBe(500);
    expect(reply.json()).toEqual({ message: 'Internal Server Error' });
  });
});

describe('body size', () => {
  it('answers 413 above maxBodyBytes without calling the handler', async () => {
    const path = '/cohorts/c1/apprentices';
    const headers = { ...bearer(clerkToken), 'content-type': 'application/json' };
    const before = calls.length;
    expect((await send(small.url, 'POST', path, { headers, body: 'x'.repeat(1024) })).status).toBe(200);
    expect(calls.length).toBe(before + 1);
    const reply = await send(small.url, 'POST', path, { headers, body: 'x'.repeat(1025) });
    expect(reply.status).toBe(413);
    expect(reply.json()).toEqual({ message: 'Request Entity Too Large' });
    expect(calls.length).toBe(before + 1);
  });

  it('defaults to API Gateway’s 10 MiB', async () => {
    const before = calls.length;
    const reply = await send(gateway.url, 'POST', '/cohorts/c1/apprentices', {
      headers: { ...bearer(clerkToken), 'content-type': 'text/csv' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61),
    });
    expect(reply.status).toBe(413);
    expect(calls.length).toBe(before);
  });
});

describe('embedded-runtime-only routes', () => {
  it('POST /dev/token needs no token and gives one the authorizer accepts', async () => {
    const reply = await send(gateway.url, 'POST', '/dev/token', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'school-a-registrar' }),
    });
    expect(reply.status).toBe(200);
    const { token, role } = reply.json() as { token: string; role: string };
    expect(role).toBe('school.registrar');
    const use = await send(gateway.url, 'GET', '/cohorts/c1', { headers: bearer(token) });
    expect(use.status).toBe(200);
    expect(use.json().event.requestContext.authorizer.jwt.claims['cognito:groups']).toBe(
      '[school.registrar]',
    );
  });

  it('POST /dev/token refuses an unknown user with problem+json listing the known ones', async () => {
    const reply = await send(gateway.url, 'POST', '/dev/token', {
      body: JSON.stringify({ user: 'mallory' }),
    });
    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.json().detail).toContain('ent-a-clerk');
  });

  it('serves the JWKS and other extra routes without the authorizer', async () => {
    const jwks = await send(gateway.url, 'GET', '/.well-known/jwks.json');
    expect(jwks.json()).toEqual(issuer.jwks());
    expect(jwks.json().keys[0].d).toBeUndefined();
    const clock = await send(gateway.url, 'POST', '/dev/clock', { body: '{"now":"2028-03-15T00:00:00Z"}' });
    expect(clock.status).toBe(200);
    expect(clock.json()).toEqual({ now: '2028-03-15T00:00:00Z' });
  });
});

describe('logging', () => {
  it('writes one line per request — method, path without query, status, ms — never tokens or bodies', async () => {
    const before = logLines.length;
    await send(gateway.url, 'POST', '/cohorts/c9/submit?cursor=SECRETCURSOR', {
      headers: { ...bearer(clerkToken), 'content-type': 'application/json' },
      body: '{"idNumber":"110108200001011237"}',
    });
    const lines = logLines.slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[api\] POST \/cohorts\/c9\/submit 200 \d+ms$/);
    for (const line of logLines) {
      expect(line).not.toContain(clerkToken.split('.')[2]);
      expect(line).not.toContain('110108200001011237');
      expect(line).not.toContain('SECRETCURSOR');
    }
  });
});

describe('the dev issuer', () => {
  it('writes Cognito ID-token claims', async () => {
    const token = await issuer.issueToken('bureau-reviewer', { expiresInSeconds: 120 });
    const [headerPart, payloadPart] = token.split('.') as [string, string];
    const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    const claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
    expect(header).toMatchObject({ alg: 'RS256', kid: issuer.kid });
    expect(claims).toMatchObject({
      sub: 'u-bureau-reviewer',
      'cognito:username': 'bureau-reviewer',
      'cognito:groups': ['bureau.reviewer'],
      'custom:org': '110108',
      token_use: 'id',
      iss: DEV_ISSUER,
      aud: DEV_AUDIENCE,
    });
    expect(claims.exp - claims.iat).toBe(120);
    expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(60);
  });

  it('refuses unknown usernames, listing the known ones', async () => {
    await expect(issuer.issueToken('nobody')).rejects.toThrow(UnknownDemoUser);
    await expect(issuer.issueToken('nobody')).rejects.toThrow(/ent-a-clerk.*school-b-registrar/);
  });

  it('keeps its key pair: a second issuer on the same directory verifies the first one’s tokens', async () => {
    const again = await createDevIssuer({ dataDir });
    expect(again.kid).toBe(issuer.kid);
    expect(await authorizeJwt(`Bearer ${clerkToken}`, again.verifier)).toMatchObject({ ok: true });

    const elsewhere = await mkdtemp(join(tmpdir(), 'apprenticeflow-gw-other-'));
    try {
      const stranger = await createDevIssuer({ dataDir: elsewhere });
      expect(stranger.kid).not.toBe(issuer.kid);
      expect(await authorizeJwt(`Bearer ${clerkToken}`, stranger.verifier)).toMatchObject({ ok: false });
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('creates one key pair even when several processes start at once', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'apprenticeflow-gw-race-'));
    try {
      const issuers = await Promise.all(Array.from({ length: 4 }, () => createDevIssuer({ dataDir: fresh })));
      expect(new Set(issuers.map((one) => one.kid)).size).toBe(1);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
});

function run(command: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectRoot, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const ONE_JWT_LINE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/;

describe('scripts/token.ts', () => {
  it('prints exactly one JWT on stdout, signed with the key in DATA_DIR, naming the issuer of `npm start` on PORT', async () => {
    const { code, stdout } = await run('npx', ['tsx', 'scripts/token.ts', 'ent-b-clerk'], {
      DATA_DIR: dataDir,
      PORT: '3100',
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(ONE_JWT_LINE);
    // What `PORT=3100 npm start` trusts: its dev issuer at PORT+4, with the same key pair.
    const npmStart = await createDevIssuer({
      dataDir,
      issuer: devIssuerUrl({ port: 3100, issuerPort: undefined }),
    });
    const verdict = await authorizeJwt(stdout.trim(), npmStart.verifier);
    expect(verdict).toMatchObject({
      ok: true,
      claims: { 'cognito:username': 'ent-b-clerk', iss: 'http://127.0.0.1:3104' },
    });
    const elsewhere = await run('npx', ['tsx', 'scripts/token.ts', 'ent-b-clerk'], {
      DATA_DIR: dataDir,
      PORT: '3100',
      ISSUER_PORT: '3900',
    });
    expect(JSON.parse(Buffer.from(elsewhere.stdout.split('.')[1]!, 'base64url').toString()).iss).toBe(
      'http://127.0.0.1:3900',
    );
  });

  it('refuses an unknown user on stderr, with nothing on stdout', async () => {
    const { code, stdout, stderr } = await run('npx', ['tsx', 'scripts/token.ts', 'mallory'], {
      DATA_DIR: dataDir,
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Unknown demo user "mallory"');
    expect(stderr).toContain('bureau-reviewer');
  });

  it('through `npm run -s token` prints the JWT alone (without -s npm adds its banner to stdout)', async () => {
    const { code, stdout } = await run('npm', ['run', '-s', 'token', '--', 'bureau-admin'], {
      DATA_DIR: dataDir,
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(ONE_JWT_LINE);
  });
});

describe('the sample events in events/http', () => {
  /** Fields that differ on every request (times, ids, the token) pinned, so the rest can be compared. */
  function pinned(event: HttpApiEvent): HttpApiEvent {
    const copy = structuredClone(event);
    copy.headers.host = '<host>';
    copy.headers['x-forwarded-port'] = '<port>';
    copy.headers['x-amzn-trace-id'] = '<trace>';
    if (copy.headers.authorization) copy.headers.authorization = '<token>';
    const rc = copy.requestContext;
    Object.assign(rc, {
      domainName: '<host>',
      domainPrefix: '<host>',
      requestId: '<id>',
      time: '<time>',
      timeEpoch: 0,
    });
    const claims = rc.authorizer?.jwt.claims;
    if (claims) for (const name of ['iat', 'exp', 'auth_time', 'jti']) claims[name] = `<${name}>`;
    return copy;
  }

  it('name routes of the function map and are what the local gateway produces for the same request', async () => {
    const directory = join(projectRoot, 'events', 'http');
    const files = (await readdir(directory)).filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);

    let captured: HttpApiEvent | undefined;
    const apiRoutes = FUNCTIONS.filter((spec) => spec.route);
    const recorder = await startApiGateway({
      port: 0,
      issuer: issuer.verifier,
      log: () => {},
      routes: apiRoutes.map((spec) => {
        const [method, path] = spec.route!.split(' ') as [string, string];
        return {
          method,
          path,
          public: spec.public,
          functionName: spec.name,
          handler: async (event: HttpApiEvent) => {
            captured = event;
            return { statusCode: 204 };
          },
        };
      }),
    });
    try {
      for (const file of files) {
        const sample = JSON.parse(await readFile(join(directory, file), 'utf8')) as HttpApiEvent;
        const spec = apiRoutes.find((candidate) => candidate.route === sample.routeKey);
        expect(spec, `${file}: ${sample.routeKey} is not in the function map`).toBeDefined();
        expect('authorizer' in sample.requestContext, `${file}: authorizer iff the route is not public`).toBe(
          !spec!.public,
        );

        const headers: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(sample.headers)) {
          if (['host', 'authorization', 'content-length', 'x-amzn-trace-id'].includes(name)) continue;
          if (name.startsWith('x-forwarded-')) continue;
          headers[name] = value;
        }
        if (!spec!.public) {
          headers.authorization = `Bearer ${await issuer.issueToken(sample.requestContext.authorizer!.jwt.claims['cognito:username']!)}`;
        }
        if (sample.cookies) headers.cookie = sample.cookies.join('; ');
        const body =
          sample.body === undefined
            ? undefined
            : Buffer.from(sample.body, sample.isBase64Encoded ? 'base64' : 'utf8');
        const query = sample.rawQueryString ? `?${sample.rawQueryString}` : '';
        captured = undefined;
        const reply = await send(
          recorder.url,
          sample.requestContext.http.method,
          `${sample.rawPath}${query}`,
          {
            headers,
            ...(body ? { body } : {}),
          },
        );
        expect(reply.status, file).toBe(204);
        expect(pinned(captured!), file).toEqual(pinned(sample));
      }
    } finally {
      await recorder.close();
    }
  });
});
