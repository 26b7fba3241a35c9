import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/free-port.ts';
import {
  type LocalObjectStorage,
  type LocalObjectStorageOptions,
  type ObjectCreated,
  startObjectStorage,
} from '../../infra/local/object-storage/index.ts';
import { S3ObjectStorage } from '../../shared/adapters/aws/object-storage.ts';

/**
 * The S3 stand-in of the embedded runtime, driven only by the real `@aws-sdk/client-s3` and
 * presigned URLs from `@aws-sdk/s3-request-presigner` (uploaded with `fetch`, as the console does),
 * so what passes here is what the handlers and the browser do against S3. Each refusal checks that
 * nothing was stored and nothing was reported.
 */
const BUCKET = 'evidence-documents';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const ORIGIN = 'http://127.0.0.1:3000';

let dir: string;
let storage: LocalObjectStorage;
let s3: S3Client;
const created: ObjectCreated[] = [];
const logLines: string[] = [];
let keySequence = 0;

/** A key no other test uses, shaped like the documents' (`cohorts/<cohort>/<document>`). */
const newKey = (label: string) => `cohorts/${label}/${String(++keySequence).padStart(4, '0')}`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64');
const md5Hex = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

function s3Client(endpoint: string, credentials = CREDENTIALS): S3Client {
  return new S3Client({
    endpoint,
    region: REGION,
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function startStorage(
  overrides: Partial<LocalObjectStorageOptions> = {},
): Promise<{ storage: LocalObjectStorage; dir: string; close(): Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'object-storage-'));
  const started = await startObjectStorage({
    port: await freePort(),
    dir: folder,
    region: REGION,
    credentials: CREDENTIALS,
    log: () => {},
    ...overrides,
  });
  return {
    storage: started,
    dir: folder,
    close: async () => {
      await started.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** What `S3ObjectStorage.uploadUrl` hands the browser: type, length and SHA-256 signed. */
async function presignUpload(
  client: S3Client,
  key: string,
  body: Uint8Array,
  options: { contentType?: string; expiresIn?: number; signingDate?: Date } = {},
): Promise<{ url: string; headers: Record<string, string> }> {
  const contentType = options.contentType ?? 'application/pdf';
  const checksum = sha256(body);
  const url = await getSignedUrl(
    client,
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: key,
      ContentType: contentType,
      ContentLength: body.length,
      ChecksumSHA256: checksum,
    }),
    {
      expiresIn: options.expiresIn ?? 900,
      ...(options.signingDate ? { signingDate: options.signingDate } : {}),
      signableHeaders: new Set(['content-type', 'content-length']),
      unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
    },
  );
  return { url, headers: { 'content-type': contentType, 'x-amz-checksum-sha256': checksum } };
}

function upload(url: string, headers: Record<string, string>, body: Uint8Array): Promise<Response> {
  return fetch(url, { method: 'PUT', headers: { origin: ORIGIN, ...headers }, body });
}

/** S3's XML error body, read back as the SDK would. */
async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const text = await response.text();
  expect(response.headers.get('content-type')).toBe('application/xml');
  return {
    status: response.status,
    code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? '',
    message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? '',
  };
}

/** Nothing under the bucket for `key`, no temp file left behind, no new notification. */
async function expectNothingStored(folder: string, key: string, notifiedBefore: number): Promise<void> {
  expect(existsSync(join(folder, BUCKET, ...key.split('/')))).toBe(false);
  expect(await readdir(join(folder, '.tmp'))).toEqual([]);
  expect(created).toHaveLength(notifiedBefore);
}

/** A request exactly as written (fetch and the SDK would normalise `..` or encode the path). */
function rawRequest(
  endpoint: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ hostname, port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'object-storage-'));
  storage = await startObjectStorage({
    port: await freePort(),
    dir,
    region: REGION,
    credentials: CREDENTIALS,
    onObjectCreated: async (event) => {
      created.push(event);
    },
    log: (line) => logLines.push(line),
  });
  s3 = s3Client(storage.endpoint);
});

