import type { ClaimEvidenceBody, CreateClaimBody } from '../../schemas/claim.ts';
import { GENESIS_HASH } from '../audit.ts';
import {
  CLAIM_STAGE_ROLE,
  type ClaimKind,
  type ClaimRecord,
  type ClaimStage,
  type ClaimStatus,
  canSeeClaim,
  claimView,
} from '../claim.ts';
import type { ClaimStore } from '../claim-ports.ts';
import type { CohortRecord } from '../cohort.ts';
import { addDays, addWorkingDays } from '../dates.ts';
import type { DocumentStore } from '../document-ports.ts';
import { Conflict, type FieldError, Forbidden, NotFound, ValidationFailed } from '../errors.ts';
import { preparersOf, withPreparer } from '../four-eyes.ts';
import { idempotent } from '../idempotency.ts';
import type { Policy } from '../policy.ts';
import type { CohortDeps } from '../ports.ts';
import { actorOf, orgKindOf, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';
import { type DecisionOutcome, preDecidedTask, type TaskRecord } from '../task.ts';
import { todayInChinaOf } from '../time.ts';
import { CaseWithdrawn } from '../workflow-errors.ts';
import { allowedClaim, withLedgerClaim } from './claim-computation.ts';
import { deliverClaimCallback } from './claim-review.ts';
import type { RequestMeta } from './cohort-drafts.ts';
import { visibleCohort } from './common.ts';
import { checkEvidenceDocuments } from './documents.ts';

export type ClaimDeps = Pick<CohortDeps, 'store' | 'reference' | 'clock' | 'newId'> & {
  claims: ClaimStore;
  documents: Pick<DocumentStore, 'getMany'>;
};

const SYSTEM = { system: 'subsidy-claim' };
/** A final claim carries references to at least this many training videos (domain.md). */
export const MIN_TRAINING_VIDEOS = 10;

export async function visibleClaim(
  claims: ClaimStore,
  principal: Principal,
  claimId: string,
): Promise<ClaimRecord> {
  const claim = await claims.get(claimId);
  if (!claim || !canSeeClaim(principal, claim)) throw new NotFound(`No claim ${claimId}`);
  return claim;
}

async function checkEvidence(
  deps: Pick<ClaimDeps, 'documents'>,
  cohort: CohortRecord,
  kind: ClaimKind,
  evidence: ClaimEvidenceBody,
): Promise<void> {
  const errors: FieldError[] = [];
  const ids = new Set(cohort.apprentices.map((apprentice) => apprentice.apprenticeId));
  evidence.attendance.forEach((row, index) => {
    if (!ids.has(row.apprenticeId))
      errors.push({
        path: `evidence.attendance.${index}.apprenticeId`,
        message: 'no such apprentice in this cohort',
      });
  });
  if (kind === 'final') {
    // Distinct means distinct content: the same video under ten announcements is one video.
    const videos = new Set(
      evidence.documents
        .filter((document) => document.kind === 'training_video')
        .map((document) => document.sha256.toLowerCase()),
    ).size;
    if (videos < MIN_TRAINING_VIDEOS) {
      errors.push({
        path: 'evidence.documents',
        message: `a final claim references at least ${MIN_TRAINING_VIDEOS} distinct training videos (${videos} given)`,
      });
    }
  }
  errors.push(...(await checkEvidenceDocuments(deps.documents, cohort.cohortId, evidence.documents)));
  if (errors.length > 0) throw new ValidationFailed(errors);
}

/**
 * The enterprise clerk prepares a claim (status PREPARED); the signatory submits it. The cohort's
 * ledger lists the claim in the same transaction, so two advances cannot both be prepared.
 */
export async function createClaim(
  deps: ClaimDeps,
  principal: Principal,
  body: CreateClaimBody,
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const cohort = await visibleCohort(deps.store, principal, body.cohortId).catch((error: unknown) => {
        // Only "not found" is the caller's mistake; anything else (a throttled read) stays what it is.
        if (error instanceof NotFound) {
          throw new ValidationFailed([
            { path: 'cohortId', message: 'no cohort of your enterprise with this id' },
          ]);
        }
        throw error;
      });
      const computed = await allowedClaim(deps, cohort, body.kind);
      await checkEvidence(deps, cohort, body.kind, body.evidence);
      const at = deps.clock.now().toISOString();
      const claimId = deps.newId();
      const claim: ClaimRecord = {
        claimId,
        cohortId: cohort.cohortId,
        kind: body.kind,
        status: 'PREPARED',
        version: 1,
        enterpriseId: cohort.enterpriseId,
        schoolId: cohort.schoolId,
        districtCode: cohort.districtCode,
        occupationCode: cohort.occupationCode,
        targetLevel: cohort.targetLevel,
        computedAmountFen: computed.amountFen,
        amountFen: computed.amountFen,
        recoveryFen: computed.recoveryFen,
        computation: computed.computation,
        evidence: body.evidence,
        preparedBy: principal.sub,
        preparers: [principal.sub],
        round: 0,
        createdAt: at,
        updatedAt: at,
        auditSeq: 0,
        auditHead: GENESIS_HASH,
      };
      const reply = { status: 201, body: claimView(claim) };
      await deps.claims.save({
        claim,
        expectedVersion: null,
        audit: {
          action: 'claim.prepared',
          actor: actorOf(principal),
          to: 'PREPARED',
          details: { kind: body.kind, amountFen: claim.amountFen, recoveryFen: claim.recoveryFen },
        },
        idempotency: record(reply),
        cohort: {
          record: withLedgerClaim(cohort, claimId, body.kind, 'PREPARED', at),
          expectedVersion: cohort.version,
        },
      });
      return reply;
    },
  );
}

