import type { DecisionBody } from '../../schemas/decision.ts';
import type { AuditDraft } from '../audit.ts';
import { says } from '../error-codes.ts';
import { Conflict, Forbidden, fieldError, NotFound, ValidationFailed } from '../errors.ts';
import { idempotent } from '../idempotency.ts';
import {
  CallbackNotAccepted,
  type Clock,
  type CohortStore,
  type IdempotencyWrite,
  type WorkflowName,
  type Workflows,
} from '../ports.ts';
import { actorOf, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';
import { type DecisionOutcome, preDecidedTask, type TaskRecord } from '../task.ts';
import { CaseWithdrawn } from '../workflow-errors.ts';
import type { RequestMeta } from './cohort-drafts.ts';

/**
 * The one review-task lifecycle of every workflow (cohort filing, subsidy claims, and next the
 * objections and overrides): a task is opened for the party whose turn it is, decided by that
 * party under the same guards (role, organisation, round, stage, task open), recorded with the
 * case's new state, its audit record and the idempotency record in one transaction, then its
 * callback is delivered and the task closed; a wait that outlives its time limit is checked here
 * too. What differs between case types is behind `CaseReviews`, which each case type implements.
 * This module never imports a case type: the workflow of a task picks its `CaseReviews`.
 */
export interface ReviewCase {
  status: string;
  round: number;
  version: number;
  openTask?: { taskId: string; stage: string; dueAt?: string; overdueAt?: string } | undefined;
}

/** A decision's change of the case, and what else it writes with it. */
export interface DecisionPlan<C> {
  next: C;
  /** Audit action and details beside the lifecycle's own (task id, round). */
  action: string;
  details?: Record<string, unknown>;
  /** Anything else of the case type the same transaction writes (ledger, budget, marks…). */
  extra?: unknown;
}

/** The change the lifecycle asks a case type to write, in one transaction. */
export interface CaseWrite<C> {
  next: C;
  expectedVersion: number;
  audit: AuditDraft;
  idempotency?: IdempotencyWrite | undefined;
  task?: { record: TaskRecord; expectedStatus: TaskRecord['status'] | null } | undefined;
  extra?: unknown;
}

export interface CaseReviews<C extends ReviewCase> {
  /** What the case is called in messages ("cohort", "claim"). */
  readonly noun: string;
  readonly workflow: WorkflowName;
  /** The system actor of the workflow's own steps. */
  readonly system: { system: string };
  load(caseId: string): Promise<C | undefined>;
  /** Whether the caller may see the case at all (else 404: existence does not leak). */
  visible(principal: Principal, current: C): boolean;
  /** The status a case has while a task of this stage waits. */
  statusAt(stage: string): string;
  /** Stage-specific guards and the case's new state (may throw 400/403/409). */
  plan(input: {
    principal: Principal;
    current: C;
    task: TaskRecord;
    body: DecisionBody;
    at: string;
  }): Promise<DecisionPlan<C>>;
  write(change: CaseWrite<C>): Promise<void>;
  /** A failed write: 'replan' to plan the decision again (the rules' inputs moved meanwhile). */
  recover?(
    error: unknown,
    input: { principal: Principal; current: C; plan: DecisionPlan<C>; at: string },
  ): Promise<'replan'>;
  view(current: C): unknown;
  /** Who decides a stage, for a task opened for it. */
  party(current: C, stage: string): { role: TaskRecord['role']; org: string; listed?: boolean };
  /** The audit action of an opened task and of a redelivered decision. */
  readonly opened: { action: string; redelivered: string };
}

/**
 * What a case type does at the workflow's own steps — a stage's due time (issue 14: a bureau
 * stage's working days), whether a late stage escalates, how a stage that ran out ends — given by
 * the steps that open and expire tasks, so the decision API's bundle carries none of it.
 */
export interface StageTiming<C extends ReviewCase> {
  /** The decision the case's later state shows was taken at `stage`, if any. */
  outcomeAfter(current: C, stage: string): DecisionOutcome | undefined;
  /**
   * A task opened after its wait already ran out (a retried opening step): the case type's own
   * ending of the stage, handed to this token. Undefined when the stage has none.
   */
  overdueAtOpening?(
    current: C,
    stage: string,
    at: string,
  ): { next: C; audit: AuditDraft; decision: DecisionOutcome } | undefined;
  /** The case type's ending of a stage whose wait ran out with no decision. */
  expire(
    current: C,
    stage: string,
    at: string,
  ): { next: C; audit: AuditDraft; outcome: DecisionOutcome | 'expired' };
  /** When a stage's task is due: a bureau stage's handling limit in working days, a payment's deadline. */
  dueAt?(current: C, stage: string, now: Date): Promise<string | undefined>;
  /**
   * A stage the bureau must decide however late (domain.md "handling limits"): a wait that ran out
   * marks the task OVERDUE and escalates it (the workflow waits again); it never ends the stage.
   */
  escalates?(stage: string): boolean;
}

export interface LifecycleDeps {
  store: Pick<CohortStore, 'task' | 'closeTask' | 'idempotency'>;
  workflows: Pick<Workflows, 'sendSuccess'>;
  clock: Clock;
  newId(): string;
  /** The case types, by the workflow of their tasks. */
  reviews: Partial<Record<WorkflowName, CaseReviews<ReviewCase>>>;
  /**
   * Tasks no workflow waits on, by stage (a public objection, issue 14): decided by their own use
   * case under the same idempotency; `replay` finishes what a first attempt may have left undone.
   */
  standalone?: Partial<Record<TaskRecord['stage'], StandaloneTask>>;
}

export interface StandaloneTask {
  decide(input: {
    principal: Principal;
    task: TaskRecord;
    body: DecisionBody;
    record: (reply: Reply) => IdempotencyWrite | undefined;
  }): Promise<Reply>;
  replay?(task: TaskRecord): Promise<void>;
}

/** A decision on a planned write may be re-planned this many times (contested subsidy marks). */
const PLAN_ATTEMPTS = 3;

/**
 * Records a party's decision on a waiting review, then sends the workflow its callback. The
 * decision is in DynamoDB (with the case's new state and its audit record) before the callback
 * goes out; a callback that fails is answered 503, never success, and a retry with the same key
 * (or the reconciler) delivers it.
 */
export async function decideTask(
  deps: LifecycleDeps,
  principal: Principal,
  taskId: string,
  body: DecisionBody,
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const task = await deps.store.task(taskId);
      const standalone = task ? deps.standalone?.[task.stage] : undefined;
      if (task && standalone) return standalone.decide({ principal, task, body, record });
      const reviews = task ? deps.reviews[task.workflow] : undefined;
      if (!task || !reviews) throw new NotFound(says('task.not_found', { taskId }));
      const current = await openCaseOf(reviews, principal, task);
      if (body.decision === 'uphold' || body.decision === 'dismiss') {
        throw new ValidationFailed([fieldError('decision', says('decision.unknown'))]);
      }
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
        const plan = await reviews.plan({ principal, current, task, body, at });
        const reply = {
          status: 200,
          body: {
            taskId,
            decision: body.decision,
            stage: task.stage,
            [reviews.noun]: reviews.view(plan.next),
          },
        };
        try {
          await reviews.write({
            next: plan.next,
            expectedVersion: current.version,
            audit: {
              action: plan.action,
              actor: actorOf(principal),
              from: task.stage,
              to: plan.next.status,
              reason: body.reason,
              details: { taskId, round: task.round, ...plan.details },
            },
            idempotency: record(reply),
            task: { record: decided, expectedStatus: 'OPEN' },
            extra: plan.extra,
          });
        } catch (error) {
          const recovered = reviews.recover
            ? await reviews.recover(error, { principal, current, plan, at })
            : undefined;
          if (recovered === 'replan' && attempt < PLAN_ATTEMPTS) continue;
          throw recovered === 'replan' ? new Conflict(says('review.case_changed')) : error;
        }
        await deliverDecision(deps, decided);
        return reply;
      }
    },
    async () => {
      const task = await deps.store.task(taskId);
      if (task?.callbackPending) await deliverDecision(deps, task);
      else if (task) await deps.standalone?.[task.stage]?.replay?.(task);
    },
  );
}

