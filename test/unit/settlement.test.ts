import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApprenticeRecord } from '../../shared/domain/cohort.ts';
import { addDays, addMonths, monthsInPeriod } from '../../shared/domain/dates.ts';
import {
  DEFAULT_POLICY,
  type Policy,
  type SettlementRules,
  settlementRules,
  withSettlement,
} from '../../shared/domain/policy.ts';
import { type SettlementInput, type SettlementSteps, settle } from '../../shared/domain/settlement.ts';
import { PolicySchema } from '../../shared/schemas/policy.ts';

/**
 * The settlement formula (domain.md, "Settlement formula"): worked examples of real bureaus, with
 * their arithmetic in the test names, and properties over random cohorts, outcomes and policies.
 */
const POLICIES = join(import.meta.dirname, '../../infra/local/policies');
const examplePolicy = (file: string): Policy =>
  PolicySchema.parse(JSON.parse(readFileSync(join(POLICIES, file), 'utf8')));

type Row = Pick<ApprenticeRecord, 'apprenticeId' | 'status' | 'withdrawal' | 'certificate'>;
const certified = (id: string, level = 4): Row => ({
  apprenticeId: id,
  status: 'certified',
  certificate: { kind: 'skill_level', number: `C-${id}`, level, issuedOn: '2028-01-10' },
});
const notCertified = (id: string): Row => ({ apprenticeId: id, status: 'not_certified' });
const withdrawn = (id: string, date: string): Row => ({
  apprenticeId: id,
  status: 'withdrawn',
  withdrawal: { date, reason: 'resigned', recordedBy: 'clerk' },
});
const enrolled = (id: string): Row => ({ apprenticeId: id, status: 'enrolled' });
const rows = (n: number, make: (id: string) => Row, from = 0) =>
  Array.from({ length: n }, (_, i) => make(`a${from + i}`));

function run(
  policy: Policy,
  cohort: { startDate: string; endDate: string; standardFen: number; apprentices: Row[] },
  claim: SettlementInput['claim'],
  paid = { advanceFen: 0, interimFen: 0 },
  feePaidFen?: number,
): SettlementSteps {
  return settle({ policy, cohort: { targetLevel: 4, ...cohort }, claim, paid, feePaidFen });
}

