import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { makeEnrolment } from '../../scripts/lib/roster.ts';
import { chromiumLaunchOptions } from '../support/browser.ts';
import { createCohort, decide } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * The one-time correction notice in the console (issue 14 item 5): the bureau reviewer lists what
 * to correct when returning (fields of the cohort picked from it), and the clerk's case page shows
 * the checklist, ticked as the fields change.
 */
let runtime: RunningRuntime;
let api: ApiClient;
let browser: Browser;
let cohortId: string;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime({ discoverableIssuer: true }));
  expect((await fetch(`${runtime.url}/`)).status).toBe(200);
  ({ cohortId } = await createCohort(api, 1));
  await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`);
  await decide(api, 'ent-a-signatory', cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
  const cohort = (await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).body;
  await decide(api, 'school-a-registrar', cohortId, 'SCHOOL_REVIEW', makeEnrolment(cohort.apprentices));
  await api.waitForTask('bureau-reviewer', cohortId, 'BUREAU_REVIEW');
  browser = await chromium.launch(await chromiumLaunchOptions());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

async function signedIn(user: string, path: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${runtime.url}/`);
  await page.getByTestId('sign-in').click();
  await page.locator(`button[data-user="${user}"]`).click();
  await page.getByTestId('menu-cohorts').waitFor();
  await page.goto(`${runtime.url}${path}`);
  return { page, errors };
}

describe('the correction notice in the console', () => {
  it('lets the reviewer list two fields when returning, and shows the clerk the checklist ticking off', async () => {
    const reviewer = await signedIn('bureau-reviewer', `/app/cohorts/${cohortId}/review`);
    await reviewer.page.getByTestId('decision-panel').waitFor();
    await reviewer.page.getByTestId('correction-add').click();
    await reviewer.page.getByTestId('correction-add').click();
    await reviewer.page.locator('#correction-target-0').selectOption('path:plannedHours');
    await reviewer.page.locator('#correction-note-0').fill('集中授课学时不足');
    await reviewer.page.locator('#correction-target-1').selectOption('path:agreements');
    await reviewer.page.locator('#correction-note-1').fill('协议编号有误');
    await reviewer.page.locator('#decision-reason').fill('请按清单一次性补正');
    await reviewer.page.getByTestId('decision-return').click();
    await reviewer.page.getByTestId('alert-success').waitFor();
    expect(reviewer.errors).toEqual([]);

    const returned = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
    expect(returned.corrections.items.map((item: any) => item.path)).toEqual(['plannedHours', 'agreements']);
    await api.as('ent-a-clerk').patch(`/cohorts/${cohortId}`, {
      version: returned.version,
      plannedHours: { total: 1300, concentrated: 400 },
    });

    const clerk = await signedIn('ent-a-clerk', `/app/cohorts/${cohortId}`);
    const checklist = clerk.page.getByTestId('correction-checklist');
    await checklist.waitFor();
    const items = checklist.locator('li');
    expect(await items.count()).toBe(2);
    expect(await items.nth(0).getAttribute('data-changed')).toBe('true');
    expect(await items.nth(1).getAttribute('data-changed')).toBe('false');
    expect(await items.nth(0).textContent()).toContain('培训学时');
    expect(await items.nth(0).textContent()).toContain('已修改');
    expect(await items.nth(1).textContent()).toContain('未修改');
    expect(clerk.errors).toEqual([]);
  });
});