afterAll(async () => {
  s3?.destroy();
  await storage?.idle();
  await storage?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('presigned upload, as the console does it', () => {
  it('stores the bytes, reports the object once, and HeadObject returns the same checksum and size', async () => {
    const key = newKey('upload');
    const body = new TextEncoder().encode('%PDF-1.7 sign-in sheet, week 12');
    const before = created.length;
    const { url, headers } = await presignUpload(s3, key, body);

    const response = await upload(url, headers, body);

    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe(`"${md5Hex(body)}"`);
    expect(response.headers.get('x-amz-checksum-sha256')).toBe(sha256(body));
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('access-control-expose-headers')).toMatch(/ETag, x-amz-checksum-sha256/);
    expect(created.slice(before)).toEqual([{ bucket: BUCKET, key, size: body.length }]);
    expect(await readFile(join(dir, BUCKET, ...key.split('/')))).toEqual(Buffer.from(body));

    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumSHA256).toBe(sha256(body));
    expect(head.ContentLength).toBe(body.length);
    expect(head.ContentType).toBe('application/pdf');
    expect(head.ETag).toBe(`"${md5Hex(body)}"`);
    expect(head.LastModified).toBeInstanceOf(Date);
  });

  it('a presigned GET returns the bytes with the content disposition and type it asked for', async () => {
    const key = newKey('download');
    const body = new TextEncoder().encode('invoice bytes');
    const { url, headers } = await presignUpload(s3, key, body);
    expect((await upload(url, headers, body)).status).toBe(200);
    const disposition = `attachment; filename*=UTF-8''${encodeURIComponent('发票 2027.pdf')}`;

    const download = await getSignedUrl(
      s3,
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: key,
        ResponseContentDisposition: disposition,
        ResponseContentType: 'application/octet-stream',
      }),
      { expiresIn: 60 },
    );
    const response = await fetch(download, { headers: { origin: ORIGIN } });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(disposition);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(body);
    // The query string (it holds the signature) never reaches the log.
    // (The line is written once the body is sent, which may be just after the client has it.)
    await expect.poll(() => logLines.some((line) => line.includes(`GET /${BUCKET}/`))).toBe(true);
    expect(logLines.some((line) => line.includes('X-Amz-'))).toBe(false);
  });

  it('answers the browser preflight for the PUT', async () => {
    const key = newKey('preflight');
    const response = await rawRequest(storage.endpoint, 'OPTIONS', `/${BUCKET}/${key}`, {
      origin: ORIGIN,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'content-type,x-amz-checksum-sha256,x-amz-meta-trace',
    });

    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(response.headers['access-control-allow-methods']).toBe('GET, PUT, HEAD');
    expect(String(response.headers['access-control-allow-headers']).split(', ')).toEqual(
      expect.arrayContaining(['content-type', 'x-amz-checksum-sha256', 'x-amz-meta-trace']),
    );
    expect(Number(response.headers['access-control-max-age'])).toBeGreaterThan(0);
  });

  it("works with the project's own adapter (S3ObjectStorage): upload URL, head, download URL", async () => {
    const objects = new S3ObjectStorage(BUCKET, {
      endpoint: storage.endpoint,
      region: REGION,
      credentials: CREDENTIALS,
    });
    const key = newKey('adapter');
    const body = new TextEncoder().encode('training video, 3 bytes short of a feature film');
    const sha256Hex = createHash('sha256').update(body).digest('hex');

    const ticket = await objects.uploadUrl({
      key,
      contentType: 'video/mp4',
      sizeBytes: body.length,
      sha256: sha256Hex,
      expiresInSeconds: 900,
    });
    const response = await fetch(ticket.url, { method: ticket.method, headers: ticket.headers, body });

    expect(response.status).toBe(200);
    expect(await objects.head(key)).toEqual({ sizeBytes: body.length, sha256: sha256Hex });
    expect(await objects.head(newKey('adapter-missing'))).toBeUndefined();
    const download = await objects.downloadUrl({
      key,
      fileName: 'video.mp4',
      contentType: 'video/mp4',
      expiresInSeconds: 60,
    });
    expect(new Uint8Array(await (await fetch(download)).arrayBuffer())).toEqual(body);
  });
});

