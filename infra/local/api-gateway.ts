import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { scrub } from '../../shared/adapters/logger.ts';

/**
 * The embedded runtime's stand-in for API Gateway HTTP API with a JWT authorizer: a plain
 * `node:http` server that routes requests as API Gateway does, verifies the bearer token as
 * strictly as the JWT authorizer, turns the request into a payload-format-2.0 event and calls the
 * same Lambda handlers that run on AWS, then maps their result back the way API Gateway does.
 *
 * Where API Gateway's behaviour is not documented, the choice made here is written next to the code.
 */

// Account and region of local ARNs; the same values as `infra/workflows/render.ts` (not imported
// from there because that module loads aws-cdk-lib).
const LOCAL_ACCOUNT = '000000000000';
const LOCAL_REGION = 'us-east-1';
const LOCAL_API_ID = 'local';

/** API Gateway's payload quota for HTTP APIs. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway's maximum integration timeout for HTTP APIs. */
const INTEGRATION_TIMEOUT_MS = 30_000;
/** Tolerance for `nbf`/`iat` a little in the future (clock skew between issuer and gateway). */
const CLOCK_SKEW_SECONDS = 5;

// ---------------------------------------------------------------------------------------------
// Types: the event, context and result of a Lambda behind an HTTP API (payload format 2.0).
// Structurally compatible with `@types/aws-lambda`'s APIGatewayProxyEventV2WithJWTAuthorizer,
// Context and APIGatewayProxyResultV2, which this project does not install.
// ---------------------------------------------------------------------------------------------

export interface HttpApiJwtAuthorizer {
  jwt: {
    /** Every claim flattened to a string, as API Gateway does (`"[enterprise.clerk]"` for an array). */
    claims: Record<string, string>;
    /** `null` unless the route asks for authorization scopes (no route here does). */
    scopes: string[] | null;
  };
}

export interface HttpApiRequestContext {
  accountId: string;
  apiId: string;
  domainName: string;
  domainPrefix: string;
  http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
  requestId: string;
  routeKey: string;
  stage: string;
  /** `12/Mar/2020:19:03:58 +0000` */
  time: string;
  timeEpoch: number;
  /** Present on routes behind the JWT authorizer only. */
  authorizer?: HttpApiJwtAuthorizer;
}

export interface HttpApiEvent {
  version: '2.0';
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  /** Absent when the request has no `Cookie` header (the header itself is not in `headers`). */
  cookies?: string[];
  /** Lower-cased names; repeated headers joined with commas. */
  headers: Record<string, string>;
  /** URL-decoded; repeated keys joined with commas. Absent when there is no query string. */
  queryStringParameters?: Record<string, string>;
  /** URL-decoded. Absent when the route has none. */
  pathParameters?: Record<string, string>;
  stageVariables?: Record<string, string>;
  requestContext: HttpApiRequestContext;
  /** Absent when the request has no body; base64 when `isBase64Encoded`. */
  body?: string;
  isBase64Encoded: boolean;
}

export interface HttpApiStructuredResult {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  body?: string;
  isBase64Encoded?: boolean;
  cookies?: string[];
}

export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  getRemainingTimeInMillis(): number;
  /** Callback-style completion is not supported (handlers are async); these throw. */
  done(error?: Error, result?: unknown): void;
  fail(error: Error | string): void;
  succeed(messageOrObject: unknown): void;
}

// ---------------------------------------------------------------------------------------------
// Options.
// ---------------------------------------------------------------------------------------------

/** A route served by a Lambda handler, as the function map lists it. */
export interface LambdaRoute {
  /** `GET`, `POST`, … or `ANY`. */
  method: string;
  /** As API Gateway writes it: `/cohorts/{cohortId}/submit`; a last segment may be greedy, `{proxy+}`. */
  path: string;
  /** Method syntax on purpose: lets handlers typed with a narrower event or context be passed in. */
  handler(event: HttpApiEvent, context: LambdaContext): unknown;
  /** No JWT authorizer on this route. */
  public?: boolean;
  /** `context.functionName`; default derived from the route. */
  functionName?: string;
  /** The function's timeout; default 30 s (API Gateway's integration timeout). */
  timeoutSeconds?: number;
  memoryMb?: number;
}

