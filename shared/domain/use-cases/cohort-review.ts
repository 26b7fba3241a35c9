import type { DecisionBody } from '../../schemas/decision.ts';
import type { AuditDraft } from '../audit.ts';
import {
  type CohortRecord,
  canSee,
  cohortView,
  NEXT_AFTER_APPROVAL,
  type ReviewStage,
  STAGE_ROLE,
} from '../cohort.ts';
import { correctionNotice } from '../corrections.ts';
import { EmploymentRecordsMoved } from '../employment-ports.ts';
import { cohortEntitlementFen } from '../entitlement.ts';
import { says } from '../error-codes.ts';
import { type FieldError, fieldError, ValidationFailed } from '../errors.ts';
import { refuseOwnCase } from '../four-eyes.ts';
import type { TargetLevel } from '../policy.ts';
import type { CohortChange, CohortDeps } from '../ports.ts';
import { orgKindOf } from '../principal.ts';
import type { DecisionOutcome } from '../task.ts';
import { todayInChinaOf } from '../time.ts';
import { checkEmployment, type EmploymentCheckDeps } from './employment-checks.ts';
import { type GuardDeps, holdFilingRules, saveClaimingPersons } from './filing-guards.ts';
import type { CaseReviews } from './review-lifecycle.ts';

/** What a cohort's decision writes beside the cohort (same transaction). */
type CohortExtra = Pick<CohortChange, 'claimPersons' | 'mentorLoads' | 'completionDue' | 'employment'>;

/**
 * The cohort as a case of the review lifecycle (`cohort-filing`): company, school and bureau
 * reviews. Main course of a decision: an approval holds the money rules again (subsidised
 * persons, person claims, mentor loads), the school's names its student numbers and mentors, the
 * bureau's files the cohort with its entitlement; a return voids the round's approvals.
 */
export function cohortReviews(
  deps: GuardDeps & Pick<CohortDeps, 'store'> & Partial<Pick<EmploymentCheckDeps, 'employment' | 'newId'>>,
): CaseReviews<CohortRecord> {
  return {
    noun: 'cohort',
    workflow: 'cohort-filing',
    system: { system: 'cohort-filing' },
    opened: { action: 'review.opened', redelivered: 'review.redelivered' },
    load: (cohortId) => deps.store.get(cohortId),
    // Schools and bureaus see a cohort once it has been submitted; drafts are the enterprise's own.
    visible: (principal, cohort) =>
      canSee(principal, cohort) && (orgKindOf(principal.role) === 'enterprise' || cohort.round > 0),
    statusAt: (stage) => stage,
    view: cohortView,
    party: (cohort, stage) => {
      const role = STAGE_ROLE[stage as ReviewStage];
      const kind = role.split('.')[0];
      return {
        role,
        org:
          kind === 'enterprise'
            ? cohort.enterpriseId
            : kind === 'school'
              ? cohort.schoolId
              : cohort.districtCode,
      };
    },
    async plan({ principal, current, task, body, at }) {
      const stage = task.stage as ReviewStage;
      const base: CohortRecord = {
        ...current,
        openTask: undefined,
        version: current.version + 1,
        updatedAt: at,
      };
      const action = `review.${body.decision}`;
      if (body.decision === 'return') {
        return { next: { ...base, ...correctionsOf(current, stage, body, principal, at) }, action };
      }
      if (body.decision === 'reject') {
        return { next: { ...base, status: 'REJECTED', rejectReason: body.reason }, action };
      }
      refuseOwnCase(principal, current, 'a cohort');
      if (stage !== 'SCHOOL_REVIEW' && (body.schoolMentors || body.enrolment)) {
        throw new ValidationFailed([fieldError('enrolment', says('review.enrolment_school_stage_only'))]);
      }
      if (body.approvedAmountFen !== undefined) {
        throw new ValidationFailed([fieldError('approvedAmountFen', says('review.amount_for_claims_only'))]);
      }
      let next: CohortRecord = {
        ...base,
        status: NEXT_AFTER_APPROVAL[stage],
        approvals: [...base.approvals, { stage, by: principal.sub, at }],
      };
      const details: Record<string, unknown> = {};
      if (stage === 'SCHOOL_REVIEW') {
        const enrolled = enrol(next, body);
        next = enrolled.cohort;
        details.enrolled = enrolled.count;
      }
      // Every approval holds the money rules again, decided in the decision's transaction.
      const guards = await holdFilingRules(deps, next, { before: current, claim: 'all', transition: true });
      let employment: CohortChange['employment'];
      if (stage === 'BUREAU_REVIEW') {
        // Insured by the enterprise at the contract's start (社保 check), held in the same transaction.
        employment = await checkEmployment(deps, {
          stage,
          caseId: current.cohortId,
          cohort: next,
          at,
          current,
        });
        next = await file(deps, next, at);
        details.entitlementFen = next.entitlementFen;
        details.policyVersion = next.policyVersion;
      }
      const extra: CohortExtra = {
        ...guards,
        // A filed cohort waits in the list the scheduled completion reads (cohort-completion.ts).
        completionDue: next.status === 'FILED' ? { endDate: next.endDate, due: true } : undefined,
        employment,
      };
      return { next, action, details, extra };
    },
    write: (change) =>
      saveClaimingPersons(deps.store, {
        cohort: change.next,
        expectedVersion: change.expectedVersion,
        audit: change.audit,
        idempotency: change.idempotency,
        task: change.task,
        ...(change.extra as CohortExtra | undefined),
      }),
    // A contribution file imported (or an override changed) since the check read it: check again.
    async recover(error) {
      if (error instanceof EmploymentRecordsMoved) return 'replan';
      throw error;
    },
  };
}

