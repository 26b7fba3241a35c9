import { type AuditDraft, type AuditRecord, chainAuditRecord, GENESIS_HASH } from '../../domain/audit.ts';
import type { ClaimRecord } from '../../domain/claim.ts';
import type { CohortRecord } from '../../domain/cohort.ts';
import type { Cells } from '../../domain/read-models/cells.ts';
import type { CasePartition, DemandList, ReadModelStore, ReportRow } from '../../domain/read-models/ports.ts';
import * as settings from '../config.ts';
import { keys } from './keys.ts';
import { auditItem, auditRecordOf, stripKeys } from './rows.ts';
import { type Item, type Table, type Write, WriteConditionFailed } from './table.ts';

/** A read-model partition is read whole, page by page (a district's figures are a few hundred rows). */
const MAX_PAGES = 50;

/**
 * The read models of "what the bureau watches" in the one table: aggregate rows in `RM#…`
 * partitions (a report is one Query of one partition), each case's kept cells (`PROJ#<case pk>`),
 * the demand lists (`DEMAND#<district>`).
 */
export class DynamoReadModelStore implements ReadModelStore {
  constructor(readonly table: Table) {}

  async casePartition(pk: string): Promise<CasePartition | undefined> {
    const items: Item[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await this.table.query<Item>({ pk, limit: 1000, cursor });
      items.push(...result.items);
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    const audit: AuditRecord[] = items
      .filter((item) => String(item.sk).startsWith(keys.auditPrefix))
      .map(auditRecordOf);
    const cohort = items.find((item) => item.sk === 'COHORT');
    if (cohort) return { kind: 'cohort', cohort: stripKeys<CohortRecord>(cohort), audit };
    const claim = items.find((item) => item.sk === 'CLAIM');
    if (claim) return { kind: 'claim', claim: stripKeys<ClaimRecord>(claim), audit };
    return undefined;
  }

  async keptCells(casePk: string): Promise<{ cells: Cells; version: number; auditSeq: number } | undefined> {
    const item = await this.table.get<{ cells: Cells; version: number; auditSeq?: number }>(
      keys.projection(casePk),
    );
    return item ? { cells: item.cells, version: item.version, auditSeq: item.auditSeq ?? 0 } : undefined;
  }

  /**
   * Keeps the case's new cells and adds `delta` to the aggregates, in one transaction conditioned
   * on the version of the cells read: a concurrent projection of the same case makes it fail
   * (`stale`), and the caller projects again from a fresh read.
   */
  async applyCells(
    casePk: string,
    next: { cells: Cells; auditSeq: number },
    delta: Cells,
    expectedVersion: number | undefined,
  ): Promise<'applied' | 'stale'> {
    const writes: Write[] = [
      {
        put: {
          ...keys.projection(casePk),
          entityType: 'Projection',
          cells: next.cells,
          auditSeq: next.auditSeq,
          version: (expectedVersion ?? 0) + 1,
        },
        condition: expectedVersion === undefined ? 'attribute_not_exists(pk)' : 'version = :v',
        values: expectedVersion === undefined ? undefined : { ':v': expectedVersion },
      },
    ];
    for (const [cell, fields] of Object.entries(delta)) {
      const [pk, sk] = cell.split('|') as [string, string];
      const names: Record<string, string> = { '#t': 'entityType' };
      const values: Item = { ':t': 'ReadModel' };
      const adds = Object.entries(fields).map(([field, value], index) => {
        names[`#f${index}`] = field;
        values[`:f${index}`] = value;
        return `#f${index} :f${index}`;
      });
      writes.push({ update: { pk, sk }, set: `SET #t = :t ADD ${adds.join(', ')}`, names, values });
    }
    if (writes.length > 100)
      throw new Error(
        `A case changes ${writes.length - 1} read-model rows at once; at most 99 fit one transaction`,
      );
    try {
      await this.table.transact(writes);
      return 'applied';
    } catch (error) {
      if (error instanceof WriteConditionFailed && error.failed.includes(0)) return 'stale';
      throw error;
    }
  }

  async rows(pk: string): Promise<ReportRow[]> {
    const rows: ReportRow[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await this.table.query<Item>({ pk, limit: 1000, cursor });
      for (const item of result.items) {
        const { pk: _pk, sk, entityType: _type, ...fields } = item;
        rows.push({ sk: String(sk), fields: fields as Record<string, number> });
      }
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    return rows;
  }

  async demandList(districtCode: string, period: string): Promise<DemandList | undefined> {
    const item = await this.table.get<DemandList & Item>(keys.demandList(districtCode, period));
    return item ? stripKeys<DemandList>(item) : undefined;
  }

  /**
   * Replaces the period's list, with an audit record on the district's demand-list chain (its head
   * conditioned on the version read: two uploads at once, one wins, the other is told to retry).
   */
  async putDemandList(
    list: DemandList,
    audit: AuditDraft,
    now: Date,
  ): Promise<'saved' | 'changed_meanwhile'> {
    const headKey = keys.demandHead(list.districtCode);
    const head = await this.table.get<{ auditSeq: number; auditHead: string; version: number }>(headKey);
    const record = chainAuditRecord(
      list.districtCode,
      { seq: head?.auditSeq ?? 0, hash: head?.auditHead ?? GENESIS_HASH },
      audit,
      now.toISOString(),
      settings.auditHashAlgorithm(),
    );
    try {
      await this.table.transact([
        { put: { ...keys.demandList(list.districtCode, list.period), entityType: 'DemandList', ...list } },
        { put: auditItem(record, 'DEMAND'), condition: 'attribute_not_exists(pk)' },
        {
          put: {
            ...headKey,
            entityType: 'DemandListHead',
            districtCode: list.districtCode,
            auditSeq: record.seq,
            auditHead: record.hash,
            version: (head?.version ?? 0) + 1,
          },
          ...(head
            ? { condition: 'version = :hv', values: { ':hv': head.version } }
            : { condition: 'attribute_not_exists(pk)' }),
        },
      ]);
      return 'saved';
    } catch (error) {
      if (error instanceof WriteConditionFailed) return 'changed_meanwhile';
      throw error;
    }
  }
}