describe("the SDK's own requests (Authorization header)", () => {
  it('PutObject and GetObject, with the default CRC32 checksum of a buffer and of a stream (aws-chunked)', async () => {
    const defaults = new S3Client({
      endpoint: storage.endpoint,
      region: REGION,
      credentials: CREDENTIALS,
      forcePathStyle: true,
    });
    try {
      const small = newKey('sdk-buffer');
      const put = await defaults.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: small, Body: 'attendance', ContentType: 'text/plain' }),
      );
      expect(put.ChecksumCRC32).toBeTruthy();
      const got = await defaults.send(new GetObjectCommand({ Bucket: BUCKET, Key: small }));
      expect(await got.Body!.transformToString()).toBe('attendance');
      expect(got.ContentType).toBe('text/plain');

      // A stream of unknown checksum: the SDK sends an aws-chunked body with the CRC32 as a trailer.
      const streamed = newKey('sdk-stream');
      const bytes = Buffer.alloc(3 * 1024 * 1024, 'apprentice ');
      await defaults.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: streamed,
          Body: Readable.from([bytes.subarray(0, 1_000_000), bytes.subarray(1_000_000)]),
          ContentLength: bytes.length,
        }),
      );
      const head = await defaults.send(
        new HeadObjectCommand({ Bucket: BUCKET, Key: streamed, ChecksumMode: 'ENABLED' }),
      );
      expect(head.ContentLength).toBe(bytes.length);
      expect(head.ChecksumCRC32).toBeTruthy();
      const range = await defaults.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: streamed, Range: 'bytes=11-21' }),
      );
      expect(range.ContentRange).toBe(`bytes 11-21/${bytes.length}`);
      expect(await range.Body!.transformToString()).toBe('apprentice ');
    } finally {
      defaults.destroy();
    }
  });

  it('HeadObject of a key that does not exist: 404 NotFound', async () => {
    const error = (await s3
      .send(new HeadObjectCommand({ Bucket: BUCKET, Key: newKey('absent') }))
      .catch((caught: unknown) => caught)) as S3ServiceException;
    expect(error.name).toBe('NotFound');
    expect(error.$metadata.httpStatusCode).toBe(404);

    const get = (await s3
      .send(new GetObjectCommand({ Bucket: BUCKET, Key: newKey('absent') }))
      .catch((caught: unknown) => caught)) as S3ServiceException;
    expect(get.name).toBe('NoSuchKey');
  });

  it('an unknown access key: 403 InvalidAccessKeyId; a wrong secret: 403 SignatureDoesNotMatch', async () => {
    const key = newKey('credentials');
    const before = created.length;
    for (const [credentials, expected] of [
      [{ accessKeyId: 'someone-else', secretAccessKey: 'local' }, 'InvalidAccessKeyId'],
      [{ accessKeyId: 'local', secretAccessKey: 'guessed' }, 'SignatureDoesNotMatch'],
    ] as const) {
      const client = s3Client(storage.endpoint, credentials);
      const error = (await client
        .send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' }))
        .catch((caught: unknown) => caught)) as S3ServiceException;
      client.destroy();
      expect(error.name).toBe(expected);
      expect(error.$metadata.httpStatusCode).toBe(403);
    }
    await expectNothingStored(dir, key, before);
  });
});

