import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../shared/domain/errors.ts';
import { residentIdCheckCharacter } from '../../shared/domain/identifiers.ts';
import {
  AddApprenticesBody,
  ApprenticeInput,
  CreateCohortBody,
  UpdateCohortBody,
} from '../../shared/schemas/cohort.ts';
import { DecisionBody } from '../../shared/schemas/decision.ts';
import { parseOrFail, zodIssuesToFieldErrors } from '../../shared/schemas/errors.ts';
import * as z from '../../shared/schemas/zod.ts';

/** The example body of architecture.md. */
function apprentice(overrides: Record<string, unknown> = {}) {
  return {
    name: '李娜',
    idNumber: '110108200001011237',
    phone: '13800138000',
    hireType: 'new_hire',
    contract: { startDate: '2027-02-20', endDate: '2030-02-19' },
    enterpriseMentorKey: 'm1',
    ...overrides,
  };
}

function cohortBody(overrides: Record<string, unknown> = {}) {
  return {
    schoolId: '52110108MJ0AA1000A',
    occupationCode: '4-04-05-05',
    targetLevel: 4,
    startDate: '2027-03-01',
    endDate: '2028-02-29',
    plannedHours: { total: 1200, concentrated: 320 },
    agreements: { schoolAgreementNo: 'HZ-2027-001', apprenticeAgreementNo: 'PX-2027-001' },
    enterpriseMentors: [{ key: 'm1', name: '张伟', employeeNo: 'E1001', skillLevel: 2 }],
    apprentices: [apprentice()],
    ...overrides,
  };
}

/** Field errors of a failed parse (fails the test if the parse succeeds). */
function errorsOf(schema: z.ZodMiniType, input: unknown, prefix?: string) {
  const result = schema.safeParse(input);
  expect(result.success, 'expected the parse to fail').toBe(false);
  return result.success ? [] : zodIssuesToFieldErrors(result.error, prefix === undefined ? {} : { prefix });
}

