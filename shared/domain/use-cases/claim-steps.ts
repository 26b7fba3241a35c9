import { type ClaimRecord, type ClaimStage, paymentDeadline } from '../claim.ts';
import { says } from '../error-codes.ts';
import { NotFound } from '../errors.ts';
import { bureauDueAt, endOfChinaDay } from '../handling.ts';
import type { CohortDeps } from '../ports.ts';
import type { DecisionOutcome } from '../task.ts';
import type { ClaimDeps } from './claim-reads.ts';
import { claimOutcomeAfter, claimReviews, expireStage, noticeRanOut } from './claim-review.ts';
import { checkExpiry, openTask, type StageTiming } from './review-lifecycle.ts';

/**
 * Workflow steps of `subsidy-claim`: the waiting stages are opened and expired by the one review
 * lifecycle (review-lifecycle.ts) over the claim's case type (claim-review.ts).
 */
type StepDeps = Pick<ClaimDeps, 'claims' | 'store' | 'reference' | 'clock' | 'newId'>;
const reviewsOf = (deps: StepDeps) => claimReviews(deps);

/** Step `open-claim-task`: the waiting step's task with its token (in the party's inbox, or the notice's unlisted wait). */
export function openClaimTask(
  deps: StepDeps,
  input: {
    taskToken: string;
    claimId: string;
    round: number;
    stage: ClaimStage | 'PUBLIC_NOTICE';
    timeoutSeconds: number;
  },
): Promise<{ taskId: string }> {
  return openTask(deps, reviewsOf(deps), { ...input, caseId: input.claimId }, claimTiming(deps));
}

/**
 * Step `check-claim-task-expiry`, after a waiting step ran out of time: a decision recorded in
 * time wins; a notice that ran out without objection moves on to payment; an expired review
 * returns the claim; an expired payment task is opened again.
 */
export function checkClaimTaskExpiry(
  deps: StepDeps,
  input: { claimId: string; round: number; stage: ClaimStage | 'PUBLIC_NOTICE' },
): Promise<{ outcome: DecisionOutcome | 'expired' | 'closed' | 'overdue' }> {
  return checkExpiry(deps, reviewsOf(deps), { ...input, caseId: input.claimId }, claimTiming(deps));
}

/**
 * The bureau's review runs on its limit in working days, the payment to its deadline (the end of
 * the month after the notice); neither returns the claim when late (issue 14).
 */
function claimTiming(deps: Pick<StepDeps, 'reference'>): StageTiming<ClaimRecord> {
  return {
    outcomeAfter: claimOutcomeAfter,
    overdueAtOpening: noticeRanOut,
    expire: expireStage,
    escalates: (stage) => stage === 'BUREAU_REVIEW',
    dueAt: async (claim, stage, now) => {
      if (stage === 'PAYMENT') {
        const { paymentDueOn } = paymentDeadline({ ...claim, status: 'PAYMENT' });
        return paymentDueOn ? endOfChinaDay(paymentDueOn) : undefined;
      }
      return bureauDueAt(deps, 'subsidy-claim', stage, now);
    },
  };
}

/** Step `publish-claim-outcome`: the domain event for however the claim's round ended. */
export async function publishClaimOutcome(
  deps: Pick<ClaimDeps, 'claims'> & Pick<CohortDeps, 'events'>,
  input: { claimId: string; round: number },
): Promise<{ status: string }> {
  const claim = await deps.claims.get(input.claimId);
  if (!claim) throw new NotFound(says('claim.not_found', { claimId: input.claimId }));
  await deps.events.publish(
    `SubsidyClaim${claim.status.charAt(0)}${claim.status
      .slice(1)
      .toLowerCase()
      .replace(/_(\w)/g, (_, c: string) => c.toUpperCase())}`,
    {
      claimId: claim.claimId,
      cohortId: claim.cohortId,
      kind: claim.kind,
      round: input.round,
      status: claim.status,
      amountFen: claim.amountFen,
      recoveryFen: claim.recoveryFen,
      districtCode: claim.districtCode,
    },
  );
  return { status: claim.status };
}
