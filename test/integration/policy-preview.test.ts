import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { dynamoDb } from '../../shared/adapters/dynamodb/client.ts';
import { fileCohort } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * `POST /policy/preview` (issue 12 item 5): the municipal bureau tries a draft policy against the
 * open cohorts of its districts — what each gets now, under the version it was filed with, and
 * what it would get under the draft — and nothing is stored: no policy version, no audit record,
 * no item at all.
 */
let runtime: RunningRuntime;
let api: ApiClient;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
});
afterAll(async () => {
  await runtime?.stop();
});

interface Amounts {
  entitlementFen: number;
  advanceFen: number;
}
interface PreviewCohort {
  cohortId: string;
  enterpriseId: string;
  status: string;
  policyVersion: string;
  apprentices: number;
  now: Amounts;
  draft: Amounts;
}
interface PreviewDistrict {
  districtCode: string;
  cohorts: PreviewCohort[];
  totals: { now: Amounts; draft: Amounts };
}

/** Every page of the preview, `limit` cohorts a page. */
async function everyPage(draft: unknown, limit: number) {
  const districts: PreviewDistrict[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: {
      status: number;
      body: { policyVersion: string; districts: PreviewDistrict[]; nextCursor: string | null };
    } = await api
      .as('city-admin')
      .post(`/policy/preview?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, draft);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    districts.push(...page.body.districts);
    cursor = page.body.nextCursor;
    pages++;
  } while (cursor && pages < 200);
  return districts;
}

/** Every item of the table, counted (a test's look; no request path scans). */
async function tableItemCount(): Promise<number> {
  let count = 0;
  let start: Record<string, never> | undefined;
  do {
    const page = await dynamoDb().send(
      new ScanCommand({ TableName: runtime.tableName, Select: 'COUNT', ExclusiveStartKey: start }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return count;
}

describe('POST /policy/preview', () => {
  it('shows a lower advance share lowering the advance of a filed cohort, and stores nothing', async () => {
    const cohortId = await fileCohort(api, 3);
    const inForce = (await api.as('city-admin').get('/policy')).body;
    const cohort = (await api.as('city-admin').get(`/cohorts/${cohortId}`)).body;
    const history = (await api.as('city-admin').get(`/cohorts/${cohortId}/history`)).body.items;
    await runtime.idle();
    // The filing's case.changed events are stored by the local bus in the background.
    await runtime.settleEvents();
    const itemsBefore = await tableItemCount();

    const draft = {
      ...inForce,
      policyVersion: '2099-01-01.99',
      effectiveFrom: '2099-01-01',
      advanceShareBasisPoints: 3000,
      settlement: { ...inForce.settlement, advanceShareBasisPoints: 3000 },
    };
    // Two cohorts a page, so the cursor runs through the list and across the districts.
    const districts = await everyPage(draft, 2);
    const haidian = districts.filter((district) => district.districtCode === '110108');
    const row = haidian.flatMap((district) => district.cohorts).find((item) => item.cohortId === cohortId);
    expect(row).toBeDefined();
    expect(row).toMatchObject({
      status: 'FILED',
      policyVersion: cohort.policyVersion,
      enterpriseId: cohort.enterpriseId,
      apprentices: 3,
    });
    // The advance's basis: each apprentice's first training year at the standard stored at filing.
    const { standardFen, months } = cohort.entitlement;
    const basis = 3 * Math.floor((standardFen * Math.min(months, 12)) / 12);
    expect(row!.now.advanceFen).toBe(Math.floor((basis * 5000) / 10_000));
    expect(row!.draft.advanceFen).toBe(Math.floor((basis * 3000) / 10_000));
    expect(row!.draft.advanceFen).toBeLessThan(row!.now.advanceFen);
    // The share changes the advance only: the entitlement stays what the cohort was filed with.
    expect(row!.now.entitlementFen).toBe(cohort.entitlementFen);
    expect(row!.draft.entitlementFen).toBe(cohort.entitlementFen);
    // Totals are the sums of their page's cohorts.
    for (const district of districts) {
      const sum = (side: 'now' | 'draft', field: keyof Amounts) =>
        district.cohorts.reduce((total, item) => total + item[side][field], 0);
      expect(district.totals.now.advanceFen).toBe(sum('now', 'advanceFen'));
      expect(district.totals.draft.advanceFen).toBe(sum('draft', 'advanceFen'));
      expect(district.totals.draft.entitlementFen).toBe(sum('draft', 'entitlementFen'));
    }
    // Open cohorts only, each listed once.
    const all = districts.flatMap((district) => district.cohorts);
    expect(all.every((item) => item.status === 'FILED' || item.status === 'COMPLETED')).toBe(true);
    expect(new Set(all.map((item) => item.cohortId)).size).toBe(all.length);

    // Nothing stored: the policy in force, the cohort's audit trail and the table are as they were,
    await runtime.idle();
    expect(await tableItemCount()).toBe(itemsBefore);
    const after = (await api.as('bureau-admin').get('/policy')).body;
    expect(after).toEqual(inForce);
    expect((await api.as('city-admin').get(`/cohorts/${cohortId}/history`)).body.items).toEqual(history);
    // and the draft's version is still free: publishing it is a first (201), not a repeat (409).
    const published = await api.as('city-admin').put('/policy', draft);
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect((await api.as('bureau-admin').get('/policy')).body.policyVersion).toBe(inForce.policyVersion);
  });

  it('refuses a district bureau.admin with 403 policy.admin_only', async () => {
    const inForce = (await api.as('bureau-admin').get('/policy')).body;
    const refused = await api
      .as('bureau-admin')
      .post('/policy/preview', { ...inForce, policyVersion: '2099-01-03.1' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('policy.admin_only');
  });

  it('answers a bad draft with 400 and the path of the field, storing nothing', async () => {
    const inForce = (await api.as('city-admin').get('/policy')).body;
    await runtime.idle();
    // The filing's case.changed events are stored by the local bus in the background.
    await runtime.settleEvents();
    const itemsBefore = await tableItemCount();
    const bad = await api.as('city-admin').post('/policy/preview', {
      ...inForce,
      policyVersion: '2099-01-02.1',
      settlement: { ...inForce.settlement, advanceShareBasisPoints: 20_000 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: { path: string }) => error.path)).toContain(
      'settlement.advanceShareBasisPoints',
    );
    expect(await tableItemCount()).toBe(itemsBefore);
    expect((await api.as('city-admin').get('/policy')).body).toEqual(inForce);
  });
});
