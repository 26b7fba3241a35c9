import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { partition } from '@aws-sdk/core/client';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';
import type { ObjectStorage, UploadTicket } from '../../domain/document-ports.ts';
import * as settings from '../config.ts';

/**
 * Evidence documents in S3 (`DOCUMENTS_BUCKET`); the embedded runtime points the same code at its
 * S3 stand-in with `AWS_ENDPOINT_URL_S3` (path-style URLs: a loopback address has no bucket
 * subdomains).
 *
 * Uploads go straight from the browser to S3 with a presigned PUT: the Lambda never carries the
 * bytes, and API Gateway's payload limit does not apply. The URL signs the content type, the
 * length and the SHA-256 (`x-amz-checksum-sha256`, kept a header rather than hoisted into the
 * query), so S3 itself refuses any other bytes (`BadDigest`).
 *
 * Three requests are all this needs (presign a PUT, presign a GET, HEAD with checksums), so they
 * are signed here with the SDK's own SigV4 signer instead of bundling `@aws-sdk/client-s3`, which
 * would add ~170 KB to each function that touches documents (the bundle budget is 330 KB; see
 * README, Performance). The stand-in verifies these signatures as S3 does, and the tests check
 * them against the real `@aws-sdk/client-s3` too.
 */
export class S3ObjectStorage implements ObjectStorage {
  private readonly signer: SignatureV4;
  private readonly endpoint: URL | undefined;
  private readonly region: string;
  /** The region's partition's DNS suffix (`amazonaws.com`, `amazonaws.com.cn`), from the SDK's own partition table. */
  private readonly dnsSuffix: string;

  constructor(
    private readonly bucket: string,
    options: {
      region?: string;
      endpoint?: string;
      credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    } = {},
  ) {
    this.region = options.region ?? settings.region();
    // What every SDK client's endpoint rules resolve a region with (already in the bundle of any
    // function with a DynamoDB client): the China regions are `amazonaws.com.cn`.
    this.dnsSuffix = partition(this.region).dnsSuffix;
    const endpoint = options.endpoint ?? settings.s3Endpoint();
    this.endpoint = endpoint ? new URL(endpoint) : undefined;
    this.signer = new SignatureV4({
      service: 's3',
      region: this.region,
      credentials: options.credentials ?? fromEnv(),
      sha256: NodeSha256,
      // S3 signs the path as sent, without escaping it a second time.
      uriEscapePath: false,
      applyChecksum: false,
    });
  }

  async uploadUrl(input: {
    key: string;
    contentType: string;
    sizeBytes: number;
    sha256: string;
    expiresInSeconds: number;
  }): Promise<UploadTicket> {
    const checksum = hexToBase64(input.sha256);
    const signed = await this.signer.presign(
      this.request('PUT', input.key, {
        'content-type': input.contentType,
        'content-length': String(input.sizeBytes),
        'x-amz-checksum-sha256': checksum,
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      }),
      { expiresIn: input.expiresInSeconds, unhoistableHeaders: new Set(['x-amz-checksum-sha256']) },
    );
    return {
      method: 'PUT',
      url: urlOf(signed),
      headers: { 'content-type': input.contentType, 'x-amz-checksum-sha256': checksum },
      // Signed with the machine's time, so the expiry is the machine's too (not the business clock).
      expiresAt: new Date(Date.now() + input.expiresInSeconds * 1000).toISOString(),
    };
  }

  async downloadUrl(input: {
    key: string;
    fileName: string;
    contentType: string;
    expiresInSeconds: number;
  }): Promise<string> {
    const request = this.request('GET', input.key, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
    request.query = {
      'response-content-type': input.contentType,
      'response-content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(input.fileName)}`,
    };
    return urlOf(await this.signer.presign(request, { expiresIn: input.expiresInSeconds }));
  }

  async head(key: string): Promise<{ sizeBytes: number; sha256: string | undefined } | undefined> {
    const signed = await this.signer.sign(
      this.request('HEAD', key, {
        'x-amz-checksum-mode': 'ENABLED',
        'x-amz-content-sha256': EMPTY_SHA256,
      }),
    );
    // fetch writes the Host header itself, from the URL (the same host the signature names).
    const { host: _host, ...headers } = signed.headers;
    const response = await fetch(urlOf(signed), { method: 'HEAD', headers });
    if (response.status === 404) return undefined;
    if (!response.ok) {
      throw Object.assign(new Error(`S3 HEAD ${key} answered ${response.status}`), {
        name: response.status === 503 || response.status === 500 ? 'ServiceUnavailable' : 'S3Error',
        $metadata: { httpStatusCode: response.status },
      });
    }
    const checksum = response.headers.get('x-amz-checksum-sha256');
    return {
      sizeBytes: Number(response.headers.get('content-length') ?? 0),
      sha256: checksum ? base64ToHex(checksum) : undefined,
    };
  }

  /**
   * Keeps a file the function itself received (a contribution file): one signed PUT carrying the
   * bytes and their SHA-256, which S3 checks (`BadDigest` otherwise).
   */
  async keep(input: { key: string; body: Buffer; contentType: string; sha256: string }): Promise<void> {
    const signed = await this.signer.sign(
      this.request('PUT', input.key, {
        'content-type': input.contentType,
        'content-length': String(input.body.byteLength),
        'x-amz-checksum-sha256': hexToBase64(input.sha256),
        'x-amz-content-sha256': input.sha256,
      }),
    );
    const { host: _host, 'content-length': _length, ...headers } = signed.headers;
    const response = await fetch(urlOf(signed), { method: 'PUT', headers, body: input.body });
    if (!response.ok) {
      throw Object.assign(new Error(`S3 PUT ${input.key} answered ${response.status}`), {
        name: response.status === 503 || response.status === 500 ? 'ServiceUnavailable' : 'S3Error',
        $metadata: { httpStatusCode: response.status },
      });
    }
  }

  /** The request as S3 addresses it: virtual-hosted on AWS, path-style on a custom endpoint. */
  private request(method: string, key: string, headers: Record<string, string>) {
    const path = `/${key.split('/').map(rfc3986).join('/')}`;
    const target = this.endpoint
      ? {
          protocol: this.endpoint.protocol,
          hostname: this.endpoint.hostname,
          port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
          path: `${this.endpoint.pathname.replace(/\/$/, '')}/${this.bucket}${path}`,
        }
      : {
          protocol: 'https:',
          hostname: `${this.bucket}.s3.${this.region}.${this.dnsSuffix}`,
          port: undefined,
          path,
        };
    const host = target.port ? `${target.hostname}:${target.port}` : target.hostname;
    return {
      method,
      ...target,
      headers: { host, ...headers },
      query: {} as Record<string, string>,
    };
  }
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** SigV4's escaping: everything but unreserved characters, as %XX. */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function urlOf(request: {
  protocol: string;
  hostname: string;
  port?: number | undefined;
  path: string;
  query?: Record<string, string | string[] | null>;
}): string {
  const query = Object.entries(request.query ?? {})
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
    .join('&');
  const port = request.port ? `:${request.port}` : '';
  return `${request.protocol}//${request.hostname}${port}${request.path}${query ? `?${query}` : ''}`;
}

/** The SHA-256 (and HMAC) the signer asks for, on node:crypto. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** A SHA-256 as S3 writes it in `x-amz-checksum-sha256` (base64 of the digest), and back. */
function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

function base64ToHex(base64: string): string {
  return Buffer.from(base64, 'base64').toString('hex');
}
