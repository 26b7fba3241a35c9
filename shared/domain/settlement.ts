/**
 * The settlement formula (domain.md, "Rules as real bureaus apply them" → "Settlement formula") as
 * one pure function of the cohort's policy version, the cohort, its outcomes, what its claims have
 * paid and the training fee paid. It returns the amount and every step, so a reviewer can retrace
 * it; the steps are stored on the claim.
 *
 * Integer fen throughout, on BigInt where a product could leave the safe integers. Every division
 * rounds down to the fen, once per step, and each step says where:
 *
 * 1. per apprentice: earned = ⌊standard × months × rate ÷ (12 × 10000)⌋
 *    (final: certified at the target level or higher 10000; completed, not certified or below the
 *    target `completedRate`; withdrawn `none` 0 or `pro_rata` 10000 over the months trained.
 *    Interim for year y: everyone not withdrawn 10000 over the first 12·y months.)
 * 2. cohort: earned = Σ earned; with a fee cap, at most ⌊fee paid × cap ÷ 10000⌋.
 * 3. advance: basis = Σ ⌊standard × months ÷ 12⌋ over the apprentices in training (months: the
 *    first 12, or the whole period); advance = ⌊basis × share ÷ 10000⌋, at most the fee cap.
 * 4. interim and final: balance = earned − paid by earlier claims (advance, interims). An interim
 *    pays max(0, balance); a final pays the balance, or records −balance as a recovery.
 */
import type { ApprenticeRecord } from './cohort.ts';
import { monthsInPeriod } from './dates.ts';
import { type Policy, type SettlementRules, settlementRules } from './policy.ts';

export type SettledKind = 'advance' | 'interim' | 'final';
export type SettledOutcome =
  | 'certified'
  | 'completed'
  | 'below_target'
  | 'withdrawn'
  | 'in_training'
  | 'excluded';

export interface SettlementInput {
  policy: Policy;
  cohort: {
    targetLevel: number;
    startDate: string;
    endDate: string;
    /** The yearly standard the cohort was filed with, fen per apprentice. */
    standardFen: number;
    apprentices: readonly Pick<ApprenticeRecord, 'apprenticeId' | 'status' | 'withdrawal' | 'certificate'>[];
    /** Apprentices subsidised by another cohort: they count for nothing here. */
    excluded?: ReadonlySet<string>;
  };
  claim: { kind: SettledKind; trainingYear?: number | undefined };
  /** Net paid by the cohort's earlier claims. */
  paid: { advanceFen: number; interimFen: number };
  /** Training fee paid to the school, as the claim's invoice states (needed when a fee cap is set). */
  feePaidFen?: number | undefined;
}

export interface ApprenticeStep {
  apprenticeId: string;
  outcome: SettledOutcome;
  months: number;
  standardFen: number;
  rateBasisPoints: number;
  /** ⌊standard × months × rate ÷ 120000⌋; for an advance, the apprentice's part of the basis. */
  earnedFen: number;
}

export interface SettlementSteps {
  policyVersion: string;
  kind: SettledKind;
  trainingYear?: number;
  rules: SettlementRules;
  monthsPlanned: number;
  /** Months the claim covers: the first 12·y for an interim, the whole period otherwise. */
  monthsCovered: number;
  standardFen: number;
  rounding: 'down_to_fen_each_step';
  apprentices: ApprenticeStep[];
  /** Σ per apprentice (for an advance: the basis before the share). */
  earnedFen: number;
  feeCap: { feePaidFen: number; capBasisPoints: number; capFen: number; applied: boolean } | null;
  /** What the claims of the cohort may have paid in all up to this claim. */
  earnedAfterCapFen: number;
  advance?: {
    basis: SettlementRules['advanceBasis'];
    headcount: number;
    basisFen: number;
    shareBasisPoints: number;
    shareFen: number;
  };
  paidBefore: { advanceFen: number; interimFen: number; totalFen: number };
  /** earnedAfterCap − paid before (interim, final); the advance itself for an advance. */
  balanceFen: number;
  amountFen: number;
  recoveryFen: number;
}

