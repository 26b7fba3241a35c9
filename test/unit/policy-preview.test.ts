import { describe, expect, it } from 'vitest';
import type { CohortRecord } from '../../shared/domain/cohort.ts';
import { Forbidden, ValidationFailed } from '../../shared/domain/errors.ts';
import { DEFAULT_POLICY, type Policy } from '../../shared/domain/policy.ts';
import type { Page, ReferenceData } from '../../shared/domain/ports.ts';
import type { Principal } from '../../shared/domain/principal.ts';
import { previewPolicy } from '../../shared/domain/use-cases/policy-preview.ts';

/**
 * The preview's choices, on the pure use case with in-memory ports: which cohorts are open, what
 * "now" and "draft" compute, and that a draft with no standard for a level in use is a 400.
 */
const city: Principal = { sub: 'c', username: 'city-admin', role: 'city.admin', orgId: '110000' };

const apprentice = (id: string, extra: Partial<CohortRecord['apprentices'][number]> = {}) =>
  ({
    apprenticeId: id,
    status: 'enrolled',
    entitlementFen: 500_000,
    ...extra,
  }) as CohortRecord['apprentices'][number];

function cohort(id: string, extra: Partial<CohortRecord> = {}): CohortRecord {
  return {
    cohortId: id,
    status: 'FILED',
    enterpriseId: 'E1',
    districtCode: '110108',
    policyVersion: DEFAULT_POLICY.policyVersion,
    targetLevel: 4,
    shortage: false,
    startDate: '2027-03-01',
    endDate: '2028-02-29',
    entitlement: { standardFen: 500_000 },
    apprentices: [apprentice('a1'), apprentice('a2')],
    ...extra,
  } as CohortRecord;
}

function deps(cohorts: CohortRecord[]) {
  const reference = {
    organisation: async (orgId: string) => (orgId === '110000' ? { orgId, kind: 'city' } : undefined),
    districtsOf: async () => ['110105', '110108'],
    policy: async (version: string) =>
      version === DEFAULT_POLICY.policyVersion ? DEFAULT_POLICY : undefined,
  } as unknown as ReferenceData;
  const store = {
    listWholeInDistrict: async (districtCode: string): Promise<Page<CohortRecord>> => ({
      items: cohorts.filter((item) => item.districtCode === districtCode),
      nextCursor: null,
    }),
  };
  return { store, reference };
}

const draftOf = (change: Partial<Policy>): Policy => ({
  ...DEFAULT_POLICY,
  policyVersion: '2099-01-01.1',
  effectiveFrom: '2099-01-01',
  ...change,
});

describe('previewPolicy', () => {
  it('computes now and under the draft, per district with totals; a paid-out completed cohort is not open', async () => {
    const withdrawn = apprentice('a3', {
      status: 'withdrawn',
      withdrawal: { date: '2027-08-31', reason: 'resigned', recordedBy: 'x' },
    });
    const cohorts = [
      cohort('C1', { apprentices: [apprentice('a1'), apprentice('a2'), withdrawn] }),
      cohort('C2', {
        status: 'COMPLETED',
        ledger: {
          advancePaidFen: 0,
          finalPaidFen: 1,
          recoveryOwedFen: 0,
          claims: [{ claimId: 'K', kind: 'final', status: 'PAID' }],
        },
      }),
      cohort('C3', { status: 'COMPLETED', districtCode: '110105' }),
    ];
    const draft = draftOf({
      advanceShareBasisPoints: 3000,
      settlement: { ...DEFAULT_POLICY.settlement!, advanceShareBasisPoints: 3000, withdrawnMode: 'pro_rata' },
    });
    const preview = await previewPolicy(deps(cohorts), city, draft, { limit: 20 });
    expect(preview.policyVersion).toBe('2099-01-01.1');
    expect(preview.districts.map((district) => district.districtCode)).toEqual(['110105', '110108']);
    const [chaoyang, haidian] = preview.districts;
    expect(haidian!.cohorts.map((row) => row.cohortId)).toEqual(['C1']);
    const c1 = haidian!.cohorts[0]!;
    expect(c1.apprentices).toBe(2);
    // 12 months at ¥5,000 a year: ¥5,000 each for the two in training; the withdrawn one
    // earns nothing under `none` and 6 months (March to August) pro rata under the draft.
    expect(c1.now).toEqual({ entitlementFen: 1_000_000, advanceFen: 500_000 });
    expect(c1.draft).toEqual({ entitlementFen: 1_250_000, advanceFen: 300_000 });
    expect(haidian!.totals).toEqual({ now: c1.now, draft: c1.draft });
    expect(chaoyang!.cohorts.map((row) => row.cohortId)).toEqual(['C3']);
  });

  it('refuses anyone but the municipal bureau, and a draft with no standard for a level in use', async () => {
    const bureau: Principal = { ...city, role: 'bureau.admin', orgId: '110108' };
    await expect(
      previewPolicy(deps([cohort('C1')]), bureau, draftOf({}), { limit: 20 }),
    ).rejects.toBeInstanceOf(Forbidden);
    const noLevel4 = draftOf({ standardsFen: { '3': DEFAULT_POLICY.standardsFen['3']! } });
    const refused = previewPolicy(deps([cohort('C1')]), city, noLevel4, { limit: 20 });
    await expect(refused).rejects.toBeInstanceOf(ValidationFailed);
    await expect(refused).rejects.toMatchObject({ errors: [{ path: 'standardsFen.4' }] });
  });
});
