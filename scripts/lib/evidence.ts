import { createHash } from 'node:crypto';
import type { ApiClient, ApiResponse } from './api-client.ts';

/**
 * Evidence documents for the demo, the tests and the benchmarks, uploaded the way the console
 * does it: announce the file (kind, name, type, size, SHA-256) with
 * `POST /cohorts/{cohortId}/documents`, then PUT the bytes to the presigned URL it answers with.
 * The object store reports the object and the document becomes STORED; a claim references it
 * by key and SHA-256.
 */
export type DocumentKind = 'sign_in_sheet' | 'training_video' | 'fee_invoice' | 'certificate' | 'other';

export interface EvidenceFile {
  kind: DocumentKind;
  fileName: string;
  contentType: string;
  content: Uint8Array;
}

export interface DocumentReference {
  key: string;
  sha256: string;
  kind: DocumentKind;
}

export const sha256Hex = (content: Uint8Array) => createHash('sha256').update(content).digest('hex');

/** Small stand-ins for real files: distinct bytes per cohort and index, so every SHA-256 differs. */
export function sampleEvidenceFiles(cohortId: string, kind: 'advance' | 'final'): EvidenceFile[] {
  const bytes = (label: string, size: number) => {
    const seed = Buffer.from(`${cohortId}:${label}:`);
    return Uint8Array.from({ length: size }, (_, index) => seed[index % seed.length]! ^ (index & 0xff));
  };
  return [
    {
      kind: 'sign_in_sheet',
      fileName: '签到表-2027.pdf',
      contentType: 'application/pdf',
      content: bytes('sign-in', 2_048),
    },
    ...(kind === 'final'
      ? Array.from({ length: 10 }, (_, index) => ({
          kind: 'training_video' as const,
          fileName: `培训视频-${index + 1}.mp4`,
          contentType: 'video/mp4',
          content: bytes(`video-${index}`, 16_384),
        }))
      : []),
  ];
}

export interface UploadOptions {
  /** Makes each announcement idempotent (`<prefix>-<index>`): a retry gets the same document back. */
  keyPrefix?: string;
  /** Wraps each API call (a caller that retries 5xx answers and dropped connections). */
  retry?: (call: () => Promise<ApiResponse>) => Promise<ApiResponse>;
  /** Waits until every document is STORED (the object store reports objects asynchronously on AWS). */
  waitUntilStored?: boolean;
}

/** Uploads each file as `user` and answers the references a claim lists. */
export async function uploadEvidence(
  api: ApiClient,
  user: string,
  cohortId: string,
  files: readonly EvidenceFile[],
  options: UploadOptions = {},
): Promise<DocumentReference[]> {
  const send = options.retry ?? ((call) => call());
  const references: DocumentReference[] = [];
  for (const [index, file] of files.entries()) {
    const sha256 = sha256Hex(file.content);
    const announced = await send(() =>
      api.as(user).post(
        `/cohorts/${cohortId}/documents`,
        {
          kind: file.kind,
          fileName: file.fileName,
          contentType: file.contentType,
          sizeBytes: file.content.byteLength,
          sha256,
        },
        options.keyPrefix ? { idempotencyKey: `${options.keyPrefix}-${index}` } : {},
      ),
    );
    if (announced.status !== 201) {
      throw new Error(`Announcing ${file.fileName}: ${announced.status} ${JSON.stringify(announced.body)}`);
    }
    const { documentId, key, upload } = announced.body as {
      documentId: string;
      key: string;
      upload: { url: string; method: string; headers: Record<string, string> };
    };
    // A replayed announcement answers the first reply again: PUT the same bytes again, harmlessly.
    await send(async () => {
      const put = await fetch(upload.url, {
        method: upload.method,
        headers: upload.headers,
        body: file.content,
      });
      const text = await put.text();
      if (put.status >= 400 && put.status < 500)
        throw new Error(`Uploading ${file.fileName}: ${put.status} ${text}`);
      return { status: put.status, body: text, headers: put.headers };
    });
    if (options.waitUntilStored) await waitUntilStored(api, user, documentId, send);
    references.push({ key, sha256, kind: file.kind });
  }
  return references;
}

async function waitUntilStored(
  api: ApiClient,
  user: string,
  documentId: string,
  send: (call: () => Promise<ApiResponse>) => Promise<ApiResponse>,
): Promise<void> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    const read = await send(() => api.as(user).get(`/documents/${documentId}`));
    if (read.status === 200 && read.body.status === 'STORED') return;
    if (read.status === 200 && read.body.status === 'REJECTED')
      throw new Error(`Document ${documentId} was rejected: ${read.body.rejectedReason}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Document ${documentId} was not STORED within 120 s`);
}