describe('CreateCohortBody', () => {
  it('accepts the example of architecture.md', () => {
    const parsed = CreateCohortBody.parse(cohortBody());
    expect(parsed.apprentices[0]?.idNumber).toBe('110108200001011237');
    expect(parsed.targetLevel).toBe(4);
  });

  it('trims text, upper-cases the ID number and the credit code, and defaults apprentices to none', () => {
    const { apprentices: _omitted, ...withoutApprentices } = cohortBody();
    const parsed = CreateCohortBody.parse({
      ...withoutApprentices,
      schoolId: ' 52110108mj0aa1000a ',
      agreements: { schoolAgreementNo: '  HZ-2027-001 ', apprenticeAgreementNo: 'PX-2027-001' },
    });
    expect(parsed.schoolId).toBe('52110108MJ0AA1000A');
    expect(parsed.agreements.schoolAgreementNo).toBe('HZ-2027-001');
    expect(parsed.apprentices).toEqual([]);
    const row = ApprenticeInput.parse(apprentice({ name: '  王 芳 ', idNumber: '11010519491231002x' }));
    expect(row.name).toBe('王 芳');
    expect(row.idNumber).toBe('11010519491231002X');
  });

  it('refuses target level 5 with a clear message, and other levels', () => {
    expect(errorsOf(CreateCohortBody, cohortBody({ targetLevel: 5 }))).toEqual([
      {
        path: 'targetLevel',
        code: 'level.entry_not_target',
        message: 'level 5 (初级工) is not a target of the new-type apprenticeship; choose 4, 3, 2 or 1',
      },
    ]);
    expect(errorsOf(CreateCohortBody, cohortBody({ targetLevel: 0 }))).toEqual([
      { path: 'targetLevel', code: 'level.not_target', message: 'must be 1, 2, 3 or 4' },
    ]);
    expect(errorsOf(CreateCohortBody, cohortBody({ targetLevel: '4' }))).toEqual([
      { path: 'targetLevel', code: 'level.not_target', message: 'must be 1, 2, 3 or 4' },
    ]);
    for (const level of [1, 2, 3])
      expect(CreateCohortBody.parse(cohortBody({ targetLevel: level })).targetLevel).toBe(level);
  });

  it('says which required fields are missing', () => {
    expect(errorsOf(CreateCohortBody, {})).toEqual(
      [
        'schoolId',
        'occupationCode',
        'targetLevel',
        'startDate',
        'endDate',
        'plannedHours',
        'agreements',
        'enterpriseMentors',
      ].map((path) => ({ path, code: 'field.required', message: 'is required' })),
    );
    expect(errorsOf(CreateCohortBody, cohortBody({ plannedHours: { total: 1200 } }))).toEqual([
      { path: 'plannedHours.concentrated', code: 'field.required', message: 'is required' },
    ]);
    expect(errorsOf(CreateCohortBody, [])).toEqual([
      { path: '', code: 'field.not_object', message: 'must be an object' },
    ]);
  });

  it('refuses unknown fields, at every level, naming each', () => {
    expect(
      errorsOf(CreateCohortBody, cohortBody({ enterpriseId: '91110108MA01AAAA0M', status: 'FILED' })),
    ).toEqual([
      { path: 'enterpriseId', code: 'field.unknown', message: 'is not a known field' },
      { path: 'status', code: 'field.unknown', message: 'is not a known field' },
    ]);
    expect(
      errorsOf(
        CreateCohortBody,
        cohortBody({ apprentices: [apprentice(), apprentice({ studentNumber: 'S1' })] }),
      ),
    ).toEqual([
      { path: 'apprentices.1.studentNumber', code: 'field.unknown', message: 'is not a known field' },
    ]);
    expect(
      errorsOf(CreateCohortBody, cohortBody({ plannedHours: { total: 1200, concentrated: 320, online: 5 } })),
    ).toEqual([{ path: 'plannedHours.online', code: 'field.unknown', message: 'is not a known field' }]);
  });

  it('checks the school credit code', () => {
    expect(errorsOf(CreateCohortBody, cohortBody({ schoolId: '52110108MJ0AA1000B' }))).toEqual([
      { path: 'schoolId', code: 'uscc.check_character', message: 'check character is wrong' },
    ]);
    expect(errorsOf(CreateCohortBody, cohortBody({ schoolId: '5211' }))).toEqual([
      { path: 'schoolId', code: 'uscc.length', message: 'must be 18 characters' },
    ]);
  });

  it('checks the occupation code shape (its existence is a rule)', () => {
    expect(errorsOf(CreateCohortBody, cohortBody({ occupationCode: '40405 05' }))).toEqual([
      {
        path: 'occupationCode',
        code: 'occupation.code_shape',
        message: 'must be a catalogue code such as 4-04-05-05',
      },
    ]);
  });

  it('refuses dates that do not exist or have another form', () => {
    expect(
      errorsOf(CreateCohortBody, cohortBody({ startDate: '2027-02-29', endDate: '2028/02/29' })),
    ).toEqual([
      { path: 'startDate', code: 'date.not_real', message: 'must be a real date in the form YYYY-MM-DD' },
      { path: 'endDate', code: 'date.not_real', message: 'must be a real date in the form YYYY-MM-DD' },
    ]);
    expect(errorsOf(CreateCohortBody, cohortBody({ startDate: 20270301 }))).toEqual([
      { path: 'startDate', code: 'field.not_date', message: 'must be a date YYYY-MM-DD' },
    ]);
  });

  it('checks planned hours are whole numbers', () => {
    expect(
      errorsOf(CreateCohortBody, cohortBody({ plannedHours: { total: 1200.5, concentrated: -1 } })),
    ).toEqual([
      { path: 'plannedHours.total', code: 'field.not_integer', message: 'must be a whole number' },
      {
        path: 'plannedHours.concentrated',
        code: 'number.too_small',
        params: { min: 0 },
        message: 'must be at least 0',
      },
    ]);
  });

  it('limits reference numbers to 64 characters and keys to 32 safe characters', () => {
    expect(
      errorsOf(
        CreateCohortBody,
        cohortBody({ agreements: { schoolAgreementNo: 'H'.repeat(65), apprenticeAgreementNo: ' ' } }),
      ),
    ).toEqual([
      {
        path: 'agreements.schoolAgreementNo',
        code: 'text.too_long',
        params: { max: 64 },
        message: 'must be at most 64 characters',
      },
      { path: 'agreements.apprenticeAgreementNo', code: 'text.empty', message: 'must not be empty' },
    ]);
    expect(
      errorsOf(
        CreateCohortBody,
        cohortBody({
          enterpriseMentors: [
            { key: 'm'.repeat(33), name: '张伟', employeeNo: 'E1001', skillLevel: 2 },
            { key: 'm 2', name: '张伟', employeeNo: 'E1002', skillLevel: 6 },
          ],
        }),
      ),
    ).toEqual([
      {
        path: 'enterpriseMentors.0.key',
        code: 'text.too_long',
        params: { max: 32 },
        message: 'must be at most 32 characters',
      },
      {
        path: 'enterpriseMentors.1.key',
        code: 'key.characters',
        message: 'may contain only letters, digits, - and _',
      },
      {
        path: 'enterpriseMentors.1.skillLevel',
        code: 'level.not_skill_level',
        message: 'must be 1, 2, 3, 4 or 5 (1 is the highest)',
      },
    ]);
  });

  it('takes at most 200 apprentice rows in one request', () => {
    const rows = Array.from({ length: 201 }, () => apprentice());
    expect(errorsOf(CreateCohortBody, cohortBody({ apprentices: rows }))).toEqual([
      {
        path: 'apprentices',
        code: 'list.too_many',
        params: { max: 200 },
        message: 'must have at most 200 items',
      },
    ]);
  });

  it('allows an optional training justification, null to clear it', () => {
    expect(
      CreateCohortBody.parse(cohortBody({ trainingJustification: '  复合型岗位需 30 个月 ' }))
        .trainingJustification,
    ).toBe('复合型岗位需 30 个月');
    expect(
      CreateCohortBody.parse(cohortBody({ trainingJustification: null })).trainingJustification,
    ).toBeNull();
    expect(errorsOf(CreateCohortBody, cohortBody({ trainingJustification: 'x'.repeat(2001) }))).toEqual([
      {
        path: 'trainingJustification',
        code: 'text.too_long',
        params: { max: 2000 },
        message: 'must be at most 2000 characters',
      },
    ]);
  });
});

