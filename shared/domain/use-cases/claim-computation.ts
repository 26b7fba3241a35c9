import type { ClaimComputation, ClaimKind, ClaimRecord, ClaimStatus } from '../claim.ts';
import type { ClaimStore, SubsidyMark } from '../claim-ports.ts';
import { type ApprenticeRecord, type CohortRecord, personHashes } from '../cohort.ts';
import { standardFen } from '../entitlement.ts';
import { says } from '../error-codes.ts';
import { fieldError, ValidationFailed } from '../errors.ts';
import { type Policy, settlementRules } from '../policy.ts';
import type { CohortDeps } from '../ports.ts';
import { settle } from '../settlement.ts';
import { type ClaimAsked, emptyLedger, refuseWhatMayNotBeClaimed } from './claim-eligibility.ts';

export { emptyLedger } from './claim-eligibility.ts';

/**
 * What the rules allow a claim of a cohort now, computed the same way wherever money moves: when
 * the claim is prepared, corrected and submitted, when the bureau approves it and when the
 * treasurer releases it. Never taken stale from an earlier step: an apprentice withdrawn since,
 * or a person another cohort was paid for meanwhile, lowers it. The arithmetic is the one pure
 * settlement formula (settlement.ts) under the policy version the cohort was filed with.
 */
export type ComputationDeps = Pick<CohortDeps, 'reference' | 'clock'> & {
  claims: Pick<ClaimStore, 'subsidyMarks'>;
};

export interface AllowedClaim {
  amountFen: number;
  recoveryFen: number;
  computation: ClaimComputation;
}

/** The claim being computed: its kind, training year (interim) and the fee its invoice states. */
export interface ClaimBasis extends ClaimAsked {
  feeInvoiceAmountFen?: number | undefined;
}

/** What a stored claim is computed from. */
export function claimBasis(
  claim: Pick<ClaimRecord, 'kind' | 'trainingYear'> & {
    evidence: Pick<ClaimRecord['evidence'], 'feeInvoiceAmountFen'>;
  },
): ClaimBasis {
  return {
    kind: claim.kind,
    trainingYear: claim.trainingYear,
    feeInvoiceAmountFen: claim.evidence.feeInvoiceAmountFen,
  };
}

export async function allowedClaim(
  deps: ComputationDeps,
  cohort: CohortRecord,
  asked: ClaimBasis,
  ownClaimId?: string,
): Promise<AllowedClaim> {
  const policy = await filedPolicy(deps, cohort);
  refuseWhatMayNotBeClaimed(deps, cohort, policy, asked, ownClaimId);
  const rules = settlementRules(policy);
  if (rules.feeCapBasisPoints !== null && asked.feeInvoiceAmountFen === undefined) {
    throw new ValidationFailed([
      fieldError(
        'evidence.feeInvoiceAmountFen',
        says('claim.fee_amount_required', { policyVersion: policy.policyVersion }),
      ),
    ]);
  }
  const excluded = await subsidisedElsewhere(deps, cohort);
  const exclusions = [...excluded].map(([apprenticeId, reason]) => ({ apprenticeId, reason }));
  const ledger = cohort.ledger ?? emptyLedger();
  // Only apprentices filed with an entitlement are settled (rows never enrolled have none).
  const filed = cohort.apprentices.filter((apprentice) => apprentice.entitlementFen !== undefined);
  const steps = settle({
    policy,
    cohort: {
      targetLevel: cohort.targetLevel,
      startDate: cohort.startDate,
      endDate: cohort.endDate,
      standardFen:
        cohort.entitlement?.standardFen ?? standardFen(policy, cohort.targetLevel, cohort.shortage),
      apprentices: filed,
      excluded: new Set(excluded.keys()),
    },
    claim: { kind: asked.kind, trainingYear: asked.trainingYear },
    paid: { advanceFen: ledger.advancePaidFen, interimFen: ledger.interimPaidFen ?? 0 },
    feePaidFen: asked.feeInvoiceAmountFen,
  });
  const counted = steps.apprentices.filter((step) => step.rateBasisPoints > 0);
  return {
    amountFen: steps.amountFen,
    recoveryFen: steps.recoveryFen,
    computation: {
      policyVersion: policy.policyVersion,
      // Advance: the basis the share is taken of. Interim and final: the whole entitlement.
      entitlementFen:
        asked.kind === 'advance'
          ? steps.earnedFen
          : filed.reduce((sum, apprentice) => sum + (apprentice.entitlementFen ?? 0), 0),
      ...(asked.kind === 'advance'
        ? { advanceShareBasisPoints: rules.advanceShareBasisPoints, apprentices: counted.length }
        : {
            earnedFen: steps.earnedAfterCapFen,
            advancedFen: steps.paidBefore.totalFen,
            earners: counted.filter((step) => step.earnedFen > 0).length,
            apprentices: filed.length,
          }),
      ...(exclusions.length > 0 ? { excluded: exclusions } : {}),
      settlement: steps,
    },
  };
}

/** The persons a final settlement pays for: those it earns something for (the formula's steps). */
export function paidFor(cohort: CohortRecord, computation: ClaimComputation): ApprenticeRecord[] {
  const earning = new Set(
    (computation.settlement?.apprentices ?? [])
      .filter((step) => step.earnedFen > 0)
      .map((step) => step.apprenticeId),
  );
  return cohort.apprentices.filter((apprentice) => earning.has(apprentice.apprenticeId));
}

/**
 * Apprentices another cohort was paid (or is being paid) for, for this occupation at this level
 * or higher, with that cohort's mark: they earn nothing here, are not counted for an advance and
 * cannot be filed again (domain.md: a person already subsidised cannot be subsidised again).
 */
export async function marksElsewhere(
  deps: Pick<ComputationDeps, 'claims'>,
  cohort: CohortRecord,
  withWithdrawn = false,
): Promise<Map<string, SubsidyMark>> {
  // A claim counts the withdrawn too (pro rata they earn); a filing only those who stay.
  const counted = cohort.apprentices.filter(
    (apprentice) => withWithdrawn || apprentice.status !== 'withdrawn',
  );
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
  const marks = await marksElsewhere(deps, cohort, true);
  return new Map(
    [...marks].map(([apprenticeId, mark]) => [
      apprenticeId,
      `already subsidised for ${cohort.occupationCode} at level ${mark.level} by another cohort`,
    ]),
  );
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
  if (kind !== 'advance' && before.earnedFen !== now.earnedFen && newlyExcluded.length === 0) {
    reasons.push('the outcomes changed');
  }
  return reasons.length > 0 ? reasons.join('; ') : 'recomputed under the rules in force';
}

/** The cohort's ledger with the claim listed (or its status changed): one active advance, one interim a year, one final. */
export function withLedgerClaim(
  cohort: CohortRecord,
  claim: { claimId: string; kind: ClaimKind; trainingYear?: number | undefined },
  status: ClaimStatus,
  at: string,
): CohortRecord {
  const ledger = cohort.ledger ?? emptyLedger();
  const { claimId, kind, trainingYear } = claim;
  const claims = ledger.claims.some((listed) => listed.claimId === claimId)
    ? ledger.claims.map((listed) => (listed.claimId === claimId ? { ...listed, status } : listed))
    : [...ledger.claims, { claimId, kind, ...(trainingYear ? { trainingYear } : {}), status }];
  return { ...cohort, ledger: { ...ledger, claims }, version: cohort.version + 1, updatedAt: at };
}