/** The clerk corrects the evidence of a PREPARED or RETURNED claim; amounts are computed again. */
export async function updateClaim(
  deps: ClaimDeps,
  principal: Principal,
  claimId: string,
  body: { version: number; evidence: ClaimEvidenceBody },
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const current = await visibleClaim(deps.claims, principal, claimId);
      if (current.status !== 'PREPARED' && current.status !== 'RETURNED') {
        throw new Conflict(`A ${current.status} claim cannot be edited`, {
          status: current.status,
          version: current.version,
        });
      }
      if (current.version !== body.version) {
        throw new Conflict(`The claim is at version ${current.version}, not ${body.version}`, {
          status: current.status,
          version: current.version,
        });
      }
      const cohort = await visibleCohort(deps.store, principal, current.cohortId);
      await checkEvidence(deps, cohort, current.kind, body.evidence);
      const computed = await allowedClaim(deps, cohort, current.kind, claimId);
      const claim: ClaimRecord = {
        ...current,
        evidence: body.evidence,
        computedAmountFen: computed.amountFen,
        amountFen: computed.amountFen,
        recoveryFen: computed.recoveryFen,
        computation: computed.computation,
        preparedBy: principal.sub,
        preparers: withPreparer(current, principal.sub),
        version: current.version + 1,
        updatedAt: deps.clock.now().toISOString(),
      };
      const reply = { status: 200, body: claimView(claim) };
      await deps.claims.save({
        claim,
        expectedVersion: current.version,
        audit: { action: 'claim.edited', actor: actorOf(principal), details: { amountFen: claim.amountFen } },
        idempotency: record(reply),
      });
      return reply;
    },
  );
}

export function claimExecutionName(claimId: string, round: number): string {
  return `${claimId}-r${round}`;
}

/**
 * The signatory submits a prepared claim — never the clerk who prepared it (four eyes) — and the
 * `subsidy-claim` workflow starts at school verification. Amounts are computed again first.
 */
