import { createHash } from 'node:crypto';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { errorFields, logger, withInvocationFields } from '../adapters/logger.ts';
import { type Said, says } from '../domain/error-codes.ts';
import {
  Conflict,
  DomainError,
  type FieldError,
  Forbidden,
  fieldError,
  PayloadTooLarge,
  UnsupportedMediaType,
  ValidationFailed,
} from '../domain/errors.ts';
import type { Principal, Role } from '../domain/principal.ts';
import type { Reply } from '../domain/reply.ts';
import { zodIssuesToFieldErrors } from '../schemas/errors.ts';
import type * as z from '../schemas/zod.ts';
import { requestFields } from './invocation.ts';
import { principalFromClaims } from './principal.ts';
import { isTransient } from './transient-errors.ts';

/** Request bodies above this are refused with 413 before parsing. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** JSON nested deeper than this is refused with 400 (no legitimate body comes close). */
export const MAX_JSON_DEPTH = 12;

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

export type { Reply };

export interface RequestContext<B, P, Q> {
  principal: Principal;
  body: B;
  params: P;
  query: Q;
  /** `Idempotency-Key` header, validated; undefined when the caller sent none. */
  idempotencyKey: string | undefined;
  /** Hash of what the request asks for (route, path parameters, body): a replayed key must match it. */
  fingerprint: string;
  /** The body as it came (decoded from base64 where API Gateway encoded it). */
  rawBody: string;
  event: HttpEvent;
}

type AnySchema = z.ZodMiniType;

export interface RouteSpec<
  BS extends AnySchema | undefined,
  PS extends AnySchema | undefined,
  QS extends AnySchema | undefined,
> {
  /** Roles allowed to call at all (403 for others). Omitted: every signed-in role. */
  roles?: readonly Role[];
  /** The coded refusal of the other roles, where the route has a more telling one than `auth.role_not_allowed`. */
  refused?: Said;
  body?: BS;
  params?: PS;
  query?: QS;
  /** Also accept `text/csv`; the parser turns the text into the value `body` validates. */
  csv?: (text: string) => unknown;
  /** A larger body than `MAX_BODY_BYTES` (a contribution file); still within Lambda's 6 MB. */
  maxBodyBytes?: number;
  /** No token needed (health, openapi). */
  public?: boolean;
  /**
   * An empty body is validated as `undefined` (whatever the content type), so the schema names the
   * field a client left out (`commitment.accepted`) rather than the body as a whole.
   */
  emptyBodyValidated?: boolean;
}

type Infer<S> = S extends AnySchema ? z.infer<S> : undefined;

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_\-:.]{1,128}$/;

/**
 * The one middy handler factory: authenticate, check the role, parse and validate body, path and
 * query with zod, call the use case, and map every failure to problem+json in one place. Every
 * line logged meanwhile carries the request id and the case of the path (`./invocation.ts`).
 */
export function httpHandler<
  BS extends AnySchema | undefined = undefined,
  PS extends AnySchema | undefined = undefined,
  QS extends AnySchema | undefined = undefined,
>(
  spec: RouteSpec<BS, PS, QS>,
  run: (request: RequestContext<Infer<BS>, Infer<PS>, Infer<QS>>) => Promise<Reply | unknown>,
) {
  const serve = async (event: HttpEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    const principal = spec.public
      ? anonymous
      : principalFromClaims(event.requestContext?.authorizer?.jwt?.claims);
    if (spec.roles && !spec.roles.includes(principal.role)) {
      throw new Forbidden(spec.refused ?? says('auth.role_not_allowed', { role: principal.role }));
    }
    const rawBody = readBody(event, spec.maxBodyBytes ?? MAX_BODY_BYTES);
    const errors: FieldError[] = [];
    const body = spec.body ? parseBody(event, rawBody, spec) : undefined;
    const validBody = spec.body ? validate(spec.body, body, '', errors) : undefined;
    const params = spec.params
      ? validate(spec.params, event.pathParameters ?? {}, 'path', errors)
      : undefined;
    const query = spec.query
      ? validate(spec.query, event.queryStringParameters ?? {}, 'query', errors)
      : undefined;
    const idempotencyKey = headerOf(event, 'idempotency-key');
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      errors.push(fieldError('header.Idempotency-Key', says('idempotency.key_shape')));
    }
    if (errors.length > 0) throw new ValidationFailed(errors);
    const fingerprint = createHash('sha256')
      .update(`${event.routeKey}\n${JSON.stringify(event.pathParameters ?? {})}\n${rawBody}`)
      .digest('base64url');
    const result = await run({
      principal,
      body: validBody as Infer<BS>,
      params: params as Infer<PS>,
      query: query as Infer<QS>,
      idempotencyKey,
      fingerprint,
      rawBody,
      event,
    });
    // A non-JSON answer (CSV reports) carries its own content type.
    if (isRawReply(result)) return { statusCode: result.status, headers: result.headers, body: result.raw };
    return toResponse(isReply(result) ? result : { status: 200, body: result });
  };
  // Every line logged while the request runs, and the failure logged after it, names the request and the case.
  const core = (event: HttpEvent, context: Context): Promise<APIGatewayProxyStructuredResultV2> =>
    withInvocationFields(requestFields(event, context), () => serve(event));
  return middy(core).use({
    onError: async (request) => {
      const event = request.event as HttpEvent;
      request.response = withInvocationFields(requestFields(event, request.context), () =>
        problemResponse(request.error, event),
      );
    },
  });
}

