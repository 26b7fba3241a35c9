import { ACTIVE_CLAIM, type ClaimKind, type ClaimStatus } from '../claim.ts';
import { hasOutcome } from '../claim-money.ts';
import type { CohortLedger, CohortRecord } from '../cohort.ts';
import { addDays, addMonths, compareDates, monthsInPeriod } from '../dates.ts';
import { says } from '../error-codes.ts';
import { Conflict } from '../errors.ts';
import { type Policy, settlementRules } from '../policy.ts';
import type { CohortDeps } from '../ports.ts';
import { todayInChinaOf } from '../time.ts';

/**
 * Which claims a cohort may have now: one advance while FILED; one interim per completed training
 * year of a cohort longer than 12 months, when its policy allows them; one final after the end date
 * once every apprentice has an outcome. A claim that deducts earlier ones waits until they are paid
 * or closed, so it never deducts money still in flight.
 */
export const emptyLedger = (): CohortLedger => ({
  advancePaidFen: 0,
  interimPaidFen: 0,
  finalPaidFen: 0,
  recoveryOwedFen: 0,
  claims: [],
});

export interface ClaimAsked {
  kind: ClaimKind;
  trainingYear?: number | undefined;
}

/** The last day of training year `year` (1-based) of a cohort. */
export function trainingYearEnds(cohort: Pick<CohortRecord, 'startDate'>, year: number): string {
  return addDays(addMonths(cohort.startDate, 12 * year), -1);
}

export function refuseWhatMayNotBeClaimed(
  deps: Pick<CohortDeps, 'clock'>,
  cohort: CohortRecord,
  policy: Policy,
  asked: ClaimAsked,
  ownClaimId: string | undefined,
): void {
  if (cohort.status !== 'FILED' && cohort.status !== 'COMPLETED') {
    throw new Conflict(says('claim.cohort_not_filed', { status: cohort.status }), {
      status: cohort.status,
      version: cohort.version,
    });
  }
  const others = (cohort.ledger ?? emptyLedger()).claims.filter(
    (claim) => claim.claimId !== ownClaimId && ACTIVE_CLAIM.includes(claim.status as ClaimStatus),
  );
  const unpaid = others.some((claim) => claim.kind !== 'final' && claim.status !== 'PAID');
  const today = todayInChinaOf(deps.clock.now());
  if (asked.kind === 'advance') {
    if (others.some((claim) => claim.kind === 'advance'))
      throw new Conflict(says('claim.advance_already_claimed'));
    if (others.some((claim) => claim.kind === 'final')) throw new Conflict(says('claim.advance_after_final'));
    if (others.some((claim) => claim.kind === 'interim'))
      throw new Conflict(says('claim.advance_after_interim'));
    return;
  }
  if (asked.kind === 'interim') {
    const trainingYear = asked.trainingYear ?? 1;
    const months = monthsInPeriod(cohort.startDate, cohort.endDate);
    if (!settlementRules(policy).interimClaims)
      throw new Conflict(says('claim.interim_not_allowed', { policyVersion: policy.policyVersion }));
    if (months <= 12 * trainingYear)
      throw new Conflict(says('claim.interim_year_not_before_end', { trainingYear, months }));
    const yearEnds = trainingYearEnds(cohort, trainingYear);
    if (compareDates(today, yearEnds) <= 0)
      throw new Conflict(says('claim.interim_before_year_ends', { trainingYear, endDate: yearEnds }));
    if (others.some((claim) => claim.kind === 'interim' && claim.trainingYear === trainingYear))
      throw new Conflict(says('claim.interim_already_claimed', { trainingYear }));
    if (others.some((claim) => claim.kind === 'final')) throw new Conflict(says('claim.interim_after_final'));
    if (unpaid) throw new Conflict(says('claim.earlier_claim_in_progress'));
    return;
  }
  if (compareDates(today, cohort.endDate) <= 0) {
    throw new Conflict(says('claim.final_before_training_ends', { endDate: cohort.endDate }));
  }
  const missing = cohort.apprentices.filter((apprentice) => !hasOutcome(apprentice));
  if (missing.length > 0) {
    throw new Conflict(says('claim.outcomes_missing', { count: missing.length }));
  }
  if (others.some((claim) => claim.kind === 'final')) throw new Conflict(says('claim.final_already_claimed'));
  if (others.some((claim) => claim.kind === 'advance' && claim.status !== 'PAID')) {
    throw new Conflict(says('claim.advance_in_progress'));
  }
  if (unpaid) throw new Conflict(says('claim.earlier_claim_in_progress'));
}
