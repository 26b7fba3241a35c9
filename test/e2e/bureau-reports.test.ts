import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { makeCohortBody, makeEnrolment } from '../../scripts/lib/roster.ts';
import { formatCount, formatDays, formatFen, formatMonth, formatRate } from '../../web/src/format.ts';
import { chromiumLaunchOptions } from '../support/browser.ts';
import { claim, verifyAtSchool } from '../support/claims.ts';
import { decide, fileCohort, SCHOOL_A, SCHOOL_B } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * The bureau's dashboard, "what the bureau watches" (issue 15 item 6), in headless Chromium against
 * the embedded runtime: two cohorts filed (one at a school of another district, another occupation
 * and level, two training years), an advance paid, a withdrawal, the read models settled. Each of
 * the four views at 1280 and 768 px shows a chart and a table with the figures the API answers for
 * the same query, its filters change the address and the figures, its CSV downloads as the API
 * writes it; the district administrator imports a demand list (a bad one shows its rows' errors).
 * No console error, nothing wider than the screen, axe finds nothing serious or critical.
 */
declare const document: any;
type HTMLElement = any;

const SCREENSHOTS = resolve(import.meta.dirname, '../../docs/screenshots');
const WIDTHS = [
  { width: 1280, height: 860 },
  { width: 768, height: 1024 },
] as const;
const OTHER_OCCUPATION = '4-04-04-02';

let runtime: RunningRuntime;
let api: ApiClient;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  ({ runtime, api } = await startTestRuntime({ discoverableIssuer: true }));
  expect((await fetch(`${runtime.url}/`)).status).toBe(200); // builds the console
  // Filed in February 2027: the filing stages end in 2027, the cohorts start in 2027.
  await api.setClock('2027-02-01T02:00:00Z');
  const first = await fileCohort(api, 3);
  // A second cohort: another occupation and level, two training years, at a school of Chaoyang.
  const body = makeCohortBody({
    schoolId: SCHOOL_B,
    startDate: '2027-09-01',
    endDate: '2029-08-31',
    count: 2,
    occupationCode: OTHER_OCCUPATION,
    targetLevel: 3,
  });
  const created = await api.as('ent-a-clerk').post('/cohorts', body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const second = created.body.cohortId as string;
  // Its stages take days, and the bureau's filing runs past its handling limit (marked overdue).
  expect((await api.as('ent-a-clerk').post(`/cohorts/${second}/submit`)).status).toBe(200);
  await api.setClock('2027-02-03T02:00:00Z');
  await decide(api, 'ent-a-signatory', second, 'COMPANY_REVIEW', { decision: 'approve' });
  await api.setClock('2027-02-08T02:00:00Z');
  await decide(api, 'school-b-registrar', second, 'SCHOOL_REVIEW', makeEnrolment(created.body.apprentices));
  const filing = await api.waitForTask('bureau-reviewer', second, 'BUREAU_REVIEW');
  await api.setClock(new Date(Date.parse(filing.dueAt) + 60_000).toISOString());
  await runtime.idle();
  await decide(api, 'bureau-reviewer', second, 'BUREAU_REVIEW', { decision: 'approve' });

  // The first cohort's advance, paid in March 2027 from the year's budget.
  await api.setClock('2027-03-15T02:00:00Z');
  const budget = await api.as('bureau-admin').get('/budgets/110108/2027');
  if (budget.status === 404)
    expect(
      (await api.as('bureau-admin').put('/budgets/110108/2027', { budgetFen: 10_000_000_00 })).status,
    ).toBe(201);
  const advance = await claim(api, first, 'advance');
  await verifyAtSchool(api, advance.claimId, first);
  await decide(api, 'bureau-reviewer', advance.claimId, 'BUREAU_REVIEW', { decision: 'approve' });
  await decide(api, 'bureau-treasurer', advance.claimId, 'PAYMENT', { decision: 'approve' });

  // One apprentice of the first cohort resigns in April.
  await api.setClock('2027-05-04T02:00:00Z');
  const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${first}`)).body;
  const leaver = cohort.apprentices[2].apprenticeId as string;
  const withdrawn = await api
    .as('ent-a-clerk')
    .post(`/cohorts/${first}/apprentices/${leaver}/withdrawal`, { date: '2027-04-28', reason: 'resigned' });
  expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
  await runtime.idle();
  // The reports read models the table's stream fills asynchronously.
  await runtime.settleEvents();
  browser = await chromium.launch(await chromiumLaunchOptions());
}, 300_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await runtime?.stop();
});

interface Signed {
  page: Page;
  /** Console errors and uncaught exceptions, except the 400 a bad demand list is answered with. */
  errors: string[];
}

async function signedIn(user: string, width: (typeof WIDTHS)[number] = WIDTHS[0]): Promise<Signed> {
  const context = await browser.newContext({
    viewport: width,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Chromium logs every 4xx answer to an XHR; the refused demand list is one the test provokes.
    const refusedList =
      message.location().url.includes('/demand-lists/') || /status of 400/.test(message.text());
    if (refusedList && /status of 400/.test(message.text())) return;
    errors.push(message.text());
  });
  await page.goto(`${runtime.url}/`);
  await page.getByTestId('sign-in').click();
  await page.locator(`button[data-user="${user}"]`).click();
  await page.getByTestId('menu-cohorts').waitFor();
  return { page, errors };
}

async function report(user: string, path: string): Promise<any> {
  const response = await api.as(user).get(path);
  expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(200);
  return response.body;
}

/** The text of each cell of the table's body rows (and its footer's, when asked). */
async function tableRows(page: Page, testId: string, part: 'tbody' | 'tfoot' = 'tbody'): Promise<string[][]> {
  return page.evaluate(
    ({ testId, part }) =>
      [...document.querySelectorAll(`[data-testid="${testId}"] > ${part} > tr`)].map((row: HTMLElement) =>
        [...row.children].map((cell: HTMLElement) => cell.textContent.trim()),
      ),
    { testId, part },
  );
}

/** Polls until the table shows `expected` (a report reloads after a filter changes). */
async function expectTable(
  page: Page,
  testId: string,
  expected: string[][],
  part: 'tbody' | 'tfoot' = 'tbody',
) {
  await expect.poll(() => tableRows(page, testId, part), { timeout: 10_000 }).toEqual(expected);
}

/** The figures' table is in the accessibility tree folded or not; unfolded it is on screen. */
async function expectTableForEveryone(page: Page, testId: string, caption: string) {
  const table = page.getByRole('table', { name: caption, exact: true });
  expect(await table.count(), caption).toBe(1);
  expect(await table.getAttribute('data-testid')).toBe(testId);
  const toggle = page.getByTestId(`${testId}-toggle`);
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
  await page.getByRole('region', { name: caption, exact: true }).waitFor();
  expect(await page.getByTestId(testId).isVisible()).toBe(true);
}

async function expectChart(page: Page, testId: string) {
  const chart = page.getByTestId(testId);
  await chart.waitFor();
  const drawn = await chart.locator('svg[role="img"] rect').count();
  expect(drawn, `${testId} draws bars`).toBeGreaterThan(0);
  expect(await chart.locator('svg').getAttribute('aria-label')).toBeTruthy();
}

/** A CSV download: named as the console names it, the API's own text for the same query (with its BOM). */
async function expectCsv(page: Page, testId: string, filename: string, user: string, path: string) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  expect(download.suggestedFilename()).toBe(filename);
  const file = readFileSync((await download.path())!, 'utf8');
  const answer = await api.as(user).get(`${path}${path.includes('?') ? '&' : '?'}format=csv`);
  expect(answer.status).toBe(200);
  const text = String(answer.body);
  expect(file).toBe(text.startsWith('\uFEFF') ? text : `\uFEFF${text}`);
  expect(file.split('\n').length).toBeGreaterThan(1);
}

/** Nothing wider than the viewport: wide tables scroll in their own region, reachable by keyboard. */
async function expectFits(page: Page, where: string) {
  const found = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const outside: string[] = [];
    for (const element of document.querySelectorAll('body *')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.right <= width + 1 || element.closest('dialog:not([open])')) continue;
      if (element.closest('.visually-hidden')) continue;
      let scroller = element.parentElement;
      while (scroller && !scroller.classList.contains('table-scroll')) scroller = scroller.parentElement;
      if (scroller && scroller.getBoundingClientRect().right <= width + 1) continue;
      outside.push(`${element.tagName.toLowerCase()}.${[...element.classList].join('.')}`);
    }
    const unreachable = [...document.querySelectorAll('.table-scroll')]
      .filter((region: HTMLElement) => region.scrollWidth > region.clientWidth + 1)
      .filter((region: HTMLElement) => region.tabIndex !== 0 || !region.getAttribute('aria-label'))
      .map((region: HTMLElement) => region.getAttribute('aria-label') ?? '?');
    return {
      pageScrolls: document.documentElement.scrollWidth > width,
      outside: outside.slice(0, 5),
      unreachable,
    };
  });
  expect(found, where).toEqual({ pageScrolls: false, outside: [], unreachable: [] });
}

async function expectAccessible(page: Page, where: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
  expect(serious, where).toEqual([]);
}

/** At both widths: fits, and axe finds nothing serious; ends at the width it began. */
async function checkWidths(page: Page, where: string, shotName?: string) {
  const start = page.viewportSize() ?? WIDTHS[0];
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await expectFits(page, `${where} at ${size.width} px`);
    await expectAccessible(page, `${where} at ${size.width} px`);
    if (shotName)
      await page.screenshot({
        path: join(SCREENSHOTS, `${shotName}-${size.width}.png`),
        fullPage: true,
        animations: 'disabled',
      });
  }
  await page.setViewportSize(start);
}

const zh = 'zh-CN' as const;

describe('the bureau dashboard: what the bureau watches', () => {
  it('shows the liabilities by month as a chart and a table of the API’s figures; the year changes the address and the figures; CSV; English', async () => {
    const { page, errors } = await signedIn('bureau-treasurer');
    await page.getByTestId('menu-budget').click();
    await page.getByTestId('report-view-liability').click();
    await page.waitForURL(/\/app\/budget\?view=liability/);
    const year = Number(await page.getByTestId('budget-dashboard').getAttribute('data-year'));
    expect(year).toBe(2027);
    const rowsOf = (data: any) =>
      data.byMonth.map((row: any) => [
        formatMonth(row.month, zh),
        formatCount(row.claims),
        formatFen(row.advanceFen),
        formatFen(row.interimFen),
        formatFen(row.finalFen),
        formatFen(row.liabilityFen),
      ]);
    const y2027 = await report('bureau-treasurer', '/reports/liability?year=2027');
    expect(y2027.byMonth).toHaveLength(12);
    expect(y2027.summary.cohorts).toBe(2);
    expect(y2027.summary.paidFen).toBeGreaterThan(0);
    expect(y2027.summary.liabilityFen).toBeGreaterThan(0);
    await expectChart(page, 'chart-liability');
    await expectTable(page, 'table-liability', rowsOf(y2027));
    await expectTable(
      page,
      'table-liability',
      [
        [
          '合计',
          formatCount(y2027.totals.claims),
          ...['advanceFen', 'interimFen', 'finalFen', 'liabilityFen'].map((key) =>
            formatFen(y2027.totals[key]),
          ),
        ],
        ['2027 年以前', formatCount(y2027.beforeYear.claims), '', formatFen(y2027.beforeYear.liabilityFen)],
        ['2027 年以后', formatCount(y2027.afterYear.claims), '', formatFen(y2027.afterYear.liabilityFen)],
      ],
      'tfoot',
    );
    expect(await page.getByTestId('liability-owed').textContent()).toBe(
      formatFen(y2027.summary.liabilityFen),
    );
    expect(await page.getByTestId('liability-summary').textContent()).toContain(
      formatFen(y2027.summary.paidFen),
    );
    await expectTableForEveryone(page, 'table-liability', '2027 年各月预计申领的补贴');
    await checkWidths(page, 'the liabilities', 'reports');
    await expectCsv(
      page,
      'download-liability',
      'liability-110108-2027.csv',
      'bureau-treasurer',
      '/reports/liability?year=2027',
    );

    // The year: in the address, and the figures of 2028.
    await page.locator('#budget-year').selectOption('2028');
    await page.waitForURL(/year=2028/);
    expect(new URL(page.url()).searchParams.get('view')).toBe('liability');
    const y2028 = await report('bureau-treasurer', '/reports/liability?year=2028');
    expect(rowsOf(y2028)).not.toEqual(rowsOf(y2027));
    await expectTable(page, 'table-liability', rowsOf(y2028));
    // The address reopens the same view.
    await page.reload();
    await page.getByTestId('chart-liability').waitFor();
    expect(await page.getByTestId('budget-dashboard').getAttribute('data-year')).toBe('2028');
    await expectTable(page, 'table-liability', rowsOf(y2028));

    // English by the switch: months and money the English way.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Subsidies still owed, 2028' }).waitFor();
    expect((await tableRows(page, 'table-liability'))[2]?.[0]).toBe('Mar 2028');
    await page.getByRole('button', { name: '切换到中文' }).click();
    await page.getByRole('heading', { name: '2028 年度待支付补贴' }).waitFor();
    expect(errors).toEqual([]);
  }, 180_000);

  it('shows the pipeline per occupation and level, the rates as percentages; occupation and school filter it', async () => {
    const { page, errors } = await signedIn('bureau-reviewer', WIDTHS[1]);
    await page.goto(`${runtime.url}/app/budget?view=pipeline&year=2027`);
    await page.getByTestId('report-pipeline').waitFor();
    const rowsOf = (data: any) =>
      data.rows.map((row: any) => [
        `${row.occupationName} · ${row.targetLevel === 4 ? '四级/中级工' : '三级/高级工'}`,
        row.schoolId === SCHOOL_A ? '北京市海淀区数字技术技工学校' : expect.any(String),
        ...[
          row.cohorts,
          row.enrolled,
          row.inTraining,
          row.completed,
          row.certified,
          row.notCertified,
          row.withdrawn,
        ].map(formatCount),
        ...['resigned', 'dismissed', 'transferred_out', 'other'].map((reason) =>
          formatCount(row.withdrawalsByReason[reason]),
        ),
        formatRate(row.certificationRate),
        formatRate(row.withdrawalRate),
      ]);
    const all = await report('bureau-reviewer', '/reports/pipeline?year=2027');
    expect(all.totals).toMatchObject({ cohorts: 2, enrolled: 5, withdrawn: 1, inTraining: 4 });
    expect(all.rows).toHaveLength(2);
    await expectChart(page, 'chart-pipeline');
    await expectChart(page, 'chart-completions');
    await expectTable(page, 'table-pipeline', rowsOf(all));
    expect(await page.getByTestId('pipeline-totals').textContent()).toContain(
      `退出率 ${formatRate(all.totals.withdrawalRate)}`,
    );
    expect(formatRate(all.totals.withdrawalRate)).toBe('20.0%');
    await expectTable(
      page,
      'table-completions',
      all.expectedCompletions.map((row: any) => [
        formatMonth(row.month, zh),
        expect.any(String),
        expect.any(String),
        formatCount(row.apprentices),
      ]),
    );
    await expectTableForEveryone(page, 'table-pipeline', '2027 年开班学徒班：按职业（工种）、等级与学校');
    await checkWidths(page, 'the pipeline');
    await expectCsv(
      page,
      'download-pipeline',
      'pipeline-110108-2027.csv',
      'bureau-reviewer',
      '/reports/pipeline?year=2027',
    );

    // The occupation: in the address, the figures of that occupation only.
    await page.locator('#pipeline-occupation').selectOption(OTHER_OCCUPATION);
    await page.waitForURL(new RegExp(`occupation=${OTHER_OCCUPATION}`));
    const one = await report(
      'bureau-reviewer',
      `/reports/pipeline?year=2027&occupationCode=${OTHER_OCCUPATION}`,
    );
    expect(one.rows).toHaveLength(1);
    await expectTable(page, 'table-pipeline', rowsOf(one));
    // Then the school as well; then the school alone.
    await page.locator('#pipeline-school').selectOption(SCHOOL_A);
    await page.waitForURL(new RegExp(`school=${SCHOOL_A}`));
    const none = await report(
      'bureau-reviewer',
      `/reports/pipeline?year=2027&occupationCode=${OTHER_OCCUPATION}&schoolId=${SCHOOL_A}`,
    );
    expect(none.rows).toEqual([]);
    await expectTable(page, 'table-pipeline', []);
    await page.getByTestId('pipeline-empty').waitFor();
    await page.locator('#pipeline-occupation').selectOption('');
    await expect.poll(() => new URL(page.url()).searchParams.get('occupation')).toBeNull();
    const school = await report('bureau-reviewer', `/reports/pipeline?year=2027&schoolId=${SCHOOL_A}`);
    expect(school.rows.map((row: any) => row.schoolId)).toEqual([SCHOOL_A]);
    await expectTable(page, 'table-pipeline', rowsOf(school));
    await expectCsv(
      page,
      'download-pipeline',
      'pipeline-110108-2027.csv',
      'bureau-reviewer',
      `/reports/pipeline?year=2027&schoolId=${SCHOOL_A}`,
    );
    // The year: 2028 started no cohort.
    await page.locator('#budget-year').selectOption('2028');
    await page.waitForURL(/year=2028/);
    expect(new URL(page.url()).searchParams.get('school')).toBe(SCHOOL_A);
    await page.getByTestId('pipeline-empty').waitFor();
    await expectTable(page, 'table-pipeline', []);
    await page.screenshot({
      path: join(SCREENSHOTS, 'reports-pipeline-768.png'),
      fullPage: true,
      animations: 'disabled',
    });
    expect(errors).toEqual([]);
  }, 180_000);

  it('shows the stage times: median and p90 per stage, overdue counts, the months; CSV', async () => {
    const { page, errors } = await signedIn('bureau-admin');
    await page.goto(`${runtime.url}/app/budget?view=stageTimes&year=2027`);
    await page.getByTestId('report-stage-times').waitFor();
    const data = await report('bureau-admin', '/reports/stage-times?year=2027');
    // Two filings reviewed, one of them past the handling limit; the company review took 0 and 2 days.
    const filing = data.byStage.find(
      (row: any) => row.workflow === 'cohort-filing' && row.stage === 'BUREAU_REVIEW',
    );
    expect(filing).toMatchObject({ count: 2, overdue: 1 });
    expect(filing.p90Days).toBeGreaterThan(5);
    const company = data.byStage.find(
      (row: any) => row.workflow === 'cohort-filing' && row.stage === 'COMPANY_REVIEW',
    );
    expect(company).toMatchObject({ count: 2 });
    expect(company.p90Days).toBeGreaterThan(1);
    const cells = (row: any) => [
      formatCount(row.count),
      formatDays(row.medianDays),
      formatDays(row.p90Days),
      formatCount(row.overdue),
    ];
    await expectChart(page, 'chart-stage-times');
    await expectChart(page, 'chart-overdue');
    await expectTable(
      page,
      'table-stage-times',
      data.byStage.map((row: any) => [expect.stringContaining(' · '), ...cells(row)]),
    );
    expect((await tableRows(page, 'table-stage-times'))[0]?.[0]).toBe('学徒班备案 · 企业审核');
    await expectTable(
      page,
      'table-stage-months',
      data.rows.map((row: any) => [formatMonth(row.month, zh), expect.any(String), ...cells(row)]),
    );
    expect(data.rows.length).toBeGreaterThan(0);
    await expectTableForEveryone(page, 'table-stage-times', '2027 年各环节办理天数与超时件数');
    await checkWidths(page, 'the stage times', 'reports-stage-times');
    await expectCsv(
      page,
      'download-stage-times',
      'stage-times-110108-2027.csv',
      'bureau-admin',
      '/reports/stage-times?year=2027',
    );
    await page.locator('#budget-year').selectOption('2026');
    await page.waitForURL(/year=2026/);
    await page.getByTestId('stage-times-empty').waitFor();
    expect(errors).toEqual([]);
  }, 180_000);

  it('lets the district administrator import a demand list — a bad one shows its rows’ errors — and shows training beside demand', async () => {
    const { page, errors } = await signedIn('bureau-admin');
    await page.goto(`${runtime.url}/app/budget?view=demand&period=2027-Q1`);
    await page.getByTestId('report-demand').waitFor();
    await page.getByTestId('demand-list').getByText('2027年第一季度尚未导入职业供求清单。').waitFor();
    // A bad file: an unknown occupation, a row with neither ratio nor rank, a repeated occupation.
    await page.getByTestId('demand-file').setInputFiles({
      name: 'demand-bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'occupationCode,demandRatio,rank\n4-04-05-05,2.5,1\n9-99-99-99,1.2,2\n4-04-04-02,,\n4-04-05-05,1.1,4\n',
      ),
    });
    await page.getByTestId('demand-submit').click();
    const refused = page.getByTestId('demand-errors');
    await refused.waitFor();
    const problems = await refused.locator('tbody tr').evaluateAll((rows: HTMLElement[]) =>
      rows.map((row) => ({
        path: row.getAttribute('data-path'),
        cells: [...row.children].map((cell: HTMLElement) => cell.textContent.trim()),
      })),
    );
    const paths = problems.map((problem) => problem.path);
    expect(paths).toEqual(['rows.1.occupationCode', 'rows.2.demandRatio', 'rows.3.occupationCode']);
    // Row 2 of the file (its second line after the header) is rows.1; the words are the console's, in Chinese.
    const unknown = problems.find((problem) => problem.path === 'rows.1.occupationCode')!;
    expect(unknown.cells.slice(0, 2)).toEqual(['2', 'occupationCode']);
    expect(unknown.cells[2]).toMatch(/[\u4e00-\u9fff]/);
    expect(problems[2]!.cells[2]).toBe('该职业重复列出');
    await page.screenshot({
      path: join(SCREENSHOTS, 'reports-demand-errors-1280.png'),
      fullPage: true,
      animations: 'disabled',
    });
    expect((await report('bureau-admin', '/reports/demand?period=2027-Q1')).list).toBeNull();

    // A good file replaces nothing yet and is saved.
    await page.getByTestId('demand-file').setInputFiles({
      name: 'demand.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        `occupationCode,demandRatio,rank\n4-04-05-05,2.35,1\n${OTHER_OCCUPATION},1.8,\n2-02-38-03,,5\n`,
      ),
    });
    await page.getByTestId('demand-submit').click();
    await page.getByTestId('demand-saved').waitFor();
    expect(await page.getByTestId('demand-saved').textContent()).toBe(
      '已导入2027年第一季度职业供求清单，共 3 个职业。',
    );
    await runtime.settleEvents();
    const data = await report('bureau-admin', '/reports/demand?period=2027-Q1');
    expect(data.list.rows).toBe(3);
    const ratioOf = (ratio: number | null) => (ratio === null ? '—' : ratio.toFixed(2));
    const rowsOf = (answer: any) =>
      answer.rows.map((row: any) => [
        row.occupationName,
        row.occupationCode,
        row.shortage ? '是' : '否',
        ratioOf(row.demandRatio),
        row.rank === null ? '—' : formatCount(row.rank),
        formatCount(row.inTraining),
        formatCount(row.cohorts),
      ]);
    await expectTable(page, 'table-demand', rowsOf(data));
    const ai = data.rows.find((row: any) => row.occupationCode === '4-04-05-05');
    expect(ai).toMatchObject({ demandRatio: 2.35, rank: 1, inTraining: 2 });
    await expectChart(page, 'chart-demand');
    await page
      .getByTestId('demand-list')
      .getByText(/本期清单于 2027年5月4日 \d\d:\d\d 由.+导入，共 3 个职业。/)
      .waitFor();
    await expectTableForEveryone(page, 'table-demand', '2027年第一季度各数字职业的需求与在训学徒');
    await checkWidths(page, 'the demand', 'reports-demand');
    await expectCsv(
      page,
      'download-demand',
      'demand-110108-2027-Q1.csv',
      'bureau-admin',
      '/reports/demand?period=2027-Q1',
    );
    // The period is a filter too: the next quarter has no list yet.
    await page.locator('#demand-period').selectOption('2027-Q2');
    await page.waitForURL(/period=2027-Q2/);
    await page.getByTestId('demand-list').getByText('2027年第二季度尚未导入职业供求清单。').waitFor();
    expect(errors).toEqual([]);

    // The reviewer reads the same figures and has no import.
    const reviewer = await signedIn('bureau-reviewer', WIDTHS[1]);
    await reviewer.page.goto(`${runtime.url}/app/budget?view=demand&period=2027-Q1`);
    await expectTable(reviewer.page, 'table-demand', rowsOf(data));
    expect(await reviewer.page.getByTestId('demand-upload').count()).toBe(0);
    await checkWidths(reviewer.page, 'the demand for a reviewer');
    expect(reviewer.errors).toEqual([]);
  }, 180_000);

  it('lets the municipal bureau read one district or the whole city', async () => {
    const { page, errors } = await signedIn('city-admin');
    await page.goto(`${runtime.url}/app/budget?view=liability&year=2027`);
    await page.getByTestId('chart-liability').waitFor();
    const city = await report('city-admin', '/reports/liability?year=2027');
    await expectTable(
      page,
      'table-liability',
      city.byMonth.map((row: any) => [
        formatMonth(row.month, zh),
        formatCount(row.claims),
        formatFen(row.advanceFen),
        formatFen(row.interimFen),
        formatFen(row.finalFen),
        formatFen(row.liabilityFen),
      ]),
    );
    await page.locator('#report-district').selectOption('110105');
    await page.waitForURL(/district=110105/);
    const chaoyang = await report('city-admin', '/reports/liability?year=2027&districtCode=110105');
    expect(chaoyang.summary.cohorts).toBe(0);
    await expect
      .poll(() => page.getByTestId('liability-owed').textContent())
      .toBe(formatFen(chaoyang.summary.liabilityFen));
    await checkWidths(page, 'the city’s liabilities');
    expect(errors).toEqual([]);
  }, 120_000);
});
