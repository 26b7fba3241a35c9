import {
  type CohortRecord,
  cohortView,
  isReviewStage,
  noDocuments,
  type ReviewStage,
  WITHDRAWABLE,
} from '../cohort.ts';
import { changedItems } from '../corrections.ts';
import { says } from '../error-codes.ts';
import { Conflict, NotFound } from '../errors.ts';
import { withPreparer } from '../four-eyes.ts';
import { bureauDueAt } from '../handling.ts';
import { idempotent } from '../idempotency.ts';
import { CallbackNotAccepted, type CohortDeps } from '../ports.ts';
import { actorOf, orgKindOf, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';
import type { DecisionOutcome, TaskRecord } from '../task.ts';
import { todayInChinaOf } from '../time.ts';
import { checkRules, type RequestMeta } from './cohort-drafts.ts';
import { cohortReviews, expireCohortReview, outcomeAfter } from './cohort-review.ts';
import { visibleCohort } from './common.ts';
import { type GuardDeps, holdFilingRules, saveClaimingPersons } from './filing-guards.ts';
import { checkExpiry, openTask, type StageTiming } from './review-lifecycle.ts';

const _SYSTEM = { system: 'cohort-filing' };

/**
 * Submits a DRAFT or RETURNED cohort: every rule again (for submission), a new round whose
 * approvals start from nothing, then the `cohort-filing` workflow. The execution is named after
 * the cohort and round, so a retried start never makes a second one.
 */
export async function submitCohort(
  deps: GuardDeps & Pick<CohortDeps, 'workflows'>,
  principal: Principal,
  cohortId: string,
  meta: RequestMeta,
): Promise<Reply> {
  const start = (cohort: { cohortId: string; round: number }, stageTimeoutSeconds: number) =>
    deps.workflows.start('cohort-filing', executionName(cohort.cohortId, cohort.round), {
      cohortId: cohort.cohortId,
      round: cohort.round,
      stageTimeoutSeconds,
    });
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const current = await visibleCohort(deps.store, principal, cohortId);
      if (current.status !== 'DRAFT' && current.status !== 'RETURNED') {
        throw new Conflict(says('cohort.not_submittable', { status: current.status }), {
          status: current.status,
          version: current.version,
        });
      }
      await checkRules(deps, current, undefined, true);
      const policy = await deps.reference.policyInForce(todayInChinaOf(deps.clock.now()));
      const stageTimeoutSeconds = policy.stageTimeLimitDays * 86_400;
      // Resubmitted after a correction notice: which of its items changed, for the reviewers.
      const notice = current.status === 'RETURNED' ? current.corrections?.at(-1) : undefined;
      const corrections =
        notice && notice.round === current.round && notice.changed === undefined
          ? [
              ...current.corrections!.slice(0, -1),
              { ...notice, changed: changedItems(notice, current, noDocuments) },
            ]
          : current.corrections;
      const cohort: CohortRecord = {
        ...current,
        ...(corrections ? { corrections } : {}),
        status: 'COMPANY_REVIEW',
        round: current.round + 1,
        approvals: [],
        openTask: undefined,
        returnReason: undefined,
        preparers: withPreparer(current, principal.sub),
        version: current.version + 1,
        updatedAt: deps.clock.now().toISOString(),
      };
      // The money rules hold at submission, decided in its transaction (person claims, mentor loads).
      const guards = await holdFilingRules(deps, cohort, { before: current, claim: 'all', transition: true });
      const reply = { status: 200, body: { ...cohortView(cohort), stageTimeoutSeconds } };
      await saveClaimingPersons(deps.store, {
        ...guards,
        cohort,
        expectedVersion: current.version,
        audit: {
          action: 'cohort.submitted',
          actor: actorOf(principal),
          from: current.status,
          to: 'COMPANY_REVIEW',
          details: { round: cohort.round, apprentices: cohort.apprentices.length },
        },
        idempotency: record(reply),
        // A listed enterprise submits nothing (domain.md): decided in this very transaction.
        notListed: {
          districtCode: cohort.districtCode,
          enterpriseId: cohort.enterpriseId,
          today: todayInChinaOf(deps.clock.now()),
        },
      });
      await start(cohort, stageTimeoutSeconds);
      return reply;
    },
    // A repeat finishes what the first attempt may not have: starting the (same-named) execution.
    async (reply) => {
      const body = reply.body as { cohortId: string; round: number; stageTimeoutSeconds: number };
      await start(body, body.stageTimeoutSeconds);
    },
  );
}

export function executionName(cohortId: string, round: number): string {
  return `${cohortId}-r${round}`;
}

