import { type AttributeValue, BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { type AuditDraft, chainAuditRecord, GENESIS_HASH } from '../../domain/audit.ts';
import type { CheckRun, OverrideRecord } from '../../domain/employment.ts';
import type {
  ContributionImport,
  EmploymentStore,
  MonthInForce,
  StoredContribution,
} from '../../domain/employment-ports.ts';
import { says } from '../../domain/error-codes.ts';
import { Conflict } from '../../domain/errors.ts';
import { DuplicateRequest } from '../../domain/idempotency.ts';
import type { IdempotencyWrite, Page } from '../../domain/ports.ts';
import type { Clock } from '../clock.ts';
import * as settings from '../config.ts';
import { DynamoEmploymentChecks } from './employment-checks.ts';
import { type CaseKind, keys } from './keys.ts';
import { auditItem, idempotencyWrite, stripKeys } from './rows.ts';
import { type Item, type Table, toAttributes, type Write, WriteConditionFailed } from './table.ts';

/** BatchWriteItem takes 25 puts (and 16 MB); this many go out at once. */
const BATCH = 10;
const PARALLEL_BATCHES = 4;
/**
 * Persons (look-up hashes) per item: a hash and its flag take about 60 bytes, so an item of 2,500
 * is about 150 KB, well inside DynamoDB's 400 KB, and ten of them inside BatchWriteItem's 16 MB.
 */
const CHUNK_ENTRIES = 2_500;
/** Pointer writes per transaction, leaving room for the head, audit, import and idempotency records. */
const POINTERS_PER_TRANSACTION = 95;

/**
 * The district's employment register on the one table (keys.ts `contributionChunk`, `employment*`,
 * `employmentCheck`, `override*`). An import writes its records first, each enterprise's month
 * under the import's own id so nothing counts yet, then switches each enterprise's pointer to it
 * for the file's months: a check reads only the records its pointer names, so a re-import replaces
 * that month of each enterprise in the file at once, and a failed import leaves only records
 * nobody counts.
 */
export class DynamoEmploymentStore extends DynamoEmploymentChecks implements EmploymentStore {
  constructor(
    table: Table,
    private readonly clock: Clock,
  ) {
    super(table);
  }

  async importRows(input: {
    record: ContributionImport;
    rows: StoredContribution[];
    audit: AuditDraft;
    idempotency?: IdempotencyWrite | undefined;
  }): Promise<void> {
    const { record } = input;
    // Chunks of each enterprise's month first (no pointer names them yet), then the pointers.
    const monthsOf = await this.putChunks(record, input.rows);
    const enterprises = [...monthsOf.keys()];
    const current = new Map<string, { version: number; months: Record<string, MonthInForce> }>();
    const read = await this.table.batchGet<Item>(
      enterprises.map((enterpriseId) => keys.employmentPointer(record.districtCode, enterpriseId)),
    );
    for (const item of read) current.set(String(item.enterpriseId), item as never);
    const pointerWrites: Write[] = enterprises.map((enterpriseId) => {
      const before = current.get(enterpriseId);
      const months = { ...before?.months };
      for (const [month, chunks] of monthsOf.get(enterpriseId)!)
        months[month] = { importId: record.importId, chunks };
      const put = {
        ...keys.employmentPointer(record.districtCode, enterpriseId),
        entityType: 'EmploymentPointer',
        enterpriseId,
        months,
        version: (before?.version ?? 0) + 1,
      };
      return before
        ? { put, condition: 'version = :v', values: { ':v': before.version } }
        : { put, condition: 'attribute_not_exists(pk)' };
    });
    // Each enterprise switches at once (one item); the last transaction carries the import's record.
    const last =
      pointerWrites.length - (pointerWrites.length % POINTERS_PER_TRANSACTION || POINTERS_PER_TRANSACTION);
    try {
      for (let start = 0; start < last; start += POINTERS_PER_TRANSACTION) {
        await this.table.transact(pointerWrites.slice(start, start + POINTERS_PER_TRANSACTION));
      }
    } catch (error) {
      if (error instanceof WriteConditionFailed) throw new Conflict(says('employment.import_raced'));
      throw error;
    }
    const tail = pointerWrites.slice(last);
    await this.chained(
      'EMPLOYMENT',
      record.districtCode,
      [
        ...tail,
        {
          put: {
            ...keys.employmentImport(record.districtCode, record.importId),
            entityType: 'EmploymentImport',
            ...record,
          },
          condition: 'attribute_not_exists(pk)',
        },
      ],
      input.audit,
      input.idempotency,
      says('employment.import_raced'),
    );
  }

  /**
   * One item per enterprise and month (in chunks of CHUNK_ENTRIES persons: items stay far below
   * DynamoDB's 400 KB), each person under every look-up hash; BatchWriteItem, a few at once, each
   * retried for what DynamoDB left unprocessed. Answers each enterprise's months and their chunks.
   */
  private async putChunks(
    record: ContributionImport,
    rows: StoredContribution[],
  ): Promise<Map<string, Map<string, number>>> {
    const groups = new Map<string, { enterpriseId: string; month: string; entries: [string, boolean][] }>();
    for (const row of rows) {
      const at = `${row.enterpriseId}#${row.month}`;
      const group = groups.get(at) ?? { enterpriseId: row.enterpriseId, month: row.month, entries: [] };
      for (const idHash of row.idHashes) group.entries.push([idHash, row.insured]);
      groups.set(at, group);
    }
    const items: Record<string, AttributeValue>[] = [];
    const monthsOf = new Map<string, Map<string, number>>();
    for (const { enterpriseId, month, entries } of groups.values()) {
      const chunks = Math.ceil(entries.length / CHUNK_ENTRIES);
      for (let index = 0; index < chunks; index++) {
        items.push(
          toAttributes({
            ...keys.contributionChunk({
              districtCode: record.districtCode,
              enterpriseId,
              month,
              importId: record.importId,
              index,
            }),
            entityType: 'Contributions',
            enterpriseId,
            month,
            importId: record.importId,
            insured: Object.fromEntries(entries.slice(index * CHUNK_ENTRIES, (index + 1) * CHUNK_ENTRIES)),
          }),
        );
      }
      const months = monthsOf.get(enterpriseId) ?? new Map<string, number>();
      months.set(month, chunks);
      monthsOf.set(enterpriseId, months);
    }
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        let batch = items.slice(next, next + BATCH).map((Item) => ({ PutRequest: { Item } }));
        next += BATCH;
        for (let attempt = 0; batch.length > 0; attempt++) {
          if (attempt > 10) throw new Error('contribution records left unprocessed');
          if (attempt > 0)
            await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(attempt, 6)));
          const out = await this.table.client.send(
            new BatchWriteItemCommand({ RequestItems: { [this.table.name]: batch } }),
          );
          batch = (out.UnprocessedItems?.[this.table.name] ?? []) as typeof batch;
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_BATCHES }, worker));
    return monthsOf;
  }

  async runs(
    cohortId: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<CheckRun>> {
    const page = await this.table.query<Item>({ ...keys.employmentChecks(cohortId), ...options });
    return { items: page.items.map((item) => stripKeys<CheckRun>(item)), nextCursor: page.nextCursor };
  }

  async override(districtCode: string, overrideId: string): Promise<OverrideRecord | undefined> {
    const item = await this.table.get<Item>(keys.override(districtCode, overrideId));
    return item ? stripKeys<OverrideRecord>(item) : undefined;
  }

  async overrides(
    districtCode: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<OverrideRecord>> {
    const page = await this.table.query<Item>({
      ...keys.overrides(districtCode),
      newestFirst: true,
      ...options,
    });
    return { items: page.items.map((item) => stripKeys<OverrideRecord>(item)), nextCursor: page.nextCursor };
  }

  async saveOverride(change: {
    override: OverrideRecord;
    expectedVersion: number | null;
    audit: AuditDraft;
    idempotency?: IdempotencyWrite | undefined;
  }): Promise<void> {
    const { override } = change;
    const put = {
      ...keys.override(override.districtCode, override.overrideId),
      entityType: 'Override',
      ...override,
    };
    await this.chained(
      'OVERRIDE',
      override.districtCode,
      [
        change.expectedVersion === null
          ? { put, condition: 'attribute_not_exists(pk)' }
          : { put, condition: 'version = :v', values: { ':v': change.expectedVersion } },
      ],
      change.audit,
      change.idempotency,
      says('override.changed_meanwhile'),
    );
  }

  /**
   * One transaction on a district's chained partition (as the credit blacklist's): the writes,
   * the audit record chained to the head, the head moved on, and the idempotency record.
   */
  private async chained(
    kind: CaseKind,
    districtCode: string,
    writes: Write[],
    audit: AuditDraft,
    idempotency: IdempotencyWrite | undefined,
    raced: ReturnType<typeof says>,
  ): Promise<void> {
    // Every change of the district's partition moves its chain head: one written meanwhile (another
    // override, another import) is no conflict of this change's own items, so chain again.
    for (let attempt = 1; ; attempt++) {
      const moved = await this.chainOnce(kind, districtCode, writes, audit, idempotency, raced);
      if (!moved) return;
      if (attempt >= 5) throw new Conflict(raced);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
    }
  }

  /** One attempt: false when written, true when only the chain head moved meanwhile. */
  private async chainOnce(
    kind: CaseKind,
    districtCode: string,
    writes: Write[],
    audit: AuditDraft,
    idempotency: IdempotencyWrite | undefined,
    raced: ReturnType<typeof says>,
  ): Promise<boolean> {
    const now = this.clock.now();
    const headKey =
      kind === 'EMPLOYMENT' ? keys.employmentHead(districtCode) : keys.overrideHead(districtCode);
    const head = await this.table.get<{ auditSeq: number; auditHead: string; version: number }>(headKey);
    const record = chainAuditRecord(
      districtCode,
      { seq: head?.auditSeq ?? 0, hash: head?.auditHead ?? GENESIS_HASH },
      audit,
      now.toISOString(),
      settings.auditHashAlgorithm(),
    );
    const all: Write[] = [
      ...writes,
      { put: auditItem(record, kind), condition: 'attribute_not_exists(pk)' },
      {
        put: {
          ...headKey,
          entityType: kind === 'EMPLOYMENT' ? 'EmploymentHead' : 'OverrideHead',
          districtCode,
          auditSeq: record.seq,
          auditHead: record.hash,
          version: (head?.version ?? 0) + 1,
        },
        ...(head
          ? { condition: 'version = :hv', values: { ':hv': head.version } }
          : { condition: 'attribute_not_exists(pk)' }),
      },
    ];
    if (idempotency) all.push(idempotencyWrite(idempotency, now));
    try {
      await this.table.transact(all);
      return false;
    } catch (error) {
      if (!(error instanceof WriteConditionFailed)) throw error;
      if (idempotency && error.failed.includes(writes.length + 2)) throw new DuplicateRequest();
      // The audit record's sequence or the head: another change of the partition came first.
      if (error.failed.every((index) => index >= writes.length)) return true;
      throw new Conflict(raced);
    }
  }
}
