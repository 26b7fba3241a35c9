import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LocalObjectStorageOptions } from './api.ts';
import { S3Error } from './errors.ts';
import { header, type Target, uriEncode } from './requests.ts';

/** SigV4 checked as S3 checks it: an `Authorization` header or a presigned query, expiry, the signature. */

/** S3 accepts a header-signed request within 15 minutes of its X-Amz-Date, either side. */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** A presigned URL lives at most 7 days (SigV4). */
const MAX_EXPIRES_SECONDS = 604_800;
const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export interface Verified {
  /** The payload hash the signature covers: `UNSIGNED-PAYLOAD`, a hex SHA-256, or a streaming mode. */
  payloadHash: string;
}

interface SignatureInput {
  accessKeyId: string;
  date: string;
  region: string;
  amzDate: string;
  signedHeaders: string[];
  signature: string;
}

export function authenticate(
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