/** Withdraws a cohort before FILED; a waiting review is failed with `CaseWithdrawn`. */
export async function withdrawCohort(
  deps: Pick<CohortDeps, 'store' | 'clock' | 'workflows'>,
  principal: Principal,
  cohortId: string,
  reason: string | undefined,
  meta: RequestMeta,
): Promise<Reply> {
  const notify = async (task: TaskRecord | undefined) => {
    if (!task) return;
    try {
      await deps.workflows.sendFailure(task.token, 'CaseWithdrawn', 'The enterprise withdrew the cohort');
    } catch (error) {
      if (!(error instanceof CallbackNotAccepted)) throw error;
    }
    await deps.store.closeTask(task.taskId);
  };
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const current = await visibleCohort(deps.store, principal, cohortId);
      if (!WITHDRAWABLE.includes(current.status)) {
        throw new Conflict(says('cohort.not_withdrawable', { status: current.status }), {
          status: current.status,
          version: current.version,
        });
      }
      const now = deps.clock.now().toISOString();
      const open = current.openTask ? await deps.store.task(current.openTask.taskId) : undefined;
      const task = open && open.status === 'OPEN' ? open : undefined;
      const cohort: CohortRecord = {
        ...current,
        status: 'WITHDRAWN',
        openTask: undefined,
        version: current.version + 1,
        updatedAt: now,
      };
      const reply = { status: 200, body: cohortView(cohort) };
      await deps.store.save({
        cohort,
        expectedVersion: current.version,
        audit: {
          action: 'cohort.withdrawn',
          actor: actorOf(principal),
          from: current.status,
          to: 'WITHDRAWN',
          reason,
        },
        idempotency: record(reply),
        task: task
          ? {
              record: {
                ...task,
                status: 'DECIDED',
                decidedBy: principal.sub,
                decidedAt: now,
                callbackPending: true,
              },
              expectedStatus: 'OPEN',
            }
          : undefined,
      });
      await notify(task ? { ...task, status: 'DECIDED' } : undefined);
      return reply;
    },
    async () => {
      const cohort = await deps.store.get(cohortId);
      const last = cohort?.openTask ? await deps.store.task(cohort.openTask.taskId) : undefined;
      if (last?.callbackPending) await notify(last);
    },
  );
}

/**
 * Step `open-review-task`: puts the waiting review in the inbox of the party whose turn it is,
 * through the one review lifecycle (review-lifecycle.ts) over the cohort's case type.
 */
export function openReviewTask(
  deps: GuardDeps & Pick<CohortDeps, 'newId'>,
  input: { taskToken: string; cohortId: string; round: number; stage: ReviewStage; timeoutSeconds: number },
): Promise<{ taskId: string }> {
  return openTask(deps, cohortReviews(deps), { ...input, caseId: input.cohortId }, cohortTiming(deps));
}

/**
 * Step `check-expired-review`, after a review outlived its time limit: a decision recorded in
 * time wins (its callback may have crossed the timeout); otherwise the cohort is RETURNED with
 * the reason "expired at <stage>".
 */
export function checkExpiredReview(
  deps: GuardDeps,
  input: { cohortId: string; round: number; stage: ReviewStage },
): Promise<{ outcome: DecisionOutcome | 'expired' | 'closed' | 'overdue' }> {
  return checkExpiry(deps, cohortReviews(deps), { ...input, caseId: input.cohortId }, cohortTiming(deps));
}

/**
 * The bureau's filing runs on its acceptance limit in working days; past it the cohort is OVERDUE
 * and escalated, never returned (issue 14). Company and school keep their time limit.
 */
function cohortTiming(deps: Pick<GuardDeps, 'reference'>): StageTiming<CohortRecord> {
  return {
    escalates: (stage) => stage === 'BUREAU_REVIEW',
    dueAt: (_cohort, stage, now) => bureauDueAt(deps, 'cohort-filing', stage, now),
    outcomeAfter,
    expire: expireCohortReview,
  };
}

/** Step `publish-filing-outcome`: the domain event for however the filing round ended. */
export async function publishFilingOutcome(
  deps: Pick<CohortDeps, 'store' | 'events'>,
  input: { cohortId: string; round: number },
): Promise<{ status: string }> {
  const cohort = await deps.store.get(input.cohortId);
  if (!cohort) throw new NotFound(says('cohort.not_found', { cohortId: input.cohortId }));
  await deps.events.publish(`CohortFiling${pascal(cohort.status)}`, {
    cohortId: cohort.cohortId,
    round: input.round,
    status: cohort.status,
    enterpriseId: cohort.enterpriseId,
    schoolId: cohort.schoolId,
    districtCode: cohort.districtCode,
    entitlementFen: cohort.entitlementFen,
    policyVersion: cohort.policyVersion,
  });
  return { status: cohort.status };
}

function pascal(status: string): string {
  return status
    .toLowerCase()
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export { isReviewStage, orgKindOf };
