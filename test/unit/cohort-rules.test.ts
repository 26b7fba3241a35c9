import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CohortForRules,
  type CohortRulesContext,
  checkCohortRules,
  requiredHours,
} from '../../shared/domain/cohort-rules.ts';
import { addDays, addMonths } from '../../shared/domain/dates.ts';
import { residentIdCheckCharacter } from '../../shared/domain/identifiers.ts';
import { findOccupation, SEED_OCCUPATIONS } from '../../shared/domain/occupations.ts';
import { DEFAULT_POLICY, type Policy } from '../../shared/domain/policy.ts';
import { CreateCohortBody } from '../../shared/schemas/cohort.ts';

/** A valid ID number born on `birthDate`; `sequence` makes different people. */
function idFor(birthDate: string, sequence = 123): string {
  const body = `110108${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return body + residentIdCheckCharacter(body);
}

type Row = CohortForRules['apprentices'][number];

function row(
  overrides: Partial<{ idNumber: string; enterpriseMentorKey: string; contract: Row['contract'] }> = {},
): Row {
  return {
    idNumber: idFor('2000-01-01'),
    enterpriseMentorKey: 'm1',
    contract: { startDate: '2027-02-20', endDate: '2030-02-19' },
    ...overrides,
  };
}

/** `n` different people on mentor `key`. */
function rows(n: number, key = 'm1', firstSequence = 0): Row[] {
  return Array.from({ length: n }, (_, i) =>
    row({ idNumber: idFor('2000-01-01', firstSequence + i), enterpriseMentorKey: key }),
  );
}

function cohort(overrides: Partial<CohortForRules> = {}): CohortForRules {
  return {
    occupationCode: '4-04-05-05',
    targetLevel: 4,
    startDate: '2027-03-01',
    endDate: '2028-02-29',
    plannedHours: { total: 1200, concentrated: 320 },
    enterpriseMentors: [
      { key: 'm1', employeeNo: 'E1001', skillLevel: 2 },
      { key: 'm2', employeeNo: 'E1002', skillLevel: 3 },
    ],
    apprentices: [row()],
    ...overrides,
  };
}

const occupation = findOccupation(SEED_OCCUPATIONS, '4-04-05-05');

function context(overrides: Partial<CohortRulesContext> = {}): CohortRulesContext {
  return { policy: DEFAULT_POLICY, occupation, today: '2026-11-26', forSubmission: true, ...overrides };
}

describe('checkCohortRules: a valid cohort', () => {
  it('passes the example body of architecture.md, for creation and for submission', () => {
    const body = CreateCohortBody.parse({
      schoolId: '52110108MJ0AA1000A',
      occupationCode: '4-04-05-05',
      targetLevel: 4,
      startDate: '2027-03-01',
      endDate: '2028-02-29',
      plannedHours: { total: 1200, concentrated: 320 },
      agreements: { schoolAgreementNo: 'HZ-2027-001', apprenticeAgreementNo: 'PX-2027-001' },
      enterpriseMentors: [{ key: 'm1', name: '张伟', employeeNo: 'E1001', skillLevel: 2 }],
      apprentices: [
        {
          name: '李娜',
          idNumber: '110108200001011237',
          phone: '13800138000',
          hireType: 'new_hire',
          contract: { startDate: '2027-02-20', endDate: '2030-02-19' },
          enterpriseMentorKey: 'm1',
        },
      ],
    });
    expect(checkCohortRules(body, context())).toEqual([]);
    expect(checkCohortRules(body, context({ forSubmission: false }))).toEqual([]);
  });
});

describe('occupation and target level', () => {
  it('refuses an occupation code the catalogue does not have', () => {
    expect(
      checkCohortRules(cohort({ occupationCode: '9-99-99-99' }), context({ occupation: undefined })),
    ).toEqual([{ path: 'occupationCode', code: 'occupation.unknown', message: 'unknown occupation code' }]);
  });

  it('at submission, refuses a target level without a subsidy standard', () => {
    expect(checkCohortRules(cohort({ targetLevel: 2 }), context())).toEqual([
      {
        path: 'targetLevel',
        code: 'level.no_standard',
        params: { level: 2, levelName: '技师' },
        message:
          'no subsidy standard is set for level 2 (技师); an administrator must set one before submission',
      },
    ]);
    expect(checkCohortRules(cohort({ targetLevel: 1 }), context())).toEqual([
      {
        path: 'targetLevel',
        code: 'level.no_standard',
        params: { level: 1, levelName: '高级技师' },
        message:
          'no subsidy standard is set for level 1 (高级技师); an administrator must set one before submission',
      },
    ]);
  });

  it('allows a draft at such a level, and submission once a standard is set', () => {
    expect(checkCohortRules(cohort({ targetLevel: 2 }), context({ forSubmission: false }))).toEqual([]);
    const withLevel2: Policy = {
      ...DEFAULT_POLICY,
      standardsFen: { ...DEFAULT_POLICY.standardsFen, '2': { standard: 700_000, shortage: 900_000 } },
    };
    expect(checkCohortRules(cohort({ targetLevel: 2 }), context({ policy: withLevel2 }))).toEqual([]);
  });

  it('refuses a stored level outside 1–4', () => {
    expect(checkCohortRules(cohort({ targetLevel: 5 }), context({ forSubmission: false }))).toEqual([
      {
        path: 'targetLevel',
        code: 'level.entry_not_target',
        message: 'level 5 (初级工) is not a target of the new-type apprenticeship; choose 4, 3, 2 or 1',
      },
    ]);
  });
});

describe('training period', () => {
  const hoursFor36 = { total: 1800, concentrated: 480 };

  it('needs the end after the start', () => {
    for (const endDate of ['2027-03-01', '2027-02-28']) {
      expect(checkCohortRules(cohort({ endDate }), context())).toEqual([
        { path: 'endDate', code: 'period.end_before_start', message: 'must be after the start date' },
      ]);
    }
  });

  it('needs at least 12 months (end date inclusive)', () => {
    expect(
      checkCohortRules(
        cohort({ endDate: '2028-02-28', plannedHours: { total: 1200, concentrated: 320 } }),
        context(),
      ),
    ).toEqual([
      {
        path: 'endDate',
        code: 'period.too_short',
        params: { min: 12, months: 11 },
        message: 'the training period must be at least 12 months (it is 11)',
      },
    ]);
    expect(checkCohortRules(cohort({ endDate: '2028-02-29' }), context())).toEqual([]);
  });

  it('allows up to 24 months without a justification', () => {
    expect(
      checkCohortRules(
        cohort({ endDate: '2029-02-28', plannedHours: { total: 1200, concentrated: 320 } }),
        context(),
      ),
    ).toEqual([]);
  });

  it('needs a written justification beyond 24 months', () => {
    const longer = cohort({ endDate: '2029-03-01', plannedHours: { total: 1300, concentrated: 400 } });
    const message = {
      path: 'trainingJustification',
      code: 'period.justification_required',
      params: { max: 24 },
      message: 'a training period longer than 24 months needs a written justification',
    };
    expect(checkCohortRules(longer, context())).toEqual([message]);
    expect(checkCohortRules({ ...longer, trainingJustification: '   ' }, context())).toEqual([message]);
    expect(checkCohortRules({ ...longer, trainingJustification: null }, context())).toEqual([message]);
    expect(
      checkCohortRules({ ...longer, trainingJustification: '复合型岗位，需要 36 个月' }, context()),
    ).toEqual([]);
  });

  it('never exceeds 36 months, justification or not', () => {
    const justified = { trainingJustification: '复合型岗位', plannedHours: hoursFor36 };
    expect(checkCohortRules(cohort({ ...justified, endDate: '2030-02-28' }), context())).toEqual([]);
    expect(checkCohortRules(cohort({ ...justified, endDate: '2030-03-01' }), context())).toEqual([
      {
        path: 'endDate',
        code: 'period.too_long',
        params: { max: 36 },
        message: 'the training period may not exceed 36 months',
      },
    ]);
  });

  it('at submission, refuses a training period that has already ended', () => {
    const past = cohort({
      startDate: '2025-01-01',
      endDate: '2025-12-31',
      apprentices: [row({ contract: { startDate: '2025-01-01', endDate: null } })],
    });
    expect(checkCohortRules(past, context())).toEqual([
      {
        path: 'endDate',
        code: 'period.already_ended',
        message: 'the training period has already ended; a finished training period cannot be filed',
      },
    ]);
    expect(checkCohortRules(past, context({ forSubmission: false }))).toEqual([]);
    expect(checkCohortRules(past, context({ today: '2025-12-31' }))).toEqual([]);
  });

  it('reports dates that do not exist instead of throwing', () => {
    expect(checkCohortRules(cohort({ startDate: '2027-02-29' }), context())).toEqual([
      { path: 'startDate', code: 'date.not_real', message: 'must be a real date in the form YYYY-MM-DD' },
    ]);
  });
});

describe('planned hours', () => {
  it('needs 600 hours and 160 concentrated per year', () => {
    expect(checkCohortRules(cohort({ plannedHours: { total: 599, concentrated: 159 } }), context())).toEqual([
      {
        path: 'plannedHours.total',
        code: 'hours.too_few',
        params: { hours: 600, months: 12, perYear: 600 },
        message: 'at least 600 hours are required for 12 months of training (600 a year)',
      },
      {
        path: 'plannedHours.concentrated',
        code: 'hours.too_few_concentrated',
        params: { hours: 160, months: 12, perYear: 160 },
        message:
          'at least 160 hours of concentrated teaching are required for 12 months of training (160 a year)',
      },
    ]);
    expect(checkCohortRules(cohort({ plannedHours: { total: 600, concentrated: 160 } }), context())).toEqual(
      [],
    );
  });

  it('pro rata by whole months, rounded up to the hour', () => {
    // 2027-03-01 … 2028-03-31 is 13 months: 650 hours, of which 173.3 → 174 concentrated.
    const thirteen = { endDate: '2028-03-31' };
    expect(
      checkCohortRules(cohort({ ...thirteen, plannedHours: { total: 650, concentrated: 174 } }), context()),
    ).toEqual([]);
    expect(
      checkCohortRules(cohort({ ...thirteen, plannedHours: { total: 649, concentrated: 173 } }), context()),
    ).toEqual([
      {
        path: 'plannedHours.total',
        code: 'hours.too_few',
        params: { hours: 650, months: 13, perYear: 600 },
        message: 'at least 650 hours are required for 13 months of training (600 a year)',
      },
      {
        path: 'plannedHours.concentrated',
        code: 'hours.too_few_concentrated',
        params: { hours: 174, months: 13, perYear: 160 },
        message:
          'at least 174 hours of concentrated teaching are required for 13 months of training (160 a year)',
      },
    ]);
    expect(requiredHours(600, 18)).toBe(900);
    expect(requiredHours(160, 13)).toBe(174);
  });

  it('refuses more concentrated hours than total hours', () => {
    expect(
      checkCohortRules(cohort({ plannedHours: { total: 1200, concentrated: 1201 } }), context()),
    ).toEqual([
      {
        path: 'plannedHours.concentrated',
        code: 'hours.concentrated_over_total',
        message: 'cannot exceed the total planned hours',
      },
    ]);
  });

  it('property: the policy minimum passes and one hour less fails, for any period of 12–24 months', () => {
    fc.assert(
      fc.property(fc.integer({ min: 12, max: 24 }), fc.integer({ min: 0, max: 27 }), (months, extraDays) => {
        const endDate = addDays(
          addDays(addMonths('2027-03-01', months), -1),
          Math.min(extraDays, months === 24 ? 0 : extraDays),
        );
        const total = requiredHours(600, months);
        const concentrated = requiredHours(160, months);
        expect(
          checkCohortRules(cohort({ endDate, plannedHours: { total, concentrated } }), context()),
        ).toEqual([]);
        const short = checkCohortRules(
          cohort({ endDate, plannedHours: { total: total - 1, concentrated } }),
          context(),
        );
        expect(short.map((error) => error.path)).toEqual(['plannedHours.total']);
      }),
    );
  });
});

describe('enterprise mentors', () => {
  it('need skill level 3 (高级工) or higher', () => {
    const mentors = [
      { key: 'm1', employeeNo: 'E1001', skillLevel: 3 },
      { key: 'm2', employeeNo: 'E1002', skillLevel: 4 },
    ];
    expect(checkCohortRules(cohort({ enterpriseMentors: mentors }), context())).toEqual([
      {
        path: 'enterpriseMentors.1.skillLevel',
        code: 'mentor.skill_too_low',
        params: { level: 3, levelName: '高级工' },
        message: 'an enterprise mentor must hold level 3 (高级工) or higher (1 is the highest)',
      },
    ]);
  });

  it('follow the policy minimum when an administrator changes it', () => {
    const stricter: Policy = { ...DEFAULT_POLICY, minMentorSkillLevel: 2 };
    expect(checkCohortRules(cohort(), context({ policy: stricter }))).toEqual([
      {
        path: 'enterpriseMentors.1.skillLevel',
        code: 'mentor.skill_too_low',
        params: { level: 2, levelName: '技师' },
        message: 'an enterprise mentor must hold level 2 (技师) or higher (1 is the highest)',
      },
    ]);
  });

  it('have unique keys and are listed once each', () => {
    const mentors = [
      { key: 'm1', employeeNo: 'E1001', skillLevel: 2 },
      { key: 'm2', employeeNo: 'E1002', skillLevel: 2 },
      { key: 'm1', employeeNo: 'E1003', skillLevel: 2 },
      { key: 'm4', employeeNo: 'E1002', skillLevel: 2 },
    ];
    expect(checkCohortRules(cohort({ enterpriseMentors: mentors }), context())).toEqual([
      {
        path: 'enterpriseMentors.2.key',
        code: 'row.key_repeated',
        params: { row: 0 },
        message: 'the same key is already used at row 0',
      },
      {
        path: 'enterpriseMentors.3.employeeNo',
        code: 'mentor.employee_repeated',
        params: { row: 1 },
        message: 'the same employee is already a mentor at row 1',
      },
    ]);
  });

  it('must be named by each apprentice', () => {
    expect(
      checkCohortRules(
        cohort({
          apprentices: [row(), row({ idNumber: idFor('2000-01-01', 5), enterpriseMentorKey: 'm9' })],
        }),
        context(),
      ),
    ).toEqual([
      {
        path: 'apprentices.1.enterpriseMentorKey',
        code: 'mentor.no_such_key',
        params: { key: 'm9' },
        message: 'no enterprise mentor with key m9 in this cohort',
      },
    ]);
  });

  it('take at most 8 apprentices each within the cohort: the rows beyond are refused', () => {
    expect(
      checkCohortRules(cohort({ apprentices: [...rows(8, 'm1'), ...rows(8, 'm2', 100)] }), context()),
    ).toEqual([]);
    expect(checkCohortRules(cohort({ apprentices: rows(10, 'm1') }), context())).toEqual([
      {
        path: 'apprentices.8.enterpriseMentorKey',
        code: 'mentor.cohort_load_exceeded',
        params: { key: 'm1', max: 8 },
        message:
          'enterprise mentor m1 already has 8 apprentices in this cohort (the most one mentor may take)',
      },
      {
        path: 'apprentices.9.enterpriseMentorKey',
        code: 'mentor.cohort_load_exceeded',
        params: { key: 'm1', max: 8 },
        message:
          'enterprise mentor m1 already has 8 apprentices in this cohort (the most one mentor may take)',
      },
    ]);
  });

  it('property: k apprentices on one mentor give exactly max(0, k - 8) errors, on rows 8 … k-1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), (k) => {
        const errors = checkCohortRules(cohort({ apprentices: rows(k) }), context());
        expect(errors.map((error) => error.path)).toEqual(
          Array.from({ length: Math.max(0, k - 8) }, (_, i) => `apprentices.${i + 8}.enterpriseMentorKey`),
        );
      }),
    );
  });
});

describe('apprentices', () => {
  it('must be at least 16 on the start date', () => {
    expect(
      checkCohortRules(cohort({ apprentices: [row({ idNumber: idFor('2011-03-01') })] }), context()),
    ).toEqual([]);
    expect(
      checkCohortRules(cohort({ apprentices: [row(), row({ idNumber: idFor('2011-03-02') })] }), context()),
    ).toEqual([
      {
        path: 'apprentices.1.idNumber',
        code: 'apprentice.too_young',
        params: { years: 16 },
        message: 'the apprentice must be at least 16 years old on the cohort start date',
      },
    ]);
  });

  it('appear once: the later row of the same person is refused, naming the first', () => {
    const same = idFor('1995-06-15', 7);
    expect(
      checkCohortRules(
        cohort({ apprentices: [row({ idNumber: same }), row(), row({ idNumber: same })] }),
        context(),
      ),
    ).toEqual([
      {
        path: 'apprentices.2.idNumber',
        code: 'apprentice.person_repeated',
        params: { row: 0 },
        message: 'the same person is already in this cohort at row 0',
      },
    ]);
  });

  it('report an invalid ID number if one reaches the rules', () => {
    expect(
      checkCohortRules(cohort({ apprentices: [row({ idNumber: '110108200001011238' })] }), context()),
    ).toEqual([
      {
        path: 'apprentices.0.idNumber',
        code: 'id_number.check_character',
        message: 'check character is wrong',
      },
    ]);
  });

  it('in stored form (birth date and ID hash) get the same age and duplicate checks', () => {
    const stored = (birthDate: string, idHash: string): Row => ({
      birthDate,
      idHash,
      enterpriseMentorKey: 'm1',
      contract: { startDate: '2027-02-20', endDate: null },
    });
    expect(
      checkCohortRules(
        cohort({
          apprentices: [stored('2000-01-01', 'h1'), stored('2011-06-01', 'h2'), stored('2000-01-01', 'h1')],
        }),
        context(),
      ),
    ).toEqual([
      {
        path: 'apprentices.1.idNumber',
        code: 'apprentice.too_young',
        params: { years: 16 },
        message: 'the apprentice must be at least 16 years old on the cohort start date',
      },
      {
        path: 'apprentices.2.idNumber',
        code: 'apprentice.person_repeated',
        params: { row: 0 },
        message: 'the same person is already in this cohort at row 0',
      },
    ]);
  });

  it('in stored form find the same person across a switch of crypto suite (any look-up hash shared)', () => {
    const stored = (idHash: string, idHashes?: string[]): Row => ({
      birthDate: '2000-01-01',
      idHash,
      ...(idHashes ? { idHashes } : {}),
      enterpriseMentorKey: 'm1',
      contract: { startDate: '2027-02-20', endDate: null },
    });
    expect(
      checkCohortRules(
        cohort({
          // A row of before both hashes were kept (standard only), then the same person added
          // under gm (gm hash first), and a third person.
          apprentices: [stored('h1'), stored('sm3:h1', ['sm3:h1', 'h1']), stored('sm3:h2', ['sm3:h2', 'h2'])],
        }),
        context(),
      ),
    ).toEqual([
      {
        path: 'apprentices.1.idNumber',
        code: 'apprentice.person_repeated',
        params: { row: 0 },
        message: 'the same person is already in this cohort at row 0',
      },
    ]);
  });

  describe('labour contract', () => {
    const withContract = (contract: Row['contract']) => cohort({ apprentices: [row({ contract })] });

    it('starts no later than 30 days after the cohort starts', () => {
      expect(
        checkCohortRules(withContract({ startDate: '2027-03-31', endDate: '2028-03-30' }), context()),
      ).toEqual([]);
      expect(
        checkCohortRules(withContract({ startDate: '2027-04-01', endDate: '2028-03-31' }), context()),
      ).toEqual([
        {
          path: 'apprentices.0.contract.startDate',
          code: 'contract.starts_too_late',
          params: { days: 30, by: '2027-03-31' },
          message:
            'the labour contract must start no later than 30 days after the cohort starts (by 2027-03-31)',
        },
      ]);
      expect(checkCohortRules(withContract({ startDate: '2020-01-01', endDate: null }), context())).toEqual(
        [],
      );
    });

    it('lasts at least 12 months (end date inclusive), or is open-ended', () => {
      expect(
        checkCohortRules(withContract({ startDate: '2027-02-20', endDate: '2028-02-19' }), context()),
      ).toEqual([]);
      expect(
        checkCohortRules(withContract({ startDate: '2027-02-20', endDate: '2028-02-18' }), context()),
      ).toEqual([
        {
          path: 'apprentices.0.contract.endDate',
          code: 'contract.too_short',
          params: { months: 12 },
          message: 'the labour contract must last at least 12 months, or be open-ended',
        },
      ]);
      expect(checkCohortRules(withContract({ startDate: '2027-02-20', endDate: null }), context())).toEqual(
        [],
      );
      expect(checkCohortRules(withContract({ startDate: '2027-02-20', openEnded: true }), context())).toEqual(
        [],
      );
    });

    it('ends after it starts', () => {
      expect(
        checkCohortRules(withContract({ startDate: '2027-02-20', endDate: '2027-02-20' }), context()),
      ).toEqual([
        {
          path: 'apprentices.0.contract.endDate',
          code: 'contract.end_before_start',
          message: 'must be after the contract start date',
        },
      ]);
    });
  });
});

describe('apprentice count at submission', () => {
  it('needs at least one apprentice to submit, none for a draft', () => {
    expect(checkCohortRules(cohort({ apprentices: [] }), context())).toEqual([
      {
        path: 'apprentices',
        code: 'cohort.needs_an_apprentice',
        message: 'a cohort needs at least 1 apprentice before submission',
      },
    ]);
    expect(checkCohortRules(cohort({ apprentices: [] }), context({ forSubmission: false }))).toEqual([]);
  });

  it('takes at most the policy maximum', () => {
    const small: Policy = { ...DEFAULT_POLICY, cohortMinApprentices: 2, cohortMaxApprentices: 3 };
    expect(checkCohortRules(cohort({ apprentices: rows(4) }), context({ policy: small }))).toEqual([
      {
        path: 'apprentices',
        code: 'cohort.too_many_apprentices',
        params: { max: 3 },
        message: 'a cohort may have at most 3 apprentices',
      },
    ]);
    expect(checkCohortRules(cohort({ apprentices: rows(1) }), context({ policy: small }))).toEqual([
      {
        path: 'apprentices',
        code: 'cohort.too_few_apprentices',
        params: { min: 2 },
        message: 'a cohort needs at least 2 apprentices before submission',
      },
    ]);
    expect(checkCohortRules(cohort({ apprentices: rows(3) }), context({ policy: small }))).toEqual([]);
  });

  it('accepts 200 apprentices with 25 mentors under the default policy', () => {
    const mentors = Array.from({ length: 25 }, (_, i) => ({
      key: `m${i}`,
      employeeNo: `E${i}`,
      skillLevel: 2,
    }));
    const apprentices = Array.from({ length: 200 }, (_, i) =>
      row({ idNumber: idFor('1999-09-09', i), enterpriseMentorKey: `m${i % 25}` }),
    );
    expect(checkCohortRules(cohort({ enterpriseMentors: mentors, apprentices }), context())).toEqual([]);
    expect(
      checkCohortRules(
        cohort({
          enterpriseMentors: mentors,
          apprentices: [...apprentices, row({ idNumber: idFor('1999-09-10'), enterpriseMentorKey: 'm1' })],
        }),
        context(),
      ),
    ).toEqual([
      {
        path: 'apprentices',
        code: 'cohort.too_many_apprentices',
        params: { max: 200 },
        message: 'a cohort may have at most 200 apprentices',
      },
      {
        path: 'apprentices.200.enterpriseMentorKey',
        code: 'mentor.cohort_load_exceeded',
        params: { key: 'm1', max: 8 },
        message:
          'enterprise mentor m1 already has 8 apprentices in this cohort (the most one mentor may take)',
      },
    ]);
  });
});

describe('occupation catalogue seed', () => {
  it('holds the 19 digital occupations of domain.md, 2022 edition, unique codes', () => {
    expect(SEED_OCCUPATIONS).toHaveLength(19);
    expect(new Set(SEED_OCCUPATIONS.map((o) => o.code)).size).toBe(19);
    for (const o of SEED_OCCUPATIONS) {
      expect(o.code).toMatch(/^\d-\d{2}-\d{2}-\d{2}$/);
      expect(o.edition).toBe('2022');
      expect(o.digital).toBe(true);
    }
    expect(findOccupation(SEED_OCCUPATIONS, '4-04-05-05')).toEqual({
      code: '4-04-05-05',
      name: '人工智能训练师',
      edition: '2022',
      digital: true,
      shortage: true,
    });
    expect(findOccupation(SEED_OCCUPATIONS, '2-02-38-13')?.shortage).toBe(true);
    expect(findOccupation(SEED_OCCUPATIONS, '4-07-02-05')?.shortage).toBe(false);
    expect(findOccupation(SEED_OCCUPATIONS, '9-99-99-99')).toBeUndefined();
  });
});