export async function submitClaim(
  deps: ClaimDeps & Pick<CohortDeps, 'workflows'>,
  principal: Principal,
  claimId: string,
  meta: RequestMeta,
): Promise<Reply> {
  const start = (claim: Pick<ClaimRecord, 'claimId' | 'kind' | 'round'>, stageTimeoutSeconds: number) =>
    deps.workflows.start('subsidy-claim', claimExecutionName(claim.claimId, claim.round), {
      claimId: claim.claimId,
      kind: claim.kind,
      round: claim.round,
      stageTimeoutSeconds,
    });
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const current = await visibleClaim(deps.claims, principal, claimId);
      if (preparersOf(current).includes(principal.sub))
        throw new Forbidden('The person who prepared a claim cannot also submit it');
      if (current.status !== 'PREPARED' && current.status !== 'RETURNED') {
        throw new Conflict(`Only a PREPARED or RETURNED claim can be submitted; it is ${current.status}`, {
          status: current.status,
          version: current.version,
        });
      }
      const cohort = await visibleCohort(deps.store, principal, current.cohortId);
      const computed = await allowedClaim(deps, cohort, current.kind, claimId);
      const policy = await deps.reference.policyInForce(todayInChinaOf(deps.clock.now()));
      const stageTimeoutSeconds = policy.stageTimeLimitDays * 86_400;
      const claim: ClaimRecord = {
        ...current,
        status: 'SCHOOL_VERIFICATION',
        computedAmountFen: computed.amountFen,
        amountFen: computed.amountFen,
        recoveryFen: computed.recoveryFen,
        computation: computed.computation,
        submittedBy: principal.sub,
        round: current.round + 1,
        returnReason: undefined,
        pendingReason: undefined,
        reduction: undefined,
        openTask: undefined,
        version: current.version + 1,
        updatedAt: deps.clock.now().toISOString(),
      };
      const reply = { status: 200, body: { ...claimView(claim), stageTimeoutSeconds } };
      await deps.claims.save({
        claim,
        expectedVersion: current.version,
        audit: {
          action: 'claim.submitted',
          actor: actorOf(principal),
          from: current.status,
          to: claim.status,
          details: { round: claim.round },
        },
        idempotency: record(reply),
      });
      await start(claim, stageTimeoutSeconds);
      return reply;
    },
    async (reply) => {
      const body = reply.body as ClaimRecord & { stageTimeoutSeconds: number };
      await start(body, body.stageTimeoutSeconds);
    },
  );
}

/**
 * An objection lodged by the bureau during the public notice sends the claim back to review; the
 * reservation is released (a new approval reserves again).
 */
export async function lodgeObjection(
  deps: ClaimDeps & Pick<CohortDeps, 'workflows'>,
  principal: Principal,
  claimId: string,
  reason: string,
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const current = await visibleClaim(deps.claims, principal, claimId);
      if (principal.role !== 'bureau.reviewer')
        throw new Forbidden('Objections are lodged by the bureau reviewer');
      const now = deps.clock.now();
      if (
        current.status !== 'PUBLIC_NOTICE' ||
        !current.notice ||
        now.toISOString() >= current.notice.endsAt
      ) {
        throw new Conflict('Objections are lodged while the claim is on public notice', {
          status: current.status,
          version: current.version,
        });
      }
      const task = current.openTask ? await deps.store.task(current.openTask.taskId) : undefined;
      const at = now.toISOString();
      const claim: ClaimRecord = {
        ...current,
        status: 'BUREAU_REVIEW',
        openTask: undefined,
        notice: {
          ...current.notice,
          objections: [...current.notice.objections, { by: principal.sub, at, reason }],
        },
        reservedFen: 0,
        version: current.version + 1,
        updatedAt: at,
      };
      const decided: TaskRecord | undefined =
        task && task.status === 'OPEN'
          ? {
              ...task,
              status: 'DECIDED',
              decision: 'objection',
              decidedBy: principal.sub,
              decidedAt: at,
              callbackPending: true,
            }
          : undefined;
      const reply = { status: 200, body: claimView(claim) };
      await deps.claims.save({
        claim,
        expectedVersion: current.version,
        audit: {
          action: 'notice.objection',
          actor: actorOf(principal),
          from: 'PUBLIC_NOTICE',
          to: 'BUREAU_REVIEW',
          reason,
        },
        idempotency: record(reply),
        task: decided ? { record: decided, expectedStatus: 'OPEN' } : undefined,
        budget:
          (current.reservedFen ?? 0) > 0
            ? {
                districtCode: current.districtCode,
                year: current.budgetYear!,
                operation: 'unreserve',
                amountFen: current.reservedFen!,
              }
            : undefined,
      });
      if (decided) await deliverClaimCallback(deps, decided);
      return reply;
    },
    async () => {
      const claim = await deps.claims.get(claimId);
      const last = claim?.notice ? await lastNoticeTask(deps, claim) : undefined;
      if (last?.callbackPending) await deliverClaimCallback(deps, last);
    },
  );
}

async function lastNoticeTask(deps: Pick<ClaimDeps, 'store'>, claim: ClaimRecord) {
  return claim.openTask ? deps.store.task(claim.openTask.taskId) : undefined;
}

