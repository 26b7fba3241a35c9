import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { claim, verifyAtSchool } from '../support/claims.ts';
import { fileCohort } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * The public notice (公示) anyone can read and object to (issue 14 item 3), on the embedded
 * runtime: the list without a token and without anything personal, the per-address allowance of
 * objections, and the bureau's uphold (back to review, reservation released) and dismiss (the
 * notice runs on to payment; no payment while an objection is open).
 */
let runtime: RunningRuntime;
let api: ApiClient;
const cohorts: string[] = [];

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
  for (let i = 0; i < 2; i++) cohorts.push(await fileCohort(api, 2));
  // After the cohorts' end date (2028-02-29), a Monday: every apprentice certified.
  await api.setClock('2028-03-06T02:00:00Z');
  for (const cohortId of cohorts) {
    const cohort = (await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).body;
    for (const [index, apprentice] of cohort.apprentices.entries()) {
      const outcome = await api
        .as('school-a-registrar')
        .post(`/cohorts/${cohortId}/apprentices/${apprentice.apprenticeId}/outcome`, {
          outcome: 'certified',
          certificate: {
            kind: 'skill_level',
            number: `PN-${cohortId}-${index}`,
            level: 4,
            issuedOn: '2028-03-01',
          },
        });
      expect(outcome.status, JSON.stringify(outcome.body)).toBe(200);
    }
  }
}, 240_000);
afterAll(async () => {
  await runtime?.stop();
});

/** A final claim of the cohort, verified and approved: on public notice. */
async function onNotice(cohortId: string) {
  const submitted = await claim(api, cohortId, 'final');
  await verifyAtSchool(api, submitted.claimId, cohortId, true);
  const review = await api.waitForTask('bureau-reviewer', submitted.claimId, 'BUREAU_REVIEW');
  const approved = await api
    .as('bureau-reviewer')
    .post(`/tasks/${review.taskId}/decision`, { decision: 'approve' });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  await runtime.idle();
  const current = (await api.as('bureau-reviewer').get(`/claims/${submitted.claimId}`)).body;
  expect(current.status).toBe('PUBLIC_NOTICE');
  return current as { claimId: string; amountFen: number; notice: { endsAt: string; lastDay: string } };
}

