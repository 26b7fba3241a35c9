import type { AuditRecord } from '../audit.ts';
import type { ClaimRecord } from '../claim.ts';
import type { CohortRecord, WithdrawalReason } from '../cohort.ts';
import { addDays, addMonths, monthsInPeriod } from '../dates.ts';
import { todayInChinaOf } from '../time.ts';

/**
 * What the bureau watches (domain.md; issue 15), as read models that are sums.
 *
 * Every figure of the reports is a sum over cases, so each case contributes a set of *cells*: an
 * aggregate item (`RM#…` partition and sort key) and the numbers the case adds to its fields.
 * The projector computes a case's cells from the case's own partition (its record and its audit
 * trail), keeps them with the case (`PROJ#…`), and adds the difference between the new cells and
 * the kept ones to the aggregates, in one transaction conditioned on the kept version. A rebuild
 * sums the cells of every case from scratch; both use the functions of this file, so a rebuild
 * and the incremental models agree exactly when no event was lost.
 *
 * The cells depend only on what the case records (dates, amounts, states), never on "now", so the
 * same case gives the same cells whenever it is projected.
 */

/** `pk|sk` of an aggregate item → field → amount. */
export type Cells = Record<string, Record<string, number>>;

export const WITHDRAWAL_REASONS: readonly WithdrawalReason[] = [
  'resigned',
  'dismissed',
  'transferred_out',
  'other',
];

export const WORKFLOW_STAGES = {
  'cohort-filing': ['COMPANY_REVIEW', 'SCHOOL_REVIEW', 'BUREAU_REVIEW'],
  'subsidy-claim': ['SCHOOL_VERIFICATION', 'BUREAU_REVIEW', 'PUBLIC_NOTICE', 'PAYMENT'],
} as const;
export type Workflow = keyof typeof WORKFLOW_STAGES;

/** Stage durations are counted in tenths of a day (bucket `b<n>`), up to ten years. */
export const BUCKET_DAYS = 0.1;
const MAX_BUCKET = 36_500;

/** The aggregate partitions and their rows (keys of the one table, built here alone). */
export const cellKeys = {
  liability: (districtCode: string) => `RM#LIAB#${districtCode}`,
  liabilitySummary: (districtCode: string) => `RM#LIAB#${districtCode}|SUMMARY`,
  liabilityMonth: (districtCode: string, month: string) => `RM#LIAB#${districtCode}|MONTH#${month}`,
  pipeline: (districtCode: string, year: number) => `RM#PIPE#${districtCode}#${year}`,
  pipelineRow: (districtCode: string, year: number, row: PipelineKey) =>
    `RM#PIPE#${districtCode}#${year}|ROW#${row.occupationCode}#${row.targetLevel}#${row.schoolId}`,
  pipelineDue: (districtCode: string, year: number, month: string, row: PipelineKey) =>
    `RM#PIPE#${districtCode}#${year}|DUE#${month}#${row.occupationCode}#${row.targetLevel}#${row.schoolId}`,
  training: (districtCode: string) => `RM#TRAIN#${districtCode}`,
  trainingRow: (districtCode: string, occupationCode: string) =>
    `RM#TRAIN#${districtCode}|OCC#${occupationCode}`,
  stages: (districtCode: string, year: number) => `RM#STAGE#${districtCode}#${year}`,
  stageRow: (districtCode: string, month: string, workflow: Workflow, stage: string) =>
    `RM#STAGE#${districtCode}#${month.slice(0, 4)}|${workflow}#${stage}#${month}`,
};

export interface PipelineKey {
  occupationCode: string;
  targetLevel: number;
  schoolId: string;
}

/** The China month (`YYYY-MM`) of an instant or a date. */
export function monthOf(instantOrDate: string): string {
  return (instantOrDate.length > 10 ? todayInChinaOf(new Date(instantOrDate)) : instantOrDate).slice(0, 7);
}

/** Adds `fields` to the cell `key` (zeros are left out). */
function add(cells: Cells, key: string, fields: Record<string, number>) {
  cells[key] ??= {};
  const cell = cells[key];
  for (const [field, value] of Object.entries(fields)) {
    if (value === 0) continue;
    cell[field] = (cell[field] ?? 0) + value;
    if (cell[field] === 0) delete cell[field];
  }
  if (Object.keys(cell).length === 0) delete cells[key];
}

/** `after − before`, cell by cell and field by field (what the aggregates must add). */
export function cellsDelta(before: Cells, after: Cells): Cells {
  const delta: Cells = {};
  for (const [key, fields] of Object.entries(after)) add(delta, key, fields);
  for (const [key, fields] of Object.entries(before))
    add(delta, key, Object.fromEntries(Object.entries(fields).map(([field, value]) => [field, -value])));
  return delta;
}