/** The guards every decision passes: the case is visible, the task is the caller's and still open. */
async function openCaseOf(
  reviews: CaseReviews<ReviewCase>,
  principal: Principal,
  task: TaskRecord,
): Promise<ReviewCase> {
  const current = await reviews.load(task.caseId);
  if (!current || !reviews.visible(principal, current)) {
    throw new NotFound(says('task.not_found', { taskId: task.taskId }));
  }
  if (task.role !== principal.role) throw new Forbidden(says('task.wrong_role', { role: task.role }));
  if (task.org !== principal.orgId) throw new NotFound(says('task.not_found', { taskId: task.taskId }));
  if (
    task.status !== 'OPEN' ||
    current.status !== reviews.statusAt(task.stage) ||
    current.round !== task.round
  ) {
    throw new Conflict(says('task.closed', { noun: reviews.noun, status: current.status }), {
      status: current.status,
      version: current.version,
    });
  }
  return current;
}

/** Sends a stored decision to the waiting workflow and closes its task. */
export async function deliverDecision(
  deps: Pick<LifecycleDeps, 'store' | 'workflows'>,
  task: TaskRecord,
): Promise<void> {
  try {
    await deps.workflows.sendSuccess(task.token, { outcome: task.decision, taskId: task.taskId });
  } catch (error) {
    // The wait timed out meanwhile: its expiry check finds this decision and follows it.
    if (!(error instanceof CallbackNotAccepted)) throw error;
  }
  await deps.store.closeTask(task.taskId);
}