export interface ExtraRouteRequest {
  method: string;
  path: string;
  body: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  pathParameters: Record<string, string>;
}

export interface ExtraRouteResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

/** An embedded-runtime-only endpoint (`/dev/token`, `/dev/clock`…): no authorizer, never deployed. */
export interface ExtraRoute {
  method: string;
  path: string;
  handle(request: ExtraRouteRequest): Promise<ExtraRouteResponse>;
}

/** What the JWT authorizer checks tokens against (API Gateway's `jwtConfiguration` + the issuer's JWKS). */
export interface JwtAuthorizerConfig {
  jwks: JSONWebKeySet;
  issuer: string;
  /** Tokens must name one of these in `aud` (or, without `aud`, in `client_id`). */
  audience: string | readonly string[];
}

export interface ApiGatewayOptions {
  /** 0 picks a free port; `url` says which. */
  port: number;
  host?: string;
  routes: readonly LambdaRoute[];
  issuer: JwtAuthorizerConfig;
  extraRoutes?: readonly ExtraRoute[];
  maxBodyBytes?: number;
  /** One line per request and handler failures; never headers or bodies. Default: stdout. */
  log?: (line: string) => void;
}

export interface RunningApiGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Routing.
// ---------------------------------------------------------------------------------------------

type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string };

interface CompiledRoute {
  method: string;
  routeKey: string;
  segments: Segment[];
  target: { kind: 'lambda'; route: LambdaRoute } | { kind: 'extra'; route: ExtraRoute };
}

interface RouteMatch {
  route: CompiledRoute;
  pathParameters: Record<string, string>;
}

function compileRoute(method: string, path: string, target: CompiledRoute['target']): CompiledRoute {
  const upper = method.toUpperCase();
  if (!/^[A-Z]+$/.test(upper)) throw new Error(`Route ${method} ${path}: bad method`);
  if (!path.startsWith('/')) throw new Error(`Route ${method} ${path}: the path must start with /`);
  const parts = path === '/' ? [] : path.slice(1).split('/');
  const segments = parts.map((part, index): Segment => {
    const variable = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/.exec(part);
    if (!variable) {
      if (part === '' || part.includes('{') || part.includes('}')) {
        throw new Error(`Route ${method} ${path}: bad segment "${part}"`);
      }
      return { kind: 'literal', value: part };
    }
    if (variable[2] === '+') {
      if (index !== parts.length - 1)
        throw new Error(`Route ${method} ${path}: a greedy variable must come last`);
      return { kind: 'greedy', name: variable[1]! };
    }
    return { kind: 'param', name: variable[1]! };
  });
  return { method: upper, routeKey: `${upper} ${path}`, segments, target };
}

/** Matches decoded path segments; undefined when the path does not fit the template. */
function matchSegments(template: Segment[], segments: string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (let index = 0; index < template.length; index++) {
    const part = template[index]!;
    if (part.kind === 'greedy') {
      const rest = segments.slice(index);
      if (rest.length === 0 || rest.every((segment) => segment === '')) return undefined;
      parameters[part.name] = rest.join('/');
      return parameters;
    }
    const segment = segments[index];
    if (segment === undefined) return undefined;
    if (part.kind === 'literal') {
      if (segment !== part.value) return undefined;
    } else {
      if (segment === '') return undefined;
      parameters[part.name] = segment;
    }
  }
  return segments.length === template.length ? parameters : undefined;
}

/**
 * API Gateway's order: the most specific route wins — literal segments before `{param}`, a route
 * without a greedy variable before one with, and an exact method before `ANY`.
 */
function compareSpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const greedy = (route: CompiledRoute) => (route.segments.some((s) => s.kind === 'greedy') ? 1 : 0);
  if (greedy(a) !== greedy(b)) return greedy(a) - greedy(b);
  const rank = { literal: 0, param: 1, greedy: 2 } as const;
  for (let index = 0; index < Math.min(a.segments.length, b.segments.length); index++) {
    const difference = rank[a.segments[index]!.kind] - rank[b.segments[index]!.kind];
    if (difference !== 0) return difference;
  }
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  return (a.method === 'ANY' ? 1 : 0) - (b.method === 'ANY' ? 1 : 0);
}

