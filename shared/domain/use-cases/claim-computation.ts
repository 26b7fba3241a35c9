import { ACTIVE_CLAIM, type ClaimComputation, type ClaimKind, type ClaimStatus } from '../claim.ts';
import { advanceCeilingFen, earnedFen, earnsSubsidy, finalSettlement, hasOutcome } from '../claim-money.ts';
import type { ClaimStore, SubsidyMark } from '../claim-ports.ts';
import { type ApprenticeRecord, type CohortLedger, type CohortRecord, personHashes } from '../cohort.ts';
import { compareDates } from '../dates.ts';
import { says } from '../error-codes.ts';
import { Conflict } from '../errors.ts';
import type { Policy } from '../policy.ts';
import type { CohortDeps } from '../ports.ts';
import { todayInChinaOf } from '../time.ts';

/**
 * What the rules allow a claim of a cohort now, computed the same way wherever money moves: when
 * the claim is prepared, corrected and submitted, when the bureau approves it and when the
 * treasurer releases it. Never taken stale from an earlier step: an apprentice withdrawn since,
 * or a person another cohort was paid for meanwhile, lowers it.
 */
export type ComputationDeps = Pick<CohortDeps, 'reference' | 'clock'> & {
  claims: Pick<ClaimStore, 'subsidyMarks'>;
};

export interface AllowedClaim {
  amountFen: number;
  recoveryFen: number;
  computation: ClaimComputation;
}

export const emptyLedger = (): CohortLedger => ({
  advancePaidFen: 0,
  finalPaidFen: 0,
  recoveryOwedFen: 0,
  claims: [],
});

export async function allowedClaim(
  deps: ComputationDeps,
  cohort: CohortRecord,
  kind: ClaimKind,
  ownClaimId?: string,
): Promise<AllowedClaim> {
  refuseWhatMayNotBeClaimed(deps, cohort, kind, ownClaimId);
  const policy = await filedPolicy(deps, cohort);
  const excluded = await subsidisedElsewhere(deps, cohort);
  const counted = (apprentice: ApprenticeRecord) => !excluded.has(apprentice.apprenticeId);
  const exclusions = [...excluded].map(([apprenticeId, reason]) => ({ apprenticeId, reason }));
  if (kind === 'advance') {
    const inTraining = cohort.apprentices.filter(
      (apprentice) => apprentice.status !== 'withdrawn' && counted(apprentice),
    );
    return {
      amountFen: advanceCeilingFen(inTraining, policy.advanceShareBasisPoints),
      recoveryFen: 0,
      computation: {
        policyVersion: policy.policyVersion,
        entitlementFen: inTraining.reduce((sum, apprentice) => sum + (apprentice.entitlementFen ?? 0), 0),
        advanceShareBasisPoints: policy.advanceShareBasisPoints,
        apprentices: inTraining.length,
        ...(exclusions.length > 0 ? { excluded: exclusions } : {}),
      },
    };
  }
  const earning = cohort.apprentices.filter(counted);
  const earned = earnedFen(earning, cohort.targetLevel);
  const advanced = (cohort.ledger ?? emptyLedger()).advancePaidFen;
  return {
    ...finalSettlement(earned, advanced),
    computation: {
      policyVersion: policy.policyVersion,
      entitlementFen: cohort.apprentices.reduce(
        (sum, apprentice) => sum + (apprentice.entitlementFen ?? 0),
        0,
      ),
      earnedFen: earned,
      advancedFen: advanced,
      earners: earning.filter((apprentice) => earnsSubsidy(apprentice, cohort.targetLevel)).length,
      apprentices: cohort.apprentices.length,
      ...(exclusions.length > 0 ? { excluded: exclusions } : {}),
    },
  };
}

/** The persons a final settlement pays for: the earners the rules still count. */
export function paidFor(cohort: CohortRecord, computation: ClaimComputation): ApprenticeRecord[] {
  const excluded = new Set((computation.excluded ?? []).map((entry) => entry.apprenticeId));
  return cohort.apprentices.filter(
    (apprentice) => !excluded.has(apprentice.apprenticeId) && earnsSubsidy(apprentice, cohort.targetLevel),
  );
}

