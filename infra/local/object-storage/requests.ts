import type { IncomingMessage } from 'node:http';
import { resolve, sep } from 'node:path';
import type { LocalObjectStorageOptions } from './api.ts';
import { S3Error } from './errors.ts';
import type { Notifier } from './notifier.ts';

/** What a request names: bucket and key (checked, and where they live on disk), query and headers. */

/** Folders beside the buckets: a bucket name cannot start with a dot, so these never collide. */
const META_DIR = '.meta';
/** Room for the `.json` of the metadata file within a file system's 255-byte name limit. */
const MAX_SEGMENT_BYTES = 250;

export interface Target {
  bucket: string;
  key: string;
  /** `/<bucket>/<key>` in SigV4's canonical form: each segment URI-encoded once (RFC 3986). */
  canonicalPath: string;
  objectPath: string;
  metaPath: string;
}

/** What every request of one running storage shares. */
export interface RequestContext {
  options: LocalObjectStorageOptions;
  root: string;
  tempDir: string;
  maxObjectBytes: number;
  exclusive: <T>(path: string, work: () => Promise<T>) => Promise<T>;
  notifications: Notifier;
}

export function parseTarget(root: string, rawPath: string): Target {
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
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The query as sent, decoded; `+` stays a plus (SigV4 clients encode a space as %20). */
export function parseQuery(rawQuery: string): Map<string, string> {
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

export function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
