/**
 * Subsidy entitlement (domain.md, "Subsidy"): standard × months ÷ 12 per apprentice, rounded down
 * to the fen; a cohort's entitlement is the sum. Integer fen only: the division is done on BigInt
 * so no float ever touches money.
 */
import { monthsInPeriod } from './dates.ts';
import { fieldError, ValidationFailed } from './errors.ts';
import { noStandard, type Policy, settlementRules, subsidyStandardFor } from './policy.ts';

function toSafeFen(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new RangeError('amount exceeds the largest safe integer of fen');
  return Number(value);
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a whole number >= 0, got ${value}`);
}

/** The yearly standard in fen that applies, or ValidationFailed at `targetLevel` if none is set. */
export function standardFen(policy: Policy, level: number, shortage: boolean): number {
  const standard = subsidyStandardFor(policy, level);
  if (!standard) throw new ValidationFailed([fieldError('targetLevel', noStandard(level))]);
  return shortage ? standard.shortage : standard.standard;
}

/** ⌊standard × months ÷ 12⌋ fen for one apprentice trained `months` whole months. */
export function entitlementPerApprenticeFen(
  policy: Policy,
  level: number,
  shortage: boolean,
  months: number,
): number {
  assertCount(months, 'months');
  const yearly = standardFen(policy, level, shortage);
  return toSafeFen((BigInt(yearly) * BigInt(months)) / 12n); // BigInt division truncates: floor for >= 0
}

export interface CohortEntitlement {
  /** The policy the figures come from; stored with a FILED cohort so later changes do not alter it. */
  policyVersion: string;
  targetLevel: number;
  shortage: boolean;
  /** Yearly standard applied, fen per apprentice. */
  standardFen: number;
  /** Whole months of the training period (end date inclusive). */
  months: number;
  perApprenticeFen: number;
  apprentices: number;
  totalFen: number;
}

/**
 * The entitlement of a cohort: every apprentice shares the cohort's training period, so the sum
 * is the per-apprentice figure times the number of apprentices.
 */
export function cohortEntitlementFen(
  policy: Policy,
  cohort: { targetLevel: number; startDate: string; endDate: string; apprenticeCount: number },
  occupation: { shortage: boolean },
): CohortEntitlement {
  assertCount(cohort.apprenticeCount, 'apprenticeCount');
  const months = monthsInPeriod(cohort.startDate, cohort.endDate);
  const perApprenticeFen = entitlementPerApprenticeFen(
    policy,
    cohort.targetLevel,
    occupation.shortage,
    months,
  );
  return {
    policyVersion: policy.policyVersion,
    targetLevel: cohort.targetLevel,
    shortage: occupation.shortage,
    standardFen: standardFen(policy, cohort.targetLevel, occupation.shortage),
    months,
    perApprenticeFen,
    apprentices: cohort.apprenticeCount,
    totalFen: toSafeFen(BigInt(perApprenticeFen) * BigInt(cohort.apprenticeCount)),
  };
}

/** The largest advance for an entitlement: ⌊entitlement × advanceShareBasisPoints ÷ 10000⌋ fen. */
export function maxAdvanceFen(policy: Policy, entitlementFen: number): number {
  assertCount(entitlementFen, 'entitlementFen');
  return toSafeFen(
    (BigInt(entitlementFen) * BigInt(settlementRules(policy).advanceShareBasisPoints)) / 10_000n,
  );
}