describe('worked examples', () => {
  it("Qidong's two-year class: 45 planned × ¥5,000 × 50% = advance ¥112,500 (first year only); 33 finished × ¥5,000 × 24 ÷ 12 = ¥330,000 − ¥112,500 = final ¥217,500", () => {
    const period = { startDate: '2025-03-01', endDate: '2027-02-28', standardFen: 500_000 };
    const advance = run(DEFAULT_POLICY, { ...period, apprentices: rows(45, enrolled) }, { kind: 'advance' });
    expect(advance.advance).toMatchObject({ basis: 'first_year', headcount: 45, basisFen: 22_500_000 });
    expect(advance.amountFen).toBe(11_250_000);
    const outcomes = [...rows(33, certified), ...rows(12, (id) => withdrawn(id, '2025-09-30'), 33)];
    const final = run(
      DEFAULT_POLICY,
      { ...period, apprentices: outcomes },
      { kind: 'final' },
      { advanceFen: advance.amountFen, interimFen: 0 },
    );
    expect(final.earnedFen).toBe(33_000_000);
    expect(final.apprentices[0]).toMatchObject({
      months: 24,
      standardFen: 500_000,
      rateBasisPoints: 10_000,
      earnedFen: 1_000_000,
    });
    expect(final.apprentices[40]).toMatchObject({
      outcome: 'withdrawn',
      months: 7,
      rateBasisPoints: 0,
      earnedFen: 0,
    });
    expect(final.amountFen).toBe(21_750_000);
    expect(final.recoveryFen).toBe(0);
  });

  it('Wuhan-style (completedRate 8000): 6 certified × ¥5,000 + 3 completed-not-certified × ¥5,000 × 80% = ¥42,000; − advance 10 × ¥5,000 × 50% = ¥25,000 → final ¥17,000', () => {
    const wuhan = examplePolicy('wuhan-completed-rate.json');
    expect(settlementRules(wuhan).completedRate).toBe(8000);
    const period = { startDate: '2027-03-01', endDate: '2028-02-29', standardFen: 500_000 };
    const advance = run(wuhan, { ...period, apprentices: rows(10, enrolled) }, { kind: 'advance' });
    expect(advance.amountFen).toBe(2_500_000);
    const outcomes = [...rows(6, certified), ...rows(3, notCertified, 6), withdrawn('a9', '2027-06-15')];
    const final = run(
      wuhan,
      { ...period, apprentices: outcomes },
      { kind: 'final' },
      { advanceFen: 2_500_000, interimFen: 0 },
    );
    expect(final.apprentices[6]).toMatchObject({
      outcome: 'completed',
      rateBasisPoints: 8000,
      earnedFen: 400_000,
    });
    expect(final.earnedFen).toBe(4_200_000);
    expect(final.amountFen).toBe(1_700_000);
    // Under the seeded default the same outcomes earn only the certificates: 6 × ¥5,000 − ¥25,000 = ¥5,000.
    expect(
      run(
        DEFAULT_POLICY,
        { ...period, apprentices: outcomes },
        { kind: 'final' },
        { advanceFen: 2_500_000, interimFen: 0 },
      ).amountFen,
    ).toBe(500_000);
  });

  it('Hangzhou-style (fee cap 60%): 20 certified × ¥5,000 = ¥100,000 earned, capped at fee ¥150,000 × 60% = ¥90,000; − advance 20 × ¥5,000 × 50% = ¥50,000 → final ¥40,000', () => {
    const hangzhou = examplePolicy('hangzhou-fee-cap.json');
    const period = { startDate: '2027-09-01', endDate: '2028-08-31', standardFen: 500_000 };
    const advance = run(
      hangzhou,
      { ...period, apprentices: rows(20, enrolled) },
      { kind: 'advance' },
      undefined,
      15_000_000,
    );
    expect(advance.amountFen).toBe(5_000_000);
    expect(advance.feeCap).toEqual({
      feePaidFen: 15_000_000,
      capBasisPoints: 6000,
      capFen: 9_000_000,
      applied: false,
    });
    const final = run(
      hangzhou,
      { ...period, apprentices: rows(20, certified) },
      { kind: 'final' },
      { advanceFen: 5_000_000, interimFen: 0 },
      15_000_000,
    );
    expect(final.earnedFen).toBe(10_000_000);
    expect(final.feeCap).toEqual({
      feePaidFen: 15_000_000,
      capBasisPoints: 6000,
      capFen: 9_000_000,
      applied: true,
    });
    expect(final.earnedAfterCapFen).toBe(9_000_000);
    expect(final.amountFen).toBe(4_000_000);
  });

  it('an interim claim for year 1 of 24 months: 10 in training × ¥5,000 × 12 ÷ 12 = ¥50,000 − advance ¥25,000 = ¥25,000; the final balances 8 certified × ¥10,000 = ¥80,000 − ¥50,000 = ¥30,000', () => {
    const period = { startDate: '2027-03-01', endDate: '2029-02-28', standardFen: 500_000 };
    const interim = run(
      DEFAULT_POLICY,
      { ...period, apprentices: rows(10, enrolled) },
      { kind: 'interim', trainingYear: 1 },
      { advanceFen: 2_500_000, interimFen: 0 },
    );
    expect(interim).toMatchObject({
      monthsCovered: 12,
      earnedFen: 5_000_000,
      balanceFen: 2_500_000,
      amountFen: 2_500_000,
      recoveryFen: 0,
    });
    const final = run(
      DEFAULT_POLICY,
      { ...period, apprentices: [...rows(8, certified), ...rows(2, notCertified, 8)] },
      { kind: 'final' },
      { advanceFen: 2_500_000, interimFen: 2_500_000 },
    );
    expect(final.amountFen).toBe(3_000_000);
  });

  it('pro rata: withdrawn after 7 of 12 months earns ⌊¥5,000 × 7 ÷ 12⌋ = ¥2,916.66 (rounded down to the fen); a recovery when fewer finish than were advanced for', () => {
    const proRata: Policy = {
      ...DEFAULT_POLICY,
      settlement: { ...settlementRules(DEFAULT_POLICY), withdrawnMode: 'pro_rata' },
    };
    const final = run(
      proRata,
      {
        startDate: '2027-03-01',
        endDate: '2028-02-29',
        standardFen: 500_000,
        apprentices: [withdrawn('a0', '2027-09-30'), withdrawn('a1', '2027-03-10')],
      },
      { kind: 'final' },
      { advanceFen: 500_000, interimFen: 0 },
    );
    expect(final.apprentices.map((row) => [row.months, row.earnedFen])).toEqual([
      [7, 291_666],
      [0, 0],
    ]);
    expect(final).toMatchObject({ balanceFen: -208_334, amountFen: 0, recoveryFen: 208_334 });
  });
});

