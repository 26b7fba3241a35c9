import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { S3Error } from './errors.ts';
import { header, type RequestContext, type Target } from './requests.ts';
import { openObject } from './stored-objects.ts';

/** GET and HEAD: a consistent snapshot of the object, one byte range, response overrides, checksums. */

/** Presigned GET parameters that override a response header (S3 honours them on signed requests only). */
export const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-disposition': 'content-disposition',
  'response-content-language': 'content-language',
  'response-content-encoding': 'content-encoding',
  'response-cache-control': 'cache-control',
  'response-expires': 'expires',
};

export async function getObject(
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
