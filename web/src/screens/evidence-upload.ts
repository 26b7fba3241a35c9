/**
 * Evidence documents, as the console uploads them: announce the file (`POST
 * /cohorts/{cohortId}/documents`: kind, name, type, size, SHA-256), PUT its bytes to the presigned
 * URL the API answers with (S3 on AWS, the embedded runtime's stand-in locally; XMLHttpRequest for
 * the progress), then wait until the document is STORED — at once in the embedded runtime, a
 * moment later on AWS, where S3 reports the object through EventBridge.
 */
import {
  DOCUMENT_CONTENT_TYPES,
  DOCUMENT_KINDS,
  type DocumentKind,
  MAX_DOCUMENT_BYTES,
} from '../../../shared/domain/document.ts';
import type { Api } from '../api.ts';

export type { DocumentKind };
export { DOCUMENT_KINDS };

/** `POST /cohorts/{cohortId}/documents` answers the document and where to PUT its bytes. */
interface Announced {
  documentId: string;
  key: string;
  status: DocumentView['status'];
  upload: { method: string; url: string; headers: Record<string, string>; expiresAt: string };
}

/** `GET /documents/{documentId}`. */
export interface DocumentView {
  documentId: string;
  key: string;
  cohortId: string;
  kind: DocumentKind;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  status: 'PENDING' | 'STORED' | 'REJECTED';
  rejectedReason?: string;
  createdAt: string;
  storedAt?: string;
  download: { url: string; expiresAt: string } | null;
}

/** What a claim's evidence holds of a document. */
export interface DocumentReference {
  key: string;
  sha256: string;
  kind: DocumentKind;
}

/** Why an upload did not end STORED, in terms the form can say in either language. */
export type UploadFailure =
  /** The object store received other bytes than the checksum announced (the file changed?). */
  | 'badDigest'
  /** The presigned URL is no longer valid: announce again. */
  | 'expired'
  /** No answer from the object store. */
  | 'network'
  /** The document was recorded REJECTED (size or checksum differ). */
  | 'rejected'
  /** Uploaded, but not confirmed STORED within the wait. */
  | 'notConfirmed'
  /** Any other refusal by the object store (its code and message in `detail`). */
  | 'store'
  /** The row was removed while it went up. */
  | 'aborted';

export class UploadFailed extends Error {
  override name = 'UploadFailed';
  constructor(
    readonly reason: UploadFailure,
    readonly detail = '',
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
  }
}

const BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  ofd: 'application/ofd',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

const ACCEPTED = new Set(Object.values(DOCUMENT_CONTENT_TYPES).flat());

/** What the file picker offers first (any file may still be picked, and is then refused with a reason). */
export const PICKER_ACCEPT = [
  ...new Set([...Object.keys(BY_EXTENSION).map((extension) => `.${extension}`), ...ACCEPTED]),
].join(',');

/**
 * The file's media type: the browser's when the API accepts it, else the one its extension names
 * (browsers give none for `.ofd` or `.mkv`, and Windows calls a `.csv` `application/vnd.ms-excel`).
 */
export function contentTypeOf(file: File): string {
  const given = file.type.toLowerCase();
  if (ACCEPTED.has(given)) return given;
  const extension = file.name.toLowerCase().split('.').pop() ?? '';
  return BY_EXTENSION[extension] ?? (given || 'application/octet-stream');
}

/** The kinds a file of this type may be uploaded as (a video is only ever a training video). */
export function kindsAccepting(contentType: string): DocumentKind[] {
  return DOCUMENT_KINDS.filter((kind) => DOCUMENT_CONTENT_TYPES[kind].includes(contentType));
}

/** A first guess at the kind, from the type and the name; the clerk may choose another. */
export function guessKind(file: File): DocumentKind {
  const name = file.name.toLowerCase();
  const possible = kindsAccepting(contentTypeOf(file));
  const guess: DocumentKind = possible.includes('training_video')
    ? 'training_video'
    : /签到|sign/.test(name)
      ? 'sign_in_sheet'
      : /发票|invoice|fapiao/.test(name)
        ? 'fee_invoice'
        : /证书|cert/.test(name)
          ? 'certificate'
          : 'other';
  return possible.length === 0 || possible.includes(guess) ? guess : possible[0]!;
}

/** What the API would refuse about this file as this kind (its message key and values), or undefined. */
export type FileProblem =
  | { key: 'doc.empty' }
  | { key: 'doc.badName' }
  | { key: 'doc.badType'; kind: DocumentKind; types: readonly string[]; type: string }
  | { key: 'doc.tooLarge'; kind: DocumentKind; largest: number };