function findRoute(routes: CompiledRoute[], method: string, segments: string[]): RouteMatch | undefined {
  for (const route of routes) {
    if (route.method !== method && route.method !== 'ANY') continue;
    const pathParameters = matchSegments(route.segments, segments);
    if (pathParameters) return { route, pathParameters };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The JWT authorizer.
// ---------------------------------------------------------------------------------------------

export type JwtAuthorization = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Checks an `Authorization` header value as API Gateway's JWT authorizer does: the token alone or
 * prefixed with `Bearer`; RS256 only (API Gateway accepts only RSA algorithms, which rules out
 * `none` and the HS256-keyed-with-the-public-key trick); a `kid` naming a key of the JWKS; a valid
 * signature; `iss` exactly the issuer; `aud` naming one of the audiences (`client_id` only when
 * there is no `aud`); `exp` after now; `nbf` and `iat`, when present, not after now.
 *
 * `nowMs` is the REAL wall clock, never the app clock (`shared/adapters/clock.ts`): tokens are
 * issued and verified in real time even while tests move the app clock years ahead, exactly as
 * Cognito and API Gateway keep real time while the app's own notion of "today" is a test fixture.
 */
export async function authorizeJwt(
  authorization: string | undefined,
  config: JwtAuthorizerConfig,
  keySet: ReturnType<typeof createLocalJWKSet> = createLocalJWKSet(config.jwks),
  nowMs: number = Date.now(),
): Promise<JwtAuthorization> {
  const value = authorization?.trim() ?? '';
  if (value === '') return { ok: false, reason: 'no token' };
  const token = /^bearer\s+/i.test(value) ? value.replace(/^bearer\s+/i, '') : value;

  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return { ok: false, reason: 'the token is not a valid JWT' };
  }
  if (header.alg !== 'RS256') return { ok: false, reason: `signing method ${String(header.alg)} is invalid` };
  if (typeof header.kid !== 'string' || !config.jwks.keys.some((key) => key.kid === header.kid)) {
    return { ok: false, reason: 'the token has no kid known to the issuer' };
  }

  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(token, keySet, { algorithms: ['RS256'] }));
  } catch {
    return { ok: false, reason: 'the token does not have a valid signature' };
  }
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(payloadBytes));
  } catch {
    return { ok: false, reason: 'the token payload is not JSON' };
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    return { ok: false, reason: 'the token payload is not a claims object' };
  }
  const payload = claims as Record<string, unknown>;

  if (payload.iss !== config.issuer) return { ok: false, reason: 'the token does not have a valid issuer' };

  const audiences: readonly string[] =
    typeof config.audience === 'string' ? [config.audience] : config.audience;
  if ('aud' in payload) {
    const aud = payload.aud;
    const named = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (!named.some((entry) => typeof entry === 'string' && audiences.includes(entry))) {
      return { ok: false, reason: 'the token does not have a valid audience' };
    }
  } else if (typeof payload.client_id !== 'string' || !audiences.includes(payload.client_id)) {
    return { ok: false, reason: 'the token does not have a valid audience' };
  }

  const now = nowMs / 1000;
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) {
    return { ok: false, reason: 'the token has no expiry' };
  }
  if (payload.exp <= now) return { ok: false, reason: 'the token has expired' };
  for (const claim of ['nbf', 'iat'] as const) {
    if (!(claim in payload)) continue;
    const at = payload[claim];
    if (typeof at !== 'number' || !Number.isFinite(at))
      return { ok: false, reason: `the token's ${claim} is invalid` };
    if (at > now + CLOCK_SKEW_SECONDS) return { ok: false, reason: `the token's ${claim} is in the future` };
  }
  return { ok: true, claims: payload };
}

/**
 * API Gateway hands claims to the integration as strings: numbers and booleans printed, arrays as
 * `[a b]` (bracketed, space-separated — `cognito:groups` arrives as `"[enterprise.clerk]"`) and
 * objects as `map[key:value]`, the way Go prints them.
 */
export function flattenJwtClaims(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, flattenClaim(value)]));
}

