/**
 * The console's client of the HTTP API: the bearer token, an `Idempotency-Key` on every
 * state-changing POST, problem+json turned into `ApiError` (with the `errors[].path` of every bad
 * field), pages followed by cursor with progress, and upload progress for large bodies.
 */
import type { ErrorParams } from '../../shared/domain/error-codes.ts';
import type { FieldError } from '../../shared/domain/errors.ts';
import type { ConsoleConfig } from './config.ts';
import type { Session } from './session.ts';

export type { FieldError };

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    /** The gateway itself answered (no such route), not the application. */
    readonly fromGateway = false,
    /** The problem's code (`claim.advance_already_claimed`) and what it names; the console words it by these. */
    readonly code?: string,
    readonly params?: ErrorParams,
  ) {
    super(detail || title);
  }
}

/** The request never got an answer (network down, server gone). */
export class NoAnswer extends Error {
  override name = 'NoAnswer';
}

export interface RequestOptions {
  body?: unknown;
  /** Send `body` as this text with this content type instead of JSON. */
  raw?: { text: string; contentType: string };
  idempotencyKey?: string;
  /** 0–1 as the body goes up (large uploads). */
  onUploadProgress?: (share: number) => void;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

let onUnauthorised: () => void = () => undefined;

/** What to do when the API says the token is no good (expired): sign in again. */
export function whenUnauthorised(handler: () => void): void {
  onUnauthorised = handler;
}

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

export class Api {
  constructor(
    private readonly config: ConsoleConfig,
    private readonly session: Session,
  ) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { idempotencyKey: newIdempotencyKey(), ...options });
  }

  put<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PUT', path, { idempotencyKey: newIdempotencyKey(), ...options });
  }

  patch<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PATCH', path, options);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** A body that is not JSON (a CSV report), as text. */
  async text(path: string, accept: string): Promise<string> {
    const answer = await send(
      'GET',
      `${this.config.apiUrl}${path}`,
      { authorization: `Bearer ${this.session.token}`, accept: `${accept}, application/problem+json` },
      undefined,
    );
    if (answer.status === 401) onUnauthorised();
    if (answer.status >= 400) throw apiError(answer);
    return answer.text;
  }

  /** Every page of a list, reporting how many items have arrived. */
  async all<T>(path: string, onProgress?: (loaded: number) => void, limit = 100): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    const separator = path.includes('?') ? '&' : '?';
    do {
      const page: Page<T> = await this.get<Page<T>>(
        `${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      items.push(...page.items);
      onProgress?.(items.length);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  /**
   * Whether the API serves a route at all: the gateway's bare 404 (`{"message":"Not Found"}`)
   * means no such route on this server; 403 means the route is there but not for this role.
   */
  async probe(path: string): Promise<'available' | 'absent' | 'forbidden'> {
    try {
      await this.get(path);
      return 'available';
    } catch (error) {
      if (error instanceof ApiError && error.fromGateway && error.status === 404) return 'absent';
      if (error instanceof ApiError && error.status === 403) return 'forbidden';
      if (error instanceof ApiError && error.status < 500) return 'available';
      return 'absent';
    }
  }

  request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.session.token}`,
      accept: 'application/json, application/problem+json',
    };
    let body: string | undefined;
    if (options.raw) {
      headers['content-type'] = options.raw.contentType;
      body = options.raw.text;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    return send(method, `${this.config.apiUrl}${path}`, headers, body, options.onUploadProgress).then(
      (answer) => {
        if (answer.status === 401) onUnauthorised();
        if (answer.status >= 400) throw apiError(answer);
        return (answer.text ? JSON.parse(answer.text) : undefined) as T;
      },
    );
  }
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** XMLHttpRequest rather than fetch: it reports upload progress. */
function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | undefined,
  onUploadProgress?: (share: number) => void,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    if (onUploadProgress) {
      request.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) onUploadProgress(event.loaded / event.total);
      };
      request.upload.onload = () => onUploadProgress(1);
    }
    request.onload = () =>
      resolve({
        status: request.status,
        contentType: request.getResponseHeader('content-type') ?? '',
        text: request.responseText,
      });
    request.onerror = () => reject(new NoAnswer(`${method} ${url}: no answer`));
    request.ontimeout = () => reject(new NoAnswer(`${method} ${url}: timed out`));
    request.timeout = 60_000;
    request.send(body ?? null);
  });
}

function apiError(answer: Answer): ApiError {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = answer.text ? (JSON.parse(answer.text) as Record<string, unknown>) : {};
  } catch {
    // not JSON: keep the status alone
  }
  const problem = answer.contentType.includes('problem+json');
  const errors = Array.isArray(parsed.errors)
    ? (parsed.errors as unknown[]).filter(
        (entry): entry is FieldError =>
          typeof entry === 'object' &&
          entry !== null &&
          typeof (entry as FieldError).path === 'string' &&
          typeof (entry as FieldError).message === 'string',
      )
    : [];
  return new ApiError(
    answer.status,
    String(parsed.title ?? parsed.message ?? answer.status),
    String(parsed.detail ?? parsed.message ?? ''),
    errors,
    !problem && typeof parsed.message === 'string',
    typeof parsed.code === 'string' ? parsed.code : undefined,
    isParams(parsed.params) ? parsed.params : undefined,
  );
}

function isParams(value: unknown): value is ErrorParams {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((param) => typeof param === 'string' || typeof param === 'number')
  );
}

/** Field errors by path (`apprentices.3.idNumber` → its errors). */
export function errorsByPath(errors: readonly FieldError[]): Map<string, FieldError[]> {
  const byPath = new Map<string, FieldError[]>();
  for (const error of errors) byPath.set(error.path, [...(byPath.get(error.path) ?? []), error]);
  return byPath;
}
