import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advanceCeilingFen,
  earnedFen,
  earnsSubsidy,
  finalSettlement,
  hasOutcome,
  yuan,
} from '../../shared/domain/claim-money.ts';
import type { ApprenticeRecord } from '../../shared/domain/cohort.ts';
import { monthsInPeriod } from '../../shared/domain/dates.ts';
import { entitlementPerApprenticeFen } from '../../shared/domain/entitlement.ts';
import { DEFAULT_POLICY } from '../../shared/domain/policy.ts';

/**
 * The money rules over random cohorts: random training periods, shortage or not, levels with a
 * standard, random advance shares, withdrawals and outcomes. Every amount is an integer number
 * of fen; the advance never exceeds its share; advance + final − recovery = Σ earned; nobody
 * earns above the policy.
 */
const outcome = fc.constantFrom('withdrawn', 'certified', 'not_certified', 'enrolled') as fc.Arbitrary<
  ApprenticeRecord['status']
>;

const cohortArbitrary = fc
  .record({
    level: fc.constantFrom(3, 4) as fc.Arbitrary<3 | 4>,
    shortage: fc.boolean(),
    months: fc.integer({ min: 12, max: 36 }),
    share: fc.integer({ min: 0, max: 10_000 }),
    apprentices: fc.array(fc.record({ status: outcome, certificateLevel: fc.integer({ min: 1, max: 5 }) }), {
      minLength: 1,
      maxLength: 200,
    }),
    withdrawnBeforeAdvance: fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
  })
  .map((input) => {
    const perApprentice = entitlementPerApprenticeFen(
      DEFAULT_POLICY,
      input.level,
      input.shortage,
      input.months,
    );
    const apprentices = input.apprentices.map(
      (row, index) =>
        ({
          apprenticeId: String(index),
          status: row.status,
          entitlementFen: perApprentice,
          certificate:
            row.status === 'certified'
              ? {
                  kind: 'skill_level',
                  number: `C${index}`,
                  level: row.certificateLevel,
                  issuedOn: '2028-03-01',
                }
              : undefined,
        }) as unknown as ApprenticeRecord,
    );
    return { ...input, perApprentice, apprentices };
  });

describe('money rules (fast-check)', () => {
  it('keeps every amount in whole fen and the advance within its share', () => {
    fc.assert(
      fc.property(cohortArbitrary, ({ apprentices, share, perApprentice }) => {
        const advance = advanceCeilingFen(apprentices, share);
        const entitlement = apprentices.filter((a) => a.status !== 'withdrawn').length * perApprentice;
        expect(Number.isSafeInteger(advance)).toBe(true);
        expect(advance).toBeGreaterThanOrEqual(0);
        // advance ≤ share × entitlement, compared in integers (× 10,000 on both sides).
        expect(BigInt(advance) * 10_000n).toBeLessThanOrEqual(BigInt(entitlement) * BigInt(share));
        expect(Number.isSafeInteger(perApprentice)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('settles so that advance + final − recovery = Σ earned, to the fen, and nobody earns above the policy', () => {
    fc.assert(
      fc.property(
        cohortArbitrary,
        fc.integer({ min: 0, max: 10_000 }),
        ({ apprentices, level, share, shortage, months, perApprentice }, paidShare) => {
          // The advance paid may be anything up to its ceiling (the reviewer may lower it).
          const ceiling = advanceCeilingFen(apprentices, share);
          const advanced = Number((BigInt(ceiling) * BigInt(paidShare)) / 10_000n);
          const settled = apprentices.map((a) =>
            a.status === 'enrolled' ? ({ ...a, status: 'not_certified' } as ApprenticeRecord) : a,
          );
          expect(settled.every(hasOutcome)).toBe(true);
          const earned = earnedFen(settled, level);
          const { amountFen, recoveryFen } = finalSettlement(earned, advanced);
          for (const value of [earned, amountFen, recoveryFen])
            expect(Number.isSafeInteger(value)).toBe(true);
          expect(amountFen >= 0 && recoveryFen >= 0 && (amountFen === 0 || recoveryFen === 0)).toBe(true);
          expect(advanced + amountFen - recoveryFen).toBe(earned);
          // Nobody earns above the policy: at most standard × months ÷ 12 each, and only when certified at the level.
          const yearly =
            DEFAULT_POLICY.standardsFen[String(level) as '3' | '4']![shortage ? 'shortage' : 'standard'];
          expect(perApprentice * 12).toBeLessThanOrEqual(yearly * months);
          const earners = settled.filter((a) => earnsSubsidy(a, level));
          expect(earned).toBe(earners.length * perApprentice);
          for (const a of earners) expect(a.certificate!.level).toBeLessThanOrEqual(level);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('pays nothing for a withdrawn or uncertified apprentice, or one certified below the target', () => {
    const base = { entitlementFen: 700_000 } as ApprenticeRecord;
    expect(earnsSubsidy({ ...base, status: 'withdrawn' }, 4)).toBe(false);
    expect(earnsSubsidy({ ...base, status: 'not_certified' }, 4)).toBe(false);
    expect(
      earnsSubsidy(
        {
          ...base,
          status: 'certified',
          certificate: { kind: 'k', number: 'n', level: 5, issuedOn: '2028-01-01' },
        },
        4,
      ),
    ).toBe(false);
    expect(
      earnsSubsidy(
        {
          ...base,
          status: 'certified',
          certificate: { kind: 'k', number: 'n', level: 3, issuedOn: '2028-01-01' },
        },
        4,
      ),
    ).toBe(true);
    expect(finalSettlement(100, 250)).toEqual({ amountFen: 0, recoveryFen: 150 });
    expect(yuan(123456)).toBe('¥1,234.56');
    expect(monthsInPeriod('2027-03-01', '2028-02-29')).toBe(12);
  });
});
