import type { ClaimEvidenceBody, CreateClaimBody } from '../../schemas/claim.ts';
import { GENESIS_HASH } from '../audit.ts';
import { type ClaimKind, type ClaimRecord, claimDocuments, claimView } from '../claim.ts';
import type { CohortRecord } from '../cohort.ts';
import { COMMITMENT_VERSION } from '../commitment-version.ts';
import { changedItems } from '../corrections.ts';
import { says } from '../error-codes.ts';
import { Conflict, type FieldError, Forbidden, fieldError, NotFound, ValidationFailed } from '../errors.ts';
import { preparersOf, withPreparer } from '../four-eyes.ts';
import { idempotent } from '../idempotency.ts';
import type { CohortDeps } from '../ports.ts';
import { actorOf, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';
import { todayInChinaOf } from '../time.ts';
import { allowedClaim, claimBasis, withLedgerClaim } from './claim-computation.ts';
import { type ClaimDeps, visibleClaim } from './claim-reads.ts';
import type { RequestMeta } from './cohort-drafts.ts';
import { visibleCohort } from './common.ts';
import { checkEvidenceDocuments } from './documents.ts';

const _SYSTEM = { system: 'subsidy-claim' };
/** A final claim carries references to at least this many training videos (domain.md). */
export const MIN_TRAINING_VIDEOS = 10;

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
      errors.push(fieldError(`evidence.attendance.${index}.apprenticeId`, says('apprentice.not_in_cohort')));
  });
  if (kind === 'final') {
    // Distinct means distinct content: the same video under ten announcements is one video.
    const videos = new Set(
      evidence.documents
        .filter((document) => document.kind === 'training_video')
        .map((document) => document.sha256.toLowerCase()),
    ).size;
    if (videos < MIN_TRAINING_VIDEOS) {
      errors.push(
        fieldError(
          'evidence.documents',
          says('claim.training_videos_too_few', { min: MIN_TRAINING_VIDEOS, given: videos }),
        ),
      );
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
          throw new ValidationFailed([fieldError('cohortId', says('claim.cohort_unknown'))]);
        }
        throw error;
      });
      const computed = await allowedClaim(deps, cohort, {
        kind: body.kind,
        trainingYear: body.trainingYear,
        feeInvoiceAmountFen: body.evidence.feeInvoiceAmountFen,
      });
      await checkEvidence(deps, cohort, body.kind, body.evidence);
      const at = deps.clock.now().toISOString();
      const claimId = deps.newId();
      const claim: ClaimRecord = {
        claimId,
        cohortId: cohort.cohortId,
        kind: body.kind,
        ...(body.trainingYear ? { trainingYear: body.trainingYear } : {}),
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
          details: {
            kind: body.kind,
            ...(body.trainingYear ? { trainingYear: body.trainingYear } : {}),
            amountFen: claim.amountFen,
            recoveryFen: claim.recoveryFen,
          },
        },
        idempotency: record(reply),
        cohort: {
          record: withLedgerClaim(cohort, claim, 'PREPARED', at),
          expectedVersion: cohort.version,
        },
        // A listed enterprise prepares no claim either (domain.md), decided in this transaction.
        notListed: {
          districtCode: cohort.districtCode,
          enterpriseId: cohort.enterpriseId,
          today: todayInChinaOf(deps.clock.now()),
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
        throw new Conflict(says('claim.not_editable', { status: current.status }), {
          status: current.status,
          version: current.version,
        });
      }
      if (current.version !== body.version) {
        throw new Conflict(says('claim.version_mismatch', { version: current.version, sent: body.version }), {
          status: current.status,
          version: current.version,
        });
      }
      const cohort = await visibleCohort(deps.store, principal, current.cohortId);
      await checkEvidence(deps, cohort, current.kind, body.evidence);
      const computed = await allowedClaim(
        deps,
        cohort,
        claimBasis({ ...current, evidence: body.evidence }),
        claimId,
      );
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
  // The body's schema (`SubmitClaimBody`) admits only an accepted commitment: what was accepted is
  // the text in force, whose version the claim keeps with when and by whom.
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
        throw new Forbidden(says('four_eyes.preparer_submits'));
      if (current.status !== 'PREPARED' && current.status !== 'RETURNED') {
        throw new Conflict(says('claim.not_submittable', { status: current.status }), {
          status: current.status,
          version: current.version,
        });
      }
      const cohort = await visibleCohort(deps.store, principal, current.cohortId);
      const computed = await allowedClaim(deps, cohort, claimBasis(current), claimId);
      const policy = await deps.reference.policyInForce(todayInChinaOf(deps.clock.now()));
      const stageTimeoutSeconds = policy.stageTimeLimitDays * 86_400;
      // Resubmitted after a correction notice: which of its items changed, for the reviewers.
      const notice = current.status === 'RETURNED' ? current.corrections?.at(-1) : undefined;
      const corrections =
        notice && notice.round === current.round && notice.changed === undefined
          ? [
              ...current.corrections!.slice(0, -1),
              { ...notice, changed: changedItems(notice, current, claimDocuments(current)) },
            ]
          : current.corrections;
      const claim: ClaimRecord = {
        ...current,
        ...(corrections ? { corrections } : {}),
        status: 'SCHOOL_VERIFICATION',
        computedAmountFen: computed.amountFen,
        amountFen: computed.amountFen,
        recoveryFen: computed.recoveryFen,
        computation: computed.computation,
        submittedBy: principal.sub,
        commitment: {
          version: COMMITMENT_VERSION,
          acceptedAt: deps.clock.now().toISOString(),
          acceptedBy: { sub: principal.sub, username: principal.username },
        },
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
          details: { round: claim.round, commitmentVersion: COMMITMENT_VERSION },
        },
        idempotency: record(reply),
        // A listed enterprise submits nothing (domain.md): decided in this very transaction.
        notListed: {
          districtCode: claim.districtCode,
          enterpriseId: claim.enterpriseId,
          today: todayInChinaOf(deps.clock.now()),
        },
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
