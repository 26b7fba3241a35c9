import { createHash, createHmac, type Hash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Stats } from 'node:fs';
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { scrub } from '../../shared/adapters/logger.ts';

/**
 * The embedded runtime's S3: evidence documents as files under a folder (`.data/objects`), served
 * over the S3 REST protocol with path-style URLs (`http://127.0.0.1:<port>/<bucket>/<key>`), so the
 * handlers' own `@aws-sdk/client-s3` and the presigned URLs it makes work with only the endpoint
 * changed (architecture.md, parity).
 *
 * What S3 does and this does too: SigV4 checked for real (header or presigned query, expiry on
 * the machine's clock), the body streamed to disk while it is hashed and counted, the declared
 * checksum / Content-MD5 / payload hash enforced (nothing is stored otherwise), an atomic
 * rename into place, ETag = MD5, CORS for the browser's direct upload, and "Object Created"
 * delivered after the object is stored, retried when the consumer fails, as EventBridge does.
 *
 * What it does not: bucket and listing operations, multipart uploads, sub-resources (`?acl`,
 * `?versionId`…), chunk-signed uploads (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`) and CRC32C/CRC64NVME
 * checksums are refused with 501 `NotImplemented`, DELETE and POST with 405, so nothing is
 * silently mis-served. Every valid bucket name exists; there are no ACLs, policies, versions or
 * session-token checks; `If-*` headers are ignored. An upload without a checksum gets none back
 * (S3 would add a CRC64NVME one). Keys with empty, `.` or `..` segments, a backslash or NUL are
 * refused, and a key cannot be both an object and the folder of others (`a` and `a/b`).
 */
export interface ObjectCreated {
  bucket: string;
  key: string;
  size: number;
}

export interface LocalObjectStorageOptions {
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Objects live under `<dir>/<bucket>/<key>`; their metadata under `<dir>/.meta/<bucket>/<key>.json`. */
  dir: string;
  region: string;
  /** The only credentials it accepts ('local'/'local' in the runtime). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Default 5 GiB, S3's limit for a single PUT; larger bodies get 400 `EntityTooLarge`. */
  maxObjectBytes?: number;
  /** S3 -> EventBridge "Object Created": called after an object is durably stored. */
  onObjectCreated?: (event: ObjectCreated) => Promise<void>;
  /**
   * Waits before each redelivery of a failed notification; default 1, 2, 4, 8 and 16 s (five
   * retries). Tests pass shorter ones.
   */
  notificationRetryDelaysMs?: readonly number[];
  log?: (line: string) => void;
}

export interface LocalObjectStorage {
  endpoint: string;
  close(): Promise<void>;
  /** Resolves when no notification is pending or being retried. */
  idle(): Promise<void>;
}

const FIVE_GIB = 5 * 1024 ** 3;
const DEFAULT_RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000] as const;
/** S3 accepts a header-signed request within 15 minutes of its X-Amz-Date, either side. */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** A presigned URL lives at most 7 days (SigV4). */
const MAX_EXPIRES_SECONDS = 604_800;
const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
/** Folders beside the buckets: a bucket name cannot start with a dot, so these never collide. */
const META_DIR = '.meta';
const TEMP_DIR = '.tmp';
/** Notifications not yet delivered, one file each: a restart delivers them (EventBridge would keep retrying). */
const OUTBOX_DIR = '.outbox';
/** Room for the `.json` of the metadata file within a file system's 255-byte name limit. */
const MAX_SEGMENT_BYTES = 250;
const EXPOSED_HEADERS =
  'ETag, x-amz-checksum-sha256, x-amz-checksum-crc32, x-amz-checksum-sha1, x-amz-request-id';
/** Object headers S3 stores with the object and sends back on GET and HEAD. */
const STORED_HEADERS = ['content-disposition', 'content-language', 'cache-control', 'expires'] as const;
/** Presigned GET parameters that override a response header (S3 honours them on signed requests only). */
const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-disposition': 'content-disposition',
  'response-content-language': 'content-language',
  'response-content-encoding': 'content-encoding',
  'response-cache-control': 'cache-control',
  'response-expires': 'expires',
};

/** A refusal in S3's terms: the HTTP status and the `<Code>` the SDK turns into an exception name. */
class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

type ChecksumAlgorithm = 'sha256' | 'sha1' | 'crc32';
const CHECKSUM_BYTES: Record<ChecksumAlgorithm, number> = { sha256: 32, sha1: 20, crc32: 4 };
const UNSUPPORTED_CHECKSUMS = ['crc32c', 'crc64nvme'];