const anonymous: Principal = { sub: 'anonymous', username: 'anonymous', role: 'enterprise.clerk', orgId: '' };

function isReply(value: unknown): value is Reply & { headers?: Record<string, string> } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'status' in value &&
    'body' in value &&
    Object.keys(value).length <= 3
  );
}

/** A non-JSON answer: the body as text with its own headers (CSV downloads). */
type RawReply = { status: number; raw: string; headers: Record<string, string> };

function isRawReply(value: unknown): value is RawReply {
  return (
    typeof value === 'object' && value !== null && 'status' in value && 'raw' in value && 'headers' in value
  );
}

export function toResponse(
  reply: Reply & { headers?: Record<string, string> },
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: reply.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...reply.headers },
    body: reply.body === undefined ? '' : JSON.stringify(reply.body),
  };
}

function headerOf(event: HttpEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

function readBody(event: HttpEvent, maxBytes: number): string {
  if (!event.body) return '';
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new PayloadTooLarge(says('body.too_large', { maxBytes }));
  }
  return text;
}

function parseBody(
  event: HttpEvent,
  raw: string,
  spec: RouteSpec<AnySchema | undefined, AnySchema | undefined, AnySchema | undefined>,
): unknown {
  // No body where the body is optional (`POST …/withdraw` without a reason): nothing to parse,
  // whatever the content type says — a client sending nothing need not name a media type.
  if (raw === '' && (spec.emptyBodyValidated || spec.body?.safeParse(undefined).success)) return undefined;
  const contentType = (headerOf(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (spec.csv && contentType === 'text/csv') return spec.csv(raw);
  if (contentType !== 'application/json' && !contentType.endsWith('+json')) {
    throw new UnsupportedMediaType(
      contentType
        ? says(spec.csv ? 'media_type.not_json_or_csv' : 'media_type.not_json', { contentType })
        : says(spec.csv ? 'media_type.missing_json_or_csv' : 'media_type.missing_json'),
    );
  }
  if (raw.trim() === '') throw new ValidationFailed([fieldError('', says('body.required'))]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ValidationFailed([fieldError('', says('body.not_json'))]);
  }
  if (depthOf(parsed) > MAX_JSON_DEPTH) {
    throw new ValidationFailed([fieldError('', says('body.too_deep', { maxDepth: MAX_JSON_DEPTH }))]);
  }
  return parsed;
}

function depthOf(value: unknown, depth = 0): number {
  if (depth > MAX_JSON_DEPTH) return depth;
  if (Array.isArray(value)) return Math.max(depth + 1, ...value.map((item) => depthOf(item, depth + 1)));
  if (value && typeof value === 'object') {
    return Math.max(depth + 1, ...Object.values(value).map((item) => depthOf(item, depth + 1)));
  }
  return depth;
}

function validate(schema: AnySchema, value: unknown, prefix: string, errors: FieldError[]) {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const error of zodIssuesToFieldErrors(result.error)) {
    errors.push({ ...error, path: prefix ? (error.path ? `${prefix}.${error.path}` : prefix) : error.path });
  }
  return undefined;
}

/** RFC 9457 problem+json. Only 4xx messages are shown; a 5xx says nothing about internals. */
export function problemResponse(error: unknown, event?: HttpEvent): APIGatewayProxyStructuredResultV2 {
  if (error instanceof DomainError && error.status < 500) {
    const body: Record<string, unknown> = {
      type: `https://apprenticeflow.example/problems/${error.name}`,
      title: error.title,
      status: error.status,
      code: error.code,
      ...(Object.keys(error.params).length > 0 ? { params: error.params } : {}),
      detail: error.message,
    };
    if (error instanceof ValidationFailed) body.errors = error.errors;
    if (error instanceof Conflict && error.errors) body.errors = error.errors;
    const current = (error as { current?: unknown }).current;
    if (current) body.current = current;
    return {
      statusCode: error.status,
      headers: { 'content-type': 'application/problem+json; charset=utf-8' },
      body: JSON.stringify(body),
    };
  }
  // A dependency's passing trouble (throttling, a timeout) is 503, never a bare 500: the caller retries.
  const status = error instanceof DomainError ? error.status : isTransient(error) ? 503 : 500;
  logger.error('request failed', { route: event?.routeKey, status, ...errorFields(error) });
  const said = says(status === 503 ? 'request.unavailable' : 'request.internal');
  return {
    statusCode: status,
    headers: {
      'content-type': 'application/problem+json; charset=utf-8',
      ...(status === 503 ? { 'retry-after': '2' } : {}),
    },
    body: JSON.stringify({
      type: status === 503 ? 'https://apprenticeflow.example/problems/ServiceUnavailable' : 'about:blank',
      title: status === 503 ? 'Service unavailable' : 'Internal Server Error',
      status,
      code: said.code,
      detail: said.message,
    }),
  };
}
