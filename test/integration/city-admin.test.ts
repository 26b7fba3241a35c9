import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { makeCohortBody, makeEnrolment } from '../../scripts/lib/roster.ts';
import { claim } from '../support/claims.ts';
import { decide, fileCohort, SCHOOL_B } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';
import { OTHER_CITY, send, syntheticCaller, tokenFor } from '../support/security.ts';

/**
 * Who sets the policy (issue 12, item 7): subsidy standards and settlement rules are the city's.
 * The municipal bureau (`city-admin`, 110000) alone publishes policy versions; a district's
 * `bureau.admin` reads them and keeps its own budgets; the municipal bureau reads every district's
 * cases, claims, histories and reports and decides nothing. The authorization matrices
 * (test/security/authorization-*.test.ts) cover the role on every route; this file shows the
 * city's side of it end to end.
 */
let runtime: RunningRuntime;
let api: ApiClient;
let dataDir: string;

beforeAll(async () => {
  ({ runtime, api, dataDir } = await startTestRuntime());
});
afterAll(async () => {
  await runtime?.stop();
});

const chinaToday = async () =>
  new Date((await api.now()).getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** Every page of a list as `user`, `limit` items a page (small, so the cursor crosses districts). */
async function everyPage(user: string, path: string, limit: number) {
  const items: { districtCode: string; cohortId?: string; claimId?: string }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: { status: number; body: { items: typeof items; nextCursor: string | null } } = await api
      .as(user)
      .get(`${path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
    pages++;
  } while (cursor && pages < 500);
  return items;
}

/** A cohort of enterprise C in district 110105 (Chaoyang), filed by that district's reviewer. */
async function fileChaoyangCohort(): Promise<string> {
  const body = makeCohortBody({
    schoolId: SCHOOL_B,
    startDate: '2027-03-01',
    endDate: '2028-02-29',
    count: 1,
  });
  const created = await api.as('ent-c-clerk').post('/cohorts', body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const cohortId: string = created.body.cohortId;
  expect((await api.as('ent-c-clerk').post(`/cohorts/${cohortId}/submit`)).status).toBe(200);
  await decide(api, 'ent-c-signatory', cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
  await decide(api, 'school-b-registrar', cohortId, 'SCHOOL_REVIEW', makeEnrolment(created.body.apprentices));
  await decide(api, 'bureau2-reviewer', cohortId, 'BUREAU_REVIEW', { decision: 'approve' });
  return cohortId;
}

describe('the policy is the city’s', () => {
  it('refuses a district bureau.admin with 403 policy.admin_only and stores nothing; city-admin publishes it; the district reads it', async () => {
    const before = (await api.as('bureau-admin').get('/policy')).body;
    const today = await chinaToday();
    const draft = {
      ...before,
      policyVersion: `${today}.7`,
      effectiveFrom: today,
      publicNoticeWorkingDays: before.publicNoticeWorkingDays + 1,
    };

    const refused = await api.as('bureau-admin').put('/policy', draft);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('policy.admin_only');
    expect(refused.body.detail).toMatch(/municipal bureau/);
    expect((await api.as('bureau-admin').get('/policy')).body.policyVersion).toBe(before.policyVersion);
    for (const user of ['bureau-reviewer', 'ent-a-clerk', 'school-a-registrar'])
      expect((await api.as(user).put('/policy', draft)).body.code, user).toBe('policy.admin_only');

    // A token naming a city the register does not know publishes nothing either.
    const stranger = await tokenFor(dataDir, syntheticCaller('city.admin', OTHER_CITY));
    const foreign = await send(runtime.url, { method: 'PUT', path: '/policy', token: stranger, body: draft });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('policy.city_not_registered');

    const published = await api.as('city-admin').put('/policy', draft);
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const read = (await api.as('bureau-admin').get('/policy')).body;
    expect(read.policyVersion).toBe(draft.policyVersion);
    expect(read.publicNoticeWorkingDays).toBe(draft.publicNoticeWorkingDays);
    expect((await api.as('city-admin').put('/policy', draft)).status).toBe(409);
  });

  it('leaves budgets to the districts: city-admin reads a district’s budget and cannot set it', async () => {
    const year = Number((await chinaToday()).slice(0, 4));
    const budget = await api.as('city-admin').get(`/budgets/110108/${year}`);
    expect(budget.status).toBe(200);
    const set = await api
      .as('city-admin')
      .put(`/budgets/110108/${year}`, { budgetFen: budget.body.budgetFen });
    expect(set.status).toBe(403);
  });
});

describe('the municipal bureau reads every district, read-only', () => {
  it('lists, opens and traces cohorts and claims of both districts, and decides nothing', async () => {
    const haidian = await fileCohort(api, 1);
    const chaoyang = await fileChaoyangCohort();
    const advance = await claim(api, haidian, 'advance');

    // One item a page, so the cursor walks from one district's list into the next one's.
    const cohorts = await everyPage('city-admin', '/cohorts', 1);
    expect(cohorts.find((item) => item.cohortId === haidian)?.districtCode).toBe('110108');
    expect(cohorts.find((item) => item.cohortId === chaoyang)?.districtCode).toBe('110105');
    expect(new Set(cohorts.map((item) => item.cohortId)).size).toBe(cohorts.length);
    // A district bureau still sees its own district only.
    expect((await everyPage('bureau2-reviewer', '/cohorts', 100)).map((item) => item.cohortId)).not.toContain(
      haidian,
    );

    for (const cohortId of [haidian, chaoyang]) {
      const view = await api.as('city-admin').get(`/cohorts/${cohortId}`);
      expect(view.status).toBe(200);
      for (const apprentice of view.body.apprentices) expect(apprentice.idNumber).toContain('*');
      expect((await api.as('city-admin').get(`/cohorts/${cohortId}/history?limit=100`)).status).toBe(200);
      const identity = await api
        .as('city-admin')
        .get(`/cohorts/${cohortId}/apprentices/${view.body.apprentices[0].apprenticeId}/identity?reason=x`);
      expect(identity.status).toBe(403);
    }

    const claims = await everyPage('city-admin', '/claims', 1);
    expect(claims.map((item) => item.claimId)).toContain(advance.claimId);
    expect((await api.as('city-admin').get(`/claims/${advance.claimId}`)).status).toBe(200);
    expect((await api.as('city-admin').get(`/claims/${advance.claimId}/history?limit=100`)).status).toBe(200);

    // The school's task on the claim is not the city's to decide: refused before it is looked up.
    const task = await api.waitForTask('school-a-registrar', advance.claimId, 'SCHOOL_VERIFICATION');
    const decision = await api
      .as('city-admin')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'approve' });
    expect(decision.status).toBe(403);
    expect(decision.body.code).toBe('auth.city_reads_only');
    expect((await api.as('city-admin').get('/tasks?limit=100')).body.items).toEqual([]);
    const edit = await api.as('city-admin').patch(`/cohorts/${haidian}`, { version: 1 });
    expect(edit.status).toBe(403);

    const bad = await api.as('city-admin').get('/cohorts?cursor=bm90LWEtY3Vyc29y');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].code).toBe('cursor.invalid');
  });

  it('reports the whole city by district, or one district of it; never a district of another city', async () => {
    const year = Number((await chinaToday()).slice(0, 4));
    const city = await api.as('city-admin').get(`/reports/subsidies?year=${year}`);
    expect(city.status, JSON.stringify(city.body)).toBe(200);
    expect(city.body.districtCode).toBe('110000');
    expect(city.body.byDistrict.map((row: { districtCode: string }) => row.districtCode).sort()).toEqual([
      '110105',
      '110108',
    ]);
    const one = await api.as('city-admin').get(`/reports/subsidies?year=${year}&districtCode=110105`);
    expect(one.status).toBe(200);
    expect(one.body.districtCode).toBe('110105');
    expect(one.body.byDistrict).toBeUndefined();
    const outside = await api.as('city-admin').get(`/reports/subsidies?year=${year}&districtCode=310101`);
    expect(outside.status).toBe(400);
    expect(outside.body.errors[0]).toMatchObject({
      path: 'query.districtCode',
      code: 'reports.district_not_yours',
    });
    // A district bureau reports its own district only.
    const neighbour = await api
      .as('bureau-reviewer')
      .get(`/reports/subsidies?year=${year}&districtCode=110105`);
    expect(neighbour.status).toBe(400);
  });
});