function flattenClaim(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return `[${value.map(flattenClaim).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `map[${entries.map(([key, inner]) => `${key}:${flattenClaim(inner)}`).join(' ')}]`;
  }
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// Building the event.
// ---------------------------------------------------------------------------------------------

/** Hop-by-hop headers end at API Gateway's front door and never reach the integration. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

/**
 * API Gateway passes a body as text only for these content types; every other one — including a
 * missing `Content-Type` and `application/x-www-form-urlencoded` — arrives base64-encoded with
 * `isBase64Encoded: true`. (Not documented; this is the split observed on real HTTP APIs.)
 */
function isTextContentType(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    mediaType.startsWith('text/') ||
    mediaType === 'application/json' ||
    mediaType === 'application/xml' ||
    mediaType === 'application/javascript'
  );
}

function readHeaders(request: IncomingMessage): { headers: Map<string, string>; cookies: string[] } {
  const headers = new Map<string, string>();
  const cookies: string[] = [];
  const raw = request.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index]!.toLowerCase();
    const value = raw[index + 1]!;
    if (HOP_BY_HOP.has(name)) continue;
    if (name === 'cookie') {
      // The cookies move to the event's `cookies` field; the header itself is not passed.
      for (const cookie of value.split(';')) if (cookie.trim() !== '') cookies.push(cookie.trim());
      continue;
    }
    const previous = headers.get(name);
    headers.set(name, previous === undefined ? value : `${previous},${value}`);
  }
  return { headers, cookies };
}

function decodeQueryComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Repeated keys joined with commas; `?flag` gives `flag: ""`. */
function parseQuery(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const parameters = new Map<string, string>();
  for (const pair of rawQueryString.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = decodeQueryComponent(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? '' : decodeQueryComponent(pair.slice(equals + 1));
    const previous = parameters.get(key);
    parameters.set(key, previous === undefined ? value : `${previous},${value}`);
  }
  return parameters.size === 0 ? undefined : Object.fromEntries(parameters);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, as `requestContext.time`. */
function requestTime(epochMs: number): string {
  const at = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:` +
    `${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} +0000`
  );
}

/** API Gateway's request ids look like `JKJaXmPLvHcESHA=`. */
function apiGatewayRequestId(): string {
  return randomBytes(11).toString('base64');
}

function traceId(epochMs: number): string {
  return `Root=1-${Math.floor(epochMs / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

function clientIp(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function defaultFunctionName(routeKey: string): string {
  return routeKey
    .replace(/[{}+]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

function lambdaContext(
  route: LambdaRoute,
  routeKey: string,
  timeoutMs: number,
  startedAt: number,
): LambdaContext {
  const functionName = route.functionName ?? defaultFunctionName(routeKey);
  const deadline = startedAt + timeoutMs;
  const day = new Date(startedAt).toISOString().slice(0, 10).replace(/-/g, '/');
  const unsupported = () => {
    throw new Error(
      'Callback-style completion (context.done/fail/succeed) is not supported; return a promise',
    );
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: String(route.memoryMb ?? 1024),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

// ---------------------------------------------------------------------------------------------
// Mapping the result.
// ---------------------------------------------------------------------------------------------

interface HttpReply {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** Why, for the log line only (e.g. which authorizer check failed). */
  note?: string;
}

class MalformedLambdaResponse extends Error {
  override name = 'MalformedLambdaResponse';
}

function message(statusCode: number, text: string, headers: Record<string, string> = {}): HttpReply {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify({ message: text })),
  };
}

/**
 * Payload format 2.0 response mapping: an object with `statusCode` is a structured response; any
 * other result is "valid JSON without a statusCode" — 200, `application/json`, the result as the
 * body (a string verbatim, anything else JSON-encoded; `undefined` is Lambda's `null`).
 */
function mapLambdaResult(result: unknown): HttpReply {
  if (typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result) {
    const structured = result as HttpApiStructuredResult;
    const { statusCode } = structured;
    if (
      typeof statusCode !== 'number' ||
      !Number.isInteger(statusCode) ||
      statusCode < 100 ||
      statusCode > 599
    ) {
      throw new MalformedLambdaResponse(`statusCode ${String(statusCode)} is not an HTTP status`);
    }
    if (structured.body !== undefined && structured.body !== null && typeof structured.body !== 'string') {
      throw new MalformedLambdaResponse('body must be a string');
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(structured.headers ?? {})) {
      if (value === undefined || value === null) continue;
      headers[name.toLowerCase()] = String(value);
    }
    if (structured.cookies !== undefined) {
      if (!Array.isArray(structured.cookies)) throw new MalformedLambdaResponse('cookies must be an array');
      const existing = headers['set-cookie'];
      headers['set-cookie'] = [
        ...(existing === undefined ? [] : [existing].flat()),
        ...structured.cookies.map(String),
      ];
    }
    const text = structured.body ?? '';
    const body = structured.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
    return { statusCode, headers, body };
  }
  const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(body, 'utf8'),
  };
}

class IntegrationTimeout extends Error {
  override name = 'IntegrationTimeout';
}

/** Runs the handler with the function's timeout. The handler is not stopped (it runs in-process). */
async function invokeWithTimeout(run: () => unknown, timeoutMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IntegrationTimeout(`no response within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(run), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the body.
// ---------------------------------------------------------------------------------------------

type BodyRead = { ok: true; body: Buffer } | { ok: false };

/**
 * Reads the body, keeping at most `maxBytes`. A larger body is read to its end and dropped (so the
 * client, still sending, gets the 413 instead of a reset connection) — unless it runs on far past
 * the limit, then the connection is cut.
 */
function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let tooLarge = Number(request.headers['content-length'] ?? 0) > maxBytes;
    const drainLimit = maxBytes * 2 + 1024 * 1024;
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) tooLarge = true;
      if (tooLarge) {
        chunks.length = 0;
        if (received > drainLimit) {
          request.socket.destroy();
          resolve({ ok: false });
        }
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? { ok: false } : { ok: true, body: Buffer.concat(chunks) }));
    // A client that goes away mid-body gets no answer (its socket is gone) and no handler runs.
    request.on('close', () => resolve({ ok: false }));
    request.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
