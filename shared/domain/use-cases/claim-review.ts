import type { DecisionBody } from '../../schemas/cohort.ts';
import { type ClaimRecord, type ClaimStage, canSeeClaim, claimView } from '../claim.ts';
import { yuan } from '../claim-money.ts';
import {
  BudgetDoesNotFit,
  type ClaimChange,
  type ClaimStore,
  type PaymentRecord,
  type SubsidyMark,
  SubsidyMarksContested,
} from '../claim-ports.ts';
import type { CohortRecord } from '../cohort.ts';
import { Conflict, type FieldError, Forbidden, NotFound, ValidationFailed } from '../errors.ts';
import { refuseOwnCase, refuseSamePerson } from '../four-eyes.ts';
import { CallbackNotAccepted, type CohortDeps, type IdempotencyWrite } from '../ports.ts';
import { actorOf, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';
import type { DecisionOutcome, TaskRecord } from '../task.ts';
import { todayInChinaOf } from '../time.ts';
import { allowedClaim, emptyLedger, paidFor, whyChanged, withLedgerClaim } from './claim-computation.ts';

export type ReviewDeps = Pick<CohortDeps, 'store' | 'reference' | 'clock' | 'workflows'> & {
  claims: ClaimStore;
};

/** What one decision changes besides the claim itself, written with it in one transaction. */
interface StagePlan {
  claim: ClaimRecord;
  details: Record<string, unknown>;
  budget?: ClaimChange['budget'];
  cohort?: ClaimChange['cohort'];
  payment?: PaymentRecord;
  marks?: SubsidyMark[];
}

/** A payment whose marks were contested is planned again this many times before giving up. */
const RELEASE_ATTEMPTS = 3;

/**
 * A party's decision on a claim task: the school's verification, the bureau's approval (the
 * amount recomputed now and reserved in the budget of the year it approves in) and the
 * treasurer's release (what the rules allow at that moment, never more than approved, paid once).
 * Main course: guards, the stage's plan, one transaction with the task, audit and idempotency
 * record, then the callback.
 */
export async function decideClaimTask(
  deps: ReviewDeps,
  principal: Principal,
  task: TaskRecord,
  body: DecisionBody,
  record: (reply: Reply) => IdempotencyWrite | undefined,
): Promise<Reply> {
  const current = await openClaimOf(deps, principal, task, body);
  const stage = task.stage as ClaimStage;
  const at = deps.clock.now().toISOString();
  const decided: TaskRecord = {
    ...task,
    status: 'DECIDED',
    decision: body.decision as DecisionOutcome,
    decidedBy: principal.sub,
    decidedAt: at,
    callbackPending: true,
  };
  for (let attempt = 1; ; attempt++) {
    const plan = await planDecision(deps, principal, current, stage, body, at);
    const reply = {
      status: 200,
      body: { taskId: task.taskId, decision: body.decision, stage, claim: claimView(plan.claim) },
    };
    try {
      await deps.claims.save({
        claim: plan.claim,
        expectedVersion: current.version,
        audit: {
          action: stage === 'PAYMENT' ? 'payment.released' : `claim.${body.decision}`,
          actor: actorOf(principal),
          from: stage,
          to: plan.claim.status,
          reason: body.reason,
          details: { taskId: task.taskId, round: task.round, ...plan.details },
        },
        idempotency: record(reply),
        task: { record: decided, expectedStatus: 'OPEN' },
        budget: plan.budget,
        cohort: plan.cohort,
        payment: plan.payment,
        marks: plan.marks,
      });
      await deliverClaimCallback(deps, decided);
      return reply;
    } catch (error) {
      // Another cohort's payment marked some of these persons first: plan again without them.
      if (error instanceof SubsidyMarksContested && attempt < RELEASE_ATTEMPTS) continue;
      if (error instanceof SubsidyMarksContested)
        throw new Conflict('Other payments for the same persons are being released; try again');
      if (error instanceof BudgetDoesNotFit) return keepAtReview(deps, principal, current, plan, error, at);
      throw error;
    }
  }
}

/** The claim of an open task the caller may decide now, or the error that says why not. */
async function openClaimOf(
  deps: Pick<ReviewDeps, 'claims'>,
  principal: Principal,
  task: TaskRecord,
  body: DecisionBody,
): Promise<ClaimRecord> {
  const current = await deps.claims.get(task.caseId);
  if (!current || !canSeeClaim(principal, current)) throw new NotFound(`No task ${task.taskId}`);
  if (task.role !== principal.role) throw new Forbidden(`This task is for ${task.role}`);
  if (task.org !== principal.orgId) throw new NotFound(`No task ${task.taskId}`);
  if (task.status !== 'OPEN' || current.status !== task.stage || current.round !== task.round) {
    throw new Conflict(`This task is closed; the claim is ${current.status}`, {
      status: current.status,
      version: current.version,
    });
  }
  if (task.stage === 'PUBLIC_NOTICE') {
    // The notice's wait is nobody's decision: it runs its working days (domain.md), and only an
    // objection (POST /claims/{claimId}/objection) ends it early — never an approval that pays.
    throw new Conflict('A public notice is not decided: it runs its days; lodge an objection to stop it', {
      status: current.status,
      version: current.version,
    });
  }
  if (body.schoolMentors || body.enrolment) {
    throw new ValidationFailed([
      { path: 'enrolment', message: 'enrolment belongs to cohort filing, not to claims' },
    ]);
  }
  if (body.decision !== 'approve' && task.stage === 'PAYMENT') {
    throw new ValidationFailed([
      { path: 'decision', message: 'the treasurer releases an approved payment (approve)' },
    ]);
  }
  if (body.approvedAmountFen !== undefined && task.stage !== 'BUREAU_REVIEW') {
    throw new ValidationFailed([{ path: 'approvedAmountFen', message: 'is set by the bureau reviewer' }]);
  }
  if (body.decision === 'approve') {
    refuseOwnCase(principal, current, 'a claim');
    refuseSamePerson(
      principal,
      current.submittedBy,
      'The person who submitted a claim cannot also approve it',
    );
  }
  return current;
}

async function planDecision(
  deps: ReviewDeps,
  principal: Principal,
  current: ClaimRecord,
  stage: ClaimStage,
  body: DecisionBody,
  at: string,
): Promise<StagePlan> {
  const claim: ClaimRecord = { ...current, openTask: undefined, version: current.version + 1, updatedAt: at };
  if (body.decision === 'return') {
    return { claim: { ...claim, status: 'RETURNED', returnReason: body.reason }, details: {} };
  }
  if (body.decision === 'reject') {
    const cohort = await deps.store.get(current.cohortId);
    return {
      claim: { ...claim, status: 'REJECTED', rejectReason: body.reason },
      details: {},
      cohort: cohort
        ? {
            record: withLedgerClaim(cohort, current.claimId, current.kind, 'REJECTED', at),
            expectedVersion: cohort.version,
          }
        : undefined,
    };
  }
  if (stage === 'SCHOOL_VERIFICATION') return verifyAtSchool(deps, principal, current, claim, body, at);
  const cohort = await deps.store.get(current.cohortId);
  if (!cohort) throw new NotFound(`No cohort ${current.cohortId}`);
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
      errors.push({ path: `attendance.${index}.apprenticeId`, message: 'no such apprentice in this cohort' });
    else if (seen.has(row.apprenticeId))
      errors.push({ path: `attendance.${index}.apprenticeId`, message: 'this apprentice is listed twice' });
    seen.add(row.apprenticeId);
  });
  if (attendance.length === 0) {
    errors.push({ path: 'attendance', message: 'the school confirms the hours attended of each apprentice' });
  } else {
    // Hours for every apprentice the claim still counts (all but the withdrawn), each named.
    cohort?.apprentices.forEach((apprentice, row) => {
      if (apprentice.status !== 'withdrawn' && !seen.has(apprentice.apprenticeId))
        errors.push({
          path: 'attendance',
          message: `apprentice ${row + 1} (${apprentice.apprenticeId}) has no hours attended`,
        });
    });
  }
  if (current.kind === 'final' && body.outcomesConfirmed !== true) {
    errors.push({
      path: 'outcomesConfirmed',
      message: 'the school verifies every assessment result of a final claim',
    });
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
  const allowed = await allowedClaim(deps, cohort, current.kind, current.claimId);
  const cap = allowed.amountFen;
  const amount = body.approvedAmountFen ?? cap;
  if (amount > cap) {
    throw new ValidationFailed([
      { path: 'approvedAmountFen', message: `may not exceed the computed ${cap} fen` },
    ]);
  }
  if (amount < cap && !body.reason) {
    throw new ValidationFailed([{ path: 'reason', message: 'a lower amount needs a reason' }]);
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
      status: current.kind === 'final' ? 'PUBLIC_NOTICE' : 'PAYMENT',
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
  refuseSamePerson(
    principal,
    current.reviewedBy,
    'The reviewer who approved a claim cannot release its payment',
  );
  const allowed = await allowedClaim(deps, cohort, current.kind, current.claimId);
  const paid = Math.min(current.amountFen, allowed.amountFen);
  const recovery = current.kind === 'final' ? allowed.recoveryFen : 0;
  const adjustment =
    paid < current.amountFen
      ? {
          approvedFen: current.amountFen,
          releasedFen: paid,
          reason: whyChanged(current.computation, allowed.computation, current.kind),
        }
      : undefined;
  const ledger = cohort.ledger ?? emptyLedger();
  const updated = withLedgerClaim(cohort, current.claimId, current.kind, 'PAID', at);
  updated.ledger =
    current.kind === 'advance'
      ? { ...updated.ledger!, advancePaidFen: ledger.advancePaidFen + paid }
      : {
          ...updated.ledger!,
          finalPaidFen: ledger.finalPaidFen + paid,
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
    marks:
      current.kind === 'final'
        ? paidFor(cohort, allowed.computation).map((apprentice) => ({
            idHash: apprentice.idHash,
            occupationCode: cohort.occupationCode,
            level: cohort.targetLevel,
            claimId: current.claimId,
            cohortId: cohort.cohortId,
          }))
        : undefined,
  };
}

/** The budget does not fit the approval: the claim stays at review, and says why. */
async function keepAtReview(
  deps: Pick<ReviewDeps, 'claims'>,
  principal: Principal,
  current: ClaimRecord,
  plan: StagePlan,
  error: BudgetDoesNotFit,
  at: string,
): Promise<never> {
  const left = error.budget?.availableFen ?? 0;
  const reason = `the ${plan.claim.budgetYear} budget of ${current.districtCode} does not fit ${yuan(error.neededFen)} (${yuan(left)} left)`;
  await deps.claims.save({
    claim: { ...current, pendingReason: reason, version: current.version + 1, updatedAt: at },
    expectedVersion: current.version,
    audit: { action: 'claim.budget_shortfall', actor: actorOf(principal), reason },
  });
  throw new Conflict(`Not approved: ${reason}. The claim stays at review.`, {
    status: current.status,
    version: current.version + 1,
  });
}

export async function deliverClaimCallback(
  deps: Pick<ReviewDeps, 'store' | 'workflows'>,
  task: TaskRecord,
): Promise<void> {
  try {
    await deps.workflows.sendSuccess(task.token, { outcome: task.decision, taskId: task.taskId });
  } catch (error) {
    if (!(error instanceof CallbackNotAccepted)) throw error;
  }
  await deps.store.closeTask(task.taskId);
}
