import type { CreateDocumentBody } from '../../schemas/document.ts';
import { GENESIS_HASH } from '../audit.ts';
import {
  canSeeDocument,
  DOCUMENT_CONTENT_TYPES,
  DOCUMENT_KINDS,
  DOWNLOAD_URL_SECONDS,
  type DocumentKind,
  type DocumentRecord,
  documentKey,
  documentView,
  MAX_DOCUMENT_BYTES,
  parseDocumentKey,
  UPLOAD_URL_SECONDS,
} from '../document.ts';
import type { DocumentStore, ObjectStorage } from '../document-ports.ts';
import { says } from '../error-codes.ts';
import { Conflict, type FieldError, fieldError, NotFound, ValidationFailed } from '../errors.ts';
import { idempotent } from '../idempotency.ts';
import type { CohortDeps } from '../ports.ts';
import { actorOf, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';
import type { RequestMeta } from './cohort-drafts.ts';
import { visibleCohort } from './common.ts';

export type DocumentDeps = Pick<CohortDeps, 'store' | 'clock' | 'newId'> & {
  documents: DocumentStore;
  objects: ObjectStorage;
};

const STORAGE = { system: 'object-storage' };

/**
 * The enterprise clerk announces a document of a FILED cohort — kind, file name, type, size and
 * SHA-256 — and gets a presigned URL that accepts exactly those bytes for 15 minutes. The record
 * is PENDING until the object store reports the object (see `confirmStoredObject`).
 */
export async function requestDocumentUpload(
  deps: DocumentDeps,
  principal: Principal,
  cohortId: string,
  body: CreateDocumentBody,
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const cohort = await visibleCohort(deps.store, principal, cohortId);
      if (cohort.status !== 'FILED' && cohort.status !== 'COMPLETED') {
        throw new Conflict(says('document.cohort_not_filed', { status: cohort.status }), {
          status: cohort.status,
          version: cohort.version,
        });
      }
      const errors: FieldError[] = [];
      const allowed = DOCUMENT_CONTENT_TYPES[body.kind];
      if (!allowed.includes(body.contentType)) {
        errors.push(
          fieldError(
            'contentType',
            says('document.content_type_not_allowed', { kind: body.kind, types: allowed.join(', ') }),
          ),
        );
      }
      const largest = MAX_DOCUMENT_BYTES[body.kind];
      if (body.sizeBytes > largest) {
        errors.push(
          fieldError(
            'sizeBytes',
            says('document.too_large', { kind: body.kind, mib: largest / (1024 * 1024) }),
          ),
        );
      }
      if (errors.length > 0) throw new ValidationFailed(errors);

      const documentId = deps.newId();
      const key = documentKey(cohort.cohortId, documentId);
      const upload = await deps.objects.uploadUrl({
        key,
        contentType: body.contentType,
        sizeBytes: body.sizeBytes,
        sha256: body.sha256,
        expiresInSeconds: UPLOAD_URL_SECONDS,
      });
      const at = deps.clock.now().toISOString();
      const document: DocumentRecord = {
        documentId,
        key,
        cohortId: cohort.cohortId,
        enterpriseId: cohort.enterpriseId,
        schoolId: cohort.schoolId,
        districtCode: cohort.districtCode,
        kind: body.kind,
        fileName: body.fileName,
        contentType: body.contentType,
        sizeBytes: body.sizeBytes,
        sha256: body.sha256,
        status: 'PENDING',
        uploadedBy: principal.sub,
        createdAt: at,
        version: 1,
        auditSeq: 0,
        auditHead: GENESIS_HASH,
      };
      const reply = { status: 201, body: { ...documentView(document), upload } };
      await deps.documents.save({
        document,
        expectedVersion: null,
        audit: {
          action: 'document.requested',
          actor: actorOf(principal),
          to: 'PENDING',
          details: {
            cohortId: cohort.cohortId,
            kind: body.kind,
            sizeBytes: body.sizeBytes,
            sha256: body.sha256,
          },
        },
        idempotency: record(reply),
      });
      return reply;
    },
  );
}

/**
 * The object store reports a new object (S3 → EventBridge "Object Created"; the embedded
 * runtime's stand-in calls the same handler). Delivery is at least once, so a document that is no
 * longer PENDING is left as it is. The object's own size and SHA-256 decide: STORED when they
 * are what was declared, REJECTED otherwise (S3 already refuses other bytes; this is the record
 * of it, and the guard should a different writer ever reach the bucket).
 */
