import type { DecisionBody } from '../../schemas/cohort.ts';
import type { ClaimStore } from '../claim-ports.ts';
import {
  type CohortRecord,
  cohortView,
  isReviewStage,
  NEXT_AFTER_APPROVAL,
  type ReviewStage,
  STAGE_ROLE,
  WITHDRAWABLE,
} from '../cohort.ts';
import { cohortEntitlementFen } from '../entitlement.ts';
import { Conflict, type FieldError, Forbidden, NotFound, ValidationFailed } from '../errors.ts';
import { refuseOwnCase, withPreparer } from '../four-eyes.ts';
import { idempotent } from '../idempotency.ts';
import type { TargetLevel } from '../policy.ts';
import { CallbackNotAccepted, type CohortDeps } from '../ports.ts';
import { actorOf, orgKindOf, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';
import { type DecisionOutcome, preDecidedTask, type TaskRecord } from '../task.ts';
import { todayInChinaOf } from '../time.ts';
import { CaseWithdrawn } from '../workflow-errors.ts';
import { decideClaimTask } from './claim-review.ts';
import { checkRules, type RequestMeta } from './cohort-drafts.ts';
import { visibleCohort } from './common.ts';
import { type GuardDeps, holdFilingRules } from './filing-guards.ts';

const SYSTEM = { system: 'cohort-filing' };

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
        throw new Conflict(`Only a DRAFT or RETURNED cohort can be submitted; it is ${current.status}`, {
          status: current.status,
          version: current.version,
        });
      }
      await checkRules(deps, current, undefined, true);
      const policy = await deps.reference.policyInForce(todayInChinaOf(deps.clock.now()));
      const stageTimeoutSeconds = policy.stageTimeLimitDays * 86_400;
      const cohort: CohortRecord = {
        ...current,
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
      await deps.store.save({
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
        throw new Conflict(`A ${current.status} cohort cannot be withdrawn`, {
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
 * Records a party's decision on a waiting review, then sends the workflow its callback.
 * The decision is in DynamoDB (with the cohort's new state and its audit record) before the
 * callback goes out; a callback that fails is answered 503, never success, and a retry with the
 * same key (or the reconciler) delivers it.
 */
export async function decideTask(
  deps: GuardDeps & Pick<CohortDeps, 'workflows' | 'newId'> & { claims: ClaimStore },
  principal: Principal,
  taskId: string,
  body: DecisionBody,
  meta: RequestMeta,
): Promise<Reply> {
  const deliver = async (task: TaskRecord) => {
    try {
      await deps.workflows.sendSuccess(task.token, { outcome: task.decision, taskId: task.taskId });
    } catch (error) {
      // The review timed out meanwhile: its expiry check finds this decision and follows it.
      if (!(error instanceof CallbackNotAccepted)) throw error;
    }
    await deps.store.closeTask(task.taskId);
  };
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const task = await deps.store.task(taskId);
      if (!task) throw new NotFound(`No task ${taskId}`);
      if (task.workflow === 'subsidy-claim') return decideClaimTask(deps, principal, task, body, record);
      const current = await visibleCohort(deps.store, principal, task.caseId).catch((error: unknown) => {
        throw error instanceof NotFound ? new NotFound(`No task ${taskId}`) : error;
      });
      if (task.role !== principal.role) throw new Forbidden(`This task is for ${task.role}`);
      if (task.org !== principal.orgId) throw new NotFound(`No task ${taskId}`);
      if (task.status !== 'OPEN' || current.status !== task.stage || current.round !== task.round) {
        throw new Conflict(`This task is closed; the cohort is ${current.status}`, {
          status: current.status,
          version: current.version,
        });
      }
      const now = deps.clock.now();
      const at = now.toISOString();
      const stage = task.stage;
      let cohort: CohortRecord = {
        ...current,
        openTask: undefined,
        version: current.version + 1,
        updatedAt: at,
      };
      let guards: Awaited<ReturnType<typeof holdFilingRules>> | undefined;
      const details: Record<string, unknown> = { taskId, round: task.round };
      if (body.decision === 'approve') {
        refuseOwnCase(principal, current, 'a cohort');
        if (stage !== 'SCHOOL_REVIEW' && (body.schoolMentors || body.enrolment)) {
          throw new ValidationFailed([
            { path: 'enrolment', message: 'enrolment is given only at the school stage' },
          ]);
        }
        if (body.approvedAmountFen !== undefined) {
          throw new ValidationFailed([
            { path: 'approvedAmountFen', message: 'applies to claims, not to cohort filing' },
          ]);
        }
        cohort = {
          ...cohort,
          status: NEXT_AFTER_APPROVAL[stage],
          approvals: [...cohort.approvals, { stage, by: principal.sub, at }],
        };
        if (stage === 'SCHOOL_REVIEW') {
          const enrolled = enrol(cohort, body);
          cohort = enrolled.cohort;
          details.enrolled = enrolled.count;
        }
        // Every approval holds the money rules again, decided in the decision's transaction.
        guards = await holdFilingRules(deps, cohort, { before: current, claim: 'all', transition: true });
        if (stage === 'BUREAU_REVIEW') {
          cohort = await file(deps, cohort, at);
          details.entitlementFen = cohort.entitlementFen;
          details.policyVersion = cohort.policyVersion;
        }
      } else if (body.decision === 'return') {
        cohort = { ...cohort, status: 'RETURNED', returnReason: body.reason, approvals: [] };
      } else {
        cohort = { ...cohort, status: 'REJECTED', rejectReason: body.reason };
      }
      const decided: TaskRecord = {
        ...task,
        status: 'DECIDED',
        decision: body.decision as DecisionOutcome,
        decidedBy: principal.sub,
        decidedAt: at,
        callbackPending: true,
      };
      const reply = {
        status: 200,
        body: { taskId, decision: body.decision, stage, cohort: cohortView(cohort) },
      };
      await deps.store.save({
        cohort,
        expectedVersion: current.version,
        audit: {
          action: `review.${body.decision}`,
          actor: actorOf(principal),
          from: stage,
          to: cohort.status,
          reason: body.reason,
          details,
        },
        idempotency: record(reply),
        task: { record: decided, expectedStatus: 'OPEN' },
        claimPersons: guards?.claimPersons,
        mentorLoads: guards?.mentorLoads,
        // A filed cohort waits in the list the scheduled completion reads (cohort-completion.ts).
        completionDue: cohort.status === 'FILED' ? { endDate: cohort.endDate, due: true } : undefined,
      });
      await deliver(decided);
      return reply;
    },
    async () => {
      const task = await deps.store.task(taskId);
      if (task?.callbackPending) await deliver(task);
    },
  );
}

/** The school's approval: a student number and a school mentor for every enrolled apprentice. */
function enrol(cohort: CohortRecord, body: DecisionBody): { cohort: CohortRecord; count: number } {
  const errors: FieldError[] = [];
  const mentors = body.schoolMentors ?? [];
  const rows = body.enrolment ?? [];
  if (mentors.length === 0)
    errors.push({ path: 'schoolMentors', message: 'the school names its mentors when it approves' });
  const byId = new Map(rows.map((row, index) => [row.apprenticeId, { row, index }]));
  rows.forEach((row, index) => {
    if (!cohort.apprentices.some((apprentice) => apprentice.apprenticeId === row.apprenticeId)) {
      errors.push({ path: `enrolment.${index}.apprenticeId`, message: 'no such apprentice in this cohort' });
    }
  });
  const apprentices = cohort.apprentices.map((apprentice, index) => {
    if (apprentice.status !== 'enrolled') return apprentice;
    const entry = byId.get(apprentice.apprenticeId);
    if (!entry) {
      errors.push({
        path: 'enrolment',
        message: `apprentice ${index + 1} (${apprentice.apprenticeId}) has no student number and school mentor`,
      });
      return apprentice;
    }
    return {
      ...apprentice,
      studentNumber: entry.row.studentNumber,
      schoolMentorKey: entry.row.schoolMentorKey,
    };
  });
  if (errors.length > 0) throw new ValidationFailed(errors);
  return { cohort: { ...cohort, schoolMentors: mentors, apprentices }, count: rows.length };
}

/** FILED: the entitlement is computed with the policy in force and stored with its version. */
async function file(
  deps: Pick<CohortDeps, 'reference' | 'clock'>,
  cohort: CohortRecord,
  at: string,
): Promise<CohortRecord> {
  const policy = await deps.reference.policyInForce(todayInChinaOf(deps.clock.now()));
  const enrolled = cohort.apprentices.filter((apprentice) => apprentice.status === 'enrolled').length;
  const entitlement = cohortEntitlementFen(
    policy,
    {
      targetLevel: cohort.targetLevel as TargetLevel,
      startDate: cohort.startDate,
      endDate: cohort.endDate,
      apprenticeCount: enrolled,
    },
    { shortage: cohort.shortage },
  );
  return {
    ...cohort,
    apprentices: cohort.apprentices.map((apprentice) =>
      apprentice.status === 'enrolled'
        ? { ...apprentice, entitlementFen: entitlement.perApprenticeFen }
        : apprentice,
    ),
    entitlementFen: entitlement.totalFen,
    entitlement,
    policyVersion: policy.policyVersion,
    filedAt: at,
  };
}

/**
 * Step `open-review-task`: puts the waiting review in the inbox of the party whose turn it is,
 * with the workflow's task token (kept server-side). Re-invoked for the same stage and round, it
 * replaces the token rather than opening a second task.
 */
export async function openReviewTask(
  deps: Pick<CohortDeps, 'store' | 'clock' | 'newId'>,
  input: { taskToken: string; cohortId: string; round: number; stage: ReviewStage; timeoutSeconds: number },
): Promise<{ taskId: string }> {
  const current = await deps.store.get(input.cohortId);
  if (!current || current.round !== input.round || current.status === 'WITHDRAWN') {
    // The cohort moved on (withdrawn) before the review opened: end this stage as withdrawn.
    throw new CaseWithdrawn(`Cohort ${input.cohortId} is no longer at ${input.stage}`);
  }
  if (current.status !== input.stage) {
    const outcome = outcomeOf(current, input.stage);
    if (outcome === 'closed')
      throw new CaseWithdrawn(`Cohort ${input.cohortId} is no longer at ${input.stage}`);
    // Decided while this step was being retried (its first attempt had opened the review): hand
    // the decision to this attempt's token through the reconciler rather than lose it.
    const redelivery = preDecidedTask({
      taskId: deps.newId(),
      workflow: 'cohort-filing',
      caseId: current.cohortId,
      round: current.round,
      stage: input.stage,
      role: STAGE_ROLE[input.stage],
      org: orgFor(current, STAGE_ROLE[input.stage]),
      decision: outcome,
      token: input.taskToken,
      at: deps.clock.now().toISOString(),
    });
    await deps.store.save({
      cohort: { ...current, version: current.version + 1 },
      expectedVersion: current.version,
      audit: {
        action: 'review.redelivered',
        actor: SYSTEM,
        details: { stage: input.stage, outcome, taskId: redelivery.taskId },
      },
      task: { record: redelivery, expectedStatus: null },
    });
    return { taskId: redelivery.taskId };
  }
  const existing =
    current.openTask?.stage === input.stage ? await deps.store.task(current.openTask.taskId) : undefined;
  const now = deps.clock.now();
  const role = STAGE_ROLE[input.stage];
  const org = orgFor(current, role);
  const task: TaskRecord = existing
    ? { ...existing, token: input.taskToken }
    : {
        taskId: deps.newId(),
        workflow: 'cohort-filing',
        caseId: current.cohortId,
        round: current.round,
        stage: input.stage,
        role,
        org,
        status: 'OPEN',
        token: input.taskToken,
        createdAt: now.toISOString(),
        dueAt: new Date(now.getTime() + input.timeoutSeconds * 1000).toISOString(),
      };
  await deps.store.save({
    cohort: {
      ...current,
      openTask: { taskId: task.taskId, stage: input.stage },
      version: current.version + 1,
    },
    expectedVersion: current.version,
    audit: {
      action: 'review.opened',
      actor: SYSTEM,
      to: input.stage,
      details: { taskId: task.taskId, dueAt: task.dueAt },
    },
    task: { record: task, expectedStatus: existing ? 'OPEN' : null },
  });
  return { taskId: task.taskId };
}

function orgFor(cohort: CohortRecord, role: string): string {
  const kind = role.split('.')[0];
  return kind === 'enterprise'
    ? cohort.enterpriseId
    : kind === 'school'
      ? cohort.schoolId
      : cohort.districtCode;
}

/**
 * Step `check-expired-review`, after a review outlived its time limit: a decision recorded in
 * time wins (its callback may have crossed the timeout); otherwise the cohort is RETURNED with
 * the reason "expired at <stage>".
 */
export async function checkExpiredReview(
  deps: Pick<CohortDeps, 'store' | 'clock'>,
  input: { cohortId: string; round: number; stage: ReviewStage },
): Promise<{ outcome: DecisionOutcome | 'expired' | 'closed' }> {
  const current = await deps.store.get(input.cohortId);
  if (!current || current.round !== input.round) return { outcome: 'closed' };
  const task = current.openTask ? await deps.store.task(current.openTask.taskId) : undefined;
  if (task && task.round === input.round && task.stage === input.stage && task.status !== 'OPEN') {
    if (task.decision) {
      if (task.callbackPending) await deps.store.closeTask(task.taskId);
      return { outcome: task.decision };
    }
    return { outcome: 'closed' };
  }
  if (current.status !== input.stage) {
    // Decided and delivered already (or withdrawn): follow what the cohort says.
    return { outcome: current.status === 'WITHDRAWN' ? 'closed' : outcomeOf(current, input.stage) };
  }
  const at = deps.clock.now().toISOString();
  const reason = `expired at ${input.stage}`;
  await deps.store.save({
    cohort: {
      ...current,
      status: 'RETURNED',
      returnReason: reason,
      approvals: [],
      openTask: undefined,
      version: current.version + 1,
      updatedAt: at,
    },
    expectedVersion: current.version,
    audit: { action: 'review.expired', actor: SYSTEM, from: input.stage, to: 'RETURNED', reason },
    task:
      task && task.status === 'OPEN'
        ? { record: { ...task, status: 'EXPIRED' }, expectedStatus: 'OPEN' }
        : undefined,
  });
  return { outcome: 'expired' };
}

function outcomeOf(cohort: CohortRecord, stage: ReviewStage): DecisionOutcome | 'closed' {
  if (cohort.status === 'RETURNED') return 'return';
  if (cohort.status === 'REJECTED') return 'reject';
  if (cohort.approvals.some((approval) => approval.stage === stage)) return 'approve';
  return 'closed';
}

/** Step `publish-filing-outcome`: the domain event for however the filing round ended. */
export async function publishFilingOutcome(
  deps: Pick<CohortDeps, 'store' | 'events'>,
  input: { cohortId: string; round: number },
): Promise<{ status: string }> {
  const cohort = await deps.store.get(input.cohortId);
  if (!cohort) throw new NotFound(`No cohort ${input.cohortId}`);
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
