import type { MentorsBody, OutcomeBody, WithdrawalBody } from '../../schemas/claim.ts';
import type { ApprenticeRecord, CohortRecord } from '../cohort.ts';
import { cohortView } from '../cohort.ts';
import { compareDates } from '../dates.ts';
import { says } from '../error-codes.ts';
import { Conflict, Forbidden, fieldError, NotFound, ValidationFailed } from '../errors.ts';
import { idempotent } from '../idempotency.ts';
import type { CohortDeps } from '../ports.ts';
import { actorOf, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';
import { todayInChinaOf } from '../time.ts';
import { completedByClock } from './cohort-completion.ts';
import type { RequestMeta } from './cohort-drafts.ts';
import { planMentorLoads, visibleCohort } from './common.ts';
import { mentorLoadCounts } from './filing-guards.ts';

/**
 * The apprenticeship after filing (domain.md, "Changes while FILED"): withdrawals, outcomes and
 * certificates, mentor replacements. Each is one audited transaction on the cohort; the cohort
 * becomes COMPLETED once its end date has passed and every apprentice has an outcome.
 */
type Deps = Pick<CohortDeps, 'store' | 'reference' | 'clock'>;

async function filedCohort(deps: Deps, principal: Principal, cohortId: string, apprenticeId: string) {
  const cohort = await visibleCohort(deps.store, principal, cohortId);
  const index = cohort.apprentices.findIndex((apprentice) => apprentice.apprenticeId === apprenticeId);
  if (index < 0) throw new NotFound(says('apprentice.not_found', { apprenticeId }));
  if (cohort.status !== 'FILED') {
    throw new Conflict(says('cohort.not_filed_for_changes', { status: cohort.status }), {
      status: cohort.status,
      version: cohort.version,
    });
  }
  return { cohort, index, apprentice: cohort.apprentices[index]! };
}

function replaceApprentice(
  cohort: CohortRecord,
  index: number,
  apprentice: ApprenticeRecord,
  at: string,
  today: string,
): CohortRecord {
  const apprentices = cohort.apprentices.map((existing, position) =>
    position === index ? apprentice : existing,
  );
  const changed = { ...cohort, apprentices };
  // The last outcome after the end date completes the cohort at once; before it, the clock does.
  return completedByClock(changed, today, at) ?? { ...changed, version: cohort.version + 1, updatedAt: at };
}

/** The completion list entry leaves with the cohort's completion (same transaction). */
function completionOf(before: CohortRecord, after: CohortRecord) {
  return before.status !== after.status && after.status === 'COMPLETED'
    ? { endDate: after.endDate, due: false }
    : undefined;
}

export async function withdrawApprentice(
  deps: Deps,
  principal: Principal,
  cohortId: string,
  apprenticeId: string,
  body: WithdrawalBody,
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      if (principal.role !== 'enterprise.clerk') throw new Forbidden(says('withdrawal.clerk_only'));
      const { cohort, index, apprentice } = await filedCohort(deps, principal, cohortId, apprenticeId);
      if (apprentice.status !== 'enrolled')
        throw new Conflict(says('apprentice.already_left', { status: apprentice.status }));
      const today = todayInChinaOf(deps.clock.now());
      if (compareDates(body.date, cohort.startDate) < 0 || compareDates(body.date, today) > 0) {
        throw new ValidationFailed([
          fieldError('date', says('withdrawal.date_out_of_range', { start: cohort.startDate, today })),
        ]);
      }
      const at = deps.clock.now().toISOString();
      const updated = replaceApprentice(
        cohort,
        index,
        {
          ...apprentice,
          status: 'withdrawn',
          withdrawal: { date: body.date, reason: body.reason, recordedBy: principal.sub },
        },
        at,
        today,
      );
      const mentorLoads = await mentorLoadChanges(deps, cohort, updated);
      const reply = { status: 200, body: cohortView(updated) };
      await deps.store.save({
        cohort: updated,
        expectedVersion: cohort.version,
        audit: {
          action: 'apprentice.withdrawn',
          actor: actorOf(principal),
          reason: body.reason,
          details: { apprenticeId, date: body.date, note: body.note },
          ...(updated.status !== cohort.status ? { from: cohort.status, to: updated.status } : {}),
        },
        idempotency: record(reply),
        mentorLoads,
        completionDue: completionOf(cohort, updated),
      });
      return reply;
    },
  );
}

export async function recordOutcome(
  deps: Deps,
  principal: Principal,
  cohortId: string,
  apprenticeId: string,
  body: OutcomeBody,
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      if (principal.role !== 'school.registrar' && principal.role !== 'enterprise.clerk') {
        throw new Forbidden(says('outcome.recorder_only'));
      }
      const { cohort, index, apprentice } = await filedCohort(deps, principal, cohortId, apprenticeId);
      if (apprentice.status !== 'enrolled' && apprentice.status !== 'completed') {
        throw new Conflict(says('apprentice.has_outcome', { status: apprentice.status }));
      }
      const today = todayInChinaOf(deps.clock.now());
      if (body.certificate && compareDates(body.certificate.issuedOn, today) > 0) {
        throw new ValidationFailed([
          fieldError('certificate.issuedOn', says('certificate.issued_in_future')),
        ]);
      }
      const at = deps.clock.now().toISOString();
      const updated = replaceApprentice(
        cohort,
        index,
        {
          ...apprentice,
          status: body.outcome,
          certificate: body.certificate,
          outcomeRecordedBy: principal.sub,
        },
        at,
        today,
      );
      const reply = { status: 200, body: cohortView(updated) };
      await deps.store.save({
        cohort: updated,
        expectedVersion: cohort.version,
        audit: {
          action: 'apprentice.outcome',
          actor: actorOf(principal),
          details: {
            apprenticeId,
            outcome: body.outcome,
            certificateLevel: body.certificate?.level,
            certificateNo: body.certificate?.number,
          },
          ...(updated.status !== cohort.status ? { from: cohort.status, to: updated.status } : {}),
        },
        idempotency: record(reply),
        completionDue: completionOf(cohort, updated),
      });
      return reply;
    },
  );
}