export async function getClaim(deps: Pick<ClaimDeps, 'claims'>, principal: Principal, claimId: string) {
  return claimView(await visibleClaim(deps.claims, principal, claimId));
}

export async function listClaims(
  deps: Pick<ClaimDeps, 'claims'>,
  principal: Principal,
  query: { status?: ClaimStatus | undefined; limit: number; cursor?: string | undefined },
) {
  const page = await deps.claims.listForParty(
    { kind: orgKindOf(principal.role), orgId: principal.orgId },
    query,
  );
  return { items: page.items.map(claimView), nextCursor: page.nextCursor };
}

export async function claimHistory(
  deps: Pick<ClaimDeps, 'claims'>,
  principal: Principal,
  claimId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  await visibleClaim(deps.claims, principal, claimId);
  return deps.claims.history(claimId, query);
}

// ---------------------------------------------------------------------------------------------
// Workflow steps of `subsidy-claim`.
// ---------------------------------------------------------------------------------------------

const STAGE_STATUS: Record<ClaimStage | 'PUBLIC_NOTICE', ClaimStatus> = {
  SCHOOL_VERIFICATION: 'SCHOOL_VERIFICATION',
  BUREAU_REVIEW: 'BUREAU_REVIEW',
  PUBLIC_NOTICE: 'PUBLIC_NOTICE',
  PAYMENT: 'PAYMENT',
};

/** Step `open-claim-task`: the waiting step's task with its token (in the party's inbox, or the notice's unlisted wait). */
export async function openClaimTask(
  deps: Pick<ClaimDeps, 'claims' | 'store' | 'clock' | 'newId'>,
  input: {
    taskToken: string;
    claimId: string;
    round: number;
    stage: ClaimStage | 'PUBLIC_NOTICE';
    timeoutSeconds: number;
  },
): Promise<{ taskId: string }> {
  const current = await deps.claims.get(input.claimId);
  if (!current || current.round !== input.round)
    throw new CaseWithdrawn(`Claim ${input.claimId} is no longer at ${input.stage}`);
  if (current.status !== STAGE_STATUS[input.stage]) {
    const outcome = claimOutcomeAfter(current, input.stage);
    if (!outcome) throw new CaseWithdrawn(`Claim ${input.claimId} is no longer at ${input.stage}`);
    // Decided while this step was being retried (its first attempt had opened the task): hand the
    // decision to this attempt's token through the reconciler rather than lose it.
    const task = preDecidedTask({
      taskId: deps.newId(),
      workflow: 'subsidy-claim',
      caseId: current.claimId,
      round: current.round,
      stage: input.stage,
      role: input.stage === 'PUBLIC_NOTICE' ? 'bureau.reviewer' : CLAIM_STAGE_ROLE[input.stage],
      org: current.districtCode,
      decision: outcome,
      token: input.taskToken,
      at: deps.clock.now().toISOString(),
    });
    await deps.claims.save({
      claim: { ...current, version: current.version + 1 },
      expectedVersion: current.version,
      audit: {
        action: 'task.redelivered',
        actor: SYSTEM,
        details: { stage: input.stage, outcome, taskId: task.taskId },
      },
      task: { record: task, expectedStatus: null },
    });
    return { taskId: task.taskId };
  }
  const now = deps.clock.now();
  if (input.stage === 'PUBLIC_NOTICE' && current.notice && now.toISOString() >= current.notice.endsAt) {
    // A retried wait that starts after the notice already ran out (its time limit would count
    // afresh): the notice is over, so it ends here and the decision goes on through the reconciler.
    const at = now.toISOString();
    const task = preDecidedTask({
      taskId: deps.newId(),
      workflow: 'subsidy-claim',
      caseId: current.claimId,
      round: current.round,
      stage: 'PUBLIC_NOTICE',
      role: 'bureau.reviewer',
      org: current.districtCode,
      decision: 'approve',
      token: input.taskToken,
      at,
      listed: false,
    });
    await deps.claims.save({
      claim: {
        ...current,
        status: 'PAYMENT',
        openTask: undefined,
        version: current.version + 1,
        updatedAt: at,
      },
      expectedVersion: current.version,
      audit: {
        action: 'notice.ended',
        actor: SYSTEM,
        from: 'PUBLIC_NOTICE',
        to: 'PAYMENT',
        details: { objections: current.notice.objections.length },
      },
      task: { record: task, expectedStatus: null },
    });
    return { taskId: task.taskId };
  }
  const existing =
    current.openTask?.stage === input.stage ? await deps.store.task(current.openTask.taskId) : undefined;
  const reuse = existing?.status === 'OPEN' ? existing : undefined;
  const role = input.stage === 'PUBLIC_NOTICE' ? 'bureau.reviewer' : CLAIM_STAGE_ROLE[input.stage];
  const org = role.startsWith('school') ? current.schoolId : current.districtCode;
  const task: TaskRecord = reuse
    ? { ...reuse, token: input.taskToken }
    : {
        taskId: deps.newId(),
        workflow: 'subsidy-claim',
        caseId: current.claimId,
        round: current.round,
        stage: input.stage,
        role,
        org,
        status: 'OPEN',
        token: input.taskToken,
        createdAt: now.toISOString(),
        dueAt: new Date(now.getTime() + input.timeoutSeconds * 1000).toISOString(),
        listed: input.stage !== 'PUBLIC_NOTICE',
      };
  await deps.claims.save({
    claim: {
      ...current,
      openTask: { taskId: task.taskId, stage: input.stage },
      version: current.version + 1,
    },
    expectedVersion: current.version,
    audit: {
      action: 'task.opened',
      actor: SYSTEM,
      to: input.stage,
      details: { taskId: task.taskId, dueAt: task.dueAt },
    },
    task: { record: task, expectedStatus: reuse ? 'OPEN' : null },
  });
  return { taskId: task.taskId };
}

