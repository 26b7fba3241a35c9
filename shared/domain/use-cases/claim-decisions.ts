import type { DecisionBody } from '../../schemas/decision.ts';
import { type ClaimRecord, type ClaimStage, claimDocuments } from '../claim.ts';
import { yuan } from '../claim-money.ts';
import type {
  BudgetDoesNotFit,
  ClaimChange,
  ClaimStore,
  PaymentRecord,
  SubsidyMark,
} from '../claim-ports.ts';
import { type CohortRecord, personHashes } from '../cohort.ts';
import { correctionNotice } from '../corrections.ts';
import { says } from '../error-codes.ts';
import { Conflict, type FieldError, fieldError, NotFound, ValidationFailed } from '../errors.ts';
import { refuseSamePerson } from '../four-eyes.ts';
import type { CohortDeps } from '../ports.ts';
import { actorOf, type Principal } from '../principal.ts';
import { todayInChinaOf } from '../time.ts';
import {
  allowedClaim,
  claimBasis,
  emptyLedger,
  paidFor,
  whyChanged,
  withLedgerClaim,
} from './claim-computation.ts';
import { checkEmployment, type EmploymentCheckDeps } from './employment-checks.ts';

/**
 * The change each stage of a claim's review makes (school verification, bureau approval with
 * its budget reservation, payment release), planned for the review lifecycle to write in one
 * transaction with the task, the audit and the idempotency record (claim-review.ts).
 */
export type ReviewDeps = Pick<CohortDeps, 'store' | 'reference' | 'clock'> & {
  claims: ClaimStore;
} & Partial<Pick<EmploymentCheckDeps, 'employment' | 'newId'>>;

/** What one decision changes besides the claim itself, written with it in one transaction. */
export interface StagePlan {
  claim: ClaimRecord;
  details: Record<string, unknown>;
  budget?: ClaimChange['budget'];
  cohort?: ClaimChange['cohort'];
  payment?: PaymentRecord;
  marks?: SubsidyMark[];
  employment?: ClaimChange['employment'];
}

export async function planDecision(
  deps: ReviewDeps,
  principal: Principal,
  current: ClaimRecord,
  stage: ClaimStage,
  body: DecisionBody,
  at: string,
): Promise<StagePlan> {
  const claim: ClaimRecord = { ...current, openTask: undefined, version: current.version + 1, updatedAt: at };
  if (body.decision === 'return') {
    // The one-time correction notice, when listed: fields of the claim or kinds of its documents.
    const notice = body.corrections
      ? correctionNotice(
          current,
          claimDocuments(current),
          { items: body.corrections, reason: body.reason! },
          { stage, round: current.round, at, by: principal.sub },
        )
      : undefined;
    if (Array.isArray(notice)) throw new ValidationFailed(notice);
    const corrections = notice ? [...(current.corrections ?? []), notice] : current.corrections;
    return { claim: { ...claim, status: 'RETURNED', returnReason: body.reason, corrections }, details: {} };
  }
  if (body.decision === 'reject') {
    const cohort = await deps.store.get(current.cohortId);
    return {
      claim: { ...claim, status: 'REJECTED', rejectReason: body.reason },
      details: {},
      cohort: cohort
        ? {
            record: withLedgerClaim(cohort, current, 'REJECTED', at),
            expectedVersion: cohort.version,
          }
        : undefined,
    };
  }
  if (stage === 'SCHOOL_VERIFICATION') return verifyAtSchool(deps, principal, current, claim, body, at);
  const cohort = await deps.store.get(current.cohortId);
  if (!cohort) throw new NotFound(says('cohort.not_found', { cohortId: current.cohortId }));
  if (stage === 'BUREAU_REVIEW') return approveAtBureau(deps, principal, current, claim, cohort, body, at);
  return releasePayment(deps, principal, current, claim, cohort, at);
}