/** A school mentor is replaced by the school; an enterprise mentor by the enterprise signatory. */
export async function replaceMentor(
  deps: Deps,
  principal: Principal,
  cohortId: string,
  apprenticeId: string,
  body: MentorsBody,
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const enterpriseSide = body.enterpriseMentorKey !== undefined || body.enterpriseMentor !== undefined;
      const allowed = enterpriseSide ? 'enterprise.signatory' : 'school.registrar';
      if (principal.role !== allowed) throw new Forbidden(says('mentor.replaced_by_role', { role: allowed }));
      const { cohort, index, apprentice } = await filedCohort(deps, principal, cohortId, apprenticeId);
      if (apprentice.status !== 'enrolled')
        throw new Conflict(says('apprentice.not_in_training', { status: apprentice.status }));
      let updated: CohortRecord = cohort;
      const at = deps.clock.now().toISOString();
      if (enterpriseSide) {
        const policy = await deps.reference.policyInForce(todayInChinaOf(deps.clock.now()));
        const added = body.enterpriseMentor;
        if (added && added.skillLevel > policy.minMentorSkillLevel) {
          throw new ValidationFailed([
            fieldError(
              'enterpriseMentor.skillLevel',
              says('mentor.level_below_minimum', { level: policy.minMentorSkillLevel }),
            ),
          ]);
        }
        if (added && cohort.enterpriseMentors.some((mentor) => mentor.key === added.key)) {
          throw new ValidationFailed([fieldError('enterpriseMentor.key', says('mentor.key_taken'))]);
        }
        const key = added?.key ?? body.enterpriseMentorKey!;
        if (!added && !cohort.enterpriseMentors.some((mentor) => mentor.key === key)) {
          throw new ValidationFailed([
            fieldError('enterpriseMentorKey', says('mentor.key_not_in_cohort', { side: 'enterprise' })),
          ]);
        }
        updated = {
          ...cohort,
          enterpriseMentors: added ? [...cohort.enterpriseMentors, added] : cohort.enterpriseMentors,
          apprentices: cohort.apprentices.map((a, position) =>
            position === index ? { ...a, enterpriseMentorKey: key } : a,
          ),
        };
      } else {
        const added = body.schoolMentor;
        if (added && cohort.schoolMentors.some((mentor) => mentor.key === added.key)) {
          throw new ValidationFailed([fieldError('schoolMentor.key', says('mentor.key_taken'))]);
        }
        const key = added?.key ?? body.schoolMentorKey!;
        if (!added && !cohort.schoolMentors.some((mentor) => mentor.key === key)) {
          throw new ValidationFailed([
            fieldError('schoolMentorKey', says('mentor.key_not_in_cohort', { side: 'school' })),
          ]);
        }
        updated = {
          ...cohort,
          schoolMentors: added ? [...cohort.schoolMentors, added] : cohort.schoolMentors,
          apprentices: cohort.apprentices.map((a, position) =>
            position === index ? { ...a, schoolMentorKey: key } : a,
          ),
        };
      }
      updated = { ...updated, version: cohort.version + 1, updatedAt: at };
      const mentorLoads = await mentorLoadChanges(deps, cohort, updated);
      const reply = { status: 200, body: cohortView(updated) };
      await deps.store.save({
        cohort: updated,
        expectedVersion: cohort.version,
        audit: {
          action: enterpriseSide ? 'mentor.enterprise_replaced' : 'mentor.school_replaced',
          actor: actorOf(principal),
          reason: body.reason,
          details: {
            apprenticeId,
            from: enterpriseSide ? apprentice.enterpriseMentorKey : apprentice.schoolMentorKey,
            to: enterpriseSide
              ? (body.enterpriseMentor?.key ?? body.enterpriseMentorKey)
              : (body.schoolMentor?.key ?? body.schoolMentorKey),
          },
        },
        idempotency: record(reply),
        mentorLoads,
      });
      return reply;
    },
  );
}

/** Mentor loads of both sides before and after a change (withdrawn apprentices free their mentors). */
async function mentorLoadChanges(deps: Deps, before: CohortRecord, after: CohortRecord) {
  const policy = await deps.reference.policyInForce(todayInChinaOf(deps.clock.now()));
  return planMentorLoads(
    deps.store,
    after.cohortId,
    // Named by the request's field of the side that changes.
    mentorLoadCounts(before, after).map((count) => ({
      ...count,
      path: count.mentor.side === 'enterprise' ? 'enterpriseMentor' : 'schoolMentor',
    })),
    policy.mentorMaxApprentices,
  );
}
