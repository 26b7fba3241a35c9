import type { ClaimEvidenceBody, CreateClaimBody } from '../../schemas/claim.ts';
import type { DecisionBody } from '../../schemas/cohort.ts';
import { GENESIS_HASH } from '../audit.ts';
import {
  ACTIVE_CLAIM,
  CLAIM_STAGE_ROLE,
  type ClaimComputation,
  type ClaimKind,
  type ClaimRecord,
  type ClaimStage,
  type ClaimStatus,
  canSeeClaim,
  claimView,
} from '../claim.ts';
import {
  advanceCeilingFen,
  earnedFen,
  earnsSubsidy,
  finalSettlement,
  hasOutcome,
  yuan,
} from '../claim-money.ts';
import { BudgetDoesNotFit, type ClaimStore } from '../claim-ports.ts';
import type { CohortLedger, CohortRecord } from '../cohort.ts';
import { addDays, addWorkingDays, compareDates } from '../dates.ts';
import type { DocumentStore } from '../document-ports.ts';
import { Conflict, type FieldError, Forbidden, NotFound, ValidationFailed } from '../errors.ts';
import { idempotent } from '../idempotency.ts';
import type { Policy } from '../policy.ts';
import { CallbackNotAccepted, type CohortDeps } from '../ports.ts';
import { actorOf, orgKindOf, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';
import { type DecisionOutcome, preDecidedTask, type TaskRecord } from '../task.ts';
import { todayInChinaOf } from '../time.ts';
import { CaseWithdrawn } from '../workflow-errors.ts';
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

const emptyLedger = (): CohortLedger => ({
  advancePaidFen: 0,
  finalPaidFen: 0,
  recoveryOwedFen: 0,
  claims: [],
});

export async function visibleClaim(
  claims: ClaimStore,
  principal: Principal,
  claimId: string,
): Promise<ClaimRecord> {
  const claim = await claims.get(claimId);
  if (!claim || !canSeeClaim(principal, claim)) throw new NotFound(`No claim ${claimId}`);
  return claim;
}

async function filedPolicy(deps: Pick<ClaimDeps, 'reference'>, cohort: CohortRecord): Promise<Policy> {
  const policy = cohort.policyVersion ? await deps.reference.policy(cohort.policyVersion) : undefined;
  if (!policy) throw new Error(`Policy ${cohort.policyVersion} of cohort ${cohort.cohortId} is missing`);
  return policy;
}

/**
 * What the rules allow a claim of this kind on this cohort now: the advance ceiling, or the
 * final settlement (earned − advanced, a negative result owed back). Refuses what may not be
 * claimed yet, with the reason.
 */
async function computeClaim(
  deps: Pick<ClaimDeps, 'reference' | 'clock'>,
  cohort: CohortRecord,
  kind: ClaimKind,
  ignoreClaimId?: string,
) {
  if (cohort.status !== 'FILED' && cohort.status !== 'COMPLETED') {
    throw new Conflict(`Claims are made on a FILED cohort; this one is ${cohort.status}`, {
      status: cohort.status,
      version: cohort.version,
    });
  }
  const ledger = cohort.ledger ?? emptyLedger();
  const others = ledger.claims.filter(
    (claim) => claim.claimId !== ignoreClaimId && ACTIVE_CLAIM.includes(claim.status as ClaimStatus),
  );
  const policy = await filedPolicy(deps, cohort);
  const active = cohort.apprentices.filter((apprentice) => apprentice.status !== 'withdrawn');
  if (kind === 'advance') {
    if (others.some((claim) => claim.kind === 'advance'))
      throw new Conflict('An advance was already claimed for this cohort');
    if (others.some((claim) => claim.kind === 'final'))
      throw new Conflict('The final settlement is already claimed; no advance now');
    const entitlementFen = active.reduce((sum, apprentice) => sum + (apprentice.entitlementFen ?? 0), 0);
    const computation: ClaimComputation = {
      policyVersion: policy.policyVersion,
      entitlementFen,
      advanceShareBasisPoints: policy.advanceShareBasisPoints,
      apprentices: active.length,
    };
    return {
      amountFen: advanceCeilingFen(cohort.apprentices, policy.advanceShareBasisPoints),
      recoveryFen: 0,
      computation,
    };
  }
  const today = todayInChinaOf(deps.clock.now());
  if (compareDates(today, cohort.endDate) <= 0) {
    throw new Conflict(`The final settlement is claimed after the training ends (${cohort.endDate})`);
  }
  const missing = cohort.apprentices.filter((apprentice) => !hasOutcome(apprentice));
  if (missing.length > 0) {
    throw new Conflict(`${missing.length} apprentice(s) have no outcome yet; record every outcome first`);
  }
  if (others.some((claim) => claim.kind === 'final'))
    throw new Conflict('The final settlement was already claimed for this cohort');
  if (others.some((claim) => claim.kind === 'advance' && claim.status !== 'PAID')) {
    throw new Conflict(
      'The advance is still being processed; claim the final settlement once it is paid or closed',
    );
  }
  const earned = earnedFen(cohort.apprentices, cohort.targetLevel);
  const advanced = ledger.advancePaidFen;
  const settlement = finalSettlement(earned, advanced);
  const computation: ClaimComputation = {
    policyVersion: policy.policyVersion,
    entitlementFen: cohort.apprentices.reduce((sum, apprentice) => sum + (apprentice.entitlementFen ?? 0), 0),
    earnedFen: earned,
    advancedFen: advanced,
    earners: cohort.apprentices.filter((apprentice) => earnsSubsidy(apprentice, cohort.targetLevel)).length,
    apprentices: cohort.apprentices.length,
  };
  return { ...settlement, computation };
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
    const videos = evidence.documents.filter((document) => document.kind === 'training_video').length;
    if (videos < MIN_TRAINING_VIDEOS) {
      errors.push({
        path: 'evidence.documents',
        message: `a final claim references at least ${MIN_TRAINING_VIDEOS} training videos (${videos} given)`,
      });
    }
  }
  errors.push(...(await checkEvidenceDocuments(deps.documents, cohort.cohortId, evidence.documents)));
  if (errors.length > 0) throw new ValidationFailed(errors);
}