describe('the policy record', () => {
  it('reads a policy stored before `settlement` existed as the defaults, with its own advance share', () => {
    const { settlement: _none, ...old } = DEFAULT_POLICY;
    expect(settlementRules({ ...old, advanceShareBasisPoints: 4000 })).toEqual({
      completedRate: 0,
      withdrawnMode: 'none',
      feeCapBasisPoints: null,
      advanceBasis: 'first_year',
      advanceShareBasisPoints: 4000,
      interimClaims: true,
    });
    expect(
      withSettlement({ ...old, advanceShareBasisPoints: 4000 }).settlement?.advanceShareBasisPoints,
    ).toBe(4000);
  });

  it('validates the settlement fields: basis points 0–10000, the enums, agreement with the top-level share', () => {
    const bad = PolicySchema.safeParse({
      ...DEFAULT_POLICY,
      settlement: {
        completedRate: 10_001,
        withdrawnMode: 'half',
        feeCapBasisPoints: -1,
        advanceBasis: 'x',
        interimClaims: 'yes',
      },
    });
    const paths = bad.error?.issues.map((issue) => issue.path.join('.')).sort();
    expect(paths).toEqual([
      'settlement.advanceBasis',
      'settlement.completedRate',
      'settlement.feeCapBasisPoints',
      'settlement.interimClaims',
      'settlement.withdrawnMode',
    ]);
    const conflict = PolicySchema.safeParse({ ...DEFAULT_POLICY, advanceShareBasisPoints: 4000 });
    expect(conflict.error?.issues.map((issue) => issue.path.join('.'))).toEqual([
      'settlement.advanceShareBasisPoints',
    ]);
    const defaults = PolicySchema.parse({
      ...DEFAULT_POLICY,
      advanceShareBasisPoints: undefined,
      settlement: {},
    });
    expect(defaults.settlement).toEqual(settlementRules(DEFAULT_POLICY));
  });

  it('ships the seeded default and two examples, each naming its source, all valid', () => {
    expect(examplePolicy('default-beijing-2019.json')).toEqual(DEFAULT_POLICY);
    for (const file of ['default-beijing-2019.json', 'wuhan-completed-rate.json', 'hangzhou-fee-cap.json'])
      expect(examplePolicy(file).source).toMatch(/\S{10,}/);
    expect(settlementRules(examplePolicy('hangzhou-fee-cap.json')).feeCapBasisPoints).toBe(6000);
  });
});

// ------------------------------------------------------------------------------------------------
// Properties: a cohort claimed through its life (an advance, interims, the final), random policies.
// ------------------------------------------------------------------------------------------------

const rulesArbitrary: fc.Arbitrary<SettlementRules> = fc.record({
  completedRate: fc.integer({ min: 0, max: 10_000 }),
  withdrawnMode: fc.constantFrom('none', 'pro_rata'),
  feeCapBasisPoints: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: null }),
  advanceBasis: fc.constantFrom('first_year', 'whole_period'),
  advanceShareBasisPoints: fc.integer({ min: 0, max: 10_000 }),
  interimClaims: fc.constant(true),
});

const lifeArbitrary = fc.record({
  rules: rulesArbitrary,
  months: fc.integer({ min: 12, max: 36 }),
  standardFen: fc.constantFrom(500_000, 600_000, 700_000, 800_000, 123_457),
  claimAdvance: fc.boolean(),
  claimInterims: fc.boolean(),
  fees: fc.array(fc.integer({ min: 0, max: 500_000_000 }), { minLength: 4, maxLength: 4 }),
  apprentices: fc.array(
    fc.record({
      outcome: fc.constantFrom('certified', 'not_certified', 'withdrawn'),
      level: fc.integer({ min: 1, max: 5 }),
      withdrawnAfterDays: fc.integer({ min: -10, max: 1100 }),
    }),
    { minLength: 1, maxLength: 60 },
  ),
});

