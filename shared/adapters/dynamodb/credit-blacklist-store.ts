import { chainAuditRecord, GENESIS_HASH } from '../../domain/audit.ts';
import type {
  CreditBlacklistStore,
  CreditListing,
  CreditListingChange,
} from '../../domain/credit-blacklist.ts';
import { says } from '../../domain/error-codes.ts';
import { Conflict } from '../../domain/errors.ts';
import { DuplicateRequest } from '../../domain/idempotency.ts';
import type { Page } from '../../domain/ports.ts';
import type { Clock } from '../clock.ts';
import * as settings from '../config.ts';
import { keys } from './keys.ts';
import { auditItem, idempotencyWrite, stripKeys } from './rows.ts';
import { type Item, type Table, type Write, WriteConditionFailed } from './table.ts';

/**
 * A district's credit blacklist on the one table: its partition holds the listings, their audit
 * records and the head of their hash chain (keys.ts `creditListing`, `creditHead`, `audit`).
 */
export class DynamoCreditBlacklistStore implements CreditBlacklistStore {
  constructor(
    private readonly table: Table,
    private readonly clock: Clock,
  ) {}

  async listing(districtCode: string, enterpriseId: string): Promise<CreditListing | undefined> {
    const item = await this.table.get<Item>(keys.creditListing(districtCode, enterpriseId));
    return item ? listingOf(item) : undefined;
  }

  async list(
    districtCode: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<CreditListing>> {
    const page = await this.table.query<Item>({
      ...keys.creditListings(districtCode),
      limit: options.limit,
      cursor: options.cursor,
    });
    return { items: page.items.map(listingOf), nextCursor: page.nextCursor };
  }

  async change(change: CreditListingChange): Promise<void> {
    const now = this.clock.now();
    const headKey = keys.creditHead(change.districtCode);
    const head = await this.table.get<{ auditSeq: number; auditHead: string; version: number }>(headKey);
    const record = chainAuditRecord(
      change.districtCode,
      { seq: head?.auditSeq ?? 0, hash: head?.auditHead ?? GENESIS_HASH },
      change.audit,
      now.toISOString(),
      settings.auditHashAlgorithm(),
    );
    const listingKey = keys.creditListing(change.districtCode, change.enterpriseId);
    const expected =
      change.expectedVersion === null
        ? { condition: 'attribute_not_exists(pk)' }
        : { condition: 'version = :v', values: { ':v': change.expectedVersion } };
    const writes: Write[] = [
      change.listing
        ? { put: { ...listingKey, entityType: 'CreditListing', ...change.listing }, ...expected }
        : { delete: listingKey, ...expected },
      { put: auditItem(record, 'CREDIT'), condition: 'attribute_not_exists(pk)' },
      {
        put: {
          ...headKey,
          entityType: 'CreditBlacklistHead',
          districtCode: change.districtCode,
          auditSeq: record.seq,
          auditHead: record.hash,
          version: (head?.version ?? 0) + 1,
        },
        ...(head
          ? { condition: 'version = :hv', values: { ':hv': head.version } }
          : { condition: 'attribute_not_exists(pk)' }),
      },
    ];
    if (change.idempotency) writes.push(idempotencyWrite(change.idempotency, now));
    try {
      await this.table.transact(writes);
    } catch (error) {
      if (!(error instanceof WriteConditionFailed)) throw error;
      if (change.idempotency && error.failed.includes(3)) throw new DuplicateRequest();
      throw new Conflict(says('credit_blacklist.changed_meanwhile'));
    }
  }
}

export function listingOf(item: Item): CreditListing {
  const { entityType: _type, ...listing } = stripKeys<CreditListing & { entityType?: string }>(item);
  return listing;
}