interface StoredObject {
  size: number;
  contentType: string;
  etag: string;
  md5: string;
  /** Base64 SHA-256 of the bytes, computed here whatever the uploader declared. */
  sha256: string;
  /** The checksum the uploader declared, which S3 keeps and returns with `x-amz-checksum-mode`. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
  lastModified: string;
  headers: Record<string, string>;
  /** Which file this metadata describes: a crash between the two renames leaves a mismatch. */
  file: { ino: number; size: number; mtimeMs: number };
}

interface Target {
  bucket: string;
  key: string;
  /** `/<bucket>/<key>` in SigV4's canonical form: each segment URI-encoded once (RFC 3986). */
  canonicalPath: string;
  objectPath: string;
  metaPath: string;
}

interface Verified {
  /** The payload hash the signature covers: `UNSIGNED-PAYLOAD`, a hex SHA-256, or a streaming mode. */
  payloadHash: string;
}

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

// ---------------------------------------------------------------------------------------------
// Notifications: S3 -> EventBridge "Object Created", redelivered with backoff when the target fails

interface Notifier {
  /** Delivers once, awaited; a failure is retried in the background and does not throw. */
  deliver(event: ObjectCreated): Promise<void>;
  idle(): Promise<void>;
  /** Ends the waits of pending retries (the runtime is going away); they stay in the outbox. */
  stop(): void;
  /** Delivers what the outbox holds (notifications a crash or a stop left undelivered). */
  redeliverOutbox(): Promise<void>;
}

