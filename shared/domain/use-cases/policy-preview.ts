import type { CohortRecord, CohortStatus } from '../cohort.ts';
import { standardFen } from '../entitlement.ts';
import { says } from '../error-codes.ts';
import { Forbidden, fieldError, ValidationFailed } from '../errors.ts';
import { noStandard, type Policy, subsidyStandardFor } from '../policy.ts';
import type { CohortStore, ReferenceData } from '../ports.ts';
import { POLICY_PUBLISHERS, type Principal } from '../principal.ts';
import { settle } from '../settlement.ts';
import { acrossDistricts } from './city-reads.ts';

/**
 * `POST /policy/preview` (issue 12 item 5): a draft policy against the open cohorts of every
 * district of the municipal bureau's city, beside what those cohorts get now. It stores nothing —
 * no policy, no audit record, no idempotency record: it is a read with a body.
 *
 * Open: FILED, or COMPLETED while its final settlement is not yet PAID (the money is still to be
 * settled); drafts and cohorts in review have no policy version yet (they take the one in force
 * when filed), REJECTED and WITHDRAWN cohorts are paid nothing.
 *
 * Per cohort, both under "now" (the version it was filed under, with the standard stored at filing)
 * and under the draft (its standard for the cohort's level and shortage, its `settlement` rules),
 * by the one settlement formula (`settle`):
 * - `entitlementFen`: what the final settlement would earn if every apprentice still in training
 *   certifies at the target level (outcomes recorded, withdrawals and `completedRate` /
 *   `withdrawnMode` count as they are);
 * - `advanceFen`: the advance the apprentices in training would get (`advanceBasis`,
 *   `advanceShareBasisPoints`), whatever was already paid.
 * The fee cap is not applied: the fee paid is known only from a claim's invoice. Persons subsidised
 * by another cohort are not looked up (a claim does; the preview is an estimate of the rules' effect).
 */

/** Counted as open: see above. COMPLETED ones are dropped once their final claim is PAID. */
export const PREVIEW_STATUSES: readonly CohortStatus[] = ['FILED', 'COMPLETED'];

export interface PreviewAmounts {
  entitlementFen: number;
  advanceFen: number;
}

export interface PreviewCohort {
  cohortId: string;
  enterpriseId: string;
  status: CohortStatus;
  policyVersion: string;
  apprentices: number;
  now: PreviewAmounts;
  draft: PreviewAmounts;
}

export interface PreviewDistrict {
  districtCode: string;
  cohorts: PreviewCohort[];
  totals: { now: PreviewAmounts; draft: PreviewAmounts };
}

export async function previewPolicy(
  deps: { store: Pick<CohortStore, 'listWholeInDistrict'>; reference: ReferenceData },
  principal: Principal,
  draft: Policy,
  query: { limit: number; cursor?: string | undefined },
) {
  if (!POLICY_PUBLISHERS.includes(principal.role)) throw new Forbidden(says('policy.admin_only'));
  if ((await deps.reference.organisation(principal.orgId))?.kind !== 'city')
    throw new Forbidden(says('policy.city_not_registered', { orgId: principal.orgId }));
  const page = await acrossDistricts(deps.reference, principal.orgId, query, (districtCode, part) =>
    deps.store.listWholeInDistrict(districtCode, { statuses: PREVIEW_STATUSES, ...part }),
  );
  const filedUnder = new Map<string, Promise<Policy | undefined>>();
  const policyOf = (version: string) => {
    if (!filedUnder.has(version)) filedUnder.set(version, deps.reference.policy(version));
    return filedUnder.get(version)!;
  };
  const districts = new Map<string, PreviewDistrict>();
  for (const cohort of page.items.filter(isOpen)) {
    const version = cohort.policyVersion ?? '';
    const filed = await policyOf(version);
    if (!filed) continue; // a FILED cohort always names a stored version
    const row: PreviewCohort = {
      cohortId: cohort.cohortId,
      enterpriseId: cohort.enterpriseId,
      status: cohort.status,
      policyVersion: version,
      apprentices: counted(cohort).filter((apprentice) => apprentice.status !== 'withdrawn').length,
      now: amounts(
        filed,
        cohort,
        cohort.entitlement?.standardFen ?? standardFen(filed, cohort.targetLevel, cohort.shortage),
      ),
      draft: amounts(draft, cohort, draftStandard(draft, cohort)),
    };
    const district = districts.get(cohort.districtCode) ?? {
      districtCode: cohort.districtCode,
      cohorts: [],
      totals: { now: zero(), draft: zero() },
    };
    district.cohorts.push(row);
    add(district.totals.now, row.now);
    add(district.totals.draft, row.draft);
    districts.set(cohort.districtCode, district);
  }
  return {
    policyVersion: draft.policyVersion,
    districts: [...districts.values()],
    nextCursor: page.nextCursor,
  };
}

function isOpen(cohort: CohortRecord): boolean {
  if (cohort.status === 'FILED') return true;
  return !(cohort.ledger?.claims ?? []).some((claim) => claim.kind === 'final' && claim.status === 'PAID');
}

/** Apprentices filed with an entitlement (rows never enrolled have none), as a claim counts them. */
function counted(cohort: CohortRecord) {
  return cohort.apprentices.filter((apprentice) => apprentice.entitlementFen !== undefined);
}

/** The draft's yearly standard for the cohort; a draft without one for a level in use is refused. */
function draftStandard(draft: Policy, cohort: CohortRecord): number {
  const standard = subsidyStandardFor(draft, cohort.targetLevel);
  if (!standard)
    throw new ValidationFailed([
      fieldError(`standardsFen.${cohort.targetLevel}`, noStandard(cohort.targetLevel)),
    ]);
  return cohort.shortage ? standard.shortage : standard.standard;
}

function amounts(policy: Policy, cohort: CohortRecord, standard: number): PreviewAmounts {
  // The fee cap needs the fee paid, which only a claim's invoice states: left out here.
  const uncapped: Policy = {
    ...policy,
    ...(policy.settlement ? { settlement: { ...policy.settlement, feeCapBasisPoints: null } } : {}),
  };
  const apprentices = counted(cohort);
  const common = {
    policy: uncapped,
    paid: { advanceFen: 0, interimFen: 0 },
  };
  const shape = {
    targetLevel: cohort.targetLevel,
    startDate: cohort.startDate,
    endDate: cohort.endDate,
    standardFen: standard,
  };
  const final = settle({
    ...common,
    cohort: {
      ...shape,
      // Still in training: as if certified at the target level (the most the cohort may earn).
      apprentices: apprentices.map((apprentice) =>
        apprentice.status === 'enrolled'
          ? {
              ...apprentice,
              status: 'certified' as const,
              certificate: {
                kind: 'preview',
                number: '',
                level: cohort.targetLevel,
                issuedOn: cohort.endDate,
              },
            }
          : apprentice,
      ),
    },
    claim: { kind: 'final' },
  });
  const advance = settle({ ...common, cohort: { ...shape, apprentices }, claim: { kind: 'advance' } });
  return { entitlementFen: final.earnedAfterCapFen, advanceFen: advance.amountFen };
}

const zero = (): PreviewAmounts => ({ entitlementFen: 0, advanceFen: 0 });
function add(total: PreviewAmounts, amounts: PreviewAmounts) {
  total.entitlementFen += amounts.entitlementFen;
  total.advanceFen += amounts.advanceFen;
}