// The server.
// ---------------------------------------------------------------------------------------------

export async function startApiGateway(options: ApiGatewayOptions): Promise<RunningApiGateway> {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const keySet = createLocalJWKSet(options.issuer.jwks);

  const routes: CompiledRoute[] = [
    ...options.routes.map((route) => compileRoute(route.method, route.path, { kind: 'lambda', route })),
    ...(options.extraRoutes ?? []).map((route) =>
      compileRoute(route.method, route.path, { kind: 'extra', route }),
    ),
  ];
  const seen = new Set<string>();
  for (const route of routes) {
    const shape = `${route.method} /${route.segments.map((s) => (s.kind === 'literal' ? s.value : `{${s.kind}}`)).join('/')}`;
    if (seen.has(shape)) throw new Error(`Two routes for ${route.routeKey}`);
    seen.add(shape);
  }
  routes.sort(compareSpecificity);

  async function handle(request: IncomingMessage, requestId: string, startedAt: number): Promise<HttpReply> {
    const target = request.url ?? '/';
    const questionMark = target.indexOf('?');
    const rawPath = questionMark === -1 ? target : target.slice(0, questionMark);
    const rawQueryString = questionMark === -1 ? '' : target.slice(questionMark + 1);

    const read = await readBody(request, maxBodyBytes);
    if (!read.ok) return message(413, 'Request Entity Too Large', { connection: 'close' });

    if (!rawPath.startsWith('/')) return message(404, 'Not Found');
    let segments: string[];
    try {
      segments = rawPath === '/' ? [] : rawPath.slice(1).split('/').map(decodeURIComponent);
    } catch {
      // Malformed percent-encoding in the path: nothing can match it.
      return message(404, 'Not Found');
    }
    const method = (request.method ?? 'GET').toUpperCase();
    // No 405 on an HTTP API: a known path with another method is as unknown as any other path.
    const match = findRoute(routes, method, segments);
    if (!match) return message(404, 'Not Found');

    const { headers: headerMap, cookies } = readHeaders(request);
    const query = parseQuery(rawQueryString);
    const { route, pathParameters } = match;

    if (route.target.kind === 'extra') {
      const response = await route.target.route.handle({
        method,
        path: rawPath,
        body: read.body.toString('utf8'),
        headers: Object.fromEntries(headerMap),
        query: query ?? {},
        pathParameters,
      });
      return {
        statusCode: response.statusCode,
        headers: Object.fromEntries(
          Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
        ),
        body: Buffer.from(response.body, 'utf8'),
      };
    }

    const lambda = route.target.route;
    let authorizer: HttpApiJwtAuthorizer | undefined;
    if (!lambda.public) {
      const verdict = await authorizeJwt(headerMap.get('authorization'), options.issuer, keySet);
      if (!verdict.ok) {
        const challenge: Record<string, string> =
          verdict.reason === 'no token'
            ? {}
            : {
                'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${verdict.reason}"`,
              };
        return { ...message(401, 'Unauthorized', challenge), note: verdict.reason };
      }
      authorizer = { jwt: { claims: flattenJwtClaims(verdict.claims), scopes: null } };
    }

    const sourceIp = clientIp(request);
    const host = headerMap.get('host') ?? `${options.host ?? '127.0.0.1'}:${actualPort}`;
    const forwardedFor = headerMap.get('x-forwarded-for');
    headerMap.set('x-forwarded-for', forwardedFor ? `${forwardedFor}, ${sourceIp}` : sourceIp);
    headerMap.set('x-forwarded-port', String(actualPort));
    headerMap.set('x-forwarded-proto', 'http');
    if (!headerMap.has('x-amzn-trace-id')) headerMap.set('x-amzn-trace-id', traceId(startedAt));

    const hasBody = read.body.length > 0;
    const binary = hasBody && !isTextContentType(headerMap.get('content-type'));
    const event: HttpApiEvent = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath,
      rawQueryString,
      ...(cookies.length > 0 ? { cookies } : {}),
      headers: Object.fromEntries(headerMap),
      ...(query ? { queryStringParameters: query } : {}),
      ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
      requestContext: {
        accountId: LOCAL_ACCOUNT,
        apiId: LOCAL_API_ID,
        domainName: host,
        domainPrefix: host.split('.')[0]!.split(':')[0]!,
        http: {
          method,
          path: rawPath,
          protocol: `HTTP/${request.httpVersion}`,
          sourceIp,
          userAgent: headerMap.get('user-agent') ?? '',
        },
        requestId,
        routeKey: route.routeKey,
        stage: '$default',
        time: requestTime(startedAt),
        timeEpoch: startedAt,
        ...(authorizer ? { authorizer } : {}),
      },
      ...(hasBody ? { body: binary ? read.body.toString('base64') : read.body.toString('utf8') } : {}),
      isBase64Encoded: binary,
    };

    const functionTimeoutMs = (lambda.timeoutSeconds ?? INTEGRATION_TIMEOUT_MS / 1000) * 1000;
    const context = lambdaContext(lambda, route.routeKey, functionTimeoutMs, startedAt);
    try {
      const result = await invokeWithTimeout(
        () => lambda.handler(event, context),
        Math.min(functionTimeoutMs, INTEGRATION_TIMEOUT_MS),
      );
      return mapLambdaResult(result);
    } catch (error) {
      // What failed goes to the log, never to the caller; the request body is not logged.
      log(`[api] ${route.routeKey} ${context.functionName} failed ${requestId}: ${describe(error)}`);
      if (error instanceof IntegrationTimeout && functionTimeoutMs >= INTEGRATION_TIMEOUT_MS) {
        return message(503, 'Service Unavailable');
      }
      return message(500, 'Internal Server Error');
    }
  }

  let actualPort = options.port;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const startedAt = Date.now();
    const requestId = apiGatewayRequestId();
    // A path may carry anything a caller typed (even an ID number): log it scrubbed.
    const path = scrub((request.url ?? '/').split('?')[0] ?? '/');
    let reply: Promise<HttpReply>;
    try {
      reply = handle(request, requestId, startedAt);
    } catch (error) {
      reply = Promise.reject(error);
    }
    reply
      .catch((error: unknown) => {
        log(`[api] ${request.method} ${path} failed ${requestId}: ${describe(error)}`);
        return message(500, 'Internal Server Error');
      })
      .then((result) => {
        if (response.headersSent || response.destroyed) return;
        const headers: Record<string, string | string[]> = {
          ...result.headers,
          'content-length': String(result.body.length),
          'apigw-requestid': requestId,
          'x-amzn-requestid': requestId,
        };
        response.writeHead(result.statusCode, headers);
        response.end(request.method === 'HEAD' ? undefined : result.body);
        const note = result.note ? ` (${result.note})` : '';
        log(`[api] ${request.method} ${path} ${result.statusCode} ${Date.now() - startedAt}ms${note}`);
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  actualPort = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
