import type { DecisionBody } from '../../schemas/decision.ts';
import {
  CLAIM_STAGE_ROLE,
  type ClaimRecord,
  type ClaimStage,
  type ClaimStatus,
  canSeeClaim,
  claimView,
} from '../claim.ts';
import { BudgetDoesNotFit, SubsidyMarksContested } from '../claim-ports.ts';
import { EmploymentRecordsMoved } from '../employment-ports.ts';
import { says } from '../error-codes.ts';
import { Conflict, fieldError, ValidationFailed } from '../errors.ts';
import { refuseOwnCase, refuseSamePerson } from '../four-eyes.ts';
import type { Principal } from '../principal.ts';
import type { DecisionOutcome, TaskRecord } from '../task.ts';
import { keepAtReview, planDecision, type ReviewDeps, type StagePlan } from './claim-decisions.ts';
import type { CaseReviews } from './review-lifecycle.ts';

/**
 * The claim as a case of the review lifecycle (`subsidy-claim`): the school's verification, the
 * bureau's approval (the amount recomputed now and reserved in the budget of the year it
 * approves in), the public notice of a final claim, and the treasurer's release (what the rules
 * allow at that moment, never more than approved, paid once).
 */
export function claimReviews(deps: ReviewDeps): CaseReviews<ClaimRecord> {
  return {
    noun: 'claim',
    workflow: 'subsidy-claim',
    system: SYSTEM,
    opened: { action: 'task.opened', redelivered: 'task.redelivered' },
    load: (claimId) => deps.claims.get(claimId),
    visible: canSeeClaim,
    statusAt: (stage) => stage,
    view: claimView,
    party: (claim, stage) =>
      stage === 'PUBLIC_NOTICE'
        ? { role: 'bureau.reviewer', org: claim.districtCode, listed: false }
        : {
            role: CLAIM_STAGE_ROLE[stage as ClaimStage],
            org: stage === 'SCHOOL_VERIFICATION' ? claim.schoolId : claim.districtCode,
            listed: true,
          },
    async plan({ principal, current, task, body, at }) {
      refuseWhatIsNotDecided(principal, current, task, body);
      const plan = await planDecision(deps, principal, current, task.stage as ClaimStage, body, at);
      const { claim, details, ...extra } = plan;
      return {
        next: claim,
        action: task.stage === 'PAYMENT' ? 'payment.released' : `claim.${body.decision}`,
        details,
        extra,
      };
    },
    write: (change) =>
      deps.claims.save({
        claim: change.next,
        expectedVersion: change.expectedVersion,
        audit: change.audit,
        idempotency: change.idempotency,
        task: change.task,
        ...(change.extra as Omit<StagePlan, 'claim' | 'details'> | undefined),
      }),
    async recover(error, { principal, current, plan, at }) {
      // Another cohort's payment marked some of these persons first: plan again without them.
      if (error instanceof SubsidyMarksContested || error instanceof EmploymentRecordsMoved) return 'replan';
      if (error instanceof BudgetDoesNotFit)
        return keepAtReview(deps, principal, current, plan.next, error, at);
      throw error;
    },
  };
}

const SYSTEM = { system: 'subsidy-claim' };

