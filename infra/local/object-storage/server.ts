import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { scrub } from '../../../shared/adapters/logger.ts';
import type { LocalObjectStorage, LocalObjectStorageOptions } from './api.ts';
import { describe, S3Error, sendError } from './errors.ts';
import { getObject, RESPONSE_OVERRIDES } from './get-object.ts';
import { createNotifier } from './notifier.ts';
import { putObject } from './put-object.ts';
import { parseQuery, parseTarget, type RequestContext } from './requests.ts';
import { authenticate } from './sigv4.ts';

/** The server: each request through CORS, the checks of its target and signature, then PUT or GET. */

const FIVE_GIB = 5 * 1024 ** 3;
const DEFAULT_RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000] as const;
/** Folders beside the buckets: a bucket name cannot start with a dot, so these never collide. */
const TEMP_DIR = '.tmp';
/** Notifications not yet delivered, one file each: a restart delivers them (EventBridge would keep retrying). */
const OUTBOX_DIR = '.outbox';
const EXPOSED_HEADERS =
  'ETag, x-amz-checksum-sha256, x-amz-checksum-crc32, x-amz-checksum-sha1, x-amz-request-id';

export async function startObjectStorage(options: LocalObjectStorageOptions): Promise<LocalObjectStorage> {
  const host = options.host ?? '127.0.0.1';
  const root = resolve(options.dir);
  const maxObjectBytes = options.maxObjectBytes ?? FIVE_GIB;
  const retryDelays = options.notificationRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const write = options.log ?? ((line: string) => console.error(line));
  // Keys and consumers' error messages are the callers'; they pass the logger's scrubber too.
  const log = (line: string) => write(scrub(line));
  const tempDir = join(root, TEMP_DIR);
  // Leftovers of uploads a crash interrupted are never visible objects; drop them.
  await rm(tempDir, { recursive: true, force: true });
  await mkdir(tempDir, { recursive: true });

  const keyLocks = new Map<string, Promise<unknown>>();
  /** Runs `work` alone for this object (commit and snapshot), so metadata and file always match. */
  function exclusive<T>(path: string, work: () => Promise<T>): Promise<T> {
    const before = keyLocks.get(path) ?? Promise.resolve();
    const run = before.then(work, work);
    const settled = run.catch(() => undefined);
    keyLocks.set(path, settled);
    void settled.then(() => {
      if (keyLocks.get(path) === settled) keyLocks.delete(path);
    });
    return run;
  }

  const outboxDir = join(root, OUTBOX_DIR);
  await mkdir(outboxDir, { recursive: true });
  const notifications = createNotifier(options.onObjectCreated, retryDelays, log, outboxDir);

  const context: RequestContext = { options, root, tempDir, maxObjectBytes, exclusive, notifications };
  const server = createServer({ requestTimeout: 0 }, (request, response) => {
    void serve(context, request, response, false, log);
  });
  // `Expect: 100-continue` (the SDK sends it for large bodies): refuse a bad signature before
  // the client sends gigabytes, as S3 does.
  server.on('checkContinue', (request, response) => {
    void serve(context, request, response, true, log);
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const { port } = server.address() as AddressInfo;
  // What a crash (kill -9) or a stop left undelivered goes out again now, in the background.
  void notifications.redeliverOutbox();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    endpoint: `http://${urlHost}:${port}`,
    idle: () => notifications.idle(),
    close: async () => {
      if (!server.listening) return; // closed already
      notifications.stop();
      await new Promise<void>((resolvePromise, reject) => {
        server.close((error) => (error ? reject(error) : resolvePromise()));
        server.closeAllConnections();
      });
      await notifications.idle();
    },
  };
}

async function serve(
  context: RequestContext,
  request: IncomingMessage,
  response: ServerResponse,
  expectsContinue: boolean,
  log: (line: string) => void,
): Promise<void> {
  const startedAt = Date.now();
  const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  const rawUrl = request.url ?? '/';
  const queryAt = rawUrl.indexOf('?');
  // Only the path is ever logged, never the query string: a presigned URL's holds a signature.
  const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
  const rawQuery = queryAt < 0 ? '' : rawUrl.slice(queryAt + 1);
  response.setHeader('x-amz-request-id', requestId);
  setCorsHeaders(request, response);
  let outcome = '';
  try {
    if (request.method === 'OPTIONS') {
      preflight(request, response);
    } else {
      await handle(context, request, response, { rawPath, rawQuery, expectsContinue });
    }
  } catch (error) {
    const refusal = error instanceof S3Error ? error : undefined;
    if (!refusal) log(`[s3] ${request.method} ${rawPath} failed ${requestId}: ${describe(error)}`);
    const failure =
      refusal ?? new S3Error(500, 'InternalError', 'We encountered an internal error. Please try again.');
    outcome = ` ${failure.code}`;
    sendError(request, response, failure, rawPath, requestId);
  } finally {
    log(`[s3] ${request.method} ${rawPath} ${response.statusCode} ${Date.now() - startedAt}ms${outcome}`);
  }
}

function setCorsHeaders(request: IncomingMessage, response: ServerResponse): void {
  const origin = request.headers.origin;
  response.setHeader('access-control-allow-origin', origin ?? '*');
  response.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  if (origin) response.setHeader('vary', 'Origin');
}

/** The browser's preflight before it PUTs to a presigned URL (S3's bucket CORS configuration). */
function preflight(request: IncomingMessage, response: ServerResponse): void {
  const method = String(request.headers['access-control-request-method'] ?? '').toUpperCase();
  if (!request.headers.origin || !['GET', 'PUT', 'HEAD'].includes(method)) {
    throw new S3Error(403, 'AccessForbidden', 'CORSResponse: This CORS request is not allowed.');
  }
  const requested = String(request.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const allowed = [...new Set(['content-type', 'x-amz-checksum-sha256', ...requested])];
  response.writeHead(200, {
    'access-control-allow-methods': 'GET, PUT, HEAD',
    'access-control-allow-headers': allowed.join(', '),
    'access-control-max-age': '3000',
    'content-length': '0',
  });
  response.end();
}

async function handle(
  context: RequestContext,
  request: IncomingMessage,
  response: ServerResponse,
  raw: { rawPath: string; rawQuery: string; expectsContinue: boolean },
): Promise<void> {
  const method = request.method ?? 'GET';
  if (!['GET', 'HEAD', 'PUT'].includes(method)) {
    throw new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  }
  const query = parseQuery(raw.rawQuery);
  const target = parseTarget(context.root, raw.rawPath);
  for (const name of query.keys()) {
    const lower = name.toLowerCase();
    const known =
      lower.startsWith('x-amz-') || lower === 'x-id' || (method !== 'PUT' && lower in RESPONSE_OVERRIDES);
    if (!known) {
      // `?partNumber`, `?uploads`, `?acl`, `?versionId`…: other operations, not a plain object.
      throw new S3Error(501, 'NotImplemented', `The local object storage does not implement '${name}'.`);
    }
  }
  const verified = authenticate(context.options, request, target, query);
  if (method === 'PUT') {
    await putObject(context, request, response, target, query, verified, raw.expectsContinue);
  } else {
    await getObject(context, request, response, target, query);
  }
}
