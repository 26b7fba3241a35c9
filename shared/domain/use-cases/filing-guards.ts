import type { ClaimStore } from '../claim-ports.ts';
import type { CohortRecord } from '../cohort.ts';
import { Conflict, type FieldError, ValidationFailed } from '../errors.ts';
import type { CohortDeps, MentorLoadWrite, PersonLock } from '../ports.ts';
import { todayInChinaOf } from '../time.ts';
import { planMentorLoads, tally } from './common.ts';

/**
 * The rules that protect money, held at every transition of a cohort that can lead to a payment:
 * creation, edits, added rows, submission and each approval (domain.md, "Apprentice").
 *
 * - nobody already subsidised for the cohort's occupation at its level or higher (a mark of
 *   another cohort, written by the payment that subsidised them);
 * - each person in one active cohort (a person claim naming this cohort);
 * - each mentor within the load limit across active cohorts (a versioned load item).
 *
 * Reads find what to name in the error. The decisive checks are conditions in the transaction
 * that saves the change: the person claims and mentor loads returned here go into it. For the
 * subsidy itself the decisive check is the payment's own conditional marks (claim-release.ts),
 * so a mark written between this read and the save can cost the person their payment, never
 * pay them twice.
 */
export type GuardDeps = Pick<CohortDeps, 'store' | 'reference' | 'clock'> & {
  claims: Pick<ClaimStore, 'subsidyMarks'>;
};

export interface GuardOptions {
  /** The cohort as it was read (undefined for a new one): mentor loads move by the difference. */
  before: CohortRecord | undefined;
  /** Whose persons to claim: the new rows only (create, add) or everyone still in it (submission, approvals). */
  claim: 'added' | 'all' | 'none';
  /** Field paths of the request (rows of an added batch count from 0). */
  rebase?: (path: string) => string;
  /** A transition (submit, decision) breaks a rule of the case's state: 409, not 400 for the body. */
  transition?: boolean;
  /** Removing a row never needs the subsidy check (it is how a clerk takes a subsidised person out). */
  checkSubsidy?: boolean;
}

export async function holdFilingRules(
  deps: GuardDeps,
  cohort: CohortRecord,
  options: GuardOptions,
): Promise<{ claimPersons: PersonLock[]; mentorLoads: MentorLoadWrite[] }> {
  const rebase = options.rebase ?? ((path: string) => path);
  const rebased = (found: FieldError[]) => found.map((error) => ({ ...error, path: rebase(error.path) }));
  const subsidised = options.checkSubsidy === false ? [] : await subsidisedElsewhere(deps, cohort);
  if (subsidised.length > 0) {
    if (options.transition) {
      throw new Conflict(
        'A person of this cohort was already subsidised for its occupation at this level or higher; return the cohort to remove them',
        { status: cohort.status, version: cohort.version },
        rebased(subsidised),
      );
    }
    throw new ValidationFailed(rebased(subsidised));
  }
  let mentorLoads: MentorLoadWrite[];
  try {
    mentorLoads = await mentorLoadsOf(deps, options.before, cohort, options.transition === true);
  } catch (error) {
    // Mentors are named by the request's fields (the school names its mentors when it approves).
    if (error instanceof ValidationFailed) throw new ValidationFailed(rebased(error.errors));
    throw error;
  }
  const known = new Set(options.before?.apprentices.map((apprentice) => apprentice.apprenticeId));
  // Rows of added persons are those of the request (added rows come last).
  const offset = options.claim === 'added' ? known.size : 0;
  const claimPersons =
    options.claim === 'none'
      ? []
      : cohort.apprentices.flatMap((apprentice, row): PersonLock[] =>
          apprentice.status === 'withdrawn' ||
          (options.claim === 'added' && known.has(apprentice.apprenticeId))
            ? []
            : [{ idHash: apprentice.idHash, row: row - offset }],
        );
  return { claimPersons, mentorLoads };
}

