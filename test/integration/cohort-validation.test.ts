import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { idNumber } from '../../scripts/lib/roster.ts';
import { cohortBody, cohortCount, createCohort } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * Every bad field of domain.md is answered 400 with the path of the field, as problem+json, and
 * nothing is stored. Each case changes one field of a valid body.
 */
let runtime: RunningRuntime;
let api: ApiClient;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
});
afterAll(async () => {
  await runtime?.stop();
});

/** Enough hours for a training period of up to four years, so only the period itself is wrong. */
const LONG_HOURS = { total: 2400, concentrated: 640 };
type Body = ReturnType<typeof cohortBody>;
const apprentice = (body: Body, row: number) => body.apprentices[row] as Record<string, any>;

const cases: [string, (body: Body) => void, string][] = [
  ['a school code with a wrong check character', (b) => (b.schoolId = '52110108MJ0AA1000B'), 'schoolId'],
  ['a school not in the register', (b) => (b.schoolId = '91350100M000100Y43'), 'schoolId'],
  ['an unknown occupation code', (b) => (b.occupationCode = '9-99-99-99'), 'occupationCode'],
  ['a malformed occupation code', (b) => (b.occupationCode = 'AI-trainer'), 'occupationCode'],
  ['target level 5 (初级工)', (b) => (b.targetLevel = 5), 'targetLevel'],
  ['a date that does not exist', (b) => (b.endDate = '2028-02-30'), 'endDate'],
  ['an end before the start', (b) => (b.endDate = '2027-02-01'), 'endDate'],
  ['training shorter than 12 months', (b) => (b.endDate = '2027-12-31'), 'endDate'],
  [
    'training over 24 months without a justification',
    (b) => Object.assign(b, { endDate: '2030-02-28', plannedHours: LONG_HOURS }),
    'trainingJustification',
  ],
  [
    'training over 36 months even with a justification',
    (b) =>
      Object.assign(b, {
        endDate: '2031-02-28',
        trainingJustification: '特殊工种',
        plannedHours: LONG_HOURS,
      }),
    'endDate',
  ],
  [
    'fewer planned hours than 600 a year',
    (b) => (b.plannedHours = { total: 500, concentrated: 200 }),
    'plannedHours.total',
  ],
  [
    'fewer concentrated hours than 160 a year',
    (b) => (b.plannedHours = { total: 1200, concentrated: 100 }),
    'plannedHours.concentrated',
  ],
  [
    'more concentrated than planned hours',
    (b) => (b.plannedHours = { total: 600, concentrated: 700 }),
    'plannedHours.concentrated',
  ],
  [
    'a mentor below 三级/高级工',
    (b) => ((b.enterpriseMentors[0] as any).skillLevel = 4),
    'enterpriseMentors.0.skillLevel',
  ],
  [
    'a missing agreement number',
    (b) => ((b.agreements as any).schoolAgreementNo = ''),
    'agreements.schoolAgreementNo',
  ],
  [
    'an ID number with a wrong check character',
    (b) =>
      (apprentice(b, 1).idNumber =
        `${apprentice(b, 1).idNumber.slice(0, 17)}${apprentice(b, 1).idNumber.endsWith('0') ? '1' : '0'}`),
    'apprentices.1.idNumber',
  ],
  [
    'an ID number whose birth date is not real',
    (b) => (apprentice(b, 1).idNumber = idNumber('2001-02-30', 7)),
    'apprentices.1.idNumber',
  ],
  [
    'an apprentice under 16 on the start date',
    (b) => (apprentice(b, 2).idNumber = idNumber('2011-06-01', 11)),
    'apprentices.2.idNumber',
  ],
  [
    'a phone that is not a mainland mobile',
    (b) => (apprentice(b, 0).phone = '01012345678'),
    'apprentices.0.phone',
  ],
  ['an empty name', (b) => (apprentice(b, 0).name = ''), 'apprentices.0.name'],
  ['a name over 50 characters', (b) => (apprentice(b, 0).name = '张'.repeat(51)), 'apprentices.0.name'],
  ['an unknown hire type', (b) => (apprentice(b, 0).hireType = 'intern'), 'apprentices.0.hireType'],
  [
    'a contract shorter than one year',
    (b) => (apprentice(b, 0).contract = { startDate: '2027-03-01', endDate: '2027-12-31' }),
    'apprentices.0.contract.endDate',
  ],
  [
    'a contract starting over 30 days after the cohort',
    (b) => (apprentice(b, 0).contract = { startDate: '2027-04-15', endDate: null }),
    'apprentices.0.contract.startDate',
  ],
  [
    'an unknown enterprise mentor',
    (b) => (apprentice(b, 0).enterpriseMentorKey = 'nobody'),
    'apprentices.0.enterpriseMentorKey',
  ],
  [
    'the same person twice in the cohort',
    (b) => (apprentice(b, 2).idNumber = apprentice(b, 0).idNumber),
    'apprentices.2.idNumber',
  ],
  ['an unknown field', (b) => Object.assign(b, { enterpriseId: '91110108MA01BBBB0B' }), 'enterpriseId'],
  [
    'more than eight apprentices on one mentor',
    (b) => {
      const big = cohortBody(9);
      for (const row of big.apprentices) row.enterpriseMentorKey = 'm1';
      Object.assign(b, big, { enterpriseMentors: [big.enterpriseMentors[0]] });
    },
    'apprentices.8.enterpriseMentorKey',
  ],
];

