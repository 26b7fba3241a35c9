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
 *
 * The parts: `server.ts` (listening, CORS, routing a request), `sigv4.ts` (the signature check),
 * `put-object.ts` with `aws-chunked.ts` (receiving a body), `get-object.ts` (GET and HEAD),
 * `stored-objects.ts` (the files and their metadata on disk), `notifier.ts` ("Object Created"
 * with its outbox), `requests.ts` (bucket, key and query of a request), `errors.ts` (S3's errors).
 */
export type { LocalObjectStorage, LocalObjectStorageOptions, ObjectCreated } from './api.ts';
export { startObjectStorage } from './server.ts';