/** The decision a claim's later state shows was taken at `stage` (undefined if none was). */
export function claimOutcomeAfter(
  claim: ClaimRecord,
  stage: ClaimStage | 'PUBLIC_NOTICE',
): DecisionOutcome | undefined {
  const after: Record<string, ClaimStatus[]> = {
    SCHOOL_VERIFICATION: ['BUREAU_REVIEW', 'PUBLIC_NOTICE', 'PAYMENT', 'PAID'],
    BUREAU_REVIEW: ['PUBLIC_NOTICE', 'PAYMENT', 'PAID'],
    PUBLIC_NOTICE: ['PAYMENT', 'PAID'],
    PAYMENT: ['PAID'],
  };
  if (after[stage]!.includes(claim.status)) return 'approve';
  if (stage === 'PUBLIC_NOTICE' && claim.status === 'BUREAU_REVIEW') return 'objection';
  if (stage !== 'PAYMENT' && stage !== 'PUBLIC_NOTICE' && claim.status === 'RETURNED') return 'return';
  if (stage !== 'PAYMENT' && stage !== 'PUBLIC_NOTICE' && claim.status === 'REJECTED') return 'reject';
  return undefined;
}

/**
 * Step `plan-public-notice`: the notice runs for the policy's working days after today (weekends
 * and listed holidays do not count) and ends at midnight China time after its last day.
 */
export async function planPublicNotice(
  deps: Pick<ClaimDeps, 'claims' | 'reference' | 'clock'>,
  input: { claimId: string; round: number },
): Promise<{ timeoutSeconds: number; endsAt: string; lastDay: string }> {
  const current = await deps.claims.get(input.claimId);
  if (!current || current.round !== input.round || current.status !== 'PUBLIC_NOTICE') {
    throw new CaseWithdrawn(`Claim ${input.claimId} is not on public notice`);
  }
  const now = deps.clock.now();
  if (current.notice && current.notice.forApprovalAt === current.approvedAt) {
    // A retry of this step: the notice of this approval is already planned; keep its end.
    const timeoutSeconds = Math.max(1, Math.ceil((Date.parse(current.notice.endsAt) - now.getTime()) / 1000));
    return { timeoutSeconds, endsAt: current.notice.endsAt, lastDay: current.notice.lastDay ?? '' };
  }
  const today = todayInChinaOf(now);
  const policy = await deps.reference.policyInForce(today);
  const { lastDay, endsAt } = publicNoticeEnd(today, policy);
  const timeoutSeconds = Math.max(1, Math.ceil((Date.parse(endsAt) - now.getTime()) / 1000));
  await deps.claims.save({
    claim: {
      ...current,
      notice: {
        startsAt: now.toISOString(),
        endsAt,
        lastDay,
        forApprovalAt: current.approvedAt,
        objections: current.notice?.objections ?? [],
      },
      version: current.version + 1,
      updatedAt: now.toISOString(),
    },
    expectedVersion: current.version,
    audit: {
      action: 'notice.started',
      actor: SYSTEM,
      details: { lastDay, endsAt, workingDays: policy.publicNoticeWorkingDays },
    },
  });
  return { timeoutSeconds, endsAt, lastDay };
}