describe('bad input to POST /cohorts', () => {
  it.each(cases)('refuses %s with 400 at its path and stores nothing', async (_name, spoil, path) => {
    const body = structuredClone(cohortBody(3));
    spoil(body);
    const before = await cohortCount(api);
    const response = await api.as('ent-a-clerk').post('/cohorts', body);
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 400, title: 'Invalid input' });
    expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    // Exactly the spoiled field is blamed, nothing else: the rest of the body is valid.
    expect(new Set(response.body.errors.map((error: { path: string }) => error.path))).toEqual(
      new Set([path]),
    );
    for (const error of response.body.errors) expect(error.message).toEqual(expect.any(String));
    expect(await cohortCount(api)).toBe(before);
  });

  it('answers malformed JSON and a wrong media type without a 500', async () => {
    const clerk = api.as('ent-a-clerk');
    const malformed = await clerk.post('/cohorts', undefined, {
      raw: '{"schoolId":',
      contentType: 'application/json',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([
      { path: '', code: 'body.not_json', message: 'the body is not valid JSON' },
    ]);
    const xml = await clerk.post('/cohorts', undefined, { raw: '<cohort/>', contentType: 'application/xml' });
    expect(xml.status).toBe(415);
    expect(xml.body).toMatchObject({
      code: 'media_type.not_json',
      params: { contentType: 'application/xml' },
      detail: 'Send the body as application/json (got application/xml)',
    });
    const array = await clerk.post('/cohorts', [1, 2, 3]);
    expect(array.status).toBe(400);
  });

  it('refuses a person already in another active cohort, naming the row', async () => {
    const first = cohortBody(2);
    await createCohort(api, 0, {
      apprentices: first.apprentices,
      enterpriseMentors: first.enterpriseMentors,
    });
    const second = cohortBody(3);
    second.apprentices[1] = {
      ...first.apprentices[0]!,
      enterpriseMentorKey: second.enterpriseMentors[0]!.key,
    };
    const before = await cohortCount(api);
    const response = await api.as('ent-a-clerk').post('/cohorts', second);
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      {
        path: 'apprentices.1.idNumber',
        code: 'apprentice.in_another_cohort',
        message: 'this person is already in another active cohort',
      },
    ]);
    expect(await cohortCount(api)).toBe(before);
  });

  it('refuses a mentor who would take more than eight apprentices across active cohorts', async () => {
    const first = cohortBody(6);
    await createCohort(api, 0, first);
    const second = cohortBody(3);
    second.enterpriseMentors = [{ ...first.enterpriseMentors[0]!, key: second.enterpriseMentors[0]!.key }];
    const response = await api.as('ent-a-clerk').post('/cohorts', second);
    expect(response.status).toBe(400);
    expect(response.body.errors[0]).toMatchObject({ path: 'enterpriseMentors.0' });
    expect(response.body.errors[0].code).toBe('mentor.load_exceeded');
    expect(response.body.errors[0].params).toEqual({ count: 9, max: 8 });
    expect(response.body.errors[0].message).toContain('at most 8');
  });

  it('refuses at submission a level without a subsidy standard, and a cohort without apprentices', async () => {
    const level2 = await createCohort(api, 1, { targetLevel: 2 });
    const response = await api.as('ent-a-clerk').post(`/cohorts/${level2.cohortId}/submit`);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toContain('targetLevel');
    expect((await api.as('ent-a-clerk').get(`/cohorts/${level2.cohortId}`)).body.status).toBe('DRAFT');

    const empty = await createCohort(api, 0, { apprentices: [] });
    const emptySubmit = await api.as('ent-a-clerk').post(`/cohorts/${empty.cohortId}/submit`);
    expect(emptySubmit.status).toBe(400);
    expect(emptySubmit.body.errors.map((error: { path: string }) => error.path)).toContain('apprentices');
  });
});