function createNotifier(
  target: ((event: ObjectCreated) => Promise<void>) | undefined,
  retryDelays: readonly number[],
  log: (line: string) => void,
  outboxDir: string,
): Notifier {
  const pending = new Set<Promise<void>>();
  const outboxFile = (event: ObjectCreated) =>
    join(outboxDir, `${createHash('sha256').update(`${event.bucket}/${event.key}`).digest('hex')}.json`);
  const stopped = new AbortController();

  const wait = (ms: number) =>
    new Promise<void>((done) => {
      if (stopped.signal.aborted) return done();
      const timer = setTimeout(done, ms);
      timer.unref();
      stopped.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          done();
        },
        { once: true },
      );
    });

  /** The first attempt settles `firstDone` (the PUT waits for it); later ones run in the background. */
  async function deliverWithRetries(event: ObjectCreated, firstDone: () => void): Promise<void> {
    const what = `Object Created ${event.bucket}/${event.key}`;
    const attempts = retryDelays.length + 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await target!(event);
        if (attempt > 1) log(`[s3] ${what} delivered on attempt ${attempt}/${attempts}`);
        await rm(outboxFile(event), { force: true });
        return;
      } catch (error) {
        const delay = retryDelays[attempt - 1];
        const next = delay === undefined ? 'giving up' : `retrying in ${delay} ms`;
        log(`[s3] ${what} failed (attempt ${attempt}/${attempts}): ${describe(error)}; ${next}`);
        if (delay === undefined) return;
      } finally {
        if (attempt === 1) firstDone();
      }
      await wait(retryDelays[attempt - 1]!);
      if (stopped.signal.aborted) {
        log(`[s3] ${what} not delivered yet: the object storage closed; it stays in the outbox`);
        return;
      }
    }
  }

  const start = (event: ObjectCreated) => {
    let firstDone!: () => void;
    const firstAttempt = new Promise<void>((settle) => {
      firstDone = settle;
    });
    const delivery = deliverWithRetries(event, firstDone);
    pending.add(delivery);
    void delivery.finally(() => pending.delete(delivery));
    return firstAttempt;
  };

  return {
    async redeliverOutbox() {
      if (!target) return;
      for (const name of await readdir(outboxDir).catch(() => [] as string[])) {
        if (!name.endsWith('.json') || stopped.signal.aborted) continue;
        try {
          const event = JSON.parse(await readFile(join(outboxDir, name), 'utf8')) as ObjectCreated;
          log(`[s3] Object Created ${event.bucket}/${event.key} redelivered from the outbox`);
          await start(event);
        } catch (error) {
          log(`[s3] outbox entry ${name} unreadable: ${describe(error)}`);
        }
      }
    },
    async deliver(event) {
      if (!target || stopped.signal.aborted) return;
      // Written before the first attempt: a crash in between leaves it for the next start.
      await writeFile(outboxFile(event), JSON.stringify(event));
      await start(event);
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    stop() {
      stopped.abort();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Requests

interface RequestContext {
  options: LocalObjectStorageOptions;
  root: string;
  tempDir: string;
  maxObjectBytes: number;
  exclusive: <T>(path: string, work: () => Promise<T>) => Promise<T>;
  notifications: Notifier;
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

// ---------------------------------------------------------------------------------------------
// Paths and keys

function parseTarget(root: string, rawPath: string): Target {
  const segments = rawPath.split('/').slice(1);
  const [rawBucket = '', ...rawKey] = segments;
  const bucket = decode(rawBucket, 'InvalidURI');
  if (!bucket || rawKey.length === 0 || (rawKey.length === 1 && rawKey[0] === '')) {
    throw new S3Error(
      501,
      'NotImplemented',
      'The local object storage serves objects only (/<bucket>/<key>), not bucket or service operations.',
    );
  }
  if (!isValidBucketName(bucket)) {
    throw new S3Error(400, 'InvalidBucketName', 'The specified bucket is not valid.', { BucketName: bucket });
  }
  // Each raw segment decoded (a `%2F` inside one is a slash of the key, as on S3).
  const decoded = rawKey.map((segment) => decode(segment, 'InvalidURI'));
  const key = decoded.join('/');
  if (Buffer.byteLength(key) > 1024) {
    throw new S3Error(400, 'KeyTooLongError', 'Your key is too long');
  }
  const parts = key.split('/');
  for (const part of parts) {
    // S3 would store these; a folder cannot without escaping `dir` or merging two keys into one file.
    if (part === '' || part === '.' || part === '..' || /[\0\\]/.test(part)) {
      throw new S3Error(
        400,
        'InvalidArgument',
        'The local object storage refuses keys with empty, "." or ".." segments, a backslash or NUL.',
      );
    }
    if (Buffer.byteLength(part) > MAX_SEGMENT_BYTES) {
      throw new S3Error(400, 'KeyTooLongError', `A key segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
  const objectPath = resolve(root, bucket, ...parts);
  const metaPath = `${resolve(root, META_DIR, bucket, ...parts)}.json`;
  if (!objectPath.startsWith(root + sep) || !metaPath.startsWith(root + sep)) {
    throw new S3Error(400, 'InvalidArgument', 'The key leads outside the storage folder.');
  }
  return {
    bucket,
    key,
    canonicalPath: `/${uriEncode(bucket)}/${decoded.map(uriEncode).join('/')}`,
    objectPath,
    metaPath,
  };
}

function isValidBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith('xn--') &&
    !name.startsWith('sthree-') &&
    !name.endsWith('-s3alias') &&
    !name.endsWith('--ol-s3')
  );
}

function decode(text: string, code: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new S3Error(400, code, "Couldn't parse the specified URI.");
  }
}

/** SigV4's encoding: every byte but the unreserved characters of RFC 3986, hex in upper case. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The query as sent, decoded; `+` stays a plus (SigV4 clients encode a space as %20). */
function parseQuery(rawQuery: string): Map<string, string> {
  const query = new Map<string, string>();
  for (const pair of rawQuery.split('&')) {
    if (!pair) continue;
    const at = pair.indexOf('=');
    const name = decode(at < 0 ? pair : pair.slice(0, at), 'InvalidArgument');
    const value = decode(at < 0 ? '' : pair.slice(at + 1), 'InvalidArgument');
    if (query.has(name)) throw new S3Error(400, 'InvalidArgument', `The parameter ${name} is given twice.`);
    query.set(name, value);
  }
  return query;
}

// ---------------------------------------------------------------------------------------------
// SigV4

interface SignatureInput {
  accessKeyId: string;
  date: string;
  region: string;
  amzDate: string;
  signedHeaders: string[];
  signature: string;
}

function authenticate(
  options: LocalObjectStorageOptions,
  request: IncomingMessage,
  target: Target,
  query: Map<string, string>,
): Verified {
  const authorization = request.headers.authorization;
  const presigned = query.has('X-Amz-Algorithm') || query.has('X-Amz-Signature');
  if (presigned && authorization) {
    throw new S3Error(
      400,
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
  }
  if (!presigned && !authorization) throw new S3Error(403, 'AccessDenied', 'Access Denied');

  const input = presigned
    ? parseQueryAuth(query)
    : parseHeaderAuth(authorization!, header(request, 'x-amz-date'));
  const malformed = presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed';
  if (input.accessKeyId !== options.credentials.accessKeyId) {
    throw new S3Error(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
      { AWSAccessKeyId: input.accessKeyId },
    );
  }
  if (input.region !== options.region) {
    throw new S3Error(
      400,
      malformed,
      `${presigned ? 'Error parsing the X-Amz-Credential parameter' : 'The authorization header is malformed'}; the region '${input.region}' is wrong; expecting '${options.region}'`,
      { Region: options.region },
    );
  }
  const signedAt = parseAmzDate(input.amzDate, malformed);
  if (input.amzDate.slice(0, 8) !== input.date) {
    throw new S3Error(400, malformed, 'The credential date does not match the date of the request.');
  }
  const now = Date.now();
  if (presigned) {
    const expires = Number(query.get('X-Amz-Expires'));
    if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS) {
      throw new S3Error(
        400,
        malformed,
        'X-Amz-Expires must be an integer number of seconds from 1 to 604800 (7 days).',
      );
    }
    if (now > signedAt + expires * 1000)
      throw new S3Error(403, 'AccessDenied', 'Request has expired', { XAmzExpires: String(expires) });
    if (signedAt > now + MAX_SKEW_MS) throw new S3Error(403, 'AccessDenied', 'Request is not valid yet');
  } else if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
    throw new S3Error(
      403,
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
    );
  }
  if (!input.signedHeaders.includes('host')) {
    throw new S3Error(400, malformed, 'The host header must be signed.');
  }
  if (presigned) {
    // S3 refuses x-amz-* headers a presigned URL did not sign (they would change the request).
    const unsigned = Object.keys(request.headers).filter(
      (name) => name.startsWith('x-amz-') && !input.signedHeaders.includes(name),
    );
    if (unsigned.length > 0) {
      throw new S3Error(
        403,
        'AccessDenied',
        'There were headers present in the request which were not signed',
        {
          HeadersNotSigned: unsigned.join(', '),
        },
      );
    }
  }

  const payloadHash = presigned
    ? (query.get('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD)
    : String(request.headers['x-amz-content-sha256'] ?? '');
  if (!presigned && !payloadHash) {
    throw new S3Error(
      400,
      'InvalidRequest',
      'Missing required header for this request: x-amz-content-sha256',
    );
  }
  const canonicalQuery = [...query.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, aValue], [b, bValue]) => (a === b ? compare(aValue, bValue) : compare(a, b)))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = input.signedHeaders
    .map((name) => {
      const values = request.headersDistinct[name] ?? [];
      return `${name}:${values.map((value) => value.trim().replace(/\s+/g, ' ')).join(',')}\n`;
    })
    .join('');
  const canonicalRequest = [
    request.method,
    target.canonicalPath,
    canonicalQuery,
    canonicalHeaders,
    input.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${input.date}/${input.region}/s3/aws4_request`;
  const stringToSign = [ALGORITHM, input.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${options.credentials.secretAccessKey}`, input.date);
  for (const part of [input.region, 's3', 'aws4_request']) key = hmac(key, part);
  const expected = Buffer.from(hmac(key, stringToSign).toString('hex'));
  const given = Buffer.from(input.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new S3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { AWSAccessKeyId: input.accessKeyId, StringToSign: stringToSign, CanonicalRequest: canonicalRequest },
    );
  }
  return { payloadHash };
}

function parseQueryAuth(query: Map<string, string>): SignatureInput {
  const malformed = (message: string) => new S3Error(400, 'AuthorizationQueryParametersError', message);
  if (query.get('X-Amz-Algorithm') !== ALGORITHM) {
    throw malformed('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  for (const name of [
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-Expires',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
  ]) {
    if (!query.get(name)) {
      throw malformed(
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      );
    }
  }
  return {
    ...parseCredential(query.get('X-Amz-Credential')!, malformed),
    amzDate: query.get('X-Amz-Date')!,
    signedHeaders: query.get('X-Amz-SignedHeaders')!.split(';'),
    signature: query.get('X-Amz-Signature')!,
  };
}

function parseHeaderAuth(authorization: string, amzDate: string | undefined): SignatureInput {
  const malformed = (message: string) => new S3Error(400, 'AuthorizationHeaderMalformed', message);
  if (!authorization.startsWith(`${ALGORITHM} `)) {
    throw new S3Error(
      400,
      'InvalidRequest',
      'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
    );
  }
  const fields = new Map<string, string>();
  for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) {
    throw malformed(
      'The authorization header is malformed; it needs Credential, SignedHeaders and Signature.',
    );
  }
  if (!amzDate) {
    throw new S3Error(403, 'AccessDenied', 'AWS authentication requires a valid x-amz-date header');
  }
  return {
    ...parseCredential(credential, malformed),
    amzDate,
    signedHeaders: signedHeaders.split(';'),
    signature,
  };
}

function parseCredential(
  credential: string,
  malformed: (message: string) => S3Error,
): Pick<SignatureInput, 'accessKeyId' | 'date' | 'region'> {
  const parts = credential.split('/');
  const [accessKeyId, date, region, service, terminator] = parts;
  if (parts.length !== 5 || !accessKeyId || !/^\d{8}$/.test(date ?? '') || !region) {
    throw malformed(
      'The credential is malformed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
    );
  }
  if (service !== 's3')
    throw malformed(`The service '${service}' in the credential is wrong; expecting 's3'.`);
  if (terminator !== 'aws4_request') throw malformed('The credential must end with "aws4_request".');
  return { accessKeyId, date: date!, region };
}

function parseAmzDate(amzDate: string, code: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  const time = match
    ? Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +match[4]!, +match[5]!, +match[6]!)
    : Number.NaN;
  if (!Number.isFinite(time)) {
    throw new S3Error(400, code, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  }
  return time;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

// ---------------------------------------------------------------------------------------------
// PUT

interface DeclaredChecksum {
  algorithm: ChecksumAlgorithm;
  /** Undefined while it is still to come in the aws-chunked trailer. */
  value?: string;
}

async function putObject(
  context: RequestContext,
  request: IncomingMessage,
  response: ServerResponse,
  target: Target,
  query: Map<string, string>,
  verified: Verified,
  expectsContinue: boolean,
): Promise<void> {
  const chunked = verified.payloadHash.startsWith('STREAMING-');
  if (chunked && verified.payloadHash !== STREAMING_UNSIGNED_TRAILER) {
    throw new S3Error(
      501,
      'NotImplemented',
      `The local object storage does not implement ${verified.payloadHash} (chunk signatures).`,
    );
  }
  if (!chunked && verified.payloadHash !== UNSIGNED_PAYLOAD && !/^[0-9a-f]{64}$/.test(verified.payloadHash)) {
    throw new S3Error(
      400,
      'InvalidArgument',
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER or a SHA-256.',
    );
  }
  const lengthHeader = chunked
    ? header(request, 'x-amz-decoded-content-length')
    : header(request, 'content-length');
  if (lengthHeader === undefined) {
    throw new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  const declaredLength = Number(lengthHeader);
  if (!Number.isSafeInteger(declaredLength) || declaredLength < 0) {
    throw new S3Error(400, 'InvalidArgument', 'The Content-Length is not a number of bytes.');
  }
  if (declaredLength > context.maxObjectBytes) {
    // Do not read gigabytes only to throw them away.
    response.setHeader('connection', 'close');
    throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
      ProposedSize: String(declaredLength),
      MaxSizeAllowed: String(context.maxObjectBytes),
    });
  }
  const checksum = declaredChecksum(request, query, chunked);
  const contentMd5 = header(request, 'content-md5');
  if (contentMd5 !== undefined && Buffer.from(contentMd5, 'base64').length !== 16) {
    throw new S3Error(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.');
  }

  if (expectsContinue) response.writeContinue();
  const tempPath = join(context.tempDir, randomUUID());
  const trailers = new Map<string, string>();
  let received: Received;
  try {
    const body = chunked ? decodeAwsChunked(request, trailers) : request;
    received = await receive(body, tempPath, context.maxObjectBytes, checksum?.algorithm);
  } catch (error) {
    await rm(tempPath, { force: true });
    if (error instanceof S3Error && error.code === 'EntityTooLarge')
      response.setHeader('connection', 'close');
    throw error;
  }
  try {
    if (received.size !== declaredLength) {
      throw new S3Error(
        400,
        'IncompleteBody',
        'You did not provide the number of bytes specified by the Content-Length HTTP header.',
      );
    }
    if (
      /^[0-9a-f]{64}$/.test(verified.payloadHash) &&
      verified.payloadHash !== received.sha256.toString('hex')
    ) {
      throw new S3Error(
        400,
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
    if (contentMd5 !== undefined && contentMd5 !== received.md5.toString('base64')) {
      throw new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    if (checksum && checksum.value === undefined) {
      const trailed = trailers.get(`x-amz-checksum-${checksum.algorithm}`);
      if (!trailed || !isChecksumValue(checksum.algorithm, trailed)) {
        throw new S3Error(
          400,
          'InvalidRequest',
          `The x-amz-checksum-${checksum.algorithm} trailer is missing or invalid.`,
        );
      }
      checksum.value = trailed;
    }
    if (checksum && checksum.value !== received.checksum) {
      throw new S3Error(
        400,
        'BadDigest',
        `The ${checksum.algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
      );
    }
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }

  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = header(request, name);
    if (value !== undefined) headers[name] = value;
  }
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith('x-amz-meta-') && typeof value === 'string') headers[name] = value;
  }
  const etag = `"${received.md5.toString('hex')}"`;
  const stored: Omit<StoredObject, 'file'> = {
    size: received.size,
    contentType: header(request, 'content-type') ?? 'binary/octet-stream',
    etag,
    md5: received.md5.toString('hex'),
    sha256: received.sha256.toString('base64'),
    ...(checksum?.value ? { checksum: { algorithm: checksum.algorithm, value: checksum.value } } : {}),
    lastModified: new Date().toISOString(),
    headers,
  };
  await context.exclusive(target.objectPath, () => commit(tempPath, target, stored));

  await context.notifications.deliver({ bucket: target.bucket, key: target.key, size: received.size });

  const answer: Record<string, string> = { etag, 'content-length': '0' };
  if (checksum?.value) {
    answer[`x-amz-checksum-${checksum.algorithm}`] = checksum.value;
    answer['x-amz-checksum-type'] = 'FULL_OBJECT';
  }
  response.writeHead(200, answer);
  response.end();
}

/** The one checksum the request declares (header, hoisted query parameter or trailer), if any. */
function declaredChecksum(
  request: IncomingMessage,
  query: Map<string, string>,
  chunked: boolean,
): DeclaredChecksum | undefined {
  const found: DeclaredChecksum[] = [];
  for (const algorithm of [...Object.keys(CHECKSUM_BYTES), ...UNSUPPORTED_CHECKSUMS]) {
    const name = `x-amz-checksum-${algorithm}`;
    const value = header(request, name) ?? query.get(name);
    if (value === undefined) continue;
    if (!(algorithm in CHECKSUM_BYTES)) {
      throw new S3Error(501, 'NotImplemented', `The local object storage does not implement ${name}.`);
    }
    if (!isChecksumValue(algorithm as ChecksumAlgorithm, value)) {
      throw new S3Error(400, 'InvalidRequest', `Value for ${name} header is invalid.`);
    }
    found.push({ algorithm: algorithm as ChecksumAlgorithm, value });
  }
  const trailer = header(request, 'x-amz-trailer')?.toLowerCase();
  if (trailer) {
    const algorithm = trailer.replace(/^x-amz-checksum-/, '');
    if (!chunked || algorithm === trailer) {
      throw new S3Error(400, 'InvalidRequest', 'x-amz-trailer names a checksum of an aws-chunked body only.');
    }
    if (!(algorithm in CHECKSUM_BYTES)) {
      throw new S3Error(501, 'NotImplemented', `The local object storage does not implement ${trailer}.`);
    }
    found.push({ algorithm: algorithm as ChecksumAlgorithm });
  }
  if (found.length > 1) {
    throw new S3Error(
      400,
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    );
  }
  return found[0];
}

function isChecksumValue(algorithm: ChecksumAlgorithm, value: string): boolean {
  return (
    /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === CHECKSUM_BYTES[algorithm]
  );
}

interface Received {
  size: number;
  sha256: Buffer;
  md5: Buffer;
  /** Base64 of the declared algorithm's digest over the bytes received. */
  checksum?: string;
}

/** Streams the body to `tempPath` (flushed to disk), hashing and counting; never holds it in memory. */
async function receive(
  body: AsyncIterable<Buffer>,
  tempPath: string,
  maxObjectBytes: number,
  algorithm: ChecksumAlgorithm | undefined,
): Promise<Received> {
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  const extra: Hash | undefined = algorithm === 'sha1' ? createHash('sha1') : undefined;
  let crc = 0;
  if (algorithm === 'crc32' && typeof zlib.crc32 !== 'function') {
    throw new S3Error(501, 'NotImplemented', 'CRC32 checksums need Node.js 20.15 or newer here.');
  }
  let size = 0;
  const file: FileHandle = await open(tempPath, 'wx');
  try {
    for await (const chunk of body) {
      size += chunk.length;
      if (size > maxObjectBytes) {
        throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
          MaxSizeAllowed: String(maxObjectBytes),
        });
      }
      sha256.update(chunk);
      md5.update(chunk);
      extra?.update(chunk);
      if (algorithm === 'crc32') crc = zlib.crc32(chunk, crc);
      await file.write(chunk);
    }
    await file.sync();
  } finally {
    await file.close();
  }
  const crcBytes = Buffer.alloc(4);
  crcBytes.writeUInt32BE(crc >>> 0);
  const sha256Digest = sha256.digest();
  const checksums: Record<ChecksumAlgorithm, () => string> = {
    sha256: () => sha256Digest.toString('base64'),
    sha1: () => extra!.digest('base64'),
    crc32: () => crcBytes.toString('base64'),
  };
  return {
    size,
    sha256: sha256Digest,
    md5: md5.digest(),
    ...(algorithm ? { checksum: checksums[algorithm]() } : {}),
  };
}

/**
 * `aws-chunked` with an unsigned trailer (what the SDK sends for a streamed PutObject with a
 * checksum): `<hex size>\r\n<bytes>\r\n` … `0\r\n<trailer>:<value>\r\n\r\n`.
 */
async function* decodeAwsChunked(
  source: AsyncIterable<Buffer>,
  trailers: Map<string, string>,
): AsyncGenerator<Buffer> {
  const malformed = () => new S3Error(400, 'IncompleteBody', 'The aws-chunked body is malformed.');
  let buffered: Buffer = Buffer.alloc(0);
  let remaining = 0;
  let state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  for await (const chunk of source) {
    buffered = buffered.length > 0 ? Buffer.concat([buffered, chunk]) : chunk;
    while (buffered.length > 0) {
      if (state === 'data') {
        const take = Math.min(remaining, buffered.length);
        yield buffered.subarray(0, take);
        buffered = buffered.subarray(take);
        remaining -= take;
        if (remaining === 0) state = 'data-end';
        continue;
      }
      const end = buffered.indexOf('\r\n');
      if (end < 0) {
        if (buffered.length > 8192) throw malformed();
        break;
      }
      const line = buffered.subarray(0, end).toString('latin1');
      buffered = buffered.subarray(end + 2);
      if (state === 'data-end') {
        if (line !== '') throw malformed();
        state = 'size';
      } else if (state === 'size') {
        const hex = line.split(';')[0] ?? '';
        const size = /^[0-9a-fA-F]{1,13}$/.test(hex) ? Number.parseInt(hex, 16) : Number.NaN;
        if (!Number.isSafeInteger(size)) throw malformed();
        remaining = size;
        state = size === 0 ? 'trailer' : 'data';
      } else if (state === 'trailer') {
        if (line === '') {
          state = 'done';
          continue;
        }
        const colon = line.indexOf(':');
        if (colon <= 0) throw malformed();
        trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      } else {
        throw malformed();
      }
    }
  }
  if (state !== 'done' && state !== 'trailer') throw malformed();
}

/** Into place: data first (an atomic rename), then its metadata (also written aside and renamed). */
async function commit(tempPath: string, target: Target, stored: Omit<StoredObject, 'file'>): Promise<void> {
  try {
    await mkdir(dirname(target.objectPath), { recursive: true });
    await rename(tempPath, target.objectPath);
  } catch (error) {
    await rm(tempPath, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTEMPTY') {
      // `a` and `a/b` are both fine on S3; in a folder one would have to be a file and a folder.
      throw new S3Error(
        409,
        'OperationAborted',
        'The local object storage keeps keys as files: this key is a folder of other keys, or one of its prefixes is a key.',
      );
    }
    throw error;
  }
  await writeMetadata(target, stored, await stat(target.objectPath));
}

async function writeMetadata(
  target: Target,
  stored: Omit<StoredObject, 'file'>,
  file: Stats,
): Promise<StoredObject> {
  const metadata: StoredObject = {
    ...stored,
    file: { ino: file.ino, size: file.size, mtimeMs: file.mtimeMs },
  };
  const temp = `${target.metaPath}.${randomUUID()}.tmp`;
  await mkdir(dirname(target.metaPath), { recursive: true });
  await writeFile(temp, JSON.stringify(metadata));
  await rename(temp, target.metaPath);
  return metadata;
}

// ---------------------------------------------------------------------------------------------
// GET and HEAD

async function getObject(
  context: RequestContext,
  request: IncomingMessage,
  response: ServerResponse,
  target: Target,
  query: Map<string, string>,
): Promise<void> {
  const snapshot = await context.exclusive(target.objectPath, () => openObject(target));
  if (!snapshot) {
    throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: target.key });
  }
  const { file, metadata } = snapshot;
  let handedOver = false;
  try {
    const range = parseRange(header(request, 'range'), metadata.size);
    const headers: Record<string, string> = {
      'content-type': metadata.contentType,
      etag: metadata.etag,
      'last-modified': new Date(metadata.lastModified).toUTCString(),
      'accept-ranges': 'bytes',
      ...metadata.headers,
    };
    for (const [parameter, name] of Object.entries(RESPONSE_OVERRIDES)) {
      const value = query.get(parameter);
      if (value !== undefined) headers[name] = value;
    }
    const checksumMode = (
      header(request, 'x-amz-checksum-mode') ?? query.get('x-amz-checksum-mode')
    )?.toUpperCase();
    // A full-object checksum only with the full object (the SDK checks a GET's body against it).
    if (checksumMode === 'ENABLED' && metadata.checksum && !range) {
      headers[`x-amz-checksum-${metadata.checksum.algorithm}`] = metadata.checksum.value;
      headers['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    if (range) {
      headers['content-range'] = `bytes ${range.start}-${range.end}/${metadata.size}`;
      headers['content-length'] = String(range.end - range.start + 1);
    } else {
      headers['content-length'] = String(metadata.size);
    }
    response.writeHead(range ? 206 : 200, headers);
    if (request.method === 'HEAD' || metadata.size === 0) {
      response.end();
      return;
    }
    handedOver = true;
    // Explicit positions: the handle may have been read through already (recomputed metadata).
    const bytes = file.createReadStream({ start: range?.start ?? 0, ...(range ? { end: range.end } : {}) });
    await pipeline(bytes, response).catch((error: NodeJS.ErrnoException) => {
      // The client went away mid-download (a <video> seeking does): nothing to answer.
      if (error.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    });
  } finally {
    if (!handedOver) await file.close();
  }
}

/** The file and its metadata as one consistent snapshot (taken while no commit of this key runs). */
async function openObject(target: Target): Promise<{ file: FileHandle; metadata: StoredObject } | undefined> {
  let file: FileHandle;
  try {
    file = await open(target.objectPath, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
  try {
    const facts = await file.stat();
    if (!facts.isFile()) {
      await file.close();
      return undefined;
    }
    let metadata: StoredObject | undefined;
    try {
      metadata = JSON.parse(await readFile(target.metaPath, 'utf8')) as StoredObject;
    } catch {
      metadata = undefined;
    }
    const current =
      metadata &&
      metadata.file.ino === facts.ino &&
      metadata.file.size === facts.size &&
      metadata.file.mtimeMs === facts.mtimeMs;
    if (!current || !metadata) {
      // A crash between the data's rename and the metadata's: the file is the truth.
      metadata = await writeMetadata(target, await recomputeMetadata(file, facts), facts);
    }
    return { file, metadata };
  } catch (error) {
    await file.close();
    throw error;
  }
}

async function recomputeMetadata(file: FileHandle, facts: Stats): Promise<Omit<StoredObject, 'file'>> {
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  for await (const chunk of file.createReadStream({ autoClose: false, start: 0 })) {
    sha256.update(chunk);
    md5.update(chunk);
  }
  const hex = md5.digest('hex');
  return {
    size: facts.size,
    contentType: 'binary/octet-stream',
    etag: `"${hex}"`,
    md5: hex,
    sha256: sha256.digest('base64'),
    lastModified: facts.mtime.toISOString(),
    headers: {},
  };
}

/** One `bytes=` range (what a browser's <video> asks for); several ranges get the whole object, as on S3. */
function parseRange(value: string | undefined, size: number): { start: number; end: number } | undefined {
  const match = value ? /^bytes=(\d*)-(\d*)$/.exec(value.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) {
    throw new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable', {
      ActualObjectSize: String(size),
      RangeRequested: value!,
    });
  }
  return { start, end };
}

// ---------------------------------------------------------------------------------------------
// Answers

function sendError(
  request: IncomingMessage,
  response: ServerResponse,
  error: S3Error,
  rawPath: string,
  requestId: string,
): void {
  if (response.headersSent) {
    // Midway through a GET body: all that is left is to cut the connection.
    response.destroy();
    return;
  }
  const details = Object.entries(error.extra)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>${details}` +
    `<Resource>${escapeXml(rawPath)}</Resource><RequestId>${requestId}</RequestId></Error>`;
  const head = request.method === 'HEAD';
  response.writeHead(error.status, {
    'content-type': 'application/xml',
    'content-length': head ? '0' : String(Buffer.byteLength(body)),
  });
  response.end(head ? undefined : body);
}

function escapeXml(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if ('<>&\'"'.includes(char)) out += `&#${code};`;
    // Control characters are not allowed in XML 1.0, not even escaped (a key may hold them).
    else if (code < 0x20 && char !== '\t' && char !== '\n' && char !== '\r') out += '\uFFFD';
    else out += char;
  }
  return out;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
