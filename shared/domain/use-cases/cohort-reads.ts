import type { CohortStatus } from '../cohort.ts';
import { cohortReadView } from '../cohort.ts';
import { says } from '../error-codes.ts';
import { Conflict, Forbidden, NotFound } from '../errors.ts';
import type { CohortDeps } from '../ports.ts';
import { actorOf, orgKindOf, type Principal } from '../principal.ts';
import { type TaskRecord, taskView } from '../task.ts';
import { acrossDistricts } from './city-reads.ts';
import { visibleCohort } from './common.ts';

type Reads = Pick<CohortDeps, 'store'>;

export async function getCohort(deps: Reads, principal: Principal, cohortId: string) {
  return cohortReadView(await visibleCohort(deps.store, principal, cohortId));
}

/**
 * The caller's cohorts through the index of its party (no Scan), newest first, by cursor; the
 * municipal bureau's walk the lists of its districts, one after the other.
 */
export async function listCohorts(
  deps: Reads & Pick<CohortDeps, 'reference'>,
  principal: Principal,
  query: { status?: CohortStatus | undefined; limit: number; cursor?: string | undefined },
) {
  const kind = orgKindOf(principal.role);
  const page =
    kind === 'city'
      ? await acrossDistricts(deps.reference, principal.orgId, query, (districtCode, part) =>
          deps.store.listForParty({ kind: 'bureau', orgId: districtCode }, { ...query, ...part }),
        )
      : await deps.store.listForParty({ kind, orgId: principal.orgId }, query);
  return {
    items: page.items.map((item) => ({
      cohortId: item.cohortId,
      status: item.status,
      version: item.version,
      enterpriseId: item.enterpriseId,
      schoolId: item.schoolId,
      districtCode: item.districtCode,
      occupationCode: item.occupationCode,
      occupationName: item.occupationName,
      targetLevel: item.targetLevel,
      startDate: item.startDate,
      endDate: item.endDate,
      apprenticeCount: item.apprenticeCount,
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
    })),
    nextCursor: page.nextCursor,
  };
}

/** Every party of a case can read its history. */
export async function cohortHistory(
  deps: Reads,
  principal: Principal,
  cohortId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  await visibleCohort(deps.store, principal, cohortId);
  const page = await deps.store.history(cohortId, query);
  return { items: page.items, nextCursor: page.nextCursor };
}

/**
 * The caller's inbox: open decisions waiting for its role and organisation, soonest due first,
 * each with `dueAt` and `overdue`. A district's `bureau.admin` also gets the escalations (issue 14):
 * its reviewers' tasks past their handling limit, after its own tasks (one cursor across both).
 */
export async function listTasks(
  deps: Reads & Pick<CohortDeps, 'clock'>,
  principal: Principal,
  query: { limit: number; cursor?: string | undefined },
) {
  const now = deps.clock.now();
  const view = (task: TaskRecord) => taskView(task, now);
  if (principal.role !== 'bureau.admin') {
    const page = await deps.store.inbox(principal.role, principal.orgId, query);
    // The inbox index's projection is full (20 attributes): what a public objection says is read
    // from its task (rare; one GetItem each).
    const items = await Promise.all(
      page.items.map(async (task) =>
        task.stage === 'PUBLIC_OBJECTION' ? ((await deps.store.task(task.taskId)) ?? task) : task,
      ),
    );
    return { items: items.map(view), nextCursor: page.nextCursor };
  }
  const escalations = async (cursor: string | undefined, limit: number) => {
    const page = await deps.store.inbox('bureau.reviewer', principal.orgId, {
      limit,
      cursor,
      dueBy: now.toISOString(),
    });
    return {
      items: page.items.map((task) => ({ ...view(task), escalated: true })),
      nextCursor: page.nextCursor === null ? null : `${ESCALATIONS}${page.nextCursor}`,
    };
  };
  if (query.cursor?.startsWith(ESCALATIONS)) {
    return escalations(query.cursor.slice(ESCALATIONS.length) || undefined, query.limit);
  }
  const own = await deps.store.inbox(principal.role, principal.orgId, query);
  if (own.nextCursor !== null) return { items: own.items.map(view), nextCursor: own.nextCursor };
  const rest = query.limit - own.items.length;
  if (rest === 0) return { items: own.items.map(view), nextCursor: ESCALATIONS };
  const more = await escalations(undefined, rest);
  return { items: [...own.items.map(view), ...more.items], nextCursor: more.nextCursor };
}

/** A cursor of the escalation part of a bureau admin's inbox. */
const ESCALATIONS = 'esc:';

/**
 * The full ID number, for a bureau reviewer only, with the reason recorded in the case's audit
 * chain before the number is returned.
 */
export async function revealIdentity(
  deps: Pick<CohortDeps, 'store' | 'pii'>,
  principal: Principal,
  cohortId: string,
  apprenticeId: string,
  reason: string,
  fields: readonly ('idNumber' | 'phone')[] = ['idNumber', 'phone'],
) {
  if (principal.role !== 'bureau.reviewer') throw new Forbidden(says('identity.reviewer_only'));
  // The read is chained onto the case's audit head; a workflow step writing the cohort at the same
  // moment moves that head, so the append is tried again on the fresh cohort.
  for (let attempt = 1; ; attempt++) {
    const cohort = await visibleCohort(deps.store, principal, cohortId);
    const apprentice = cohort.apprentices.find((candidate) => candidate.apprenticeId === apprenticeId);
    if (!apprentice) throw new NotFound(says('apprentice.not_found', { apprenticeId }));
    try {
      await deps.store.appendAudit(cohort, {
        action: 'identity.read',
        actor: actorOf(principal),
        reason,
        // Every field returned is named: the record says exactly what was read.
        details: { apprenticeId, fields: [...fields] },
      });
    } catch (error) {
      if (error instanceof Conflict && attempt < 5) continue;
      throw error;
    }
    return reveal(deps, cohort, apprentice, fields);
  }
}

async function reveal(
  deps: Pick<CohortDeps, 'pii'>,
  cohort: Awaited<ReturnType<typeof visibleCohort>>,
  apprentice: Awaited<ReturnType<typeof visibleCohort>>['apprentices'][number],
  fields: readonly ('idNumber' | 'phone')[],
) {
  const key = await deps.pii.openDataKey(cohort.wrappedDataKey);
  return {
    apprenticeId: apprentice.apprenticeId,
    name: apprentice.name,
    ...(fields.includes('idNumber') ? { idNumber: deps.pii.decrypt(key, apprentice.idCipher) } : {}),
    ...(fields.includes('phone') ? { phone: deps.pii.decrypt(key, apprentice.phoneCipher) } : {}),
  };
}