/** The formula written out again, independently, as the oracle of what the cohort earns. */
function oracleEarned(life: LifeInput, start: string, end: string): number {
  const planned = monthsInPeriod(start, end);
  let sum = 0n;
  for (const row of life.apprentices) {
    let months = planned;
    let rate = 10_000;
    if (row.outcome === 'withdrawn') {
      const date = addDays(start, row.withdrawnAfterDays);
      months = date < start ? 0 : Math.min(planned, monthsInPeriod(start, date));
      rate = life.rules.withdrawnMode === 'pro_rata' ? 10_000 : 0;
    } else if (row.outcome === 'not_certified' || row.level > 4) rate = life.rules.completedRate;
    sum += (BigInt(life.standardFen) * BigInt(months) * BigInt(rate)) / 120_000n;
  }
  const earned = Number(sum);
  const cap = life.rules.feeCapBasisPoints;
  return cap === null ? earned : Math.min(earned, Math.floor((life.fees[3]! * cap) / 10_000));
}
type LifeInput = typeof lifeArbitrary extends fc.Arbitrary<infer T> ? T : never;

describe('properties over random cohorts, outcomes and policies', () => {
  it('pays over all claims exactly what the formula earns, never above the fee cap; an advance never above its basis; a recovery exactly when more was paid than earned', () => {
    fc.assert(
      fc.property(lifeArbitrary, (life) => {
        const policy: Policy = { ...DEFAULT_POLICY, settlement: life.rules };
        const start = '2027-03-01';
        const end = addDays(addMonths(start, life.months), -1);
        const fees = [...life.fees].sort((a, b) => a - b); // the fee paid only grows
        life.fees = fees;
        const at = (row: LifeInput['apprentices'][number], index: number, onDate: string | null): Row => {
          const id = `a${index}`;
          const withdrawal = addDays(start, row.withdrawnAfterDays);
          if (row.outcome === 'withdrawn' && (onDate === null || withdrawal <= onDate))
            return withdrawn(id, withdrawal);
          if (onDate !== null) return enrolled(id);
          return row.outcome === 'certified' ? certified(id, row.level) : notCertified(id);
        };
        const cohort = (onDate: string | null) => ({
          startDate: start,
          endDate: end,
          standardFen: life.standardFen,
          apprentices: life.apprentices.map((row, index) => at(row, index, onDate)),
        });
        const paid = { advanceFen: 0, interimFen: 0 };
        let total = 0;
        if (life.claimAdvance) {
          const advance = run(policy, cohort(addDays(start, 20)), { kind: 'advance' }, paid, fees[0]);
          expect(advance.amountFen).toBeLessThanOrEqual(advance.advance!.basisFen);
          const share = Math.floor((advance.advance!.basisFen * life.rules.advanceShareBasisPoints) / 10_000);
          expect(advance.amountFen).toBe(Math.min(share, advance.feeCap?.capFen ?? share));
          paid.advanceFen = advance.amountFen;
          total += advance.amountFen;
        }
        if (life.claimInterims) {
          for (const trainingYear of [1, 2]) {
            if (life.months <= 12 * trainingYear) continue;
            const yearEnd = addDays(addMonths(start, 12 * trainingYear), -1);
            const interim = run(
              policy,
              cohort(yearEnd),
              { kind: 'interim', trainingYear },
              paid,
              fees[trainingYear],
            );
            expect(interim.recoveryFen).toBe(0);
            expect(interim.amountFen).toBeGreaterThanOrEqual(0);
            paid.interimFen += interim.amountFen;
            total += interim.amountFen;
          }
        }
        const final = run(policy, cohort(null), { kind: 'final' }, paid, fees[3]);
        for (const step of final.apprentices) expect(Number.isSafeInteger(step.earnedFen)).toBe(true);
        const net = total + final.amountFen - final.recoveryFen;
        expect(final.earnedAfterCapFen).toBe(oracleEarned(life, start, end));
        expect(net).toBe(final.earnedAfterCapFen);
        if (life.rules.feeCapBasisPoints !== null)
          expect(net).toBeLessThanOrEqual(Math.floor((fees[3]! * life.rules.feeCapBasisPoints) / 10_000));
        expect(final.recoveryFen > 0).toBe(total > final.earnedAfterCapFen);
        expect(final.recoveryFen).toBe(Math.max(0, total - final.earnedAfterCapFen));
      }),
      { numRuns: 500 },
    );
  });
});