/**
 * Workflow step "open the task": puts the waiting stage in the inbox of the party whose turn it is,
 * with the workflow's task token (kept server-side). Re-invoked for the same stage and round, it
 * replaces the token rather than opening a second task; a stage decided while the step was retried
 * hands that decision to this token (the reconciler delivers it).
 */
export async function openTask<C extends ReviewCase>(
  deps: Pick<LifecycleDeps, 'store' | 'clock' | 'newId'>,
  reviews: CaseReviews<C>,
  input: { taskToken: string; caseId: string; round: number; stage: string; timeoutSeconds: number },
  timing: Partial<StageTiming<C>> = {},
): Promise<{ taskId: string }> {
  const current = await reviews.load(input.caseId);
  if (!current || current.round !== input.round || current.status === 'WITHDRAWN') {
    throw new CaseWithdrawn(`${reviews.noun} ${input.caseId} is no longer at ${input.stage}`);
  }
  const now = deps.clock.now();
  const at = now.toISOString();
  const party = reviews.party(current, input.stage);
  // Whose task it is, for this stage of this round, with this token: the same for every task opened here.
  const identity = {
    workflow: reviews.workflow,
    caseId: input.caseId,
    round: current.round,
    stage: input.stage as TaskRecord['stage'],
    role: party.role,
    org: party.org,
    token: input.taskToken,
  };
  const handOver = (decision: DecisionOutcome, next: C, audit: AuditDraft) => {
    const task = preDecidedTask({
      ...identity,
      taskId: deps.newId(),
      decision,
      at,
      ...(party.listed === false ? { listed: false } : {}),
    });
    return reviews
      .write({ next, expectedVersion: current.version, audit, task: { record: task, expectedStatus: null } })
      .then(() => ({ taskId: task.taskId }));
  };
  if (current.status !== reviews.statusAt(input.stage)) {
    const outcome = timing.outcomeAfter?.(current, input.stage);
    if (!outcome) throw new CaseWithdrawn(`${reviews.noun} ${input.caseId} is no longer at ${input.stage}`);
    return handOver(
      outcome,
      { ...current, version: current.version + 1 },
      {
        action: reviews.opened.redelivered,
        actor: reviews.system,
        details: { stage: input.stage, outcome },
      },
    );
  }
  const overdue = timing.overdueAtOpening?.(current, input.stage, at);
  if (overdue) return handOver(overdue.decision, overdue.next, overdue.audit);
  const existing =
    current.openTask?.stage === input.stage ? await deps.store.task(current.openTask.taskId) : undefined;
  const reuse = existing?.status === 'OPEN' ? existing : undefined;
  const task: TaskRecord = reuse
    ? { ...reuse, token: input.taskToken }
    : {
        ...identity,
        taskId: deps.newId(),
        status: 'OPEN',
        createdAt: at,
        dueAt:
          (await timing.dueAt?.(current, input.stage, now)) ??
          new Date(now.getTime() + input.timeoutSeconds * 1000).toISOString(),
        ...(party.listed === undefined ? {} : { listed: party.listed }),
      };
  const openTask = {
    taskId: task.taskId,
    stage: input.stage,
    dueAt: task.dueAt,
    ...(task.overdueAt ? { overdueAt: task.overdueAt } : {}),
  };
  await reviews.write({
    next: { ...current, openTask, version: current.version + 1 },
    expectedVersion: current.version,
    audit: {
      action: reviews.opened.action,
      actor: reviews.system,
      to: input.stage,
      details: { taskId: task.taskId, dueAt: task.dueAt },
    },
    task: { record: task, expectedStatus: reuse ? 'OPEN' : null },
  });
  return { taskId: task.taskId };
}

