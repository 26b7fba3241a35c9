import { chainAuditRecord } from '../../domain/audit.ts';
import type { DocumentRecord } from '../../domain/document.ts';
import type { DocumentStore } from '../../domain/document-ports.ts';
import { says } from '../../domain/error-codes.ts';
import { Conflict } from '../../domain/errors.ts';
import { DuplicateRequest } from '../../domain/idempotency.ts';
import type { Clock } from '../clock.ts';
import * as settings from '../config.ts';
import { keys } from './keys.ts';
import { auditItem, auditRecordOf, idempotencyWrite, stripKeys } from './rows.ts';
import { type Item, type Table, type Write, WriteConditionFailed } from './table.ts';

/**
 * A document and its audit records share one partition (`DOCUMENT#<id>`): the item at sk
 * `DOCUMENT`, its history at sk `AUDIT#…`, so showing a document with its history is one Query.
 */

/** A document has a handful of audit records (requested, stored or rejected); this bounds the read. */
const HISTORY_LIMIT = 50;

export class DynamoDocumentStore implements DocumentStore {
  constructor(
    private readonly table: Table,
    private readonly clock: Clock,
  ) {}

  async get(documentId: string) {
    const page = await this.table.query<Item>({
      pk: keys.document(documentId).pk,
      limit: HISTORY_LIMIT + 1,
    });
    const item = page.items.find((candidate) => candidate.sk === keys.document(documentId).sk);
    if (!item) return undefined;
    return {
      document: stripKeys<DocumentRecord>(item),
      history: page.items.filter((candidate) => candidate.entityType === 'Audit').map(auditRecordOf),
    };
  }

  async getMany(documentIds: readonly string[]): Promise<DocumentRecord[]> {
    if (documentIds.length === 0) return [];
    const items = await this.table.batchGet<Item>([...new Set(documentIds)].map(keys.document));
    return items.map((item) => stripKeys<DocumentRecord>(item));
  }

  async save(change: Parameters<DocumentStore['save']>[0]): Promise<void> {
    const now = this.clock.now();
    const { document } = change;
    const record = chainAuditRecord(
      document.documentId,
      { seq: document.auditSeq, hash: document.auditHead },
      change.audit,
      now.toISOString(),
      settings.auditHashAlgorithm(),
    );
    const stored: DocumentRecord = { ...document, auditSeq: record.seq, auditHead: record.hash };
    const item: Item = { ...keys.document(document.documentId), entityType: 'Document', ...stored };
    const writes: Write[] = [
      change.expectedVersion === null
        ? { put: item, condition: 'attribute_not_exists(pk)' }
        : { put: item, condition: 'version = :v', values: { ':v': change.expectedVersion } },
      { put: auditItem(record, 'DOCUMENT'), condition: 'attribute_not_exists(pk)' },
    ];
    if (change.idempotency) writes.push(idempotencyWrite(change.idempotency, now));
    try {
      await this.table.transact(writes);
    } catch (error) {
      if (!(error instanceof WriteConditionFailed)) throw error;
      if (change.idempotency && error.failed.includes(2)) throw new DuplicateRequest();
      throw new Conflict(says('document.changed_meanwhile'));
    }
  }
}
