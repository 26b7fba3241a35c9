import { canSee } from './cohort.ts';
import type { Principal } from './principal.ts';

/**
 * Evidence documents of a cohort's claims (domain.md, "Claim workflow"): sign-in sheets, training
 * videos, fee invoices, certificates. The bytes are objects (S3 on AWS, a folder in the embedded
 * runtime); the table keeps what they are, who uploaded them, their SHA-256 and whether the
 * object really arrived. A claim may reference only documents of its cohort that are STORED with
 * the checksum it names.
 *
 *   PENDING (upload URL issued) --object created, checksum and size match--> STORED
 *                               --object does not match what was declared--> REJECTED
 */
export const DOCUMENT_KINDS = [
  'sign_in_sheet',
  'training_video',
  'fee_invoice',
  'certificate',
  'other',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export type DocumentStatus = 'PENDING' | 'STORED' | 'REJECTED';

const MiB = 1024 * 1024;
/** Largest object per kind: a lesson recorded in full HD fits in 2 GiB; paper scans in 50 MiB. */
export const MAX_DOCUMENT_BYTES: Record<DocumentKind, number> = {
  training_video: 2048 * MiB,
  sign_in_sheet: 50 * MiB,
  fee_invoice: 50 * MiB,
  certificate: 50 * MiB,
  other: 50 * MiB,
};

const SCANS = ['application/pdf', 'image/jpeg', 'image/png'];
/** What each kind may be; the object is stored (and later served) with exactly this type. */
export const DOCUMENT_CONTENT_TYPES: Record<DocumentKind, readonly string[]> = {
  training_video: ['video/mp4', 'video/quicktime', 'video/webm', 'video/x-matroska'],
  sign_in_sheet: SCANS,
  fee_invoice: [...SCANS, 'application/ofd'],
  certificate: SCANS,
  other: [
    ...SCANS,
    'text/csv',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  ],
};

/** How long an upload URL stays valid. */
export const UPLOAD_URL_SECONDS = 15 * 60;
/** How long a download URL stays valid. */
export const DOWNLOAD_URL_SECONDS = 5 * 60;

export interface DocumentRecord {
  documentId: string;
  /** Object key: `cohorts/<cohortId>/<documentId>`; a claim references the document by it. */
  key: string;
  cohortId: string;
  /** The cohort's parties, copied so a read of the document is one request. */
  enterpriseId: string;
  schoolId: string;
  districtCode: string;
  kind: DocumentKind;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  /** Lower-case hex SHA-256 the uploader declared; the object store refuses other bytes. */
  sha256: string;
  status: DocumentStatus;
  rejectedReason?: string;
  uploadedBy: string;
  createdAt: string;
  storedAt?: string;
  version: number;
  auditSeq: number;
  auditHead: string;
}

export function documentKey(cohortId: string, documentId: string): string {
  return `cohorts/${cohortId}/${documentId}`;
}

const KEY = /^cohorts\/([0-9A-HJKMNP-TV-Z]{26})\/([0-9A-HJKMNP-TV-Z]{26})$/;

/** The cohort and document of an object key this system issued, or undefined. */
export function parseDocumentKey(key: string): { cohortId: string; documentId: string } | undefined {
  const match = KEY.exec(key);
  return match ? { cohortId: match[1]!, documentId: match[2]! } : undefined;
}

/**
 * The parties of the cohort see its documents (enterprise always; school and bureau once filed).
 * The municipal bureau reads cases, not their evidence: sign-in sheets and certificates carry full
 * ID numbers, which domain.md gives only to the district's reviewer.
 */
export function canSeeDocument(principal: Principal, document: DocumentRecord): boolean {
  return principal.role !== 'city.admin' && canSee(principal, document);
}

export function documentView(document: DocumentRecord) {
  const { auditHead: _head, auditSeq: _seq, ...rest } = document;
  return rest;
}