function outcomeOf(cohort: CohortRecord, stage: string): DecisionOutcome | undefined {
  if (cohort.status === 'RETURNED') return 'return';
  if (cohort.status === 'REJECTED') return 'reject';
  if (cohort.approvals.some((approval) => approval.stage === stage)) return 'approve';
  return undefined;
}
export const outcomeAfter = outcomeOf;

/** The school's approval: a student number and a school mentor for every enrolled apprentice. */
function enrol(cohort: CohortRecord, body: DecisionBody): { cohort: CohortRecord; count: number } {
  const errors: FieldError[] = [];
  const mentors = body.schoolMentors ?? [];
  const rows = body.enrolment ?? [];
  if (mentors.length === 0)
    errors.push(fieldError('schoolMentors', says('enrolment.school_mentors_required')));
  const byId = new Map(rows.map((row, index) => [row.apprenticeId, { row, index }]));
  rows.forEach((row, index) => {
    if (!cohort.apprentices.some((apprentice) => apprentice.apprenticeId === row.apprenticeId)) {
      errors.push(fieldError(`enrolment.${index}.apprenticeId`, says('apprentice.not_in_cohort')));
    }
  });
  const apprentices = cohort.apprentices.map((apprentice, index) => {
    if (apprentice.status !== 'enrolled') return apprentice;
    const entry = byId.get(apprentice.apprenticeId);
    if (!entry) {
      errors.push(
        fieldError(
          'enrolment',
          says('enrolment.apprentice_missing', {
            position: index + 1,
            apprenticeId: apprentice.apprenticeId,
          }),
        ),
      );
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

/** A return: RETURNED with its reason and, when listed, the one-time correction notice. */
function correctionsOf(
  current: CohortRecord,
  stage: ReviewStage,
  body: DecisionBody,
  principal: { sub: string },
  at: string,
): Pick<CohortRecord, 'status' | 'returnReason' | 'approvals' | 'corrections'> {
  const returned = { status: 'RETURNED' as const, returnReason: body.reason, approvals: [] };
  if (!body.corrections) return returned;
  // A cohort under review has no documents (evidence is uploaded once it is FILED).
  const notice = correctionNotice(
    current,
    undefined,
    { items: body.corrections, reason: body.reason ?? '' },
    { stage, round: current.round, at, by: principal.sub },
  );
  if (Array.isArray(notice)) throw new ValidationFailed(notice);
  return { ...returned, corrections: [...(current.corrections ?? []), notice] };
}

/** A company or school review that outlives its time limit returns the cohort to the enterprise. */
export function expireCohortReview(
  cohort: CohortRecord,
  stage: string,
  at: string,
): { next: CohortRecord; audit: AuditDraft; outcome: 'expired' } {
  const reason = `expired at ${stage}`;
  return {
    next: {
      ...cohort,
      status: 'RETURNED',
      returnReason: reason,
      approvals: [],
      openTask: undefined,
      version: cohort.version + 1,
      updatedAt: at,
    },
    audit: {
      action: 'review.expired',
      actor: { system: 'cohort-filing' },
      from: stage,
      to: 'RETURNED',
      reason,
    },
    outcome: 'expired',
  };
}
