import type { AuditDraft, AuditRecord } from '../audit.ts';
import type { ClaimRecord } from '../claim.ts';
import type { CohortRecord } from '../cohort.ts';
import type { Cells } from './cells.ts';

/** A case's partition as the projector reads it: the case and its audit trail, in order. */
export type CasePartition =
  | { kind: 'cohort'; cohort: CohortRecord; audit: AuditRecord[] }
  | { kind: 'claim'; claim: ClaimRecord; audit: AuditRecord[] };

/** One aggregate row of a read-model partition: its sort key and its summed fields. */
export interface ReportRow {
  sk: string;
  fields: Record<string, number>;
}

/** A district's demand list for a period (occupation code → 求人倍率 and/or rank). */
export interface DemandList {
  districtCode: string;
  period: string;
  rows: { occupationCode: string; demandRatio: number | null; rank: number | null }[];
  importedAt: string;
  importedBy: string;
}

export interface ReadModelStore {
  casePartition(pk: string): Promise<CasePartition | undefined>;
  /** The case's kept cells, their version and the last audit record they were projected from. */
  keptCells(casePk: string): Promise<{ cells: Cells; version: number; auditSeq: number } | undefined>;
  applyCells(
    casePk: string,
    next: { cells: Cells; auditSeq: number },
    delta: Cells,
    expectedVersion: number | undefined,
  ): Promise<'applied' | 'stale'>;
  /** Every row of one read-model partition (one Query; pages only past 1 MB). */
  rows(pk: string): Promise<ReportRow[]>;
  demandList(districtCode: string, period: string): Promise<DemandList | undefined>;
  putDemandList(list: DemandList, audit: AuditDraft, now: Date): Promise<'saved' | 'changed_meanwhile'>;
}
