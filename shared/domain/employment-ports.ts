import type { AuditDraft } from './audit.ts';
import type { CheckRun, InsuredMonths, OverrideRecord } from './employment.ts';
import type { IdempotencyWrite, Page } from './ports.ts';

/**
 * The district's employment register as a check reads it: whether the district has imported any
 * contribution file (from its first import on, its filings and payments are checked), and the
 * enterprise's pointer naming the import in force for each month (absent: never in a file).
 */
export interface RegisterState {
  active: boolean;
  pointer?: { version: number; months: Record<string, MonthInForce> } | undefined;
}

/** The import in force for one month of an enterprise, and how many chunks its records take. */
export interface MonthInForce {
  importId: string;
  chunks: number;
}

/**
 * What a decision's own transaction holds so that the check it passed still holds when it is
 * written: the register as read (no import since), each override it relied on still ACTIVE and
 * unexpired, and the run recorded with the decision.
 */
export interface EmploymentGuard {
  districtCode: string;
  enterpriseId: string;
  state: RegisterState;
  overrideIds: string[];
  today: string;
  run?: CheckRun | undefined;
}

/** An import, an override or a confirmation moved what a planned decision's check read: plan it again. */
export class EmploymentRecordsMoved extends Error {
  override name = 'EmploymentRecordsMoved';
}

/** The reads of a check and the record of a failed run (decide-task bundles only this). */
export interface EmploymentChecks {
  register(districtCode: string, enterpriseId: string): Promise<RegisterState>;
  /**
   * The enterprise's records of these months in the district, as the imports in force have them
   * (one BatchGetItem of their chunks): each person's months by look-up hash.
   */
  insuredMonths(
    districtCode: string,
    enterpriseId: string,
    inForce: Record<string, MonthInForce>,
    months: readonly string[],
  ): Promise<ReadonlyMap<string, InsuredMonths>>;
  overridesOf(districtCode: string, caseId: string): Promise<OverrideRecord[]>;
  /** A failed run, recorded on its own (the decision it refused writes nothing). */
  recordRun(run: CheckRun): Promise<void>;
}

/** A validated row, keyed by the person's look-up hashes (one item under each). */
export interface StoredContribution {
  idHashes: string[];
  enterpriseId: string;
  districtCode: string;
  month: string;
  insured: boolean;
}

export interface ContributionImport {
  importId: string;
  districtCode: string;
  rows: number;
  enterprises: number;
  months: string[];
  file: {
    key: string;
    sha256: string;
    sizeBytes: number;
    contentType: string;
    fileName?: string | undefined;
  };
  importedBy: { sub: string; username: string };
  importedAt: string;
}

export interface EmploymentStore extends EmploymentChecks {
  /** Writes the rows (not yet counted), then switches each enterprise's months to this import. */
  importRows(input: {
    record: ContributionImport;
    rows: StoredContribution[];
    audit: AuditDraft;
    idempotency?: IdempotencyWrite | undefined;
  }): Promise<void>;
  runs(cohortId: string, options: { limit: number; cursor?: string | undefined }): Promise<Page<CheckRun>>;
  override(districtCode: string, overrideId: string): Promise<OverrideRecord | undefined>;
  overrides(
    districtCode: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<OverrideRecord>>;
  /** One transaction: the override (new or confirmed), its audit record, the chain head, the idempotency record. */
  saveOverride(change: {
    override: OverrideRecord;
    expectedVersion: number | null;
    audit: AuditDraft;
    idempotency?: IdempotencyWrite | undefined;
  }): Promise<void>;
}

/** Files kept as they came (the contribution files), beside the evidence documents. */
export interface FileKeeper {
  keep(input: { key: string; body: Buffer; contentType: string; sha256: string }): Promise<void>;
}