/** ⌊a × b ÷ c⌋ for non-negative whole numbers, exact. */
export function mulDivDown(a: number, b: number, c: number): number {
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** Whole months trained by a withdrawn apprentice: from the start to the withdrawal date, within the plan. */
export function monthsTrained(
  startDate: string,
  planned: number,
  withdrawalDate: string | undefined,
): number {
  if (!withdrawalDate || withdrawalDate < startDate) return 0;
  return Math.min(planned, monthsInPeriod(startDate, withdrawalDate));
}

type Apprentice = SettlementInput['cohort']['apprentices'][number];

/** How one apprentice counts for this claim: outcome, months and rate (before the money). */
function rateOf(
  input: SettlementInput,
  rules: SettlementRules,
  apprentice: Apprentice,
  covered: number,
): Pick<ApprenticeStep, 'outcome' | 'months' | 'rateBasisPoints'> {
  const { cohort, claim } = input;
  const planned = monthsInPeriod(cohort.startDate, cohort.endDate);
  if (cohort.excluded?.has(apprentice.apprenticeId))
    return { outcome: 'excluded', months: covered, rateBasisPoints: 0 };
  if (apprentice.status === 'withdrawn') {
    const trained = Math.min(covered, monthsTrained(cohort.startDate, planned, apprentice.withdrawal?.date));
    const counts = claim.kind !== 'advance' && rules.withdrawnMode === 'pro_rata';
    return { outcome: 'withdrawn', months: trained, rateBasisPoints: counts ? 10_000 : 0 };
  }
  if (claim.kind !== 'final') return { outcome: 'in_training', months: covered, rateBasisPoints: 10_000 };
  if (apprentice.status === 'certified') {
    const atTarget = (apprentice.certificate?.level ?? 99) <= cohort.targetLevel;
    return atTarget
      ? { outcome: 'certified', months: covered, rateBasisPoints: 10_000 }
      : { outcome: 'below_target', months: covered, rateBasisPoints: rules.completedRate };
  }
  if (apprentice.status === 'completed' || apprentice.status === 'not_certified') {
    return { outcome: 'completed', months: covered, rateBasisPoints: rules.completedRate };
  }
  return { outcome: 'in_training', months: covered, rateBasisPoints: 0 }; // a final claim has every outcome
}

/** The amount a claim of a cohort may pay now, with every step of the computation. */
export function settle(input: SettlementInput): SettlementSteps {
  const { policy, cohort, claim, paid } = input;
  const rules = settlementRules(policy);
  const planned = monthsInPeriod(cohort.startDate, cohort.endDate);
  const covered =
    claim.kind === 'interim'
      ? Math.min(planned, 12 * (claim.trainingYear ?? 1))
      : claim.kind === 'advance' && rules.advanceBasis === 'first_year'
        ? Math.min(planned, 12)
        : planned;
  const apprentices = cohort.apprentices.map((apprentice): ApprenticeStep => {
    const counted = rateOf(input, rules, apprentice, covered);
    const earnedFen = mulDivDown(cohort.standardFen * counted.months, counted.rateBasisPoints, 120_000);
    return { apprenticeId: apprentice.apprenticeId, ...counted, standardFen: cohort.standardFen, earnedFen };
  });
  const earnedFen = apprentices.reduce((sum, step) => sum + step.earnedFen, 0);
  const feeCap =
    rules.feeCapBasisPoints === null
      ? null
      : (() => {
          const feePaidFen = input.feePaidFen ?? 0;
          const capFen = mulDivDown(feePaidFen, rules.feeCapBasisPoints, 10_000);
          return { feePaidFen, capBasisPoints: rules.feeCapBasisPoints, capFen, applied: false };
        })();
  const paidBefore = { ...paid, totalFen: paid.advanceFen + paid.interimFen };
  const base = {
    policyVersion: policy.policyVersion,
    kind: claim.kind,
    ...(claim.kind === 'interim' ? { trainingYear: claim.trainingYear ?? 1 } : {}),
    rules,
    monthsPlanned: planned,
    monthsCovered: covered,
    standardFen: cohort.standardFen,
    rounding: 'down_to_fen_each_step' as const,
    apprentices,
    earnedFen,
    paidBefore,
  };
  if (claim.kind === 'advance') {
    const shareFen = mulDivDown(earnedFen, rules.advanceShareBasisPoints, 10_000);
    const amountFen = feeCap ? Math.min(shareFen, feeCap.capFen) : shareFen;
    if (feeCap) feeCap.applied = feeCap.capFen < shareFen;
    return {
      ...base,
      feeCap,
      earnedAfterCapFen: amountFen,
      advance: {
        basis: rules.advanceBasis,
        headcount: apprentices.filter((step) => step.rateBasisPoints > 0).length,
        basisFen: earnedFen,
        shareBasisPoints: rules.advanceShareBasisPoints,
        shareFen,
      },
      balanceFen: amountFen,
      amountFen,
      recoveryFen: 0,
    };
  }
  const earnedAfterCapFen = feeCap ? Math.min(earnedFen, feeCap.capFen) : earnedFen;
  if (feeCap) feeCap.applied = feeCap.capFen < earnedFen;
  const balanceFen = earnedAfterCapFen - paidBefore.totalFen;
  return {
    ...base,
    feeCap,
    earnedAfterCapFen,
    balanceFen,
    amountFen: Math.max(0, balanceFen),
    recoveryFen: claim.kind === 'final' ? Math.max(0, -balanceFen) : 0,
  };
}