/** The last day of a notice starting today, and the instant it ends (midnight China time after it). */
export function publicNoticeEnd(today: string, policy: Policy): { lastDay: string; endsAt: string } {
  const lastDay = addWorkingDays(
    today,
    policy.publicNoticeWorkingDays,
    policy.holidays,
    policy.makeUpWorkingDays ?? [],
  );
  const endsAt = new Date(`${addDays(lastDay, 1)}T00:00:00+08:00`).toISOString();
  return { lastDay, endsAt };
}

/**
 * Step `check-claim-task-expiry`, after a waiting step ran out of time: a decision recorded in
 * time wins; a notice that ran out without objection moves on to payment; an expired review
 * returns the claim; an expired payment task is opened again.
 */
export async function checkClaimTaskExpiry(
  deps: Pick<ClaimDeps, 'claims' | 'store' | 'clock'>,
  input: { claimId: string; round: number; stage: ClaimStage | 'PUBLIC_NOTICE' },
): Promise<{ outcome: DecisionOutcome | 'expired' | 'closed' }> {
  const current = await deps.claims.get(input.claimId);
  if (!current || current.round !== input.round) return { outcome: 'closed' };
  const task = current.openTask ? await deps.store.task(current.openTask.taskId) : undefined;
  if (task && task.stage === input.stage && task.status !== 'OPEN' && task.decision) {
    if (task.callbackPending) await deps.store.closeTask(task.taskId);
    return { outcome: task.decision };
  }
  const at = deps.clock.now().toISOString();
  const expiredTask =
    task && task.status === 'OPEN' && task.stage === input.stage
      ? { record: { ...task, status: 'EXPIRED' as const }, expectedStatus: 'OPEN' as const }
      : undefined;
  if (current.status !== STAGE_STATUS[input.stage]) {
    // Decided (or the notice ended) while the wait was timing out: follow what the claim shows.
    return { outcome: claimOutcomeAfter(current, input.stage) ?? 'closed' };
  }
  if (input.stage === 'PUBLIC_NOTICE') {
    await deps.claims.save({
      claim: {
        ...current,
        status: 'PAYMENT',
        openTask: undefined,
        version: current.version + 1,
        updatedAt: at,
      },
      expectedVersion: current.version,
      audit: {
        action: 'notice.ended',
        actor: SYSTEM,
        from: 'PUBLIC_NOTICE',
        to: 'PAYMENT',
        details: { objections: current.notice?.objections.length ?? 0 },
      },
      task: expiredTask,
    });
    return { outcome: 'approve' };
  }
  if (input.stage === 'PAYMENT') {
    await deps.claims.save({
      claim: { ...current, openTask: undefined, version: current.version + 1, updatedAt: at },
      expectedVersion: current.version,
      audit: {
        action: 'payment.reminder',
        actor: SYSTEM,
        reason: 'the payment task outlived its time limit and is opened again',
      },
      task: expiredTask,
    });
    return { outcome: 'expired' };
  }
  const reason = `expired at ${input.stage}`;
  await deps.claims.save({
    claim: {
      ...current,
      status: 'RETURNED',
      returnReason: reason,
      openTask: undefined,
      version: current.version + 1,
      updatedAt: at,
    },
    expectedVersion: current.version,
    audit: { action: 'claim.expired', actor: SYSTEM, from: input.stage, to: 'RETURNED', reason },
    task: expiredTask,
  });
  return { outcome: 'expired' };
}

/** Step `publish-claim-outcome`: the domain event for however the claim's round ended. */
export async function publishClaimOutcome(
  deps: Pick<ClaimDeps, 'claims'> & Pick<CohortDeps, 'events'>,
  input: { claimId: string; round: number },
): Promise<{ status: string }> {
  const claim = await deps.claims.get(input.claimId);
  if (!claim) throw new NotFound(`No claim ${input.claimId}`);
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