function withLedgerClaim(
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
      const computed = await computeClaim(deps, cohort, body.kind);
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
      const computed = await computeClaim(deps, cohort, current.kind, claimId);
      const claim: ClaimRecord = {
        ...current,
        evidence: body.evidence,
        computedAmountFen: computed.amountFen,
        amountFen: computed.amountFen,
        recoveryFen: computed.recoveryFen,
        computation: computed.computation,
        preparedBy: principal.sub,
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
      if (current.preparedBy === principal.sub)
        throw new Forbidden('The person who prepared a claim cannot also submit it');
      if (current.status !== 'PREPARED' && current.status !== 'RETURNED') {
        throw new Conflict(`Only a PREPARED or RETURNED claim can be submitted; it is ${current.status}`, {
          status: current.status,
          version: current.version,
        });
      }
      const cohort = await visibleCohort(deps.store, principal, current.cohortId);
      const computed = await computeClaim(deps, cohort, current.kind, claimId);
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
 * A party's decision on a claim task: the school's verification, the bureau's review (which
 * reserves the amount in the budget of the year it approves in) and the treasurer's release
 * (which turns the reservation into a payment). Recorded first, then the callback.
 */
export async function decideClaimTask(
  deps: Omit<ClaimDeps, 'documents'> & Pick<CohortDeps, 'workflows'>,
  principal: Principal,
  task: TaskRecord,
  body: DecisionBody,
  record: (reply: Reply) => import('../ports.ts').IdempotencyWrite | undefined,
): Promise<Reply> {
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
  const now = deps.clock.now();
  const at = now.toISOString();
  const stage = task.stage as ClaimStage;
  let claim: ClaimRecord = { ...current, openTask: undefined, version: current.version + 1, updatedAt: at };
  let budget: import('../claim-ports.ts').ClaimChange['budget'];
  let cohortChange: import('../claim-ports.ts').ClaimChange['cohort'];
  let payment: import('../claim-ports.ts').ClaimChange['payment'];
  const details: Record<string, unknown> = { taskId: task.taskId, round: task.round };

  if (body.decision !== 'approve' && stage === 'PAYMENT') {
    throw new ValidationFailed([
      { path: 'decision', message: 'the treasurer releases an approved payment (approve)' },
    ]);
  }
  if (body.approvedAmountFen !== undefined && stage !== 'BUREAU_REVIEW') {
    throw new ValidationFailed([{ path: 'approvedAmountFen', message: 'is set by the bureau reviewer' }]);
  }
  if (body.decision === 'approve') {
    if (stage === 'SCHOOL_VERIFICATION') {
      const errors: FieldError[] = [];
      const attendance = body.attendance ?? [];
      const cohort = await deps.store.get(current.cohortId);
      const ids = new Set(cohort?.apprentices.map((apprentice) => apprentice.apprenticeId));
      attendance.forEach((row, index) => {
        if (!ids.has(row.apprenticeId))
          errors.push({
            path: `attendance.${index}.apprenticeId`,
            message: 'no such apprentice in this cohort',
          });
      });
      if (attendance.length === 0)
        errors.push({
          path: 'attendance',
          message: 'the school confirms the hours attended of each apprentice',
        });
      if (current.kind === 'final' && body.outcomesConfirmed !== true) {
        errors.push({
          path: 'outcomesConfirmed',
          message: 'the school verifies every assessment result of a final claim',
        });
      }
      if (errors.length > 0) throw new ValidationFailed(errors);
      claim = {
        ...claim,
        status: 'BUREAU_REVIEW',
        schoolVerification: {
          attendance,
          outcomesConfirmed: body.outcomesConfirmed === true,
          by: principal.sub,
          at,
        },
      };
    } else if (stage === 'BUREAU_REVIEW') {
      const amount = body.approvedAmountFen ?? current.computedAmountFen;
      if (amount > current.computedAmountFen) {
        throw new ValidationFailed([
          {
            path: 'approvedAmountFen',
            message: `may not exceed the computed ${current.computedAmountFen} fen`,
          },
        ]);
      }
      if (amount < current.computedAmountFen && !body.reason) {
        throw new ValidationFailed([{ path: 'reason', message: 'a lower amount needs a reason' }]);
      }
      const year = Number(todayInChinaOf(now).slice(0, 4));
      claim = {
        ...claim,
        status: current.kind === 'final' ? 'PUBLIC_NOTICE' : 'PAYMENT',
        amountFen: amount,
        reduction:
          amount < current.computedAmountFen
            ? { fromFen: current.computedAmountFen, toFen: amount, reason: body.reason! }
            : undefined,
        reviewedBy: principal.sub,
        approvedAt: at,
        budgetYear: year,
        reservedFen: amount,
        pendingReason: undefined,
      };
      if (amount > 0)
        budget = { districtCode: current.districtCode, year, operation: 'reserve', amountFen: amount };
      details.amountFen = amount;
      details.budgetYear = year;
    } else {
      if (principal.sub === current.reviewedBy)
        throw new Forbidden('The reviewer who approved a claim cannot release its payment');
      claim = { ...claim, status: 'PAID', paidAt: at, releasedBy: principal.sub, reservedFen: 0 };
      if (current.amountFen > 0) {
        budget = {
          districtCode: current.districtCode,
          year: current.budgetYear!,
          operation: 'release',
          amountFen: current.amountFen,
        };
      }
      const cohort = await deps.store.get(current.cohortId);
      if (!cohort) throw new NotFound(`No cohort ${current.cohortId}`);
      const ledger = cohort.ledger ?? emptyLedger();
      const updated = withLedgerClaim(cohort, current.claimId, current.kind, 'PAID', at);
      updated.ledger =
        current.kind === 'advance'
          ? { ...updated.ledger!, advancePaidFen: ledger.advancePaidFen + current.amountFen }
          : {
              ...updated.ledger!,
              finalPaidFen: ledger.finalPaidFen + current.amountFen,
              recoveryOwedFen: ledger.recoveryOwedFen + current.recoveryFen,
            };
      cohortChange = { record: updated, expectedVersion: cohort.version };
      if (current.kind === 'final') {
        // Subsidised persons are marked before the payment commits; a mark counts only once its claim is PAID.
        await deps.claims.markSubsidised(
          cohort.apprentices
            .filter((apprentice) => earnsSubsidy(apprentice, cohort.targetLevel))
            .map((apprentice) => ({
              idHash: apprentice.idHash,
              occupationCode: cohort.occupationCode,
              level: cohort.targetLevel,
              claimId: current.claimId,
              cohortId: cohort.cohortId,
            })),
        );
      }
      details.paidFen = current.amountFen;
      details.recoveryFen = current.recoveryFen;
      payment = {
        claimId: current.claimId,
        cohortId: current.cohortId,
        kind: current.kind,
        districtCode: current.districtCode,
        year: Number(todayInChinaOf(now).slice(0, 4)),
        paidAt: at,
        amountFen: current.amountFen,
        recoveryFen: current.recoveryFen,
        occupationCode: current.occupationCode,
        targetLevel: current.targetLevel,
        enterpriseId: current.enterpriseId,
        schoolId: current.schoolId,
      };
    }
  } else if (body.decision === 'return') {
    claim = { ...claim, status: 'RETURNED', returnReason: body.reason };
  } else {
    claim = { ...claim, status: 'REJECTED', rejectReason: body.reason };
    const cohort = await deps.store.get(current.cohortId);
    if (cohort)
      cohortChange = {
        record: withLedgerClaim(cohort, current.claimId, current.kind, 'REJECTED', at),
        expectedVersion: cohort.version,
      };
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
    body: { taskId: task.taskId, decision: body.decision, stage, claim: claimView(claim) },
  };
  try {
    await deps.claims.save({
      claim,
      expectedVersion: current.version,
      audit: {
        action: stage === 'PAYMENT' ? 'payment.released' : `claim.${body.decision}`,
        actor: actorOf(principal),
        from: stage,
        to: claim.status,
        reason: body.reason,
        details,
      },
      idempotency: record(reply),
      task: { record: decided, expectedStatus: 'OPEN' },
      budget,
      cohort: cohortChange,
      payment,
    });
  } catch (error) {
    if (!(error instanceof BudgetDoesNotFit)) throw error;
    // The claim stays at review, and says why.
    const left = error.budget?.availableFen ?? 0;
    const reason = `the ${claim.budgetYear} budget of ${current.districtCode} does not fit ${yuan(error.neededFen)} (${yuan(left)} left)`;
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
  await deliverClaimCallback(deps, decided);
  return reply;
}

export async function deliverClaimCallback(
  deps: Pick<ClaimDeps, 'store'> & Pick<CohortDeps, 'workflows'>,
  task: TaskRecord,
) {
  try {
    await deps.workflows.sendSuccess(task.token, { outcome: task.decision, taskId: task.taskId });
  } catch (error) {
    if (!(error instanceof CallbackNotAccepted)) throw error;
  }
  await deps.store.closeTask(task.taskId);
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