describe('bad input elsewhere', () => {
  it('adds no row when any row of a batch fails, and names rows of the request', async () => {
    const { cohortId } = await createCohort(api, 1);
    const rows = cohortBody(2).apprentices.map((row) => ({ ...row, enterpriseMentorKey: 'm1' }));
    (rows[1] as Record<string, unknown>).phone = '12345';
    const response = await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/apprentices`, rows);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(['1.phone']);
    expect((await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.apprentices).toHaveLength(1);
  });

  it('accepts a roster as text/csv and checks it with the same rules', async () => {
    const { cohortId } = await createCohort(api, 1);
    const rows = cohortBody(2).apprentices;
    const csv = [
      'name,idNumber,phone,hireType,contractStartDate,contractEndDate,enterpriseMentorKey',
      ...rows.map((row) =>
        [row.name, row.idNumber, row.phone, row.hireType, row.contract.startDate, '', 'm1'].join(','),
      ),
    ].join('\r\n');
    const response = await api
      .as('ent-a-clerk')
      .post(`/cohorts/${cohortId}/apprentices`, undefined, { raw: csv, contentType: 'text/csv' });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.apprentices).toHaveLength(3);
    const bad = csv.replace(
      rows[0]!.idNumber,
      `${rows[0]!.idNumber.slice(0, 17)}${rows[0]!.idNumber.endsWith('1') ? '2' : '1'}`,
    );
    const refused = await api
      .as('ent-a-clerk')
      .post(`/cohorts/${cohortId}/apprentices`, undefined, { raw: bad, contentType: 'text/csv' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: { path: string }) => error.path)).toContain('0.idNumber');
  });

  it('refuses bad path ids, query strings, decision bodies and idempotency keys with 400', async () => {
    const clerk = api.as('ent-a-clerk');
    expect((await clerk.get('/cohorts/not-an-id')).status).toBe(400);
    expect((await clerk.get('/cohorts?limit=0')).status).toBe(400);
    expect((await clerk.get('/cohorts?status=PENDING')).status).toBe(400);
    expect((await clerk.get('/cohorts?cursor=garbage')).status).toBe(400);
    const badDecision = await api
      .as('ent-a-signatory')
      .post('/tasks/01M8C0RKK1QM8KRHZYF2WQE367/decision', { decision: 'maybe' });
    expect(badDecision.status).toBe(400);
    expect(badDecision.body.errors[0].path).toBe('decision');
    const badKey = await clerk.post('/cohorts', cohortBody(1), { idempotencyKey: 'spaces are not allowed' });
    expect(badKey.status).toBe(400);
    expect(badKey.body.errors[0].path).toBe('header.Idempotency-Key');
    expect((await clerk.get('/tasks/01M8C0RKK1QM8KRHZYF2WQE367')).status).toBe(404);
  });
});
