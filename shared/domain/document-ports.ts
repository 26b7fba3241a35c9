import type { AuditDraft, AuditRecord } from './audit.ts';
import type { DocumentRecord } from './document.ts';
import type { IdempotencyWrite } from './ports.ts';

/** Documents on the one table; each change one transaction with its audit record (its own chain). */
export interface DocumentStore {
  /** The document and its history, in one read. */
  get(documentId: string): Promise<{ document: DocumentRecord; history: AuditRecord[] } | undefined>;
  /** Many documents by id (those that exist). */
  getMany(documentIds: readonly string[]): Promise<DocumentRecord[]>;
  save(change: {
    document: DocumentRecord;
    /** null: a new document. */
    expectedVersion: number | null;
    audit: AuditDraft;
    idempotency?: IdempotencyWrite | undefined;
  }): Promise<void>;
}

export interface UploadTicket {
  method: 'PUT';
  url: string;
  /** Headers the upload must carry exactly as given (they are signed). */
  headers: Record<string, string>;
  expiresAt: string;
}

/** Where the bytes live: S3 on AWS, the embedded runtime's S3 stand-in (a folder) locally. */
export interface ObjectStorage {
  /** A presigned PUT that accepts only these bytes (size and SHA-256 signed in). */
  uploadUrl(input: {
    key: string;
    contentType: string;
    sizeBytes: number;
    sha256: string;
    expiresInSeconds: number;
  }): Promise<UploadTicket>;
  /** A presigned GET that downloads the object under its file name. */
  downloadUrl(input: {
    key: string;
    fileName: string;
    contentType: string;
    expiresInSeconds: number;
  }): Promise<string>;
  /** Size and SHA-256 (hex) of a stored object, or undefined when there is none. */
  head(key: string): Promise<{ sizeBytes: number; sha256: string | undefined } | undefined>;
}
