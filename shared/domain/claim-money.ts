import type { ApprenticeRecord } from './cohort.ts';

/**
 * The money rules of a cohort's subsidy (domain.md, "Subsidy"), in integer fen only.
 *
 * - Advance: at most the policy share of the entitlement of the apprentices still in training.
 * - Earned: an apprentice certified at the target level or higher earns the full entitlement;
 *   withdrawn or not certified earns nothing.
 * - Final = earned − advanced; a negative result is a recovery the enterprise owes.
 * So advance + final − recovery = Σ earned, to the fen.
 */
export function advanceCeilingFen(
  apprentices: readonly ApprenticeRecord[],
  shareBasisPoints: number,
): number {
  const entitlement = apprentices
    .filter((apprentice) => apprentice.status !== 'withdrawn')
    .reduce((sum, apprentice) => sum + (apprentice.entitlementFen ?? 0), 0);
  return Number((BigInt(entitlement) * BigInt(shareBasisPoints)) / 10_000n);
}

/** Levels run 1 (高级技师, highest) to 4 (中级工): "at the target level or higher" is `level <= target`. */
export function earnsSubsidy(apprentice: ApprenticeRecord, targetLevel: number): boolean {
  return apprentice.status === 'certified' && (apprentice.certificate?.level ?? 99) <= targetLevel;
}

export function earnedFen(apprentices: readonly ApprenticeRecord[], targetLevel: number): number {
  return apprentices.reduce(
    (sum, apprentice) => sum + (earnsSubsidy(apprentice, targetLevel) ? (apprentice.entitlementFen ?? 0) : 0),
    0,
  );
}

export function finalSettlement(
  earned: number,
  advanced: number,
): { amountFen: number; recoveryFen: number } {
  const difference = earned - advanced;
  return difference >= 0
    ? { amountFen: difference, recoveryFen: 0 }
    : { amountFen: 0, recoveryFen: -difference };
}

export function hasOutcome(apprentice: ApprenticeRecord): boolean {
  return (
    apprentice.status === 'withdrawn' ||
    apprentice.status === 'certified' ||
    apprentice.status === 'not_certified'
  );
}

/** ¥1,234.56 from integer fen (no floating point on the way). */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}¥${whole}.${String(abs % 100).padStart(2, '0')}`;
}