describe('ApprenticeInput', () => {
  it('reports a bad ID number with the GB 11643 message, at the row of the cohort body', () => {
    const rows = [apprentice(), apprentice(), apprentice(), apprentice({ idNumber: '110108200001011238' })];
    expect(errorsOf(CreateCohortBody, cohortBody({ apprentices: rows }))).toEqual([
      {
        path: 'apprentices.3.idNumber',
        code: 'id_number.check_character',
        message: 'check character is wrong',
      },
    ]);
    expect(errorsOf(ApprenticeInput, apprentice({ idNumber: '11010820000101123' }))).toEqual([
      { path: 'idNumber', code: 'id_number.length', message: 'must be 18 characters' },
    ]);
    const body = '11010820010229123'; // 2001-02-29 does not exist
    expect(
      errorsOf(ApprenticeInput, apprentice({ idNumber: body + residentIdCheckCharacter(body) })),
    ).toEqual([{ path: 'idNumber', code: 'id_number.birth_date', message: 'birth date is not a real date' }]);
    expect(errorsOf(ApprenticeInput, apprentice({ idNumber: 110108200001 }))).toEqual([
      { path: 'idNumber', code: 'field.not_text', message: 'must be text' },
    ]);
  });

  it('checks name length in characters, not UTF-16 units', () => {
    expect(errorsOf(ApprenticeInput, apprentice({ name: '   ' }))).toEqual([
      { path: 'name', code: 'text.empty', message: 'must not be empty' },
    ]);
    expect(errorsOf(ApprenticeInput, apprentice({ name: '李'.repeat(51) }))).toEqual([
      { path: 'name', code: 'text.too_long', params: { max: 50 }, message: 'must be at most 50 characters' },
    ]);
    expect(ApprenticeInput.parse(apprentice({ name: '𠀀'.repeat(50) })).name).toHaveLength(100); // 50 characters outside the BMP
    expect(errorsOf(ApprenticeInput, apprentice({ name: '李\nA' }))).toEqual([
      { path: 'name', code: 'text.control_characters', message: 'must not contain control characters' },
    ]);
  });

  it('requires a mainland mobile number', () => {
    expect(errorsOf(ApprenticeInput, apprentice({ phone: '12800138000' }))).toEqual([
      {
        path: 'phone',
        code: 'phone.not_mobile',
        message: 'must be a mainland mobile number: 11 digits starting 13–19',
      },
    ]);
    expect(ApprenticeInput.parse(apprentice({ phone: ' 13800138000 ' })).phone).toBe('13800138000');
  });

  it('requires hire type new_hire or transfer', () => {
    expect(ApprenticeInput.parse(apprentice({ hireType: 'transfer' })).hireType).toBe('transfer');
    expect(errorsOf(ApprenticeInput, apprentice({ hireType: 'intern' }))).toEqual([
      { path: 'hireType', code: 'hire_type.unknown', message: 'must be new_hire or transfer' },
    ]);
  });

  it('takes an open-ended contract as endDate null or openEnded true', () => {
    expect(
      ApprenticeInput.parse(apprentice({ contract: { startDate: '2027-02-20', endDate: null } })).contract
        .endDate,
    ).toBeNull();
    expect(
      ApprenticeInput.parse(apprentice({ contract: { startDate: '2027-02-20', openEnded: true } })).contract
        .openEnded,
    ).toBe(true);
    expect(
      ApprenticeInput.parse(
        apprentice({ contract: { startDate: '2027-02-20', endDate: null, openEnded: true } }),
      ).contract.endDate,
    ).toBeNull();
  });

  it('refuses a contract that is both open-ended and dated, or neither', () => {
    expect(
      errorsOf(
        ApprenticeInput,
        apprentice({ contract: { startDate: '2027-02-20', endDate: '2030-02-19', openEnded: true } }),
      ),
    ).toEqual([
      {
        path: 'contract.endDate',
        code: 'contract.open_ended_has_end',
        message: 'an open-ended contract has no end date',
      },
    ]);
    expect(errorsOf(ApprenticeInput, apprentice({ contract: { startDate: '2027-02-20' } }))).toEqual([
      {
        path: 'contract.endDate',
        code: 'contract.end_required',
        message: 'is required unless the contract is open-ended',
      },
    ]);
    expect(
      errorsOf(
        ApprenticeInput,
        apprentice({ contract: { startDate: '2027-02-20', endDate: null, openEnded: false } }),
      ),
    ).toEqual([
      {
        path: 'contract.endDate',
        code: 'contract.end_required',
        message: 'is required unless the contract is open-ended',
      },
    ]);
    expect(errorsOf(ApprenticeInput, apprentice({ contract: { endDate: '2030-02-19' } }))).toEqual([
      { path: 'contract.startDate', code: 'field.required', message: 'is required' },
    ]);
  });

  it('property: any valid ID number from a real birth date is accepted, in either case of X', () => {
    const birth = fc
      .date({
        min: new Date('1950-01-01T00:00:00Z'),
        max: new Date('2015-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));
    const seq = fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0'));
    fc.assert(
      fc.property(
        fc.constantFrom('110105', '110108', '350102', '440305'),
        birth,
        seq,
        (region, date, sequence) => {
          const body = region + date + sequence;
          const id = body + residentIdCheckCharacter(body);
          expect(ApprenticeInput.parse(apprentice({ idNumber: id.toLowerCase() })).idNumber).toBe(id);
        },
      ),
    );
  });
});

describe('UpdateCohortBody', () => {
  it('takes any subset of cohort fields with the version read', () => {
    expect(UpdateCohortBody.parse({ version: 3, endDate: '2028-08-31' })).toEqual({
      version: 3,
      endDate: '2028-08-31',
    });
    expect(UpdateCohortBody.parse({ version: 0 })).toEqual({ version: 0 });
    expect(
      UpdateCohortBody.parse({ version: 1, trainingJustification: null }).trainingJustification,
    ).toBeNull();
  });

  it('requires a whole, non-negative version', () => {
    expect(errorsOf(UpdateCohortBody, { endDate: '2028-08-31' })).toEqual([
      { path: 'version', code: 'field.required', message: 'is required' },
    ]);
    expect(errorsOf(UpdateCohortBody, { version: -1 })).toEqual([
      { path: 'version', code: 'number.too_small', params: { min: 0 }, message: 'must be at least 0' },
    ]);
    expect(errorsOf(UpdateCohortBody, { version: '3' })).toEqual([
      { path: 'version', code: 'field.not_integer', message: 'must be a whole number' },
    ]);
  });

  it('validates the fields it is given as strictly as creation does', () => {
    expect(errorsOf(UpdateCohortBody, { version: 1, targetLevel: 5, startDate: '2027-02-30' })).toEqual([
      {
        path: 'targetLevel',
        code: 'level.entry_not_target',
        message: 'level 5 (初级工) is not a target of the new-type apprenticeship; choose 4, 3, 2 or 1',
      },
      { path: 'startDate', code: 'date.not_real', message: 'must be a real date in the form YYYY-MM-DD' },
    ]);
  });

  it('sends apprentices to their own route and refuses unknown fields', () => {
    expect(errorsOf(UpdateCohortBody, { version: 1, apprentices: [apprentice()] })).toEqual([
      {
        path: 'apprentices',
        code: 'cohort.apprentices_own_route',
        message: 'apprentices are added and removed through /cohorts/{cohortId}/apprentices',
      },
    ]);
    expect(errorsOf(UpdateCohortBody, { version: 1, status: 'FILED' })).toEqual([
      { path: 'status', code: 'field.unknown', message: 'is not a known field' },
    ]);
  });
});

describe('AddApprenticesBody', () => {
  it('takes 1 to 200 rows', () => {
    expect(AddApprenticesBody.parse([apprentice()])).toHaveLength(1);
    expect(errorsOf(AddApprenticesBody, [])).toEqual([
      { path: '', code: 'list.empty', message: 'must have at least 1 item' },
    ]);
    expect(
      errorsOf(
        AddApprenticesBody,
        Array.from({ length: 201 }, () => apprentice()),
      ),
    ).toEqual([
      { path: '', code: 'list.too_many', params: { max: 200 }, message: 'must have at most 200 items' },
    ]);
    expect(errorsOf(AddApprenticesBody, { rows: [] })).toEqual([
      { path: '', code: 'field.not_list', message: 'must be a list' },
    ]);
  });

  it('reports every bad row, placed under apprentices with a prefix', () => {
    const rows = [
      apprentice(),
      apprentice({ phone: '1' }),
      apprentice({ idNumber: '110108200001011238', hireType: 'x' }),
    ];
    expect(errorsOf(AddApprenticesBody, rows, 'apprentices')).toEqual([
      {
        path: 'apprentices.1.phone',
        code: 'phone.not_mobile',
        message: 'must be a mainland mobile number: 11 digits starting 13–19',
      },
      {
        path: 'apprentices.2.idNumber',
        code: 'id_number.check_character',
        message: 'check character is wrong',
      },
      { path: 'apprentices.2.hireType', code: 'hire_type.unknown', message: 'must be new_hire or transfer' },
    ]);
  });
});

describe('DecisionBody', () => {
  const ULID_A = '01JD5ZQ4N6V9Y7T3R2P1M0K8HG';
  const ULID_B = '01JD5ZQ4N6V9Y7T3R2P1M0K8HH';

  it('takes approve without a reason, and school stage data', () => {
    expect(DecisionBody.parse({ decision: 'approve' })).toEqual({ decision: 'approve' });
    const parsed = DecisionBody.parse({
      decision: 'approve',
      schoolMentors: [{ key: 't1', name: '王老师', teacherNo: 'T01' }],
      enrolment: [
        { apprenticeId: ULID_A.toLowerCase(), studentNumber: 'S2027001', schoolMentorKey: 't1' },
        { apprenticeId: ULID_B, studentNumber: 'S2027002', schoolMentorKey: 't1' },
      ],
    });
    expect(parsed.enrolment?.[0]?.apprenticeId).toBe(ULID_A);
    expect(DecisionBody.parse({ decision: 'approve', approvedAmountFen: 12_345_600 }).approvedAmountFen).toBe(
      12_345_600,
    );
  });

  it('requires a reason to return or reject', () => {
    expect(errorsOf(DecisionBody, { decision: 'return' })).toEqual([
      {
        path: 'reason',
        code: 'decision.reason_required',
        params: { decision: 'return' },
        message: 'a reason is required to return',
      },
    ]);
    expect(errorsOf(DecisionBody, { decision: 'reject' })).toEqual([
      {
        path: 'reason',
        code: 'decision.reason_required',
        params: { decision: 'reject' },
        message: 'a reason is required to reject',
      },
    ]);
    expect(errorsOf(DecisionBody, { decision: 'reject', reason: '   ' })).toEqual([
      { path: 'reason', code: 'text.empty', message: 'must not be empty' },
    ]);
    expect(errorsOf(DecisionBody, { decision: 'return', reason: 'r'.repeat(501) })).toEqual([
      {
        path: 'reason',
        code: 'text.too_long',
        params: { max: 500 },
        message: 'must be at most 500 characters',
      },
    ]);
    expect(DecisionBody.parse({ decision: 'return', reason: ' 缺少合作协议 ' })).toEqual({
      decision: 'return',
      reason: '缺少合作协议',
    });
  });

  it('refuses an unknown decision and stage data outside approve', () => {
    expect(errorsOf(DecisionBody, { decision: 'maybe' })).toEqual([
      { path: 'decision', code: 'decision.unknown', message: 'must be approve, return or reject' },
    ]);
    expect(errorsOf(DecisionBody, {})).toEqual([
      { path: 'decision', code: 'field.required', message: 'is required' },
    ]);
    expect(
      errorsOf(DecisionBody, {
        decision: 'return',
        reason: '补充材料',
        schoolMentors: [{ key: 't1', name: '王老师', teacherNo: 'T01' }],
        approvedAmountFen: 1,
      }),
    ).toEqual([
      { path: 'schoolMentors', code: 'field.only_with_approve', message: 'may be given only with approve' },
      {
        path: 'approvedAmountFen',
        code: 'field.only_with_approve',
        message: 'may be given only with approve',
      },
    ]);
  });

  it('checks enrolment rows against the school mentors of the same decision', () => {
    expect(
      errorsOf(DecisionBody, {
        decision: 'approve',
        schoolMentors: [
          { key: 't1', name: '王老师', teacherNo: 'T01' },
          { key: 't1', name: '赵老师', teacherNo: 'T02' },
        ],
        enrolment: [
          { apprenticeId: ULID_A, studentNumber: 'S1', schoolMentorKey: 't1' },
          { apprenticeId: ULID_A, studentNumber: 'S1', schoolMentorKey: 't9' },
        ],
      }),
    ).toEqual([
      {
        path: 'schoolMentors.1.key',
        code: 'row.key_repeated',
        params: { row: 0 },
        message: 'the same key is already used at row 0',
      },
      {
        path: 'enrolment.1.apprenticeId',
        code: 'enrolment.apprentice_repeated',
        params: { row: 0 },
        message: 'the same apprentice is already enrolled at row 0',
      },
      {
        path: 'enrolment.1.studentNumber',
        code: 'enrolment.student_number_repeated',
        params: { row: 0 },
        message: 'the same student number is already given at row 0',
      },
      {
        path: 'enrolment.1.schoolMentorKey',
        code: 'enrolment.no_school_mentor',
        params: { key: 't9' },
        message: 'no school mentor with key t9 in schoolMentors',
      },
    ]);
    expect(
      errorsOf(DecisionBody, {
        decision: 'approve',
        enrolment: [{ apprenticeId: ULID_A, studentNumber: 'S1', schoolMentorKey: 't1' }],
      }),
    ).toEqual([
      { path: 'schoolMentors', code: 'enrolment.with_school_mentors', message: 'is required with enrolment' },
    ]);
    expect(
      errorsOf(DecisionBody, {
        decision: 'approve',
        schoolMentors: [{ key: 't1', name: '王老师', teacherNo: 'T01' }],
        enrolment: [{ apprenticeId: 'not-an-id', studentNumber: 'S1', schoolMentorKey: 't1' }],
      }),
    ).toEqual([
      {
        path: 'enrolment.0.apprenticeId',
        code: 'id.shape',
        message: 'must be an id of 26 characters as the system issued it',
      },
    ]);
  });

  it('takes a whole, non-negative approved amount in fen', () => {
    expect(errorsOf(DecisionBody, { decision: 'approve', approvedAmountFen: -1 })).toEqual([
      {
        path: 'approvedAmountFen',
        code: 'number.too_small',
        params: { min: 0 },
        message: 'must be at least 0',
      },
    ]);
    expect(errorsOf(DecisionBody, { decision: 'approve', approvedAmountFen: 10.5 })).toEqual([
      { path: 'approvedAmountFen', code: 'field.not_integer', message: 'must be a whole number' },
    ]);
  });
});

describe('zodIssuesToFieldErrors and parseOrFail', () => {
  it('throws ValidationFailed with every field error', () => {
    const rows = [
      apprentice(),
      apprentice(),
      apprentice(),
      apprentice({ idNumber: '11010519491231002Y', phone: '138' }),
    ];
    try {
      parseOrFail(CreateCohortBody, cohortBody({ apprentices: rows, foo: 1 }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationFailed);
      expect((error as ValidationFailed).errors).toEqual([
        {
          path: 'apprentices.3.idNumber',
          code: 'id_number.shape',
          message: 'must be 17 digits followed by a digit or X',
        },
        {
          path: 'apprentices.3.phone',
          code: 'phone.not_mobile',
          message: 'must be a mainland mobile number: 11 digits starting 13–19',
        },
        { path: 'foo', code: 'field.unknown', message: 'is not a known field' },
      ]);
    }
  });

  it('returns the parsed value when valid', () => {
    expect(parseOrFail(DecisionBody, { decision: 'approve' })).toEqual({ decision: 'approve' });
  });

  it('never echoes the submitted value in a message', () => {
    const errors = errorsOf(
      CreateCohortBody,
      cohortBody({ apprentices: [apprentice({ idNumber: '110108200001011238', phone: '12800138000' })] }),
    );
    for (const error of errors) {
      expect(error.message).not.toContain('110108200001011238');
      expect(error.message).not.toContain('12800138000');
    }
  });
});

describe('OpenAPI', () => {
  it('every body converts to JSON Schema (the OpenAPI document is generated from them)', () => {
    for (const schema of [CreateCohortBody, UpdateCohortBody, AddApprenticesBody, DecisionBody]) {
      const json = z.toJSONSchema(schema, { io: 'input' });
      expect(json.type).toBeDefined();
    }
    const create = z.toJSONSchema(CreateCohortBody, { io: 'input' }) as {
      additionalProperties?: boolean;
      required?: string[];
    };
    expect(create.additionalProperties).toBe(false);
    expect(create.required).toContain('schoolId');
    expect(create.required).not.toContain('apprentices');
  });
});
