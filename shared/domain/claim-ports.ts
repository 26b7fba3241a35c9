import type { AuditDraft, AuditRecord } from './audit.ts';
import type { ClaimRecord, ClaimStatus } from './claim.ts';
import type { CohortRecord } from './cohort.ts';
import type { NotListedCheck } from './credit-blacklist.ts';
import type { EmploymentGuard } from './employment-ports.ts';
import type { IdempotencyWrite, Page } from './ports.ts';
import type { TaskRecord, TaskStatus } from './task.ts';

export interface Budget {
  districtCode: string;
  year: number;
  budgetFen: number;
  reservedFen: number;
  paidFen: number;
  /** budget − reserved − paid, kept in step so one condition guards every reservation. */
  availableFen: number;
  version: number;
}

export interface SubsidyMark {
  idHash: string;
  occupationCode: string;
  level: number;
  claimId: string;
  cohortId: string;
}

/** One payment released, as the bureau's yearly report reads it. */
export interface PaymentRecord {
  claimId: string;
  cohortId: string;
  kind: 'advance' | 'interim' | 'final';
  districtCode: string;
  /** Year of payment in the China calendar. */
  year: number;
  paidAt: string;
  amountFen: number;
  recoveryFen: number;
  occupationCode: string;
  targetLevel: number;
  enterpriseId: string;
  schoolId: string;
}

export class BudgetDoesNotFit extends Error {
  override name = 'BudgetDoesNotFit';
  constructor(
    readonly neededFen: number,
    readonly budget: Budget | undefined,
  ) {
    super('The budget does not fit this claim');
  }
}

/**
 * Some persons of a payment are already subsidised for the occupation at this level or higher by
 * another cohort (its mark was written first): the payment did not commit; pay again without them.
 */
export class SubsidyMarksContested extends Error {
  override name = 'SubsidyMarksContested';
  constructor(readonly idHashes: string[]) {
    super(`${idHashes.length} person(s) were subsidised meanwhile by another cohort`);
  }
}

export interface ClaimChange {
  claim: ClaimRecord;
  expectedVersion: number | null;
  audit: AuditDraft;
  idempotency?: IdempotencyWrite | undefined;
  task?: { record: TaskRecord; expectedStatus: TaskStatus | null } | undefined;
  /** The cohort's ledger changes with the claim (same transaction). */
  cohort?: { record: CohortRecord; expectedVersion: number } | undefined;
  budget?:
    | {
        districtCode: string;
        year: number;
        operation: 'reserve' | 'release' | 'unreserve';
        amountFen: number;
        /** `release` only: what was reserved, when more than is paid (the rest goes back to available). */
        reservedFen?: number;
      }
    | undefined;
  /**
   * Written when a settlement is paid: one mark per person it pays for, each conditioned on no
   * other cohort holding that person for the occupation at this level or higher — the decisive
   * check against a double subsidy, in the payment's own transaction (or, for more persons than
   * fit one, held in transactions just before it). A contested mark raises SubsidyMarksContested.
   */
  marks?: SubsidyMark[] | undefined;
  /** Written when a payment is released. */
  payment?: PaymentRecord | undefined;
  /** Preparing or submitting: the enterprise is not on its district's credit blacklist today (ConditionCheck). */
  notListed?: NotListedCheck | undefined;
  /** A payment's release: the employment check it passed still holds, and its run is recorded. */
  employment?: EmploymentGuard | undefined;
  /** Other tasks the change writes (an upheld objection decides the notice's wait too). */
  otherTasks?: { record: TaskRecord; expectedStatus: TaskStatus | null }[] | undefined;
  /** A public objection counted against its address's hourly allowance (refused past `max`: ObjectionsThrottled). */
  throttle?: { addressHash: string; hour: string; max: number; expiresAt: number } | undefined;
}

/** The address already lodged its hourly allowance of public objections. */
export class ObjectionsThrottled extends Error {
  override name = 'ObjectionsThrottled';
}

export interface ClaimStore {
  get(claimId: string): Promise<ClaimRecord | undefined>;
  save(change: ClaimChange): Promise<void>;
  history(
    claimId: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<AuditRecord>>;
  listForParty(
    party: { kind: 'enterprise' | 'school' | 'bureau'; orgId: string },
    options: { status?: ClaimStatus | undefined; limit: number; cursor?: string | undefined },
  ): Promise<Page<ClaimRecord>>;
  payments(
    districtCode: string,
    year: number,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<PaymentRecord>>;
  budget(districtCode: string, year: number): Promise<Budget | undefined>;
  setBudget(
    districtCode: string,
    year: number,
    budgetFen: number,
    expected: Budget | undefined,
  ): Promise<void>;
  /**
   * Marks of these persons for the occupation that count: their claim is being paid or was paid
   * (a mark is only ever written by a payment).
   */
  subsidyMarks(idHashes: string[], occupationCode: string): Promise<SubsidyMark[]>;
}