/** Sums many cases' cells (the rebuild). */
export function sumCells(into: Cells, cells: Cells): Cells {
  for (const [key, fields] of Object.entries(cells)) add(into, key, fields);
  return into;
}

/** How much of each settlement a cohort's policy pays ahead (basis points) and whether it has interim claims. */
export interface SettlementTerms {
  advanceShareBasisPoints: number;
  interimClaims: boolean;
  /** The advance is a share of the first training year's part of the entitlement (domain.md default). */
  advanceOnFirstYear: boolean;
}

const OPEN: readonly string[] = ['FILED', 'COMPLETED'];

/**
 * A cohort's cells: its open liability by expected month, its pipeline row and expected
 * completion, its apprentices in training by occupation, and the time its filing spent at each
 * stage (from its audit trail).
 */
export function cohortCells(cohort: CohortRecord, audit: AuditRecord[], terms: SettlementTerms): Cells {
  const cells: Cells = {};
  const district = cohort.districtCode;
  if (OPEN.includes(cohort.status)) {
    liabilityCells(cells, cohort, terms);
    const year = Number(cohort.startDate.slice(0, 4));
    const key: PipelineKey = {
      occupationCode: cohort.occupationCode,
      targetLevel: cohort.targetLevel,
      schoolId: cohort.schoolId,
    };
    const count = (status: string) => cohort.apprentices.filter((a) => a.status === status).length;
    const inTraining = cohort.status === 'FILED' ? count('enrolled') : 0;
    const reasons = Object.fromEntries(
      WITHDRAWAL_REASONS.map((reason) => [
        `w_${reason}`,
        cohort.apprentices.filter(
          (a) => a.status === 'withdrawn' && (a.withdrawal?.reason ?? 'other') === reason,
        ).length,
      ]),
    );
    add(cells, cellKeys.pipelineRow(district, year, key), {
      cohorts: 1,
      enrolled: cohort.apprentices.length,
      inTraining,
      completed: count('completed'),
      certified: count('certified'),
      notCertified: count('not_certified'),
      withdrawn: count('withdrawn'),
      ...reasons,
    });
    if (inTraining > 0) {
      add(cells, cellKeys.pipelineDue(district, year, monthOf(cohort.endDate), key), {
        apprentices: inTraining,
      });
      add(cells, cellKeys.trainingRow(district, cohort.occupationCode), { inTraining, cohorts: 1 });
    }
  }
  stageCells(cells, district, 'cohort-filing', audit);
  return cells;
}

/** A claim's cells: the time it spent at each stage, and its overdue marks. */
export function claimCells(claim: ClaimRecord, audit: AuditRecord[]): Cells {
  const cells: Cells = {};
  stageCells(cells, claim.districtCode, 'subsidy-claim', audit);
  return cells;
}

/**
 * The open liability of a FILED (or COMPLETED, final not yet paid) cohort: filed entitlement −
 * paid − recoveries, spread over the claims still to come, each in the month it is expected —
 * the advance the month after filing (its share of the entitlement), each interim the month after
 * its training year ends, the final settlement the month after the end date. What is left after
 * the advance is spread over the remaining interim and final claims by the training months each
 * covers; the last one takes the rounding, so the months sum exactly to the liability.
 */