export function fileProblem(file: File, kind: DocumentKind): FileProblem | undefined {
  if (file.size === 0) return { key: 'doc.empty' };
  if (file.name.length === 0 || file.name.length > 200 || /[/\\]/.test(file.name))
    return { key: 'doc.badName' };
  const types = DOCUMENT_CONTENT_TYPES[kind];
  const type = contentTypeOf(file);
  if (!types.includes(type)) return { key: 'doc.badType', kind, types, type };
  if (file.size > MAX_DOCUMENT_BYTES[kind])
    return { key: 'doc.tooLarge', kind, largest: MAX_DOCUMENT_BYTES[kind] };
  return undefined;
}

/** The document id of a key this API issued (`cohorts/<cohortId>/<documentId>`). */
export function documentIdOf(key: string): string | undefined {
  const parts = key.split('/');
  return parts.length === 3 && parts[0] === 'cohorts' ? parts[2] : undefined;
}

/** How long to wait for STORED after the PUT (on AWS: S3 → EventBridge → a Lambda, usually a second or two). */
const CONFIRM_WAIT_MS = 30_000;
const CONFIRM_POLL_MS = 500;

/**
 * Announces, uploads and waits until the document is STORED; answers its key. The API's 400 on
 * the announcement is an `ApiError` (fields `kind`, `fileName`, `contentType`, `sizeBytes`,
 * `sha256`); the object store's refusals and the wait are `UploadFailed`.
 */
export async function uploadDocument(
  api: Api,
  document: { cohortId: string; file: File; kind: DocumentKind; sha256: string },
  events: {
    /** Bytes of the file sent so far. */
    onProgress: (sentBytes: number) => void;
    /** The bytes are in the store; waiting for it to confirm them. */
    onConfirming?: () => void;
    signal?: AbortSignal;
  },
): Promise<{ key: string; documentId: string }> {
  const { file } = document;
  const { signal } = events;
  const announced = await api.post<Announced>(`/cohorts/${document.cohortId}/documents`, {
    body: {
      kind: document.kind,
      fileName: file.name,
      contentType: contentTypeOf(file),
      sizeBytes: file.size,
      sha256: document.sha256,
    },
  });
  if (signal?.aborted) throw new UploadFailed('aborted');
  await put(announced.upload, file, events.onProgress, signal);
  events.onConfirming?.();
  const deadline = Date.now() + CONFIRM_WAIT_MS;
  for (;;) {
    if (signal?.aborted) throw new UploadFailed('aborted');
    const view = await api.get<DocumentView>(`/documents/${announced.documentId}`);
    if (view.status === 'STORED') return { key: view.key, documentId: view.documentId };
    if (view.status === 'REJECTED') throw new UploadFailed('rejected', view.rejectedReason ?? '');
    if (Date.now() >= deadline) throw new UploadFailed('notConfirmed');
    await new Promise((resolve) => setTimeout(resolve, CONFIRM_POLL_MS));
  }
}

/** The PUT to the presigned URL with exactly the headers it was signed with. */
function put(
  upload: Announced['upload'],
  file: File,
  onProgress: (sentBytes: number) => void,
  signal: AbortSignal | undefined,
) {
  return new Promise<void>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(upload.method, upload.url);
    for (const [name, value] of Object.entries(upload.headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => onProgress(Math.min(event.loaded, file.size));
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(file.size);
        resolve();
        return;
      }
      // S3 answers XML: <Error><Code>BadDigest</Code><Message>…</Message></Error>.
      const code = /<Code>([^<]*)<\/Code>/.exec(request.responseText)?.[1] ?? '';
      const message = /<Message>([^<]*)<\/Message>/.exec(request.responseText)?.[1] ?? '';
      if (code === 'BadDigest' || code === 'XAmzContentSHA256Mismatch') reject(new UploadFailed('badDigest'));
      else if (request.status === 403 && code !== 'SignatureDoesNotMatch')
        reject(new UploadFailed('expired'));
      else
        reject(
          new UploadFailed('store', [code || `HTTP ${request.status}`, message].filter(Boolean).join(': ')),
        );
    };
    request.onerror = () => reject(new UploadFailed('network'));
    request.onabort = () => reject(new UploadFailed('aborted'));
    signal?.addEventListener('abort', () => request.abort(), { once: true });
    request.send(file);
  });
}
