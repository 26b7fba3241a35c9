import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { formatFen } from '../../web/src/format.ts';
import { chromiumLaunchOptions } from '../support/browser.ts';
import { claim, verifyAtSchool } from '../support/claims.ts';
import { fileCohort } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * The public notice page (issue 14) in headless Chromium at phone width: no sign-in, Chinese
 * first, no console error, nothing wider than the screen, axe finds nothing serious; an objection
 * sent from the page reaches the bureau's inbox.
 */
declare const document: any;

let runtime: RunningRuntime;
let api: ApiClient;
let browser: Browser;
let claimId: string;
let amountFen: number;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime({ discoverableIssuer: true }));
  expect((await fetch(`${runtime.url}/`)).status).toBe(200); // builds the console
  const cohortId = await fileCohort(api, 2);
  await api.setClock('2028-03-06T02:00:00Z');
  const cohort = (await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).body;
  for (const [index, apprentice] of cohort.apprentices.entries()) {
    await api
      .as('school-a-registrar')
      .post(`/cohorts/${cohortId}/apprentices/${apprentice.apprenticeId}/outcome`, {
        outcome: 'certified',
        certificate: { kind: 'skill_level', number: `E2E-${index}`, level: 4, issuedOn: '2028-03-01' },
      });
  }
  const submitted = await claim(api, cohortId, 'final');
  await verifyAtSchool(api, submitted.claimId, cohortId, true);
  const review = await api.waitForTask('bureau-reviewer', submitted.claimId, 'BUREAU_REVIEW');
  await api.as('bureau-reviewer').post(`/tasks/${review.taskId}/decision`, { decision: 'approve' });
  await runtime.idle();
  const onNotice = (await api.as('bureau-reviewer').get(`/claims/${submitted.claimId}`)).body;
  expect(onNotice.status).toBe('PUBLIC_NOTICE');
  claimId = onNotice.claimId;
  amountFen = onNotice.amountFen;
  browser = await chromium.launch(await chromiumLaunchOptions());
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

async function phonePage(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { page, errors };
}

describe('the public notice page at 390 px', () => {
  it('lists the claim in Chinese without signing in, fits the phone, and axe finds nothing serious', async () => {
    const { page, errors } = await phonePage();
    await page.goto(`${runtime.url}/app/public/notices/110108`);
    const card = page.getByTestId('public-notice').first();
    await card.waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('职业技能培训补贴公示');
    const text = (await card.textContent()) ?? '';
    for (const expected of [
      '北京智算未来科技有限公司',
      '北京市海淀区数字技术技工学校',
      '四级/中级工',
      '2 人',
      formatFen(amountFen),
      '2028年3月6日',
      '010-12333108',
    ]) {
      expect(text).toContain(expected);
    }
    // No sign-in screen, nothing wider than the phone.
    expect(await page.getByTestId('sign-in').count()).toBe(0);
    const fits = await page.evaluate(
      () => document.documentElement.scrollWidth <= document.documentElement.clientWidth,
    );
    expect(fits).toBe(true);
    const result = await new AxeBuilder({ page }).analyze();
    const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => v.id)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('sends an objection from the page to the bureau’s inbox', async () => {
    const { page, errors } = await phonePage();
    await page.goto(`${runtime.url}/app/public/notices/110108`);
    await page.getByRole('button', { name: '提出异议' }).first().click();
    await page.getByLabel('姓名').fill('王五');
    await page.getByLabel('联系方式（手机或邮箱）').fill('13700001111');
    await page.getByLabel('异议内容').fill('该企业学徒未实际到岗参加培训');
    await page.getByRole('button', { name: '提交异议' }).click();
    await page.getByTestId('alert-success').waitFor();
    expect(await page.getByTestId('alert-success').textContent()).toContain('异议已提交');
    const inbox = (await api.as('bureau-reviewer').get('/tasks?limit=100')).body.items;
    expect(
      inbox.find((task: any) => task.caseId === claimId && task.stage === 'PUBLIC_OBJECTION'),
    ).toMatchObject({
      objection: { name: '王五', contact: '137****1111' },
    });
    expect(errors).toEqual([]);
  });

  it('shows the reviewer the objection on the claim’s page, with the inbox’s due marker, and dismisses it', async () => {
    const { page, errors } = await phonePage();
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(`${runtime.url}/app/inbox`);
    await page.getByTestId('sign-in').click();
    await page.locator('button[data-user="bureau-reviewer"]').click();
    await page.getByTestId('menu-cohorts').waitFor();
    await page.goto(`${runtime.url}/app/inbox`);
    const row = page.locator(`tr[data-case="${claimId}"]`).filter({ hasText: '处理公示异议' });
    await row.waitFor();
    expect(await row.getByTestId('task-due').textContent()).toMatch(/剩余 \d+ 天/);
    await page.goto(`${runtime.url}/app/claims/${claimId}`);
    const card = page.getByTestId('objection-task').first();
    await card.waitFor();
    expect(await card.textContent()).toContain('王五（137****1111）');
    await card.getByLabel('处理意见').fill('经核查考勤记录，异议不成立');
    await card.getByTestId('objection-dismiss').click();
    await page.getByText('已处理该异议。').waitFor();
    const inbox = (await api.as('bureau-reviewer').get('/tasks?limit=100')).body.items;
    expect(inbox.filter((task: any) => task.caseId === claimId && task.stage === 'PUBLIC_OBJECTION')).toEqual(
      [],
    );
    expect(errors).toEqual([]);
  });
});