/** The stage-independent refusals of a claim decision (the lifecycle has checked the task). */
function refuseWhatIsNotDecided(
  principal: Principal,
  current: ClaimRecord,
  task: TaskRecord,
  body: DecisionBody,
): void {
  if (task.stage === 'PUBLIC_NOTICE') {
    // The notice's wait is nobody's decision: it runs its working days (domain.md), and only an
    // objection (POST /claims/{claimId}/objection) ends it early — never an approval that pays.
    throw new Conflict(says('notice.not_decided'), {
      status: current.status,
      version: current.version,
    });
  }
  if (body.schoolMentors || body.enrolment) {
    throw new ValidationFailed([fieldError('enrolment', says('claim.enrolment_not_here'))]);
  }
  if (
    task.stage === 'PAYMENT' &&
    current.publicObjections?.some((objection) => objection.status === 'OPEN')
  ) {
    // The notice ran out with a public objection undecided: no money leaves before it is decided.
    throw new Conflict(says('objection.open'), { status: current.status, version: current.version });
  }
  if (body.decision !== 'approve' && task.stage === 'PAYMENT') {
    throw new ValidationFailed([fieldError('decision', says('payment.approve_only'))]);
  }
  if (body.approvedAmountFen !== undefined && task.stage !== 'BUREAU_REVIEW') {
    throw new ValidationFailed([fieldError('approvedAmountFen', says('claim.amount_set_by_reviewer'))]);
  }
  if (body.decision === 'approve') {
    refuseOwnCase(principal, current, 'a claim');
    refuseSamePerson(principal, current.submittedBy, says('four_eyes.submitter_approves'));
  }
}

/** The decision a claim's later state shows was taken at `stage` (undefined if none was). */
export function claimOutcomeAfter(claim: ClaimRecord, stage: string): DecisionOutcome | undefined {
  const after: Record<string, ClaimStatus[]> = {
    SCHOOL_VERIFICATION: ['BUREAU_REVIEW', 'PUBLIC_NOTICE', 'PAYMENT', 'PAID'],
    BUREAU_REVIEW: ['PUBLIC_NOTICE', 'PAYMENT', 'PAID'],
    PUBLIC_NOTICE: ['PAYMENT', 'PAID'],
    PAYMENT: ['PAID'],
  };
  if (after[stage]?.includes(claim.status)) return 'approve';
  if ((stage === 'PUBLIC_NOTICE' || stage === 'PAYMENT') && claim.status === 'BUREAU_REVIEW')
    return 'objection';
  if (stage !== 'PAYMENT' && stage !== 'PUBLIC_NOTICE' && claim.status === 'RETURNED') return 'return';
  if (stage !== 'PAYMENT' && stage !== 'PUBLIC_NOTICE' && claim.status === 'REJECTED') return 'reject';
  return undefined;
}

/** A notice that ran out while its wait was being opened again moves on to payment. */
export function noticeRanOut(claim: ClaimRecord, stage: string, at: string) {
  if (stage !== 'PUBLIC_NOTICE' || !claim.notice || at < claim.notice.endsAt) return undefined;
  return {
    next: {
      ...claim,
      status: 'PAYMENT' as const,
      openTask: undefined,
      version: claim.version + 1,
      updatedAt: at,
    },
    audit: noticeEnded(claim),
    decision: 'approve' as const,
  };
}

function noticeEnded(claim: ClaimRecord) {
  return {
    action: 'notice.ended',
    actor: SYSTEM,
    from: 'PUBLIC_NOTICE',
    to: 'PAYMENT',
    details: { objections: claim.notice?.objections.length ?? 0 },
  };
}

/**
 * A wait that ran out: a notice without objection moves on to payment, an expired payment task
 * is opened again, an expired review returns the claim to the enterprise.
 */
export function expireStage(claim: ClaimRecord, stage: string, at: string) {
  const base = { ...claim, openTask: undefined, version: claim.version + 1, updatedAt: at };
  if (stage === 'PUBLIC_NOTICE') {
    return {
      next: { ...base, status: 'PAYMENT' as const },
      audit: noticeEnded(claim),
      outcome: 'approve' as const,
    };
  }
  if (stage === 'PAYMENT') {
    return {
      next: base,
      audit: {
        action: 'payment.reminder',
        actor: SYSTEM,
        reason: 'the payment task outlived its time limit and is opened again',
      },
      outcome: 'expired' as const,
    };
  }
  const reason = `expired at ${stage}`;
  return {
    next: { ...base, status: 'RETURNED' as const, returnReason: reason },
    audit: { action: 'claim.expired', actor: SYSTEM, from: stage, to: 'RETURNED', reason },
    outcome: 'expired' as const,
  };
}