/**
 * Workflow step "the wait ran out": a decision recorded in time wins (its callback may have
 * crossed the timeout); a stage that moved on follows what the case shows; otherwise the case
 * type ends the stage (a review returns, a notice moves on to payment…).
 */
export async function checkExpiry<C extends ReviewCase>(
  deps: Pick<LifecycleDeps, 'store' | 'clock'>,
  reviews: CaseReviews<C>,
  input: { caseId: string; round: number; stage: string },
  timing: StageTiming<C>,
): Promise<{ outcome: DecisionOutcome | 'expired' | 'closed' | 'overdue' }> {
  const current = await reviews.load(input.caseId);
  if (!current || current.round !== input.round) return { outcome: 'closed' };
  const task = current.openTask ? await deps.store.task(current.openTask.taskId) : undefined;
  if (task && task.round === input.round && task.stage === input.stage && task.status !== 'OPEN') {
    if (!task.decision) return { outcome: 'closed' };
    if (task.callbackPending) await deps.store.closeTask(task.taskId);
    return { outcome: task.decision };
  }
  if (current.status !== reviews.statusAt(input.stage)) {
    return {
      outcome:
        current.status === 'WITHDRAWN' ? 'closed' : (timing.outcomeAfter(current, input.stage) ?? 'closed'),
    };
  }
  if (timing.escalates?.(input.stage)) return markOverdue(deps, reviews, current, task, input.stage);
  const ended = timing.expire(current, input.stage, deps.clock.now().toISOString());
  await reviews.write({
    next: ended.next,
    expectedVersion: current.version,
    audit: ended.audit,
    task:
      task && task.status === 'OPEN' && task.stage === input.stage
        ? { record: { ...task, status: 'EXPIRED' }, expectedStatus: 'OPEN' }
        : undefined,
  });
  return { outcome: ended.outcome };
}

/**
 * A bureau stage past its handling limit: its task is marked OVERDUE once (audited, escalated to
 * the district's bureau.admin, whose inbox lists it) and stays open for the reviewer to decide;
 * the workflow waits again. A wait that ran out before the task is due (a timer set earlier, under
 * another limit) marks nothing.
 */
async function markOverdue<C extends ReviewCase>(
  deps: Pick<LifecycleDeps, 'clock'>,
  reviews: CaseReviews<C>,
  current: C,
  task: TaskRecord | undefined,
  stage: string,
): Promise<{ outcome: 'overdue' }> {
  const at = deps.clock.now().toISOString();
  if (task?.status !== 'OPEN' || task.stage !== stage || task.overdueAt || at < task.dueAt) {
    return { outcome: 'overdue' };
  }
  await reviews.write({
    next: {
      ...current,
      ...(current.openTask ? { openTask: { ...current.openTask, overdueAt: at } } : {}),
      version: current.version + 1,
    },
    expectedVersion: current.version,
    audit: {
      action: 'task.overdue',
      actor: reviews.system,
      details: { taskId: task.taskId, stage, dueAt: task.dueAt, escalatedTo: 'bureau.admin' },
    },
    task: { record: { ...task, overdueAt: at }, expectedStatus: 'OPEN' },
  });
  return { outcome: 'overdue' };
}