/** Rows of persons another cohort was (or is being) paid for, for this occupation at this level or higher. */
async function subsidisedElsewhere(deps: GuardDeps, cohort: CohortRecord): Promise<FieldError[]> {
  const counted = cohort.apprentices.filter((apprentice) => apprentice.status !== 'withdrawn');
  if (counted.length === 0) return [];
  const marks = await deps.claims.subsidyMarks(
    counted.map((apprentice) => apprentice.idHash),
    cohort.occupationCode,
  );
  const blocking = new Map(
    marks
      .filter((mark) => mark.cohortId !== cohort.cohortId && mark.level <= cohort.targetLevel)
      .map((mark) => [mark.idHash, mark]),
  );
  return cohort.apprentices.flatMap((apprentice, row) => {
    const mark = apprentice.status === 'withdrawn' ? undefined : blocking.get(apprentice.idHash);
    return mark
      ? [
          {
            path: `apprentices.${row}.idNumber`,
            message: `this person was already subsidised for ${cohort.occupationCode} at level ${mark.level}`,
          },
        ]
      : [];
  });
}

/**
 * Loads of every mentor of the cohort (both sides), counting apprentices still in training. A
 * change moves the loads that changed; a transition re-checks and rewrites every one of them,
 * each conditioned on the version read, so two cohorts cannot both take a mentor's last places.
 */
async function mentorLoadsOf(
  deps: GuardDeps,
  before: CohortRecord | undefined,
  after: CohortRecord,
  verifyAll: boolean,
): Promise<MentorLoadWrite[]> {
  const policy = await deps.reference.policyInForce(todayInChinaOf(deps.clock.now()));
  const beforeCounts = before ? mentorCounts(before) : new Map<string, { count: number; path: string }>();
  const afterCounts = mentorCounts(after);
  const mentorIds = [...new Set([...beforeCounts.keys(), ...afterCounts.keys()])];
  return planMentorLoads(
    deps.store,
    after.cohortId,
    mentorIds.map((mentorId) => ({
      mentorId,
      before: beforeCounts.get(mentorId)?.count ?? 0,
      after: afterCounts.get(mentorId)?.count ?? 0,
      path: afterCounts.get(mentorId)?.path ?? beforeCounts.get(mentorId)?.path ?? 'enterpriseMentors',
    })),
    policy.mentorMaxApprentices,
    { verifyAll },
  );
}

/** Mentor id → apprentices still in training it takes in this cohort, and the path naming it. */
export function mentorCounts(cohort: CohortRecord): Map<string, { count: number; path: string }> {
  const ids = cohort.apprentices
    .filter((apprentice) => apprentice.status !== 'withdrawn')
    .flatMap((apprentice) => {
      const found: string[] = [];
      const enterprise = cohort.enterpriseMentors.findIndex(
        (mentor) => mentor.key === apprentice.enterpriseMentorKey,
      );
      if (enterprise >= 0) found.push(`e:${enterprise}`);
      const school = cohort.schoolMentors.findIndex((mentor) => mentor.key === apprentice.schoolMentorKey);
      if (school >= 0) found.push(`s:${school}`);
      return found;
    });
  const result = new Map<string, { count: number; path: string }>();
  for (const [slot, count] of tally(ids)) {
    const [side, index] = slot.split(':') as ['e' | 's', string];
    const position = Number(index);
    const mentorId =
      side === 'e'
        ? enterpriseMentorId(cohort.enterpriseId, cohort.enterpriseMentors[position]!.employeeNo)
        : schoolMentorId(cohort.schoolId, cohort.schoolMentors[position]!.teacherNo);
    const path = side === 'e' ? `enterpriseMentors.${position}` : `schoolMentors.${position}`;
    const existing = result.get(mentorId);
    result.set(mentorId, { count: (existing?.count ?? 0) + count, path: existing?.path ?? path });
  }
  return result;
}

/** The mentor ids of load items (the keys module builds the item keys from them). */
export const enterpriseMentorId = (enterpriseId: string, employeeNo: string) =>
  `ENT#${enterpriseId}#${employeeNo}`;
export const schoolMentorId = (schoolId: string, teacherNo: string) => `SCHOOL#${schoolId}#${teacherNo}`;