describe('refusals store nothing and report nothing', () => {
  it('bytes that do not match the signed SHA-256: 400 BadDigest', async () => {
    const key = newKey('bad-digest');
    const announced = new TextEncoder().encode('the announced file');
    const other = new TextEncoder().encode('another file, same len');
    const before = created.length;
    const { url, headers } = await presignUpload(s3, key, announced);

    // The same length (else the signed content-length refuses it first), other bytes.
    const response = await upload(url, headers, other.subarray(0, announced.length));

    expect(await errorOf(response)).toMatchObject({ status: 400, code: 'BadDigest' });
    await expectNothingStored(dir, key, before);
  });

  it('a tampered signature, another key, another content type or length: 403 SignatureDoesNotMatch', async () => {
    const key = newKey('tampered');
    const body = new TextEncoder().encode('signed bytes');
    const before = created.length;
    const { url, headers } = await presignUpload(s3, key, body);
    const signed = new URL(url);
    const signature = signed.searchParams.get('X-Amz-Signature')!;
    const tampered = new URL(url);
    tampered.searchParams.set(
      'X-Amz-Signature',
      signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0'),
    );
    const otherKey = url.replace(`/${key}?`, `/${newKey('tampered-other')}?`);
    const longer = new Uint8Array([...body, 0x21]);

    const attempts = [
      upload(tampered.toString(), headers, body),
      upload(otherKey, headers, body),
      upload(url, { ...headers, 'content-type': 'text/html' }, body),
      upload(url, { ...headers, 'x-amz-checksum-sha256': sha256(longer) }, longer),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(await errorOf(response)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    }
    await expectNothingStored(dir, key, before);
  });

  it('an expired URL: 403 AccessDenied "Request has expired"', async () => {
    const key = newKey('expired');
    const body = new TextEncoder().encode('late');
    const before = created.length;
    const { url, headers } = await presignUpload(s3, key, body, {
      expiresIn: 1,
      signingDate: new Date(Date.now() - 60_000),
    });

    const response = await upload(url, headers, body);

    expect(await errorOf(response)).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'Request has expired',
    });
    await expectNothingStored(dir, key, before);
  });

  it('no signature at all: 403 AccessDenied; a method S3 objects do not take: 405', async () => {
    const key = newKey('anonymous');
    const before = created.length;
    const anonymous = await fetch(`${storage.endpoint}/${BUCKET}/${key}`, { method: 'PUT', body: 'x' });
    expect(await errorOf(anonymous)).toMatchObject({ status: 403, code: 'AccessDenied' });
    const post = await fetch(`${storage.endpoint}/${BUCKET}/${key}`, { method: 'POST', body: 'x' });
    expect(await errorOf(post)).toMatchObject({ status: 405, code: 'MethodNotAllowed' });
    await expectNothingStored(dir, key, before);
  });

  it('keys that would leave the folder: 400 InvalidArgument, signed or not, and nothing written outside', async () => {
    const before = created.length;
    const outside = join(dir, '..', `escape-${process.pid}`);
    for (const path of [
      `/${BUCKET}/../../escape-${process.pid}`,
      `/${BUCKET}/a/%2E%2E/%2E%2E/%2E%2E/escape-${process.pid}`,
      `/${BUCKET}/a%2F..%2F..%2F..%2Fescape-${process.pid}`,
      `/${BUCKET}//etc/escape-${process.pid}`,
      `/${BUCKET}/a%00b`,
    ]) {
      const response = await rawRequest(storage.endpoint, 'PUT', path, { 'content-length': '0' });
      expect(response.status, path).toBe(400);
      expect(response.body).toContain('<Code>InvalidArgument</Code>');
    }
    // Signed properly by the SDK (which sends `..` as is): refused all the same.
    const signed = (await s3
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: `../../escape-${process.pid}`, Body: 'x' }))
      .catch((caught: unknown) => caught)) as S3ServiceException;
    expect(signed.name).toBe('InvalidArgument');
    expect(signed.$metadata.httpStatusCode).toBe(400);
    expect(existsSync(outside)).toBe(false);
    expect(await readdir(join(dir, '.tmp'))).toEqual([]);
    expect(created).toHaveLength(before);
  });

  it('a body over maxObjectBytes: 400 EntityTooLarge', async () => {
    const small = await startStorage({
      maxObjectBytes: 1024,
      onObjectCreated: async (event) => void created.push(event),
    });
    const client = s3Client(small.storage.endpoint);
    try {
      const key = newKey('too-large');
      const body = new Uint8Array(2048).fill(7);
      const before = created.length;
      const { url, headers } = await presignUpload(client, key, body);

      const response = await upload(url, headers, body);

      expect(await errorOf(response)).toMatchObject({ status: 400, code: 'EntityTooLarge' });
      await expectNothingStored(small.dir, key, before);
    } finally {
      client.destroy();
      await small.close();
    }
  });
});

