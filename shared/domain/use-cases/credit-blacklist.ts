import type { CreditListingBody } from '../../schemas/trust.ts';
import { type CreditBlacklistStore, type CreditListing, listingView } from '../credit-blacklist.ts';
import { says } from '../error-codes.ts';
import { Forbidden, NotFound } from '../errors.ts';
import { idempotent } from '../idempotency.ts';
import type { Clock, CohortStore, Page, ReferenceData } from '../ports.ts';
import { actorOf, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';
import { todayInChinaOf } from '../time.ts';
import type { RequestMeta } from './cohort-drafts.ts';

/**
 * The district's credit blacklist (失信名单): kept by the district's `bureau.admin`, read by the
 * district's bureau roles; an enterprise's own users read their own listing (the console's alert).
 * Whether a listing stops a submission is decided inside the submission's transaction
 * (`NotListedCheck`), not here.
 */
export interface CreditBlacklistDeps {
  blacklist: CreditBlacklistStore;
  reference: Pick<ReferenceData, 'organisation'>;
  store: Pick<CohortStore, 'idempotency'>;
  clock: Clock;
}

const BUREAU_READERS = ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin'];

/** The enterprise as the register has it, in the administrator's own district (404 / 403 otherwise). */
async function enterpriseOfDistrict(deps: CreditBlacklistDeps, principal: Principal, enterpriseId: string) {
  const enterprise = await deps.reference.organisation(enterpriseId);
  if (enterprise?.kind !== 'enterprise') {
    throw new NotFound(says('organisation.not_found', { orgId: enterpriseId }));
  }
  if (principal.role !== 'bureau.admin' || enterprise.districtCode !== principal.orgId) {
    throw new Forbidden(
      says('credit_blacklist.own_district_only', { districtCode: enterprise.districtCode }),
    );
  }
  return enterprise;
}

/** Lists an enterprise (or changes its listing's dates or reason): 201 when new, 200 when changed. */
export async function putCreditListing(
  deps: CreditBlacklistDeps,
  principal: Principal,
  enterpriseId: string,
  body: CreditListingBody,
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const enterprise = await enterpriseOfDistrict(deps, principal, enterpriseId);
      const districtCode = enterprise.districtCode;
      const current = await deps.blacklist.listing(districtCode, enterpriseId);
      const at = deps.clock.now().toISOString();
      const listing: CreditListing = {
        enterpriseId,
        districtCode,
        from: body.from,
        to: body.to,
        reason: body.reason,
        listedBy: { sub: principal.sub, username: principal.username },
        listedAt: current?.listedAt ?? at,
        updatedAt: at,
        version: (current?.version ?? 0) + 1,
      };
      const reply = {
        status: current ? 200 : 201,
        body: listingView(listing, todayInChinaOf(deps.clock.now())),
      };
      await deps.blacklist.change({
        districtCode,
        enterpriseId,
        listing,
        expectedVersion: current?.version ?? null,
        audit: {
          action: current ? 'credit_blacklist.changed' : 'credit_blacklist.listed',
          actor: actorOf(principal),
          reason: body.reason,
          details: {
            enterpriseId,
            from: body.from,
            to: body.to,
            ...(current ? { before: { from: current.from, to: current.to } } : {}),
          },
        },
        idempotency: record(reply),
      });
      return reply;
    },
  );
}

/** Takes an enterprise off the list: 200 with the listing removed, 404 when it is not listed. */
export async function deleteCreditListing(
  deps: CreditBlacklistDeps,
  principal: Principal,
  enterpriseId: string,
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const enterprise = await enterpriseOfDistrict(deps, principal, enterpriseId);
      const districtCode = enterprise.districtCode;
      const current = await deps.blacklist.listing(districtCode, enterpriseId);
      if (!current) throw new NotFound(says('credit_listing.not_found', { enterpriseId }));
      const reply = {
        status: 200,
        body: { ...listingView(current, todayInChinaOf(deps.clock.now())), removed: true },
      };
      await deps.blacklist.change({
        districtCode,
        enterpriseId,
        expectedVersion: current.version,
        audit: {
          action: 'credit_blacklist.removed',
          actor: actorOf(principal),
          details: { enterpriseId, from: current.from, to: current.to },
        },
        idempotency: record(reply),
      });
      return reply;
    },
  );
}

/**
 * The district's list for its bureau roles (one Query); an enterprise's clerk or signatory gets
 * its own listing only, if any (the register says its district: two reads).
 */
export async function listCreditBlacklist(
  deps: CreditBlacklistDeps,
  principal: Principal,
  options: { limit: number; cursor?: string | undefined },
): Promise<Page<ReturnType<typeof listingView>>> {
  const today = todayInChinaOf(deps.clock.now());
  if (BUREAU_READERS.includes(principal.role)) {
    const page = await deps.blacklist.list(principal.orgId, options);
    return { items: page.items.map((listing) => listingView(listing, today)), nextCursor: page.nextCursor };
  }
  const enterprise = await deps.reference.organisation(principal.orgId);
  const own = enterprise ? await deps.blacklist.listing(enterprise.districtCode, principal.orgId) : undefined;
  return { items: own ? [listingView(own, today)] : [], nextCursor: null };
}