/** The school confirms the hours of every apprentice the claim counts (and, for a final claim, every result). */
async function verifyAtSchool(
  deps: Pick<ReviewDeps, 'store'>,
  principal: Principal,
  current: ClaimRecord,
  claim: ClaimRecord,
  body: DecisionBody,
  at: string,
): Promise<StagePlan> {
  const errors: FieldError[] = [];
  const attendance = body.attendance ?? [];
  const cohort = await deps.store.get(current.cohortId);
  const ids = new Set(cohort?.apprentices.map((apprentice) => apprentice.apprenticeId));
  const seen = new Set<string>();
  attendance.forEach((row, index) => {
    if (!ids.has(row.apprenticeId))
      errors.push(fieldError(`attendance.${index}.apprenticeId`, says('apprentice.not_in_cohort')));
    else if (seen.has(row.apprenticeId))
      errors.push(fieldError(`attendance.${index}.apprenticeId`, says('attendance.apprentice_repeated')));
    seen.add(row.apprenticeId);
  });
  if (attendance.length === 0) {
    errors.push(fieldError('attendance', says('attendance.required')));
  } else {
    // Hours for every apprentice the claim still counts (all but the withdrawn), each named.
    cohort?.apprentices.forEach((apprentice, row) => {
      if (apprentice.status !== 'withdrawn' && !seen.has(apprentice.apprenticeId))
        errors.push(
          fieldError(
            'attendance',
            says('attendance.hours_missing', { position: row + 1, apprenticeId: apprentice.apprenticeId }),
          ),
        );
    });
  }
  if (current.kind === 'final' && body.outcomesConfirmed !== true) {
    errors.push(fieldError('outcomesConfirmed', says('claim.outcomes_unverified')));
  }
  if (errors.length > 0) throw new ValidationFailed(errors);
  return {
    claim: {
      ...claim,
      status: 'BUREAU_REVIEW',
      schoolVerification: {
        attendance,
        outcomesConfirmed: body.outcomesConfirmed === true,
        by: principal.sub,
        at,
      },
    },
    details: {},
  };
}

/**
 * The bureau approves what the rules allow now — recomputed from the apprentices still in
 * training and the persons not subsidised elsewhere, never the amount taken stale from
 * preparation — or less with a reason, and reserves it in the budget of the year it approves in.
 */
async function approveAtBureau(
  deps: ReviewDeps,
  principal: Principal,
  current: ClaimRecord,
  claim: ClaimRecord,
  cohort: CohortRecord,
  body: DecisionBody,
  at: string,
): Promise<StagePlan> {
  const allowed = await allowedClaim(deps, cohort, claimBasis(current), current.claimId);
  const cap = allowed.amountFen;
  const amount = body.approvedAmountFen ?? cap;
  if (amount > cap) {
    throw new ValidationFailed([
      fieldError('approvedAmountFen', says('claim.amount_over_computed', { capFen: cap })),
    ]);
  }
  if (amount < cap && !body.reason) {
    throw new ValidationFailed([fieldError('reason', says('claim.reduction_reason_required'))]);
  }
  const recomputation =
    cap === current.computedAmountFen
      ? undefined
      : {
          preparedFen: current.computedAmountFen,
          atApprovalFen: cap,
          reason: whyChanged(current.computation, allowed.computation, current.kind),
        };
  const year = Number(todayInChinaOf(new Date(at)).slice(0, 4));
  return {
    claim: {
      ...claim,
      // Settlements (interim and final) pay earned money: published first. An advance is not.
      status: current.kind === 'advance' ? 'PAYMENT' : 'PUBLIC_NOTICE',
      preparedAmountFen: current.preparedAmountFen ?? current.computedAmountFen,
      computedAmountFen: cap,
      recoveryFen: allowed.recoveryFen,
      computation: allowed.computation,
      recomputation,
      amountFen: amount,
      reduction: amount < cap ? { fromFen: cap, toFen: amount, reason: body.reason! } : undefined,
      reviewedBy: principal.sub,
      approvedAt: at,
      budgetYear: year,
      reservedFen: amount,
      pendingReason: undefined,
    },
    details: { amountFen: amount, budgetYear: year, ...(recomputation ? { recomputation } : {}) },
    budget:
      amount > 0
        ? { districtCode: current.districtCode, year, operation: 'reserve', amountFen: amount }
        : undefined,
  };
}

/**
 * The treasurer releases the payment: what the rules allow at this moment (an apprentice
 * withdrawn or a person subsidised elsewhere since the approval lowers it, with the reason
 * recorded), never more than approved. The cohort's ledger is conditioned on the version read and
 * a settlement's subsidy marks on no other cohort holding the persons: nothing is paid twice.
 */
