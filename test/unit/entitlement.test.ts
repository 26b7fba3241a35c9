import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayOfWeek } from '../../shared/domain/dates.ts';
import {
  cohortEntitlementFen,
  entitlementPerApprenticeFen,
  maxAdvanceFen,
  standardFen,
} from '../../shared/domain/entitlement.ts';
import { ValidationFailed } from '../../shared/domain/errors.ts';
import { DEFAULT_POLICY, type Policy, policyInForce } from '../../shared/domain/policy.ts';
import { zodIssuesToFieldErrors } from '../../shared/schemas/errors.ts';
import { PolicySchema } from '../../shared/schemas/policy.ts';

function policy(overrides: Partial<Policy> = {}): Policy {
  return { ...structuredClone(DEFAULT_POLICY), ...overrides };
}

describe('entitlementPerApprenticeFen', () => {
  it('pays the seeded Beijing standards for 12 months', () => {
    expect(entitlementPerApprenticeFen(DEFAULT_POLICY, 4, false, 12)).toBe(500_000);
    expect(entitlementPerApprenticeFen(DEFAULT_POLICY, 4, true, 12)).toBe(700_000);
    expect(entitlementPerApprenticeFen(DEFAULT_POLICY, 3, false, 12)).toBe(600_000);
    expect(entitlementPerApprenticeFen(DEFAULT_POLICY, 3, true, 12)).toBe(800_000);
  });

  it('is standard × months ÷ 12', () => {
    expect(entitlementPerApprenticeFen(DEFAULT_POLICY, 4, false, 18)).toBe(750_000);
    expect(entitlementPerApprenticeFen(DEFAULT_POLICY, 3, true, 24)).toBe(1_600_000);
    expect(entitlementPerApprenticeFen(DEFAULT_POLICY, 4, false, 0)).toBe(0);
  });

  it('rounds down to the fen', () => {
    // 5,000.00 yuan × 13 ÷ 12 = 5,416.666… yuan → 541,666 fen.
    expect(entitlementPerApprenticeFen(DEFAULT_POLICY, 4, false, 13)).toBe(541_666);
    const odd = policy({ standardsFen: { '4': { standard: 100_001, shortage: 100_001 } } });
    expect(entitlementPerApprenticeFen(odd, 4, false, 1)).toBe(8_333); // 8,333.4166… fen
    expect(entitlementPerApprenticeFen(odd, 4, false, 11)).toBe(91_667); // 91,667.5833… fen
  });

  it('stays exact for amounts where floating point would not', () => {
    const huge = policy({ standardsFen: { '4': { standard: 10_000_000_000, shortage: 10_000_000_000 } } });
    expect(entitlementPerApprenticeFen(huge, 4, false, 35)).toBe(29_166_666_666);
  });

  it('refuses a level without a standard with a ValidationFailed at targetLevel', () => {
    for (const level of [1, 2] as const) {
      try {
        entitlementPerApprenticeFen(DEFAULT_POLICY, level, false, 12);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationFailed);
        expect((error as ValidationFailed).errors).toEqual([
          {
            path: 'targetLevel',
            code: 'level.no_standard',
            params: { level, levelName: level === 2 ? '技师' : '高级技师' },
            message: `no subsidy standard is set for level ${level} (${level === 2 ? '技师' : '高级技师'}); an administrator must set one before submission`,
          },
        ]);
      }
    }
    expect(() => standardFen(DEFAULT_POLICY, 5, false)).toThrow(ValidationFailed);
  });

  it('refuses a fractional or negative number of months', () => {
    expect(() => entitlementPerApprenticeFen(DEFAULT_POLICY, 4, false, 12.5)).toThrow(RangeError);
    expect(() => entitlementPerApprenticeFen(DEFAULT_POLICY, 4, false, -1)).toThrow(RangeError);
  });

  it('property: always a whole number of fen, never above standard × years, less than one fen below the exact amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.integer({ min: 0, max: 36 }),
        fc.boolean(),
        (standard, months, shortage) => {
          const p = policy({ standardsFen: { '3': { standard, shortage: standard * 2 } } });
          const yearly = shortage ? standard * 2 : standard;
          const fen = entitlementPerApprenticeFen(p, 3, shortage, months);
          expect(Number.isSafeInteger(fen)).toBe(true);
          expect(BigInt(fen) * 12n).toBeLessThanOrEqual(BigInt(yearly) * BigInt(months));
          expect(BigInt(yearly) * BigInt(months) - BigInt(fen) * 12n).toBeLessThan(12n);
          expect(fen).toBeLessThanOrEqual(yearly * Math.ceil(months / 12));
        },
      ),
    );
  });
});

