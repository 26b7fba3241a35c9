import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The request as API Gateway reads it: body, headers, cookies, query, and the ids and times it adds. */

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
export function isTextContentType(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    mediaType.startsWith('text/') ||
    mediaType === 'application/json' ||
    mediaType === 'application/xml' ||
    mediaType === 'application/javascript'
  );
}

export function readHeaders(request: IncomingMessage): { headers: Map<string, string>; cookies: string[] } {
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
export function parseQuery(rawQueryString: string): Record<string, string> | undefined {
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
export function requestTime(epochMs: number): string {
  const at = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:` +
    `${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} +0000`
  );
}

/** API Gateway's request ids look like `JKJaXmPLvHcESHA=`. */
export function apiGatewayRequestId(): string {
  return randomBytes(11).toString('base64');
}

export function traceId(epochMs: number): string {
  return `Root=1-${Math.floor(epochMs / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

export function clientIp(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

type BodyRead = { ok: true; body: Buffer } | { ok: false };

/**
 * Reads the body, keeping at most `maxBytes`. A larger body is read to its end and dropped (so the
 * client, still sending, gets the 413 instead of a reset connection) — unless it runs on far past
 * the limit, then the connection is cut.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyRead> {
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
