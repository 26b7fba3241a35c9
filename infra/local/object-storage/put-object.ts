import { createHash, type Hash, randomUUID } from 'node:crypto';
import { type FileHandle, open, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { decodeAwsChunked } from './aws-chunked.ts';
import { S3Error } from './errors.ts';
import { header, type RequestContext, type Target } from './requests.ts';
import { UNSIGNED_PAYLOAD, type Verified } from './sigv4.ts';
import { CHECKSUM_BYTES, type ChecksumAlgorithm, commit, type StoredObject } from './stored-objects.ts';

/** PUT: the body streamed to disk while hashed and counted, every declared digest enforced, then committed. */

const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
/** Object headers S3 stores with the object and sends back on GET and HEAD. */
const STORED_HEADERS = ['content-disposition', 'content-language', 'cache-control', 'expires'] as const;
const UNSUPPORTED_CHECKSUMS = ['crc32c', 'crc64nvme'];

interface DeclaredChecksum {
  algorithm: ChecksumAlgorithm;
  /** Undefined while it is still to come in the aws-chunked trailer. */
  value?: string;
}

export async function putObject(
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