describe('cohortEntitlementFen', () => {
  it('sums the apprentices of a cohort over its whole months, with the policy version', () => {
    expect(
      cohortEntitlementFen(
        DEFAULT_POLICY,
        { targetLevel: 4, startDate: '2027-03-01', endDate: '2028-02-29', apprenticeCount: 20 },
        { shortage: true },
      ),
    ).toEqual({
      policyVersion: '2026-01-01.1',
      targetLevel: 4,
      shortage: true,
      standardFen: 700_000,
      months: 12,
      perApprenticeFen: 700_000,
      apprentices: 20,
      totalFen: 14_000_000,
    });
  });

  it('counts whole months only (end date inclusive)', () => {
    const result = cohortEntitlementFen(
      DEFAULT_POLICY,
      { targetLevel: 3, startDate: '2027-03-01', endDate: '2028-09-15', apprenticeCount: 3 },
      { shortage: false },
    );
    expect(result.months).toBe(18);
    expect(result.perApprenticeFen).toBe(900_000);
    expect(result.totalFen).toBe(2_700_000);
  });

  it('refuses a level without a standard', () => {
    expect(() =>
      cohortEntitlementFen(
        DEFAULT_POLICY,
        { targetLevel: 2, startDate: '2027-03-01', endDate: '2028-02-29', apprenticeCount: 1 },
        { shortage: false },
      ),
    ).toThrow(ValidationFailed);
  });

  it('property: the total is the per-apprentice amount times the count, an integer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 12, max: 36 }),
        fc.boolean(),
        (count, months, shortage) => {
          const endDate = new Date(Date.UTC(2027, 2 + months, 0)).toISOString().slice(0, 10); // last day of the period
          const result = cohortEntitlementFen(
            DEFAULT_POLICY,
            { targetLevel: 4, startDate: '2027-03-01', endDate, apprenticeCount: count },
            { shortage },
          );
          expect(result.months).toBe(months);
          expect(Number.isSafeInteger(result.totalFen)).toBe(true);
          expect(result.totalFen).toBe(result.perApprenticeFen * count);
        },
      ),
    );
  });
});

describe('maxAdvanceFen', () => {
  it('is 50% of the entitlement under the default policy, rounded down', () => {
    expect(maxAdvanceFen(DEFAULT_POLICY, 14_000_000)).toBe(7_000_000);
    expect(maxAdvanceFen(DEFAULT_POLICY, 541_667)).toBe(270_833);
    // A policy stored before `settlement` existed: its top-level share is the advance share.
    expect(maxAdvanceFen(policy({ advanceShareBasisPoints: 3333, settlement: undefined }), 100)).toBe(33);
    expect(
      maxAdvanceFen(
        policy({ settlement: { ...DEFAULT_POLICY.settlement!, advanceShareBasisPoints: 2500 } }),
        100,
      ),
    ).toBe(25);
  });
});

