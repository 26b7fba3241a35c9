import { type CohortRecord, type CohortStatus, canSee, TERMINAL } from '../cohort.ts';
import { says } from '../error-codes.ts';
import { type FieldError, fieldError, NotFound, ValidationFailed } from '../errors.ts';
import {
  type CohortStore,
  type MentorLoadWrite,
  type MentorNaming,
  type MentorRef,
  mentorKey,
  type ReferenceData,
} from '../ports.ts';
import { orgKindOf, type Principal } from '../principal.ts';

/**
 * The cohort if the caller may see it, else 404 (not 403: existence must not leak). Schools and
 * bureaus see a cohort once it has been submitted; drafts are the enterprise's own.
 */
export async function visibleCohort(
  store: CohortStore,
  principal: Principal,
  cohortId: string,
): Promise<CohortRecord> {
  const cohort = await store.get(cohortId);
  if (
    !cohort ||
    !canSee(principal, cohort) ||
    (orgKindOf(principal.role) !== 'enterprise' && cohort.round === 0)
  ) {
    throw new NotFound(says('cohort.not_found', { cohortId }));
  }
  return cohort;
}

export async function districtOf(reference: ReferenceData, enterpriseId: string): Promise<string> {
  const enterprise = await reference.organisation(enterpriseId);
  if (enterprise?.kind !== 'enterprise') {
    throw new ValidationFailed([fieldError('', says('enterprise.not_registered'))]);
  }
  return enterprise.districtCode;
}

/**
 * New loads for the mentors whose count in this cohort changes. A mentor takes at most
 * `max` apprentices across active cohorts; entries of cohorts that ended are dropped on the way.
 */
export async function planMentorLoads(
  store: CohortStore,
  cohortId: string,
  counts: { mentor: MentorRef; naming: MentorNaming; before: number; after: number; path: string }[],
  max: number,
  options: { verifyAll?: boolean } = {},
): Promise<MentorLoadWrite[]> {
  // A transition (submission, an approval) checks and rewrites every load of the cohort, so that
  // the limit holds at the moment of the step and the write is conditioned on what was read.
  const changed = counts.filter(
    (count) => count.before !== count.after || (options.verifyAll === true && count.after > 0),
  );
  if (changed.length === 0) return [];
  const loads = new Map(
    (await store.mentorLoads(changed.map((count) => count.mentor))).map((load) => [
      mentorKey(load.mentor),
      load,
    ]),
  );
  const others = [...new Set([...loads.values()].flatMap((load) => Object.keys(load.cohorts)))].filter(
    (id) => id !== cohortId,
  );
  const statuses = await store.statuses(others);
  const errors: FieldError[] = [];
  const writes: MentorLoadWrite[] = [];
  for (const count of changed) {
    const load = loads.get(mentorKey(count.mentor));
    const live = liveCohorts(load?.cohorts ?? {}, statuses, cohortId);
    const elsewhere = Object.values(live).reduce((sum, taken) => sum + taken, 0);
    if ((count.after > count.before || options.verifyAll === true) && elsewhere + count.after > max) {
      errors.push(
        fieldError(count.path, says('mentor.load_exceeded', { count: elsewhere + count.after, max })),
      );
      continue;
    }
    if (count.after > 0) live[cohortId] = count.after;
    writes.push({
      mentor: count.mentor,
      naming: count.naming,
      cohorts: live,
      expectedVersion: load?.version ?? 0,
    });
  }
  if (errors.length > 0) throw new ValidationFailed(errors);
  return writes;
}

/**
 * The cohorts of a load item that still count (domain.md: a mentor's load across active cohorts):
 * cohorts REJECTED, WITHDRAWN or COMPLETED, or no longer found, drop out; so does `except`, the
 * cohort whose own count is being replaced. The filing rule and the mentor register count alike.
 */
export function liveCohorts(
  cohorts: Record<string, number>,
  statuses: Record<string, CohortStatus>,
  except?: string,
): Record<string, number> {
  const live: Record<string, number> = {};
  for (const [cohortId, taken] of Object.entries(cohorts)) {
    const status = statuses[cohortId];
    if (cohortId !== except && status && !TERMINAL.includes(status) && taken > 0) live[cohortId] = taken;
  }
  return live;
}
