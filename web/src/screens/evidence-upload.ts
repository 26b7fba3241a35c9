/**
 * Evidence documents, as the console uploads them: announce the file (`POST
 * /cohorts/{cohortId}/documents`: kind, name, type, size, SHA-256), PUT its bytes to the presigned
 * URL the API answers with (S3 on AWS, the embedded runtime's stand-in locally; XMLHttpRequest for
 * the progress), then wait until the document is STORED — at once in the embedded runtime, a
 * moment later on AWS, where S3 reports the object through EventBridge.
 */
import {
  DOCUMENT_CONTENT_TYPES,
  type DocumentKind,
  MAX_DOCUMENT_BYTES,
} from '../../../shared/domain/document.ts';
import type { Api } from '../api.ts';

export type { DocumentKind };

interface Announced {
  documentId: string;
  key: string;
  status: string;
  upload: { method: string; url: string; headers: Record<string, string> };
}

export interface DocumentView {
  documentId: string;
  key: string;
  kind: DocumentKind;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  status: 'PENDING' | 'STORED' | 'REJECTED';
  rejectedReason?: string;
  download: { url: string; expiresAt: string } | null;
}

const BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  ofd: 'application/ofd',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/** The file's media type: the browser's, or from its extension when the browser gives none. */
export function contentTypeOf(file: File): string {
  if (file.type) return file.type.toLowerCase();
  const extension = file.name.toLowerCase().split('.').pop() ?? '';
  return BY_EXTENSION[extension] ?? 'application/octet-stream';
}

/** What the API would refuse about this file as this kind, or undefined. */
export function fileProblem(
  file: File,
  kind: DocumentKind,
): { key: 'doc.tooLarge' | 'doc.badType'; values: Record<string, string | number> } | undefined {
  const types = DOCUMENT_CONTENT_TYPES[kind];
  if (!types.includes(contentTypeOf(file)))
    return { key: 'doc.badType', values: { types: types.join(', ') } };
  const largest = MAX_DOCUMENT_BYTES[kind];
  if (file.size > largest) return { key: 'doc.tooLarge', values: { mb: largest / (1024 * 1024) } };
  return undefined;
}

export async function sha256Hex(file: File): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The document id of a key this API issued (`cohorts/<cohortId>/<documentId>`). */
export function documentIdOf(key: string): string | undefined {
  const parts = key.split('/');
  return parts.length === 3 && parts[0] === 'cohorts' ? parts[2] : undefined;
}

/** Announces, uploads and waits until the document is STORED; answers its key. */
export async function uploadDocument(
  api: Api,
  cohortId: string,
  file: File,
  kind: DocumentKind,
  sha256: string,
  onProgress: (fraction: number) => void,
): Promise<{ key: string; documentId: string }> {
  const announced = await api.post<Announced>(`/cohorts/${cohortId}/documents`, {
    body: { kind, fileName: file.name, contentType: contentTypeOf(file), sizeBytes: file.size, sha256 },
  });
  await put(announced.upload, file, onProgress);
  for (let attempt = 0; attempt < 60; attempt++) {
    const view = await api.get<DocumentView>(`/documents/${announced.documentId}`);
    if (view.status === 'STORED') return { key: view.key, documentId: view.documentId };
    if (view.status === 'REJECTED') throw new Error(view.rejectedReason ?? 'REJECTED');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the object store has not confirmed the upload yet; try again in a minute');
}

function put(upload: Announced['upload'], file: File, onProgress: (fraction: number) => void) {
  return new Promise<void>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(upload.method, upload.url);
    for (const [name, value] of Object.entries(upload.headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve();
        return;
      }
      // S3 answers XML: <Error><Code>BadDigest</Code><Message>…</Message></Error>.
      const code = /<Code>([^<]*)<\/Code>/.exec(request.responseText)?.[1];
      const message = /<Message>([^<]*)<\/Message>/.exec(request.responseText)?.[1];
      reject(new Error([code, message].filter(Boolean).join(': ') || `HTTP ${request.status}`));
    };
    request.onerror = () => reject(new Error('the connection to the object store failed'));
    request.send(file);
  });
}