const anonymous = (path: string, init?: RequestInit) => fetch(`${api.baseUrl}${path}`, init);
const object = (claimId: string, body: Record<string, unknown>, key?: string) =>
  anonymous(`/public/notices/${claimId}/objections`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
const objectionBody = (n: number) => ({
  name: `张三${n}`,
  contact: '13912345678',
  text: `第${n}条：该企业的学徒并未到岗参加培训`,
});
const objectionTasks = async (claimId: string) =>
  ((await api.as('bureau-reviewer').get('/tasks?limit=100')).body.items as any[]).filter(
    (task) => task.caseId === claimId && task.stage === 'PUBLIC_OBJECTION',
  );

describe('the public notice page', () => {
  let notice: Awaited<ReturnType<typeof onNotice>>;

  it('lists the district’s claims on notice without a token, and nothing personal of apprentices', async () => {
    notice = await onNotice(cohorts[0]!);
    const response = await anonymous('/public/notices?districtCode=110108');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    const text = await response.text();
    const body = JSON.parse(text);
    const item = body.items.find((entry: { claimId: string }) => entry.claimId === notice.claimId);
    expect(item).toEqual({
      claimId: notice.claimId,
      enterpriseName: '北京智算未来科技有限公司',
      schoolName: '北京市海淀区数字技术技工学校',
      occupationName: expect.any(String),
      targetLevel: 4,
      headcount: 2,
      amountFen: notice.amountFen,
      startsOn: '2028-03-06',
      endsOn: notice.notice.lastDay,
      contactPhone: '010-12333108',
    });
    // Nothing of a person: no ID number (whole or masked), no mobile number, no apprentice's name.
    const cohort = (await api.as('bureau-reviewer').get(`/cohorts/${cohorts[0]}`)).body;
    for (const apprentice of cohort.apprentices) {
      expect(text).not.toContain(apprentice.name);
      expect(text).not.toContain(apprentice.idNumber);
      expect(text).not.toContain(apprentice.phone);
      expect(text).not.toContain(apprentice.apprenticeId);
    }
    expect(text).not.toMatch(/\d{17}[\dX]/);
    expect(text).not.toMatch(/\d{6}\*{8}\d{3}[\dX]/);
    expect(text).not.toMatch(/1[3-9]\d(\d{4}|\*{4})\d{4}/);

    // Another district's page does not list it; a district code is required.
    const other: any = await (await anonymous('/public/notices?districtCode=110105')).json();
    expect(other.items.map((entry: { claimId: string }) => entry.claimId)).not.toContain(notice.claimId);
    const missing = await anonymous('/public/notices');
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as any).errors[0]).toMatchObject({ path: 'query.districtCode' });
  });

  it('takes five objections an hour from one address, refuses the sixth (429, nothing stored), and 404 off notice', async () => {
    for (let n = 1; n <= 5; n++) {
      const lodged = await object(notice.claimId, objectionBody(n), `obj-${n}`);
      expect(lodged.status, await lodged.clone().text()).toBe(202);
      expect(((await lodged.json()) as any).objectionId).toMatch(/^[0-9A-Z]{26}$/);
    }
    // The same key again is the first answer, not a sixth objection.
    const replay = await object(notice.claimId, objectionBody(1), 'obj-1');
    expect(replay.status).toBe(202);
    const sixth = await object(notice.claimId, objectionBody(6));
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('content-type')).toContain('application/problem+json');
    expect(await sixth.json()).toMatchObject({
      status: 429,
      code: 'objection.throttled',
      params: { max: 5 },
    });
    const tasks = await objectionTasks(notice.claimId);
    expect(tasks).toHaveLength(5);
    // What the bureau sees: the contact masked, due within objectionDays (5) working days.
    expect(tasks[0]).toMatchObject({
      role: 'bureau.reviewer',
      overdue: false,
      objection: { contact: '139****5678', text: expect.stringContaining('未到岗') },
    });
    expect(tasks[0].dueAt).toBe(new Date('2028-03-14T00:00:00+08:00').toISOString());

    // A claim not on notice (none such, or another stage) is 404 for the public.
    const unknown = await object('01ARZ3NDEKTSV4RRFFQ69G5FAV', objectionBody(7));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).code).toBe('public_notice.not_found');
  });

  it('decides objections by uphold or dismiss only; dismissed, the notice runs on, and no payment while one is open', async () => {
    const tasks = await objectionTasks(notice.claimId);
    const approve = await api
      .as('bureau-reviewer')
      .post(`/tasks/${tasks[0].taskId}/decision`, { decision: 'approve' });
    expect(approve.status).toBe(400);
    expect(approve.body.errors[0]).toMatchObject({
      path: 'decision',
      code: 'objection.uphold_or_dismiss',
    });
    const noReason = await api
      .as('bureau-reviewer')
      .post(`/tasks/${tasks[0].taskId}/decision`, { decision: 'dismiss' });
    expect(noReason.status).toBe(400);
    for (const task of tasks.slice(0, 4)) {
      const dismissed = await api.as('bureau-reviewer').post(`/tasks/${task.taskId}/decision`, {
        decision: 'dismiss',
        reason: '经核查考勤记录，异议不成立',
      });
      expect(dismissed.status, JSON.stringify(dismissed.body)).toBe(200);
      expect(dismissed.body.claim.status).toBe('PUBLIC_NOTICE');
    }
    const again = await api
      .as('bureau-reviewer')
      .post(`/tasks/${tasks[0].taskId}/decision`, { decision: 'dismiss', reason: '重复' });
    expect(again.status).toBe(409);

    // The notice ends with one objection still open: the claim waits at PAYMENT, and is not paid.
    await api.setClock(new Date(Date.parse(notice.notice.endsAt) + 60_000).toISOString());
    await runtime.idle();
    expect((await api.as('bureau-treasurer').get(`/claims/${notice.claimId}`)).body.status).toBe('PAYMENT');
    const payment = await api.waitForTask('bureau-treasurer', notice.claimId, 'PAYMENT');
    const blocked = await api
      .as('bureau-treasurer')
      .post(`/tasks/${payment.taskId}/decision`, { decision: 'approve' });
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe('objection.open');
    const last = await api
      .as('bureau-reviewer')
      .post(`/tasks/${tasks[4].taskId}/decision`, { decision: 'dismiss', reason: '异议人未提供证据' });
    expect(last.status, JSON.stringify(last.body)).toBe(200);
    const paid = await api
      .as('bureau-treasurer')
      .post(`/tasks/${payment.taskId}/decision`, { decision: 'approve' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    const history = (
      await api.as('bureau-reviewer').get(`/claims/${notice.claimId}/history?limit=100`)
    ).body.items.map((record: { action: string }) => record.action);
    expect(history.filter((action: string) => action === 'notice.public_objection')).toHaveLength(5);
    expect(history.filter((action: string) => action === 'notice.public_objection_dismissed')).toHaveLength(
      5,
    );
    expect(history).toContain('payment.released');
  });

  it('upheld, an objection sends the claim back to BUREAU_REVIEW with its reservation released', async () => {
    const year = 2028;
    const budget = async () => (await api.as('bureau-admin').get(`/budgets/110108/${year}`)).body;
    const second = await onNotice(cohorts[1]!);
    const reserved = (await budget()).reservedFen;
    const lodged = await object(second.claimId, objectionBody(8));
    expect(lodged.status).toBe(202);
    const [task] = await objectionTasks(second.claimId);
    // Uphold and dismiss are for objection tasks only (here: the notice's own wait).
    const noticeTask = (await api.as('bureau-reviewer').get(`/claims/${second.claimId}`)).body.currentTask;
    const wrong = await api
      .as('bureau-reviewer')
      .post(`/tasks/${noticeTask.taskId}/decision`, { decision: 'uphold', reason: '异议成立' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].code).toBe('decision.unknown');
    const upheld = await api
      .as('bureau-reviewer')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'uphold', reason: '经核查，学徒未实际参训' });
    expect(upheld.status, JSON.stringify(upheld.body)).toBe(200);
    expect(upheld.body.claim.status).toBe('BUREAU_REVIEW');
    expect((await budget()).reservedFen).toBe(reserved - second.amountFen);
    // The workflow is back at the bureau's review, and the list no longer shows the claim.
    const review = await api.waitForTask('bureau-reviewer', second.claimId, 'BUREAU_REVIEW');
    expect(review.taskId).not.toBe(noticeTask.taskId);
    const list: any = await (await anonymous('/public/notices?districtCode=110108')).json();
    expect(list.items.map((entry: { claimId: string }) => entry.claimId)).not.toContain(second.claimId);
    const history = (
      await api.as('bureau-reviewer').get(`/claims/${second.claimId}/history?limit=100`)
    ).body.items.map((record: { action: string }) => record.action);
    expect(history).toContain('notice.public_objection_upheld');
  });
});