export async function confirmStoredObject(
  deps: Pick<DocumentDeps, 'documents' | 'objects' | 'clock'>,
  object: { key: string },
): Promise<{ documentId?: string; status: 'STORED' | 'REJECTED' | 'unchanged' | 'unknown' }> {
  const parsed = parseDocumentKey(object.key);
  if (!parsed) return { status: 'unknown' };
  for (let attempt = 0; ; attempt++) {
    const found = await deps.documents.get(parsed.documentId);
    if (!found || found.document.key !== object.key) return { status: 'unknown' };
    const { document } = found;
    if (document.status !== 'PENDING') return { documentId: document.documentId, status: 'unchanged' };
    const head = await deps.objects.head(object.key);
    // Reported but not readable yet: fail, so the event is delivered again.
    if (!head) throw new Error(`Object ${object.key} was reported but is not there`);
    const problems: string[] = [];
    if (head.sizeBytes !== document.sizeBytes)
      problems.push(`${head.sizeBytes} bytes arrived, ${document.sizeBytes} were declared`);
    if (head.sha256 !== document.sha256)
      problems.push(head.sha256 ? 'its SHA-256 is not the one declared' : 'it was stored without a SHA-256');
    const status = problems.length === 0 ? 'STORED' : 'REJECTED';
    const at = deps.clock.now().toISOString();
    try {
      await deps.documents.save({
        document: {
          ...document,
          status,
          ...(status === 'STORED' ? { storedAt: at } : { rejectedReason: problems.join('; ') }),
          version: document.version + 1,
        },
        expectedVersion: document.version,
        audit: {
          action: status === 'STORED' ? 'document.stored' : 'document.rejected',
          actor: STORAGE,
          from: 'PENDING',
          to: status,
          reason: problems.length > 0 ? problems.join('; ') : undefined,
          details: { sizeBytes: head.sizeBytes },
        },
      });
      return { documentId: document.documentId, status };
    } catch (error) {
      // A second delivery of the same event won the race: read again, it is no longer PENDING.
      if (error instanceof Conflict && attempt < 2) continue;
      throw error;
    }
  }
}

/** A document with its history, and a short-lived download link once it is stored. */
export async function getDocument(
  deps: Pick<DocumentDeps, 'documents' | 'objects'>,
  principal: Principal,
  documentId: string,
): Promise<Reply> {
  const found = await deps.documents.get(documentId);
  if (!found || !canSeeDocument(principal, found.document))
    throw new NotFound(says('document.not_found', { documentId }));
  const { document, history } = found;
  const download =
    document.status === 'STORED'
      ? {
          url: await deps.objects.downloadUrl({
            key: document.key,
            fileName: document.fileName,
            contentType: document.contentType,
            expiresInSeconds: DOWNLOAD_URL_SECONDS,
          }),
          expiresAt: new Date(Date.now() + DOWNLOAD_URL_SECONDS * 1000).toISOString(),
        }
      : null;
  return { status: 200, body: { ...documentView(document), download, history } };
}

/**
 * The documents a claim's evidence references must be this cohort's, STORED, with the SHA-256
 * and kind the claim names, each listed once. Errors carry the path of the reference.
 */
export async function checkEvidenceDocuments(
  documents: Pick<DocumentStore, 'getMany'>,
  cohortId: string,
  references: readonly { key: string; sha256: string; kind: DocumentKind }[],
): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const ids = references.map((reference) => {
    const parsed = parseDocumentKey(reference.key);
    return parsed?.cohortId === cohortId ? parsed.documentId : undefined;
  });
  const found = new Map(
    (await documents.getMany(ids.filter((id): id is string => id !== undefined))).map((document) => [
      document.documentId,
      document,
    ]),
  );
  const seen = new Set<string>();
  references.forEach((reference, index) => {
    const path = `evidence.documents.${index}`;
    const id = ids[index];
    const document = id ? found.get(id) : undefined;
    if (!document || document.cohortId !== cohortId) {
      errors.push(fieldError(`${path}.key`, says('evidence.document_unknown', { cohortId })));
      return;
    }
    if (seen.has(document.key)) {
      errors.push(fieldError(`${path}.key`, says('evidence.document_repeated')));
      return;
    }
    seen.add(document.key);
    if (document.status === 'PENDING') {
      errors.push(fieldError(`${path}.key`, says('evidence.document_pending')));
    } else if (document.status === 'REJECTED') {
      errors.push(
        fieldError(
          `${path}.key`,
          says('evidence.document_rejected', { reason: document.rejectedReason ?? 'it did not match' }),
        ),
      );
    }
    if (document.sha256 !== reference.sha256) {
      errors.push(fieldError(`${path}.sha256`, says('evidence.sha256_mismatch')));
    }
    if (document.kind !== reference.kind && DOCUMENT_KINDS.includes(reference.kind)) {
      errors.push(fieldError(`${path}.kind`, says('evidence.kind_mismatch', { kind: document.kind })));
    }
  });
  return errors;
}
