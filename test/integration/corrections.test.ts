import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { makeEnrolment } from '../../scripts/lib/roster.ts';
import { claim, evidence, verifyAtSchool } from '../support/claims.ts';
import { createCohort, decide, fileCohort } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * The one-time correction notice (一次性告知, issue 14 item 2): a return lists what to correct; the
 * clerk's checklist ticks an item off when its field changes; the resubmission shows the reviewer
 * which items changed; a second return at the same stage names in its reason what the first did
 * not list.
 */
let runtime: RunningRuntime;
let api: ApiClient;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
});
afterAll(async () => {
  await runtime?.stop();
});

async function toBureau(cohortId: string) {
  await decide(api, 'ent-a-signatory', cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
  const cohort = (await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).body;
  await decide(api, 'school-a-registrar', cohortId, 'SCHOOL_REVIEW', makeEnrolment(cohort.apprentices));
  return api.waitForTask('bureau-reviewer', cohortId, 'BUREAU_REVIEW');
}

const THREE = [
  { path: 'plannedHours', note: '集中授课学时不足，请按培训计划更正' },
  { path: 'agreements', note: '校企合作协议编号与盖章协议不一致' },
  { path: 'apprentices.0.contract', note: '劳动合同期限请与合同原件核对' },
];

describe('a return with three corrections, two of them fixed', () => {
  let cohortId: string;

  it('refuses corrections that name no field, a document of a cohort under review, or go with an approval', async () => {
    ({ cohortId } = await createCohort(api, 1));
    await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`);
    const task = await toBureau(cohortId);
    const bad = await api.as('bureau-reviewer').post(`/tasks/${task.taskId}/decision`, {
      decision: 'return',
      reason: '请补正',
      corrections: [
        { path: 'apprentices.7.contract', note: '没有第八名学徒' },
        { documentKind: 'sign_in_sheet', note: '签到表' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: any) => [error.path, error.code])).toEqual([
      ['corrections.0.path', 'corrections.unknown_path'],
      ['corrections.1.documentKind', 'corrections.unknown_path'],
    ]);
    const withApproval = await api
      .as('bureau-reviewer')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'approve', corrections: [THREE[0]] });
    expect(withApproval.status).toBe(400);
    expect(withApproval.body.errors[0]).toMatchObject({
      path: 'corrections.0',
      code: 'corrections.return_only',
    });
    const neither = await api.as('bureau-reviewer').post(`/tasks/${task.taskId}/decision`, {
      decision: 'return',
      reason: '请补正',
      corrections: [{ note: '没有指明' }],
    });
    expect(neither.body.errors[0]).toMatchObject({
      path: 'corrections.0',
      code: 'corrections.path_or_document',
    });
  });

  it('shows the clerk a checklist that ticks itself off, and the reviewer which two changed', async () => {
    const task = await api.waitForTask('bureau-reviewer', cohortId, 'BUREAU_REVIEW');
    const returned = await api.as('bureau-reviewer').post(`/tasks/${task.taskId}/decision`, {
      decision: 'return',
      reason: '材料需一次性补正，详见清单',
      corrections: THREE,
    });
    expect(returned.status, JSON.stringify(returned.body)).toBe(200);
    const clerk = api.as('ent-a-clerk');
    let cohort = (await clerk.get(`/cohorts/${cohortId}`)).body;
    expect(cohort.status).toBe('RETURNED');
    expect(cohort.corrections).toMatchObject({
      stage: 'BUREAU_REVIEW',
      items: THREE.map((item) => ({ ...item, changed: false })),
    });
    expect(JSON.stringify(cohort.corrections)).not.toContain('"was"');

    // The clerk fixes two of the three.
    const edited = await clerk.patch(`/cohorts/${cohortId}`, {
      version: cohort.version,
      plannedHours: { total: 1300, concentrated: 400 },
      agreements: { schoolAgreementNo: 'HZ-2027-009', apprenticeAgreementNo: 'PX-2027-009' },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    cohort = (await clerk.get(`/cohorts/${cohortId}`)).body;
    expect(cohort.corrections.items.map((item: any) => item.changed)).toEqual([true, true, false]);

    expect((await clerk.post(`/cohorts/${cohortId}/submit`)).status).toBe(200);
    await toBureau(cohortId);
    const seen = (await api.as('bureau-reviewer').get(`/cohorts/${cohortId}`)).body;
    expect(seen.status).toBe('BUREAU_REVIEW');
    expect(seen.corrections.items.filter((item: any) => item.changed).map((item: any) => item.path)).toEqual([
      'plannedHours',
      'agreements',
    ]);
  });

  it('refuses a second return at the stage unless its reason names what the first list did not', async () => {
    const task = await api.waitForTask('bureau-reviewer', cohortId, 'BUREAU_REVIEW');
    const corrections = [THREE[2], { path: 'enterpriseMentors', note: '企业导师技能等级证书编号有误' }];
    const silent = await api
      .as('bureau-reviewer')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'return', reason: '仍需补正', corrections });
    expect(silent.status).toBe(400);
    expect(silent.body.errors).toEqual([
      expect.objectContaining({
        path: 'reason',
        code: 'corrections.new_items_reason',
        params: { item: 'enterpriseMentors' },
      }),
    ]);
    const named = await api.as('bureau-reviewer').post(`/tasks/${task.taskId}/decision`, {
      decision: 'return',
      reason: '劳动合同仍未更正；enterpriseMentors 为复核时新发现的问题，第一次告知时未能发现',
      corrections,
    });
    expect(named.status, JSON.stringify(named.body)).toBe(200);
    const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
    expect(cohort.corrections.items.map((item: any) => [item.path, item.changed])).toEqual([
      ['apprentices.0.contract', false],
      ['enterpriseMentors', false],
    ]);
  });
});

describe('a claim returned with a field and a document kind to correct', () => {
  it('ticks off the invoice number once the clerk changes it, the sign-in sheet not; the reviewer sees which', async () => {
    const cohortId = await fileCohort(api, 1);
    const submitted = await claim(api, cohortId, 'advance');
    await verifyAtSchool(api, submitted.claimId, cohortId);
    const review = await api.waitForTask('bureau-reviewer', submitted.claimId, 'BUREAU_REVIEW');
    const corrections = [
      { path: 'evidence.feeInvoiceNo', note: '发票号码与发票原件不一致' },
      { documentKind: 'sign_in_sheet', note: '签到表缺少第三周' },
    ];
    const returned = await api
      .as('bureau-reviewer')
      .post(`/tasks/${review.taskId}/decision`, { decision: 'return', reason: '请一次性补正', corrections });
    expect(returned.status, JSON.stringify(returned.body)).toBe(200);
    const clerk = api.as('ent-a-clerk');
    let current = (await clerk.get(`/claims/${submitted.claimId}`)).body;
    expect(current.corrections.items.map((item: any) => item.changed)).toEqual([false, false]);
    const cohort = (await clerk.get(`/cohorts/${cohortId}`)).body;
    const edited = await clerk.patch(`/claims/${submitted.claimId}`, {
      version: current.version,
      evidence: {
        ...evidence(cohort.apprentices, 'advance', current.evidence.documents),
        feeInvoiceNo: 'FP-FIXED-1',
      },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    current = (await clerk.get(`/claims/${submitted.claimId}`)).body;
    expect(current.corrections.items.map((item: any) => item.changed)).toEqual([true, false]);
    const again = await api
      .as('ent-a-signatory')
      .post(`/claims/${submitted.claimId}/submit`, { commitment: { accepted: true } });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    const seen = (await api.as('bureau-reviewer').get(`/claims/${submitted.claimId}`)).body;
    expect(seen.corrections.items.map((item: any) => [item.path ?? item.documentKind, item.changed])).toEqual(
      [
        ['evidence.feeInvoiceNo', true],
        ['sign_in_sheet', false],
      ],
    );
  });
});