describe('Object Created', () => {
  it('a failing consumer: the PUT still answers 200 and the event is redelivered until it is taken', async () => {
    const deliveries: ObjectCreated[] = [];
    const lines: string[] = [];
    let failuresLeft = 2;
    const flaky = await startStorage({
      notificationRetryDelaysMs: [5, 10, 20, 40, 80],
      onObjectCreated: async (event) => {
        deliveries.push(event);
        if (failuresLeft-- > 0) throw new Error('DynamoDB throttled the document update');
      },
      log: (line) => lines.push(line),
    });
    const client = s3Client(flaky.storage.endpoint);
    try {
      const key = newKey('flaky');
      const body = new TextEncoder().encode('redelivered');
      const { url, headers } = await presignUpload(client, key, body);

      const response = await upload(url, headers, body);

      expect(response.status).toBe(200);
      expect(deliveries).toHaveLength(1);
      await flaky.storage.idle();
      expect(deliveries).toEqual(
        Array.from({ length: 3 }, () => ({ bucket: BUCKET, key, size: body.length })),
      );
      expect(lines.filter((line) => line.includes('failed (attempt'))).toHaveLength(2);
      expect(lines.some((line) => line.includes('delivered on attempt 3/6'))).toBe(true);
      expect(lines.some((line) => line.includes('X-Amz-'))).toBe(false);
    } finally {
      client.destroy();
      await flaky.close();
    }
  });

  it('a consumer that never recovers: six attempts in all, then it waits in the outbox for the next start (and idle() resolves)', async () => {
    let attempts = 0;
    const lines: string[] = [];
    const broken = await startStorage({
      notificationRetryDelaysMs: [1, 2, 4, 8, 16],
      onObjectCreated: async () => {
        attempts++;
        throw new Error('consumer down');
      },
      log: (line) => lines.push(line),
    });
    const client = s3Client(broken.storage.endpoint);
    try {
      const key = newKey('broken');
      const { url, headers } = await presignUpload(client, key, new Uint8Array([1, 2, 3]));
      expect((await upload(url, headers, new Uint8Array([1, 2, 3]))).status).toBe(200);
      await broken.storage.idle();
      expect(attempts).toBe(6);
      expect(lines.some((line) => line.includes('failed (attempt 6/6)') && line.includes('giving up'))).toBe(
        true,
      );
      // The object stays stored, as on S3.
      const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(head.ContentLength).toBe(3);

      // The notification stays in the outbox: the next start on the same folder delivers it, as
      // EventBridge keeps retrying on AWS (a kill -9 between the write and the delivery is the same).
      await broken.storage.close();
      const delivered: ObjectCreated[] = [];
      const restarted = await startObjectStorage({
        port: await freePort(),
        dir: broken.dir,
        region: REGION,
        credentials: CREDENTIALS,
        log: () => {},
        onObjectCreated: async (event) => {
          delivered.push(event);
        },
      });
      try {
        await poll(() => delivered.length === 1);
        await restarted.idle();
        expect(delivered).toEqual([{ bucket: BUCKET, key, size: 3 }]);
      } finally {
        await restarted.close();
      }
      // Delivered once: the outbox is empty, a further start delivers nothing.
      const again: ObjectCreated[] = [];
      const third = await startObjectStorage({
        port: await freePort(),
        dir: broken.dir,
        region: REGION,
        credentials: CREDENTIALS,
        log: () => {},
        onObjectCreated: async (event) => {
          again.push(event);
        },
      });
      await third.idle();
      await third.close();
      expect(again).toEqual([]);
    } finally {
      client.destroy();
      await broken.close();
    }
  });
});

async function poll(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met in time');
}