describe('policy', () => {
  it('seeds a valid policy record with the figures of domain.md', () => {
    expect(PolicySchema.parse(DEFAULT_POLICY)).toEqual(DEFAULT_POLICY);
    expect(DEFAULT_POLICY.standardsFen).toEqual({
      '4': { standard: 500_000, shortage: 700_000 },
      '3': { standard: 600_000, shortage: 800_000 },
    });
    expect(DEFAULT_POLICY).toMatchObject({
      advanceShareBasisPoints: 5000,
      publicNoticeWorkingDays: 5,
      stageTimeLimitDays: 14,
      mentorMaxApprentices: 8,
      cohortMinApprentices: 1,
      cohortMaxApprentices: 200,
      minPlannedHoursPerYear: 600,
      minConcentratedHoursPerYear: 160,
      minMentorSkillLevel: 3,
      minAgeYears: 16,
      contractMinMonths: 12,
      contractStartMaxDaysAfterCohortStart: 30,
      trainingMonths: { min: 12, max: 24, maxWithJustification: 36 },
    });
  });

  it('lists holidays for 2026–2028 and make-up working days that are weekends', () => {
    for (const year of ['2026', '2027', '2028']) {
      expect(DEFAULT_POLICY.holidays.filter((day) => day.startsWith(year)).length).toBeGreaterThanOrEqual(11);
    }
    expect(DEFAULT_POLICY.holidays).toContain('2026-02-17'); // 春节
    expect(DEFAULT_POLICY.holidays).toContain('2027-02-06');
    expect(DEFAULT_POLICY.holidays).toContain('2028-01-26');
    expect(new Set(DEFAULT_POLICY.holidays).size).toBe(DEFAULT_POLICY.holidays.length);
    for (const day of DEFAULT_POLICY.makeUpWorkingDays ?? []) expect([0, 6]).toContain(dayOfWeek(day));
  });

  it('cannot be changed by accident', () => {
    expect(() => {
      (DEFAULT_POLICY.holidays as string[]).push('2029-01-01');
    }).toThrow(TypeError);
    expect(() => {
      (DEFAULT_POLICY as { mentorMaxApprentices: number }).mentorMaxApprentices = 9;
    }).toThrow(TypeError);
  });

  it('schema refuses inconsistent or out-of-range values, with paths', () => {
    const bad = {
      ...structuredClone(DEFAULT_POLICY),
      policyVersion: '2027-01-01.1',
      standardsFen: { '4': { standard: 500_000, shortage: 400_000 }, '5': { standard: 1, shortage: 1 } },
    };
    const result = PolicySchema.safeParse(bad);
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(zodIssuesToFieldErrors(result.error)).toEqual([
        { path: 'standardsFen.5', code: 'field.unknown', message: 'is not a known field' },
        { path: 'policyVersion', code: 'policy.version_date', message: 'must start with the effective date' },
        {
          path: 'standardsFen.4.shortage',
          code: 'policy.shortage_below_standard',
          message: 'must not be lower than the standard figure',
        },
      ]);
    }
    const inconsistent = {
      ...structuredClone(DEFAULT_POLICY),
      policyVersion: '2027-01-01.1',
      standardsFen: { '4': { standard: 500_000, shortage: 400_000 } },
      cohortMinApprentices: 10,
      cohortMaxApprentices: 5,
      minConcentratedHoursPerYear: 700,
      trainingMonths: { min: 12, max: 24, maxWithJustification: 18 },
    };
    const second = PolicySchema.safeParse(inconsistent);
    expect(second.success).toBe(false);
    if (!second.success) {
      expect(zodIssuesToFieldErrors(second.error)).toEqual([
        { path: 'policyVersion', code: 'policy.version_date', message: 'must start with the effective date' },
        {
          path: 'standardsFen.4.shortage',
          code: 'policy.shortage_below_standard',
          message: 'must not be lower than the standard figure',
        },
        {
          path: 'cohortMaxApprentices',
          code: 'policy.max_below_min_apprentices',
          message: 'must not be lower than cohortMinApprentices',
        },
        {
          path: 'minConcentratedHoursPerYear',
          code: 'policy.concentrated_over_planned',
          message: 'must not exceed minPlannedHoursPerYear',
        },
        {
          path: 'trainingMonths.maxWithJustification',
          code: 'policy.justified_months_below_max',
          message: 'must not be lower than max',
        },
      ]);
    }
    const young = PolicySchema.safeParse({
      ...structuredClone(DEFAULT_POLICY),
      minAgeYears: 15,
      advanceShareBasisPoints: 10_001,
      settlement: undefined,
    });
    expect(young.success).toBe(false);
    if (!young.success) {
      expect(zodIssuesToFieldErrors(young.error)).toEqual([
        {
          path: 'advanceShareBasisPoints',
          code: 'number.too_large',
          params: { max: 10000 },
          message: 'must be at most 10000',
        },
        {
          path: 'minAgeYears',
          code: 'number.too_small',
          params: { min: 16 },
          message: 'must be at least 16',
        },
      ]);
    }
  });

  it('policyInForce picks the latest effective date on or before the day, then the latest correction', () => {
    const v2027 = policy({ policyVersion: '2027-01-01.1', effectiveFrom: '2027-01-01' });
    const v2027fix = policy({ policyVersion: '2027-01-01.2', effectiveFrom: '2027-01-01' });
    const v2028 = policy({ policyVersion: '2028-07-01.1', effectiveFrom: '2028-07-01' });
    const all = [v2028, v2027fix, DEFAULT_POLICY, v2027];
    expect(policyInForce(all, '2025-12-31')).toBeUndefined();
    expect(policyInForce(all, '2026-01-01')?.policyVersion).toBe('2026-01-01.1');
    expect(policyInForce(all, '2026-12-31')?.policyVersion).toBe('2026-01-01.1');
    expect(policyInForce(all, '2027-01-01')?.policyVersion).toBe('2027-01-01.2');
    expect(policyInForce(all, '2028-06-30')?.policyVersion).toBe('2027-01-01.2');
    expect(policyInForce(all, '2028-07-01')?.policyVersion).toBe('2028-07-01.1');
    expect(policyInForce([], '2028-07-01')).toBeUndefined();
  });

  it('property: policyInForce returns a policy in effect, and none in effect is later', () => {
    const dates = fc
      .integer({ min: 0, max: 2000 })
      .map((d) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.array(dates, { maxLength: 8 }), dates, (effectiveDates, onDate) => {
        const policies = effectiveDates.map((effectiveFrom) =>
          policy({ effectiveFrom, policyVersion: `${effectiveFrom}.1` }),
        );
        const chosen = policyInForce(policies, onDate);
        const inEffect = policies.filter((p) => p.effectiveFrom <= onDate);
        if (inEffect.length === 0) expect(chosen).toBeUndefined();
        else {
          expect(chosen?.effectiveFrom).toBe(
            inEffect
              .map((p) => p.effectiveFrom)
              .sort()
              .at(-1),
          );
        }
      }),
    );
  });
});
