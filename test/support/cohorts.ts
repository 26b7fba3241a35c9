import { expect } from 'vitest';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { makeCohortBody, makeEnrolment } from '../../scripts/lib/roster.ts';

export const ENT_A = '91110108MA01AAAA0M';
export const SCHOOL_A = '52110108MJ0AA1000A';
export const SCHOOL_B = '52110105MJ0BB2000G';

/** A valid cohort body starting next year, with `count` fresh apprentices. */
export function cohortBody(count = 3, overrides: Record<string, unknown> = {}) {
  return {
    ...makeCohortBody({ schoolId: SCHOOL_A, startDate: '2027-03-01', endDate: '2028-02-29', count }),
    ...overrides,
  };
}

export async function createCohort(api: ApiClient, count = 3, overrides: Record<string, unknown> = {}) {
  const response = await api.as('ent-a-clerk').post('/cohorts', cohortBody(count, overrides));
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { cohortId: string; version: number; apprentices: { apprenticeId: string }[] };
}

export async function decide(
  api: ApiClient,
  user: string,
  cohortId: string,
  stage: string,
  body: Record<string, unknown>,
) {
  const task = await api.waitForTask(user, cohortId, stage);
  const response = await api.as(user).post(`/tasks/${task.taskId}/decision`, body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

/** Creates and files a cohort through all three approvals; returns its id. */
export async function fileCohort(api: ApiClient, count = 3): Promise<string> {
  const { cohortId } = await createCohort(api, count);
  const submitted = await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  await decide(api, 'ent-a-signatory', cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
  const cohort = (await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).body;
  await decide(api, 'school-a-registrar', cohortId, 'SCHOOL_REVIEW', makeEnrolment(cohort.apprentices));
  await decide(api, 'bureau-reviewer', cohortId, 'BUREAU_REVIEW', { decision: 'approve' });
  return cohortId;
}

/** How many cohorts the enterprise has, following every page (to prove nothing was stored). */
export async function cohortCount(api: ApiClient, user = 'ent-a-clerk'): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page: { body: { items: unknown[]; nextCursor: string | null } } = await api
      .as(user)
      .get(`/cohorts?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    count += page.body.items.length;
    cursor = page.body.nextCursor;
  } while (cursor);
  return count;
}
