import type { OverrideBody } from '../../schemas/employment.ts';
import type { ClaimStore } from '../claim-ports.ts';
import { canSee } from '../cohort.ts';
import { type OverrideRecord, overrideView } from '../employment.ts';
import type { EmploymentStore } from '../employment-ports.ts';
import { says } from '../error-codes.ts';
import { Conflict, type FieldError, Forbidden, fieldError, NotFound, ValidationFailed } from '../errors.ts';
import { idempotent } from '../idempotency.ts';
import type { Clock, CohortStore, Page } from '../ports.ts';
import { actorOf, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';
import { todayInChinaOf } from '../time.ts';
import type { RequestMeta } from './cohort-drafts.ts';

export interface OverrideDeps {
  employment: Pick<EmploymentStore, 'override' | 'overrides' | 'saveOverride' | 'runs'>;
  store: Pick<CohortStore, 'get' | 'idempotency'>;
  claims: Pick<ClaimStore, 'get'>;
  clock: Clock;
  newId(): string;
}

/**
 * An override of a failed employment check (domain.md "Employment verification"): a bureau
 * reviewer writes it for apprentices of one case of the district (the cohort at filing, the claim
 * at payment) with the reason, the case reference and the expiry; it is PENDING until another
 * bureau user of the district (reviewer or admin, never its writer) confirms it, ACTIVE until its
 * expiry date, then EXPIRED. Each step is one transaction with its audit record on the district's
 * override chain; a decision relies on it only through a ConditionCheck in its own transaction.
 */
export async function writeOverride(
  deps: OverrideDeps,
  principal: Principal,
  body: OverrideBody,
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const today = todayInChinaOf(deps.clock.now());
      const cohort = await cohortOfCase(deps, principal, body.caseId);
      const errors: FieldError[] = [];
      const ids = new Set(cohort.apprentices.map((apprentice) => apprentice.apprenticeId));
      body.apprenticeIds.forEach((apprenticeId, index) => {
        if (!ids.has(apprenticeId)) {
          errors.push(
            fieldError(
              `apprenticeIds.${index}`,
              says('override.apprentice_not_in_case', { caseId: body.caseId }),
            ),
          );
        }
      });
      if (body.expiresOn < today) {
        errors.push(fieldError('expiresOn', says('override.expires_in_past', { today })));
      }
      if (errors.length > 0) throw new ValidationFailed(errors);
      const at = deps.clock.now().toISOString();
      const override: OverrideRecord = {
        overrideId: deps.newId(),
        districtCode: principal.orgId,
        caseId: body.caseId,
        cohortId: cohort.cohortId,
        apprenticeIds: [...new Set(body.apprenticeIds)],
        check: body.check,
        reason: body.reason,
        caseReference: body.caseReference,
        expiresOn: body.expiresOn,
        status: 'PENDING',
        writtenBy: { sub: principal.sub, username: principal.username },
        writtenAt: at,
        version: 1,
      };
      const reply = { status: 201, body: overrideView(override, today) };
      await deps.employment.saveOverride({
        override,
        expectedVersion: null,
        audit: {
          action: 'override.written',
          actor: actorOf(principal),
          to: 'PENDING',
          reason: body.reason,
          details: {
            overrideId: override.overrideId,
            caseId: body.caseId,
            apprenticeIds: override.apprenticeIds,
            caseReference: body.caseReference,
            expiresOn: body.expiresOn,
          },
        },
        idempotency: record(reply),
      });
      return reply;
    },
  );
}

/** Another bureau user of the district confirms a PENDING override: it is ACTIVE until it expires. */
export async function confirmOverride(
  deps: OverrideDeps,
  principal: Principal,
  overrideId: string,
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const today = todayInChinaOf(deps.clock.now());
      const current = await deps.employment.override(principal.orgId, overrideId);
      if (!current) throw new NotFound(says('override.not_found', { overrideId }));
      if (current.writtenBy.sub === principal.sub) throw new Forbidden(says('override.writer_confirms'));
      const status = current.expiresOn < today ? 'EXPIRED' : current.status;
      if (status !== 'PENDING') {
        throw new Conflict(says('override.not_pending', { overrideId, status }), {
          status,
          version: current.version,
        });
      }
      const override: OverrideRecord = {
        ...current,
        status: 'ACTIVE',
        confirmedBy: { sub: principal.sub, username: principal.username, role: principal.role },
        confirmedAt: deps.clock.now().toISOString(),
        version: current.version + 1,
      };
      const reply = { status: 200, body: overrideView(override, today) };
      await deps.employment.saveOverride({
        override,
        expectedVersion: current.version,
        audit: {
          action: 'override.confirmed',
          actor: actorOf(principal),
          from: 'PENDING',
          to: 'ACTIVE',
          details: { overrideId, caseId: current.caseId, writtenBy: current.writtenBy.username },
        },
        idempotency: record(reply),
      });
      return reply;
    },
  );
}

/** The district's overrides, newest first (a page; `status` and `caseId` narrow the page). */
export async function listOverrides(
  deps: OverrideDeps,
  principal: Principal,
  query: {
    limit: number;
    cursor?: string | undefined;
    caseId?: string | undefined;
    status?: string | undefined;
  },
): Promise<Page<ReturnType<typeof overrideView>>> {
  const today = todayInChinaOf(deps.clock.now());
  const page = await deps.employment.overrides(principal.orgId, query);
  const items = page.items
    .map((override) => overrideView(override, today))
    .filter(
      (override) =>
        (!query.caseId || override.caseId === query.caseId) &&
        (!query.status || override.status === query.status),
    );
  return { items, nextCursor: page.nextCursor };
}

/** Every check run for a cohort, one item per apprentice and rule, oldest first (parties of the cohort). */
export async function listEmploymentChecks(
  deps: OverrideDeps,
  principal: Principal,
  cohortId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  const cohort = await deps.store.get(cohortId);
  // Schools and bureaus see a cohort once it has been submitted (as its history).
  if (
    !cohort ||
    !canSee(principal, cohort) ||
    (!principal.role.startsWith('enterprise') && cohort.round === 0)
  ) {
    throw new NotFound(says('cohort.not_found', { cohortId }));
  }
  const page = await deps.employment.runs(cohortId, query);
  return {
    items: page.items.flatMap((run) => run.results.map((result) => ({ ...result, runId: run.runId }))),
    nextCursor: page.nextCursor,
  };
}

/** The cohort a case names (a cohort, or a claim's cohort), in the reviewer's district; 404 otherwise. */
async function cohortOfCase(deps: OverrideDeps, principal: Principal, caseId: string) {
  const claim = await deps.claims.get(caseId);
  const cohort = await deps.store.get(claim ? claim.cohortId : caseId);
  if (!cohort || cohort.districtCode !== principal.orgId) {
    throw new NotFound(says('override_case.not_found', { caseId }));
  }
  return cohort;
}
