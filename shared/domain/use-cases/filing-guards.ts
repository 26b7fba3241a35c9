import type { ClaimStore } from '../claim-ports.ts';
import { type CohortRecord, personHashes } from '../cohort.ts';
import { says } from '../error-codes.ts';
import { Conflict, type FieldError, fieldError, ValidationFailed } from '../errors.ts';
import {
  type CohortChange,
  type CohortDeps,
  type CohortStore,
  type MentorLoadWrite,
  type MentorNaming,
  type MentorRef,
  mentorKey,
  type PersonLock,
  PersonsTaken,
} from '../ports.ts';
import { todayInChinaOf } from '../time.ts';
import { marksElsewhere } from './claim-computation.ts';
import { planMentorLoads } from './common.ts';

/**
 * The rules that protect money, held at every transition of a cohort that can lead to a payment:
 * creation, edits, added rows, submission and each approval (domain.md, "Apprentice").
 *
 * - nobody already subsidised for the cohort's occupation at its level or higher (a mark of
 *   another cohort, written by the payment that subsidised them);
 * - each person in one active cohort (a person claim naming this cohort, under each of the
 *   person's look-up hashes, so a claim made under either crypto suite blocks the other);
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
        says('cohort.person_subsidised'),
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
            : personHashes(apprentice).map((idHash) => ({ idHash, row: row - offset })),
        );
  return { claimPersons, mentorLoads };
}

/** Rows of persons another cohort was (or is being) paid for, for this occupation at this level or higher. */
async function subsidisedElsewhere(deps: GuardDeps, cohort: CohortRecord): Promise<FieldError[]> {
  const marks = await marksElsewhere(deps, cohort);
  return cohort.apprentices.flatMap((apprentice, row) => {
    const mark = marks.get(apprentice.apprenticeId);
    return mark
      ? [
          fieldError(
            `apprentices.${row}.idNumber`,
            says('apprentice.already_subsidised', {
              occupationCode: cohort.occupationCode,
              level: mark.level,
            }),
          ),
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
  return planMentorLoads(
    deps.store,
    after.cohortId,
    mentorLoadCounts(before, after),
    policy.mentorMaxApprentices,
    { verifyAll },
  );
}

/** A mentor of a cohort, as named there, with the apprentices still in training it takes. */
interface MentorCount {
  mentor: MentorRef;
  naming: MentorNaming;
  count: number;
  path: string;
}

/** Mentor → apprentices still in training it takes in this cohort, and the path naming it. */
export function mentorCounts(cohort: CohortRecord): Map<string, MentorCount> {
  const result = new Map<string, MentorCount>();
  const count = (mentor: MentorRef, naming: MentorNaming, path: string) => {
    const key = mentorKey(mentor);
    const existing = result.get(key);
    result.set(key, {
      mentor,
      naming: existing?.naming ?? naming,
      count: (existing?.count ?? 0) + 1,
      path: existing?.path ?? path,
    });
  };
  for (const apprentice of cohort.apprentices) {
    if (apprentice.status === 'withdrawn') continue;
    const enterprise = cohort.enterpriseMentors.findIndex(
      (mentor) => mentor.key === apprentice.enterpriseMentorKey,
    );
    if (enterprise >= 0) {
      const named = cohort.enterpriseMentors[enterprise]!;
      count(
        { side: 'enterprise', orgId: cohort.enterpriseId, number: named.employeeNo },
        { name: named.name, skillLevel: named.skillLevel },
        `enterpriseMentors.${enterprise}`,
      );
    }
    const school = cohort.schoolMentors.findIndex((mentor) => mentor.key === apprentice.schoolMentorKey);
    if (school >= 0) {
      const named = cohort.schoolMentors[school]!;
      count(
        { side: 'school', orgId: cohort.schoolId, number: named.teacherNo },
        { name: named.name },
        `schoolMentors.${school}`,
      );
    }
  }
  return result;
}

/** The loads of a cohort's mentors before and after a change, for planMentorLoads. */
export function mentorLoadCounts(before: CohortRecord | undefined, after: CohortRecord) {
  const beforeCounts = before ? mentorCounts(before) : new Map<string, MentorCount>();
  const afterCounts = mentorCounts(after);
  return [...new Set([...beforeCounts.keys(), ...afterCounts.keys()])].map((key) => {
    const known = (afterCounts.get(key) ?? beforeCounts.get(key))!;
    return {
      mentor: known.mentor,
      naming: known.naming,
      before: beforeCounts.get(key)?.count ?? 0,
      after: afterCounts.get(key)?.count ?? 0,
      path: known.path,
    };
  });
}

/**
 * Saves a change that claims persons; a person another active cohort holds is named by its row
 * (the rows of `claimPersons` are the request's own: the change's person claims carry them).
 */
export async function saveClaimingPersons(
  store: Pick<CohortStore, 'save'>,
  change: CohortChange,
): Promise<void> {
  try {
    await store.save(change);
  } catch (error) {
    if (!(error instanceof PersonsTaken)) throw error;
    throw new ValidationFailed(
      error.rows.map((row) =>
        fieldError(`apprentices.${row}.idNumber`, says('apprentice.in_another_cohort')),
      ),
    );
  }
}