async function releasePayment(
  deps: ReviewDeps,
  principal: Principal,
  current: ClaimRecord,
  claim: ClaimRecord,
  cohort: CohortRecord,
  at: string,
): Promise<StagePlan> {
  refuseSamePerson(principal, current.reviewedBy, says('four_eyes.reviewer_releases'));
  // Insured in each of the last months (社保 check), held in the release's own transaction.
  const employment = await checkEmployment(deps, {
    stage: 'PAYMENT',
    caseId: current.claimId,
    cohort,
    at,
    current,
  });
  const allowed = await allowedClaim(deps, cohort, claimBasis(current), current.claimId);
  const paid = Math.min(current.amountFen, allowed.amountFen);
  const recovery = current.kind === 'final' ? allowed.recoveryFen : 0;
  const paidKey = ({ advance: 'advancePaidFen', interim: 'interimPaidFen', final: 'finalPaidFen' } as const)[
    current.kind
  ];
  const adjustment =
    paid < current.amountFen
      ? {
          approvedFen: current.amountFen,
          releasedFen: paid,
          reason: whyChanged(current.computation, allowed.computation, current.kind),
        }
      : undefined;
  const ledger = cohort.ledger ?? emptyLedger();
  const updated = withLedgerClaim(cohort, current, 'PAID', at);
  updated.ledger = {
    ...updated.ledger!,
    [paidKey]: (ledger[paidKey] ?? 0) + paid,
    recoveryOwedFen: ledger.recoveryOwedFen + recovery,
  };
  const reserved = current.reservedFen ?? current.amountFen;
  return {
    claim: {
      ...claim,
      status: 'PAID',
      amountFen: paid,
      recoveryFen: recovery,
      ...(adjustment ? { releaseAdjustment: adjustment, computation: allowed.computation } : {}),
      paidAt: at,
      releasedBy: principal.sub,
      reservedFen: 0,
    },
    details: { paidFen: paid, recoveryFen: recovery, ...(adjustment ? { adjustment } : {}) },
    budget:
      reserved > 0 || paid > 0
        ? {
            districtCode: current.districtCode,
            year: current.budgetYear!,
            operation: 'release',
            amountFen: paid,
            reservedFen: reserved,
          }
        : undefined,
    cohort: { record: updated, expectedVersion: cohort.version },
    employment,
    payment: {
      claimId: current.claimId,
      cohortId: current.cohortId,
      kind: current.kind,
      districtCode: current.districtCode,
      year: Number(todayInChinaOf(new Date(at)).slice(0, 4)),
      paidAt: at,
      amountFen: paid,
      recoveryFen: recovery,
      occupationCode: current.occupationCode,
      targetLevel: current.targetLevel,
      enterpriseId: current.enterpriseId,
      schoolId: current.schoolId,
    },
    // A final settlement marks each person it pays for under each of their look-up hashes.
    marks:
      current.kind === 'final'
        ? paidFor(cohort, allowed.computation).flatMap((apprentice) =>
            personHashes(apprentice).map((idHash) => ({
              idHash,
              occupationCode: cohort.occupationCode,
              level: cohort.targetLevel,
              claimId: current.claimId,
              cohortId: cohort.cohortId,
            })),
          )
        : undefined,
  };
}

/** The budget does not fit the approval: the claim stays at review, and says why. */
export async function keepAtReview(
  deps: Pick<ReviewDeps, 'claims'>,
  principal: Principal,
  current: ClaimRecord,
  planned: ClaimRecord,
  error: BudgetDoesNotFit,
  at: string,
): Promise<never> {
  const left = error.budget?.availableFen ?? 0;
  const refusal = says('budget.insufficient', {
    year: planned.budgetYear!,
    districtCode: current.districtCode,
    needed: yuan(error.neededFen),
    left: yuan(left),
  });
  const reason = `the ${planned.budgetYear} budget of ${current.districtCode} does not fit ${yuan(error.neededFen)} (${yuan(left)} left)`;
  await deps.claims.save({
    claim: { ...current, pendingReason: reason, version: current.version + 1, updatedAt: at },
    expectedVersion: current.version,
    audit: { action: 'claim.budget_shortfall', actor: actorOf(principal), reason },
  });
  throw new Conflict(refusal, {
    status: current.status,
    version: current.version + 1,
  });
}