function liabilityCells(cells: Cells, cohort: CohortRecord, terms: SettlementTerms) {
  const ledger = cohort.ledger ?? {
    advancePaidFen: 0,
    interimPaidFen: 0,
    finalPaidFen: 0,
    recoveryOwedFen: 0,
    claims: [],
  };
  const claims = ledger.claims;
  const paidOf = (kind: string, trainingYear?: number) =>
    claims.some(
      (claim) =>
        claim.kind === kind &&
        claim.status === 'PAID' &&
        (trainingYear === undefined || claim.trainingYear === trainingYear),
    );
  if (paidOf('final')) return; // settled: nothing more to pay
  const district = cohort.districtCode;
  const entitlementFen = cohort.entitlementFen ?? 0;
  const paidFen = ledger.advancePaidFen + (ledger.interimPaidFen ?? 0) + ledger.finalPaidFen;
  const recoveryFen = ledger.recoveryOwedFen;
  const liabilityFen = Math.max(0, entitlementFen - paidFen - recoveryFen);
  add(cells, cellKeys.liabilitySummary(district), {
    cohorts: 1,
    entitlementFen,
    paidFen,
    recoveryFen,
    liabilityFen,
  });
  const expected: {
    kind: 'advance' | 'interim' | 'final';
    month: string;
    weight: number;
    amountFen?: number;
  }[] = [];
  let left = liabilityFen;
  const laterClaim = claims.some((claim) => claim.kind !== 'advance');
  const months = monthsInPeriod(cohort.startDate, cohort.endDate);
  if (!paidOf('advance') && !laterClaim && cohort.filedAt) {
    const basisFen = terms.advanceOnFirstYear
      ? Math.floor((entitlementFen * Math.min(12, months)) / Math.max(1, months))
      : entitlementFen;
    const advanceFen = Math.min(left, Math.floor((basisFen * terms.advanceShareBasisPoints) / 10_000));
    expected.push({
      kind: 'advance',
      month: monthOf(addMonths(monthOf(cohort.filedAt) + '-01', 1)),
      weight: 0,
      amountFen: advanceFen,
    });
    left -= advanceFen;
  }
  let covered = 0;
  if (terms.interimClaims) {
    for (let year = 1; year * 12 < months; year++) {
      const yearEnds = addMonths(cohort.startDate, 12 * year);
      if (!paidOf('interim', year)) expected.push({ kind: 'interim', month: monthOf(yearEnds), weight: 12 });
      covered = 12 * year;
    }
  }
  expected.push({
    kind: 'final',
    month: monthOf(addDays(cohort.endDate, 1)),
    weight: Math.max(1, months - covered),
  });
  const spread = expected.filter((claim) => claim.amountFen === undefined);
  const totalWeight = spread.reduce((sum, claim) => sum + claim.weight, 0);
  let spent = 0;
  spread.forEach((claim, index) => {
    claim.amountFen =
      index === spread.length - 1
        ? left - spent
        : Math.floor((left * claim.weight) / Math.max(1, totalWeight));
    spent += claim.amountFen;
  });
  for (const claim of expected) {
    add(cells, cellKeys.liabilityMonth(district, claim.month), {
      claims: 1,
      [`${claim.kind}Fen`]: claim.amountFen!,
      liabilityFen: claim.amountFen!,
    });
  }
}

/**
 * Days a case spent in each stage of its workflow, from its audit trail: a stay starts at the first
 * record that moves the case *to* the stage and ends at the record that moves it *from* it (the
 * sample belongs to the month it ended). `task.overdue` records count as overdue at their stage.
 */
function stageCells(cells: Cells, district: string, workflow: Workflow, audit: AuditRecord[]) {
  const stages: readonly string[] = WORKFLOW_STAGES[workflow];
  const entered = new Map<string, string>();
  for (const record of audit) {
    if (
      record.from &&
      stages.includes(record.from) &&
      entered.has(record.from) &&
      record.from !== record.to
    ) {
      const days = (Date.parse(record.at) - Date.parse(entered.get(record.from)!)) / 86_400_000;
      const bucket = Math.min(MAX_BUCKET, Math.max(0, Math.floor(days / BUCKET_DAYS)));
      add(cells, cellKeys.stageRow(district, monthOf(record.at), workflow, record.from), {
        count: 1,
        [`b${bucket}`]: 1,
      });
      entered.delete(record.from);
    }
    if (record.to && stages.includes(record.to) && !entered.has(record.to)) entered.set(record.to, record.at);
    if (record.action === 'task.overdue') {
      const stage = String(record.details?.stage ?? '');
      if (stages.includes(stage))
        add(cells, cellKeys.stageRow(district, monthOf(record.at), workflow, stage), { overdue: 1 });
    }
  }
}

/** The median and 90th percentile of a histogram of `b<n>` buckets, in days (one decimal), or null. */
export function percentilesOf(fields: Record<string, number>): {
  medianDays: number | null;
  p90Days: number | null;
} {
  const buckets = Object.entries(fields)
    .filter(([field]) => /^b\d+$/.test(field))
    .map(([field, count]) => [Number(field.slice(1)), count] as const)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return { medianDays: null, p90Days: null };
  const at = (share: number) => {
    // The nearest-rank percentile: the smallest value with at least `share` of the samples at or below it.
    const rank = Math.max(1, Math.ceil(share * total));
    let seen = 0;
    for (const [bucket, count] of buckets) {
      seen += count;
      if (seen >= rank) return Math.round(bucket * BUCKET_DAYS * 10) / 10;
    }
    return Math.round(buckets.at(-1)![0] * BUCKET_DAYS * 10) / 10;
  };
  return { medianDays: at(0.5), p90Days: at(0.9) };
}
