import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { importJWK, type JWK, SignJWT } from 'jose';
import { flattenJwtClaims } from '../../infra/local/api-gateway/index.ts';
import { DEMO_USERS, type Role } from '../../infra/local/demo-register.ts';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../infra/local/dev-issuer.ts';

/**
 * Who calls, for the security tests: the seeded demo users, plus a few principals the demo
 * register lacks (a treasurer and an administrator of the other district's bureau, another city's
 * municipal bureau), minted with
 * the embedded runtime's own dev-issuer key so they pass the same JWT authorizer.
 */
export interface Caller {
  username: string;
  sub: string;
  role: Role;
  orgId: string;
}

export const ENT_A = '91110108MA01AAAA0M';
export const ENT_B = '91110108MA01BBBB0B';
export const ENT_C = '91110105MA01CCCC0M';
export const SCHOOL_A = '52110108MJ0AA1000A';
export const SCHOOL_B = '52110105MJ0BB2000G';
export const BUREAU_A = '110108';
export const BUREAU_B = '110105';
/** The municipal bureau of the demo register's city (Beijing), and another city's (Shanghai), unregistered. */
export const CITY = '110000';
export const OTHER_CITY = '310000';

export function demoCaller(username: string): Caller {
  const user = DEMO_USERS.find((candidate) => candidate.username === username);
  if (!user) throw new Error(`No demo user ${username}`);
  return { username: user.username, sub: user.sub, role: user.role, orgId: user.orgId };
}

/** A principal of a role and organisation that the demo register has no user for. */
export function syntheticCaller(role: Role, orgId: string): Caller {
  const username = `synthetic-${role.replace('.', '-')}-${orgId}`;
  return { username, sub: `u-${username}`, role, orgId };
}

/** The claims the dev issuer (and Cognito) put in an ID token for `caller`. */
export function idTokenClaims(
  caller: Caller,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: caller.sub,
    'cognito:username': caller.username,
    'cognito:groups': [caller.role],
    'custom:org': caller.orgId,
    token_use: 'id',
    iss: DEV_ISSUER,
    aud: DEV_AUDIENCE,
    iat: now,
    auth_time: now,
    exp: now + 3600,
    ...overrides,
  };
}

/** Signs claims with the dev issuer's private key of a runtime's data directory. */
export async function signWithDevKey(
  dataDir: string,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const stored = JSON.parse(await readFile(join(dataDir, 'dev-issuer', 'key.json'), 'utf8')) as {
    kid: string;
    privateJwk: JWK;
  };
  const key = await importJWK(stored.privateJwk, 'RS256');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: stored.kid, typ: 'JWT', ...header })
    .sign(key);
}

export async function tokenFor(dataDir: string, caller: Caller): Promise<string> {
  return signWithDevKey(dataDir, idTokenClaims(caller));
}

export interface RawResponse {
  status: number;
  text: string;
  body: any;
  headers: Headers;
}

/** One request to the embedded runtime's HTTP API, with whatever token (or none) and body. */
export async function send(
  baseUrl: string,
  request: {
    method: string;
    path: string;
    token?: string | undefined;
    body?: unknown;
    raw?: string | Buffer;
    contentType?: string;
    headers?: Record<string, string>;
  },
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
  let body: string | Buffer | undefined;
  if (request.raw !== undefined) body = request.raw;
  else if (request.body !== undefined) body = JSON.stringify(request.body);
  if (body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    headers,
    body: body === undefined ? undefined : new Uint8Array(Buffer.from(body)),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: response.status, text, body: parsed, headers: response.headers };
}

/**
 * An HTTP API payload-2.0 event as API Gateway builds it after its JWT authorizer accepted a token
 * of `caller` (claims flattened to strings, as API Gateway hands them over): for calling a handler
 * in-process, without the HTTP hop.
 */
export function apiEvent(options: {
  routeKey: string;
  caller?: Caller | undefined;
  pathParameters?: Record<string, string> | undefined;
  queryStringParameters?: Record<string, string> | undefined;
  headers?: Record<string, string>;
  body?: string | undefined;
  isBase64Encoded?: boolean;
}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const [method, template] = options.routeKey.split(' ') as [string, string];
  const rawPath = template.replace(/\{(\w+)\+?\}/g, (_match, name: string) => {
    const value = options.pathParameters?.[name] ?? name;
    try {
      return encodeURIComponent(value);
    } catch {
      return value; // a lone surrogate: no URL carries one, but a fuzzer may hand it to a handler
    }
  });
  const rawQueryString = new URLSearchParams(options.queryStringParameters ?? {}).toString();
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath,
    rawQueryString,
    headers: { host: 'localhost', ...options.headers },
    ...(options.queryStringParameters ? { queryStringParameters: options.queryStringParameters } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'fuzz' },
      requestId: `fuzz-${now}`,
      routeKey: options.routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: {
          claims: options.caller ? flattenJwtClaims(idTokenClaims(options.caller)) : {},
          scopes: [],
        },
      },
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: options.isBase64Encoded ?? false,
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `fuzz-${Date.now()}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'fuzz',
    getRemainingTimeInMillis: () => 15_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
