import type { ClaimRecord } from '../claim.ts';
import { claimView } from '../claim.ts';
import { addDays, addWorkingDays } from '../dates.ts';
import { says } from '../error-codes.ts';
import { Conflict, Forbidden } from '../errors.ts';
import { idempotent } from '../idempotency.ts';
import type { Policy } from '../policy.ts';
import type { CohortDeps } from '../ports.ts';
import { actorOf, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';
import type { TaskRecord } from '../task.ts';
import { todayInChinaOf } from '../time.ts';
import { CaseWithdrawn } from '../workflow-errors.ts';
import { type ClaimDeps, visibleClaim } from './claim-reads.ts';
import type { RequestMeta } from './cohort-drafts.ts';
import { deliverDecision } from './review-lifecycle.ts';

/**
 * The public notice (公示) of an approved final claim: it runs the policy's working days, and an
 * objection lodged by the bureau in that window sends the claim back to review.
 */
const SYSTEM = { system: 'subsidy-claim' };

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
      if (principal.role !== 'bureau.reviewer') throw new Forbidden(says('objection.reviewer_only'));
      const now = deps.clock.now();
      if (
        current.status !== 'PUBLIC_NOTICE' ||
        !current.notice ||
        now.toISOString() >= current.notice.endsAt
      ) {
        throw new Conflict(says('objection.not_on_notice'), {
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
      if (decided) await deliverDecision(deps, decided);
      return reply;
    },
    async () => {
      const claim = await deps.claims.get(claimId);
      const last = claim?.notice ? await lastNoticeTask(deps, claim) : undefined;
      if (last?.callbackPending) await deliverDecision(deps, last);
    },
  );
}

async function lastNoticeTask(deps: Pick<ClaimDeps, 'store'>, claim: ClaimRecord) {
  return claim.openTask ? deps.store.task(claim.openTask.taskId) : undefined;
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