describe('large bodies', () => {
  it('a 20 MB upload is written to disk while it arrives, not held in memory', async () => {
    const key = newKey('video');
    const half = Buffer.alloc(10 * 1024 * 1024);
    for (let index = 0; index < half.length; index++) half[index] = (index * 31) & 0xff;
    const body = Buffer.concat([half, half]);
    const before = created.length;
    const { url, headers } = await presignUpload(s3, key, body, { contentType: 'video/mp4' });
    const target = new URL(url);

    const answer = new Promise<number>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          hostname: target.hostname,
          port: target.port,
          method: 'PUT',
          path: `${target.pathname}${target.search}`,
          headers: { ...headers, 'content-length': String(body.length) },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      outgoing.write(half);
      // Only the first half is sent: the temp file must already hold (most of) it.
      void (async () => {
        const deadline = Date.now() + 10_000;
        for (;;) {
          const temp = await readdir(join(dir, '.tmp'));
          const sizes = await Promise.all(
            temp.map((name) => stat(join(dir, '.tmp', name)).then((s) => s.size)),
          );
          if (sizes.some((size) => size >= 8 * 1024 * 1024)) break;
          if (Date.now() > deadline) {
            outgoing.destroy(new Error('the first half never reached the temp file'));
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(existsSync(join(dir, BUCKET, ...key.split('/')))).toBe(false);
        expect(created).toHaveLength(before);
        outgoing.end(half);
      })();
    });

    expect(await answer).toBe(200);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: 'ENABLED' }));
    expect(head.ContentLength).toBe(body.length);
    expect(head.ChecksumSHA256).toBe(sha256(body));
    expect(created.slice(before)).toEqual([{ bucket: BUCKET, key, size: body.length }]);
  });
});

describe('after a crash', () => {
  it('a file whose metadata is missing or of an older version is served as the file is', async () => {
    const key = newKey('crash');
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'first version', ContentType: 'text/plain' }),
    );
    // The data's rename happened, the metadata's did not: the metadata describes the old file.
    const path = join(dir, BUCKET, ...key.split('/'));
    await writeFile(`${path}.new`, 'second, longer version');
    await rename(`${path}.new`, path);

    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ContentLength).toBe('second, longer version'.length);
    expect(head.ETag).toBe(`"${md5Hex(new TextEncoder().encode('second, longer version'))}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await got.Body!.transformToString()).toBe('second, longer version');

    const orphan = newKey('orphan');
    await mkdir(join(dir, BUCKET, 'cohorts', 'orphan'), { recursive: true });
    await writeFile(join(dir, BUCKET, ...orphan.split('/')), 'no metadata at all');
    const orphanHead = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: orphan }));
    expect(orphanHead.ContentLength).toBe('no metadata at all'.length);
    expect(orphanHead.ContentType).toBe('binary/octet-stream');
  });
});

describe('keys', () => {
  it('any key round-trips through the SDK or is refused with 400; none lands outside the bucket folder', async () => {
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '', 'a b', '%2F', '+', '~', 'ü', "!*'()", 'x\\y', 'nul\0', '签到表.pdf'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
    );
    const keys = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
    const isStorable = (key: string) =>
      key.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && !/[\0\\]/.test(part));

    await fc.assert(
      fc.asyncProperty(keys, async (key) => {
        const body = `bytes of ${key}`;
        const stored = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body })).then(
          () => 'stored',
          (error: S3ServiceException) => error.name,
        );
        if (!isStorable(key)) {
          // `PUT /<bucket>/` is CreateBucket on S3, which the stand-in does not do.
          expect(stored).toBe(key === '' ? 'NotImplemented' : 'InvalidArgument');
          return;
        }
        // A key that is a prefix ("folder") of another cannot be a file too: the one limitation.
        if (stored === 'OperationAborted') return;
        expect(stored).toBe('stored');
        const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        expect(await got.Body!.transformToString()).toBe(body);
      }),
      { numRuns: 60 },
    );
    const entries = await readdir(dir);
    expect(entries.sort()).toEqual(['.meta', '.outbox', '.tmp', BUCKET]);
  });
});