/**
 * Apprentices another cohort was paid (or is being paid) for, for this occupation at this level
 * or higher, with that cohort's mark: they earn nothing here, are not counted for an advance and
 * cannot be filed again (domain.md: a person already subsidised cannot be subsidised again).
 */
export async function marksElsewhere(
  deps: Pick<ComputationDeps, 'claims'>,
  cohort: CohortRecord,
): Promise<Map<string, SubsidyMark>> {
  const counted = cohort.apprentices.filter((apprentice) => apprentice.status !== 'withdrawn');
  if (counted.length === 0) return new Map();
  // Under every look-up hash of each person: a mark written under either crypto suite counts.
  const marks = await deps.claims.subsidyMarks(counted.flatMap(personHashes), cohort.occupationCode);
  const blocking = new Map(
    marks
      .filter((mark) => mark.cohortId !== cohort.cohortId && mark.level <= cohort.targetLevel)
      .map((mark) => [mark.idHash, mark]),
  );
  return new Map(
    counted.flatMap((apprentice) => {
      const mark = personHashes(apprentice)
        .map((hash) => blocking.get(hash))
        .find((found) => found !== undefined);
      return mark ? [[apprentice.apprenticeId, mark] as const] : [];
    }),
  );
}

async function subsidisedElsewhere(
  deps: ComputationDeps,
  cohort: CohortRecord,
): Promise<Map<string, string>> {
  const marks = await marksElsewhere(deps, cohort);
  return new Map(
    [...marks].map(([apprenticeId, mark]) => [
      apprenticeId,
      `already subsidised for ${cohort.occupationCode} at level ${mark.level} by another cohort`,
    ]),
  );
}

/** The claims a cohort may not have now (one advance, one final, the final after the end date…). */
function refuseWhatMayNotBeClaimed(
  deps: Pick<CohortDeps, 'clock'>,
  cohort: CohortRecord,
  kind: ClaimKind,
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
  if (kind === 'advance') {
    if (others.some((claim) => claim.kind === 'advance'))
      throw new Conflict(says('claim.advance_already_claimed'));
    if (others.some((claim) => claim.kind === 'final')) throw new Conflict(says('claim.advance_after_final'));
    return;
  }
  const today = todayInChinaOf(deps.clock.now());
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
}

async function filedPolicy(deps: Pick<CohortDeps, 'reference'>, cohort: CohortRecord): Promise<Policy> {
  const policy = cohort.policyVersion ? await deps.reference.policy(cohort.policyVersion) : undefined;
  if (!policy) throw new Error(`Policy ${cohort.policyVersion} of cohort ${cohort.cohortId} is missing`);
  return policy;
}

/** Why the amount now differs from an earlier computation, in words a reviewer reads. */
export function whyChanged(before: ClaimComputation, now: ClaimComputation, kind: ClaimKind): string {
  const reasons: string[] = [];
  if (kind === 'advance' && before.apprentices !== now.apprentices) {
    reasons.push(`${before.apprentices} apprentice(s) in training then, ${now.apprentices} now`);
  }
  const excludedBefore = new Set((before.excluded ?? []).map((entry) => entry.apprenticeId));
  const newlyExcluded = (now.excluded ?? []).filter((entry) => !excludedBefore.has(entry.apprenticeId));
  if (newlyExcluded.length > 0) {
    reasons.push(`${newlyExcluded.length} apprentice(s) already subsidised by another cohort`);
  }
  if (kind === 'final' && before.earnedFen !== now.earnedFen && newlyExcluded.length === 0) {
    reasons.push('the outcomes changed');
  }
  return reasons.length > 0 ? reasons.join('; ') : 'recomputed under the rules in force';
}

/** The cohort's ledger with the claim listed (or its status changed): one active advance, one final. */
export function withLedgerClaim(
  cohort: CohortRecord,
  claimId: string,
  kind: ClaimKind,
  status: ClaimStatus,
  at: string,
): CohortRecord {
  const ledger = cohort.ledger ?? emptyLedger();
  const claims = ledger.claims.some((claim) => claim.claimId === claimId)
    ? ledger.claims.map((claim) => (claim.claimId === claimId ? { ...claim, status } : claim))
    : [...ledger.claims, { claimId, kind, status }];
  return { ...cohort, ledger: { ...ledger, claims }, version: cohort.version + 1, updatedAt: at };
}
