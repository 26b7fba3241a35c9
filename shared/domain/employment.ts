import type { ApprenticeRecord } from './cohort.ts';
import { addDays } from './dates.ts';
import type { Policy } from './policy.ts';

/**
 * Employment verification (社保 check, domain.md): an apprentice is insured (参保) by the claiming
 * enterprise in the bureau's district. The months come from the contribution files the district's
 * `bureau.admin` imports; each check is a recorded result with the window it checked.
 */
export interface EmploymentRules {
  insuranceGraceDays: number;
  newHireLookbackMonths: number;
  insuredMonthsBeforePayment: number;
}

const DEFAULTS: EmploymentRules = {
  insuranceGraceDays: 30,
  newHireLookbackMonths: 6,
  insuredMonthsBeforePayment: 3,
};

/** The policy's employment rules; a policy stored before the block existed reads as domain.md's defaults. */
export function employmentRules(policy: Pick<Policy, 'employment'>): EmploymentRules {
  return { ...DEFAULTS, ...policy.employment };
}

/** `2027-03` → `2027-01` for by = −2. */
export function shiftMonth(month: string, by: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function monthRange(from: string, to: string): string[] {
  const months: string[] = [];
  for (let month = from; month <= to; month = shiftMonth(month, 1)) months.push(month);
  return months;
}

/** The rule a result applies (domain.md "Employment verification"). */
export type CheckRule = 'insured_at_start' | 'not_insured_before' | 'insured_before_payment';

/** One apprentice's result under one rule, as recorded and shown. */
export interface CheckResult {
  checkId: string;
  at: string;
  stage: 'BUREAU_REVIEW' | 'PAYMENT';
  rule: CheckRule;
  /** The case decided: the cohort at filing, the claim at payment (what an override names). */
  caseId: string;
  apprenticeId: string;
  /** The apprentice's row in the cohort, 0-based. */
  row: number;
  window: { from: string; to: string };
  result: 'pass' | 'fail';
  /** The months that failed the rule (empty on a pass). */
  months: string[];
  /** Every month the window covers. */
  checkedMonths: string[];
  /** The confirmed override that lets a failed result through, if any. */
  overrideId: string | null;
}

/** One run of the checks for a decision: all of a cohort's apprentices, recorded as one item. */
export interface CheckRun {
  runId: string;
  cohortId: string;
  at: string;
  results: CheckResult[];
}

/** Month → insured, for one person at one enterprise in one district (the imports in force only). */
export type InsuredMonths = ReadonlyMap<string, boolean>;

type Apprentice = Pick<ApprenticeRecord, 'apprenticeId' | 'hireType' | 'contract' | 'status' | 'withdrawal'>;
type Draft = Omit<CheckResult, 'checkId' | 'at' | 'stage' | 'caseId' | 'overrideId'>;

/**
 * At the bureau's filing: insured by the enterprise in a month from the contract's start to the
 * end of the grace; a `new_hire` not insured by it in any of the lookback months before.
 */
export function filingChecks(
  apprentice: Apprentice,
  row: number,
  months: InsuredMonths,
  rules: EmploymentRules,
): Draft[] {
  const start = apprentice.contract.startDate;
  const graceEnd = addDays(start, rules.insuranceGraceDays);
  const atStart = monthRange(start.slice(0, 7), graceEnd.slice(0, 7));
  const insured = atStart.some((month) => months.get(month) === true);
  const drafts: Draft[] = [
    {
      rule: 'insured_at_start',
      apprenticeId: apprentice.apprenticeId,
      row,
      window: { from: start, to: graceEnd },
      result: insured ? 'pass' : 'fail',
      months: insured ? [] : atStart,
      checkedMonths: atStart,
    },
  ];
  if (apprentice.hireType === 'new_hire' && rules.newHireLookbackMonths > 0) {
    const first = shiftMonth(start.slice(0, 7), -rules.newHireLookbackMonths);
    const before = monthRange(first, shiftMonth(start.slice(0, 7), -1));
    const found = before.filter((month) => months.get(month) === true);
    drafts.push({
      rule: 'not_insured_before',
      apprenticeId: apprentice.apprenticeId,
      row,
      window: { from: `${first}-01`, to: addDays(`${start.slice(0, 7)}-01`, -1) },
      result: found.length === 0 ? 'pass' : 'fail',
      months: found,
      checkedMonths: before,
    });
  }
  return drafts;
}

/**
 * Before a payment: insured in each of the last N full months before the release month, none
 * before the contract's start month, and for a withdrawn apprentice only the months before the
 * withdrawal. No month due yet (a contract that started this month) is a pass with no months.
 */
export function paymentCheck(
  apprentice: Apprentice,
  row: number,
  months: InsuredMonths,
  rules: EmploymentRules,
  today: string,
): Draft {
  let last = shiftMonth(today.slice(0, 7), -1);
  if (apprentice.withdrawal) {
    const beforeWithdrawal = shiftMonth(apprentice.withdrawal.date.slice(0, 7), -1);
    if (beforeWithdrawal < last) last = beforeWithdrawal;
  }
  const startMonth = apprentice.contract.startDate.slice(0, 7);
  const lookback = shiftMonth(last, 1 - rules.insuredMonthsBeforePayment);
  const due = monthRange([lookback, startMonth].sort()[1]!, last);
  const missing = due.filter((month) => months.get(month) !== true);
  return {
    rule: 'insured_before_payment',
    apprenticeId: apprentice.apprenticeId,
    row,
    window:
      due.length > 0
        ? { from: `${due[0]}-01`, to: addDays(`${shiftMonth(last, 1)}-01`, -1) }
        : { from: today, to: today },
    result: missing.length === 0 ? 'pass' : 'fail',
    months: missing,
    checkedMonths: due,
  };
}

export type OverrideStatus = 'PENDING' | 'ACTIVE' | 'EXPIRED';

/**
 * A bureau reviewer's override of a failed check (reason, case reference, expiry): it lets the
 * named apprentices' failed checks of one case through only once a second bureau user confirmed
 * it, and only until its expiry date (included, China calendar).
 */
export interface OverrideRecord {
  overrideId: string;
  districtCode: string;
  caseId: string;
  /** The cohort of the case (the case itself at filing). */
  cohortId: string;
  apprenticeIds: string[];
  check: 'employment';
  reason: string;
  caseReference: string;
  expiresOn: string;
  status: 'PENDING' | 'ACTIVE';
  writtenBy: { sub: string; username: string };
  writtenAt: string;
  confirmedBy?: { sub: string; username: string; role: string };
  confirmedAt?: string;
  version: number;
}

/** Whether an override lets a failed result of `caseId` through on `today`. */
export function overrideHolds(override: OverrideRecord, caseId: string, apprenticeId: string, today: string) {
  return (
    override.status === 'ACTIVE' &&
    override.expiresOn >= today &&
    override.caseId === caseId &&
    override.apprenticeIds.includes(apprenticeId)
  );
}

export function overrideView(override: OverrideRecord, today: string) {
  const status: OverrideStatus =
    override.status === 'ACTIVE' && override.expiresOn < today ? 'EXPIRED' : override.status;
  return { ...override, status };
}
