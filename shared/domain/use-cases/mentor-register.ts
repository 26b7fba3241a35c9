/**
 * An organisation's mentor register (`GET /organisations/{orgId}/mentors`): an enterprise's
 * mentors by employee number, a school's by teacher number, each with the name (and skill level)
 * the latest cohort naming them gave, and their load — the apprentices they take across active
 * cohorts, counted as the filing rule counts it (`liveCohorts`: cohorts that ended drop out).
 *
 * Main course: find the organisation in the register (404 when it is no enterprise or school);
 * let in its own users and the bureau of its district (403 for anyone else — the register of
 * organisations is read by everyone, so the refusal tells nothing new); read one page of its
 * mentors' load items (one Query of the organisation's partition), the statuses of the cohorts
 * those name (one projected BatchGet) and the limit of the policy in force.
 *
 * A mentor enters the register when a cohort first gives them apprentices (that write moves their
 * load); one whose cohorts all ended stays, with load 0, to be picked again.
 */
import { says } from '../error-codes.ts';
import { Forbidden, NotFound } from '../errors.ts';
import type { CohortDeps, MentorLoad } from '../ports.ts';
import { districtInCity, orgKindOf, type Principal } from '../principal.ts';
import { todayInChinaOf } from '../time.ts';
import { liveCohorts } from './common.ts';

type RegisterDeps = Pick<CohortDeps, 'store' | 'reference' | 'clock'>;

export async function listMentors(
  deps: RegisterDeps,
  principal: Principal,
  orgId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  const organisation = await deps.reference.organisation(orgId);
  if (!organisation || organisation.kind === 'bureau' || organisation.kind === 'city') {
    throw new NotFound(says('organisation.not_found', { orgId }));
  }
  const own = principal.orgId === orgId;
  const districtBureau =
    orgKindOf(principal.role) === 'bureau' && principal.orgId === organisation.districtCode;
  // The municipal bureau reads its districts' cases, and so the loads they are decided on.
  const city =
    orgKindOf(principal.role) === 'city' && districtInCity(principal.orgId, organisation.districtCode);
  if (!own && !districtBureau && !city) throw new Forbidden(says('mentor.register_own_only'));

  const side = organisation.kind;
  const [page, policy] = await Promise.all([
    deps.store.mentorsOf(side, orgId, query),
    deps.reference.policyInForce(todayInChinaOf(deps.clock.now())),
  ]);
  const named = [...new Set(page.items.flatMap((load) => Object.keys(load.cohorts)))];
  const statuses = await deps.store.statuses(named);
  return {
    orgId,
    side,
    mentorMaxApprentices: policy.mentorMaxApprentices,
    items: page.items.map((load) => mentorView(load, liveCohorts(load.cohorts, statuses))),
    nextCursor: page.nextCursor,
  };
}

function mentorView(load: MentorLoad, live: Record<string, number>) {
  const number =
    load.mentor.side === 'enterprise'
      ? { employeeNo: load.mentor.number }
      : { teacherNo: load.mentor.number };
  return {
    ...number,
    name: load.naming?.name ?? null,
    ...(load.mentor.side === 'enterprise' ? { skillLevel: load.naming?.skillLevel ?? null } : {}),
    load: Object.values(live).reduce((sum, taken) => sum + taken, 0),
    activeCohorts: Object.entries(live)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([cohortId, apprentices]) => ({ cohortId, apprentices })),
  };
}
