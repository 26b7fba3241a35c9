import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { claim, evidence, verifyAtSchool } from '../support/claims.ts';
import { cohortBody, fileCohort } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * A filed cohort through its training years: the advance, a withdrawal, outcomes, the final
 * settlement through public notice, payment by the treasurer — on the embedded runtime, moving
 * the clock instead of waiting.
 */
let runtime: RunningRuntime;
let api: ApiClient;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
});
afterAll(async () => {
  await runtime?.stop();
});

const budget = async (year: number) => (await api.as('bureau-admin').get(`/budgets/110108/${year}`)).body;

describe('a cohort paid for, advance to final settlement', () => {
  let cohortId: string;
  let entitlementFen: number;
  let advanceFen: number;

  it('pays the advance: at most 50% of the entitlement, prepared by the clerk, submitted by the signatory, released by the treasurer', async () => {
    cohortId = await fileCohort(api, 4);
    const filed = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
    entitlementFen = filed.entitlementFen;
    const year = new Date().getUTCFullYear();
    const before = await budget(year);

    const cohort = filed;
    const prepared = await api
      .as('ent-a-clerk')
      .post('/claims', { cohortId, kind: 'advance', evidence: evidence(cohort.apprentices, 'advance') });
    expect(prepared.status).toBe(201);
    expect(prepared.body).toMatchObject({
      status: 'PREPARED',
      kind: 'advance',
      amountFen: Math.floor(entitlementFen / 2),
      recoveryFen: 0,
    });
    advanceFen = prepared.body.amountFen;
    // Four eyes: the clerk cannot submit what the clerk prepared.
    const ownSubmission = await api
      .as('ent-a-clerk')
      .post(`/claims/${prepared.body.claimId}/submit`, { commitment: { accepted: true } });
    expect(ownSubmission.status).toBe(403);
    expect(ownSubmission.body).toMatchObject({
      code: 'auth.role_not_allowed',
      params: { role: 'enterprise.clerk' },
      detail: 'The role enterprise.clerk may not do this',
    });
    const submitted = await api
      .as('ent-a-signatory')
      .post(`/claims/${prepared.body.claimId}/submit`, { commitment: { accepted: true } });
    expect(submitted.body.status).toBe('SCHOOL_VERIFICATION');
    const claimId = prepared.body.claimId;

    await verifyAtSchool(api, claimId, cohortId);
    const review = await api.waitForTask('bureau-reviewer', claimId, 'BUREAU_REVIEW');
    expect(
      (await api.as('bureau-reviewer').post(`/tasks/${review.taskId}/decision`, { decision: 'approve' }))
        .status,
    ).toBe(200);
    expect((await api.as('ent-a-clerk').get(`/claims/${claimId}`)).body.status).toBe('PAYMENT');
    const reserved = await budget(year);
    expect(reserved.reservedFen - before.reservedFen).toBe(advanceFen);

    const payment = await api.waitForTask('bureau-treasurer', claimId, 'PAYMENT');
    // The reviewer may not release (another role); the treasurer does, once, whatever the key.
    expect(
      (await api.as('bureau-reviewer').post(`/tasks/${payment.taskId}/decision`, { decision: 'approve' }))
        .status,
    ).toBe(403);
    const release1 = await api
      .as('bureau-treasurer')
      .post(
        `/tasks/${payment.taskId}/decision`,
        { decision: 'approve' },
        { idempotencyKey: `pay-${claimId}` },
      );
    const release2 = await api
      .as('bureau-treasurer')
      .post(
        `/tasks/${payment.taskId}/decision`,
        { decision: 'approve' },
        { idempotencyKey: `pay-${claimId}` },
      );
    const release3 = await api
      .as('bureau-treasurer')
      .post(
        `/tasks/${payment.taskId}/decision`,
        { decision: 'approve' },
        { idempotencyKey: `pay-${claimId}-again` },
      );
    expect(release1.status).toBe(200);
    expect(release2.body).toEqual(release1.body);
    expect(release3.status).toBe(409);
    const after = await budget(year);
    expect(after.paidFen - before.paidFen).toBe(advanceFen);
    expect(after.reservedFen).toBe(before.reservedFen);
    expect(after.reservedFen + after.paidFen).toBeLessThanOrEqual(after.budgetFen);
    const paid = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
    expect(paid.ledger).toMatchObject({ advancePaidFen: advanceFen, finalPaidFen: 0, recoveryOwedFen: 0 });

    // One advance per cohort.
    const again = await api
      .as('ent-a-clerk')
      .post('/claims', { cohortId, kind: 'advance', evidence: evidence(cohort.apprentices, 'advance') });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      code: 'claim.advance_already_claimed',
      detail: 'An advance was already claimed for this cohort',
    });
  });

  it('records a withdrawal and the outcomes; the cohort completes after its end date', async () => {
    const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
    const [first, second, third, fourth] = cohort.apprentices;
    // Training has begun: the clock moves into it rather than anyone waiting.
    await api.setClock('2027-06-01T02:00:00Z');
    const early = await api
      .as('ent-a-clerk')
      .post(`/claims`, { cohortId, kind: 'final', evidence: evidence(cohort.apprentices, 'final') });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({
      code: 'claim.final_before_training_ends',
      params: { endDate: cohort.endDate },
      detail: `The final settlement is claimed after the training ends (${cohort.endDate})`,
    });
    const withdrawal = await api
      .as('ent-a-clerk')
      .post(`/cohorts/${cohortId}/apprentices/${first.apprenticeId}/withdrawal`, {
        date: '2027-05-20',
        reason: 'resigned',
      });
    expect(withdrawal.status, JSON.stringify(withdrawal.body)).toBe(200);
    expect(
      (
        await api
          .as('school-a-registrar')
          .post(`/cohorts/${cohortId}/apprentices/${first.apprenticeId}/withdrawal`, {
            date: '2027-05-20',
            reason: 'resigned',
          })
      ).status,
    ).toBe(403);

    await api.setClock('2028-03-06T02:00:00Z');
    const certificate = (number: string, level = 4) => ({
      kind: 'skill_level',
      number,
      level,
      issuedOn: '2028-03-01',
    });
    expect(
      (
        await api
          .as('school-a-registrar')
          .post(`/cohorts/${cohortId}/apprentices/${second.apprenticeId}/outcome`, {
            outcome: 'certified',
            certificate: certificate('C-2'),
          })
      ).status,
    ).toBe(200);
    expect(
      (
        await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/apprentices/${third.apprenticeId}/outcome`, {
          outcome: 'not_certified',
        })
      ).status,
    ).toBe(200);
    const bad = await api
      .as('school-a-registrar')
      .post(`/cohorts/${cohortId}/apprentices/${fourth.apprenticeId}/outcome`, { outcome: 'certified' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('certificate');
    const last = await api
      .as('school-a-registrar')
      .post(`/cohorts/${cohortId}/apprentices/${fourth.apprenticeId}/outcome`, {
        outcome: 'certified',
        certificate: certificate('C-4', 3),
      });
    expect(last.body.status).toBe('COMPLETED');
  });

  it('settles the final claim through public notice (with an objection) to PAID, and the ledger balances to the fen', async () => {
    const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
    const perApprentice = cohort.apprentices[1].entitlementFen;
    const earned = 2 * perApprentice; // two certified at the target level or higher
    const submitted = await claim(api, cohortId, 'final');
    expect(submitted).toMatchObject({
      amountFen: Math.max(0, earned - advanceFen),
      recoveryFen: Math.max(0, advanceFen - earned),
    });
    await verifyAtSchool(api, submitted.claimId, cohortId, true);

    let review = await api.waitForTask('bureau-reviewer', submitted.claimId, 'BUREAU_REVIEW');
    // Lowering needs a reason.
    const lower = await api
      .as('bureau-reviewer')
      .post(`/tasks/${review.taskId}/decision`, { decision: 'approve', approvedAmountFen: 1 });
    expect(lower.status).toBe(400);
    expect(
      (await api.as('bureau-reviewer').post(`/tasks/${review.taskId}/decision`, { decision: 'approve' }))
        .status,
    ).toBe(200);
    await runtime.idle();
    let onNotice = (await api.as('ent-a-clerk').get(`/claims/${submitted.claimId}`)).body;
    expect(onNotice.status).toBe('PUBLIC_NOTICE');
    expect(onNotice.notice.endsAt > '2028-03-06').toBe(true);

    // The notice's own wait is nobody's decision: a reviewer who "approves" it (its id is in the
    // claim view) is refused, and nothing is paid or changed.
    expect(onNotice.currentTask?.stage).toBe('PUBLIC_NOTICE');
    for (const decision of [{ decision: 'approve' }, { decision: 'reject', reason: '不予受理' }]) {
      const early = await api
        .as('bureau-reviewer')
        .post(`/tasks/${onNotice.currentTask.taskId}/decision`, decision);
      expect(early.status, JSON.stringify(early.body)).toBe(409);
      expect(early.body.code).toBe('notice.not_decided');
    }
    const unchanged = (await api.as('ent-a-clerk').get(`/claims/${submitted.claimId}`)).body;
    expect([unchanged.status, unchanged.version]).toEqual(['PUBLIC_NOTICE', onNotice.version]);

    // An objection during the notice sends it back to review.
    const objection = await api
      .as('bureau-reviewer')
      .post(`/claims/${submitted.claimId}/objection`, { reason: '群众反映培训记录不实' });
    expect(objection.status).toBe(200);
    expect(objection.body.status).toBe('BUREAU_REVIEW');
    review = await api.waitForTask('bureau-reviewer', submitted.claimId, 'BUREAU_REVIEW');
    expect(
      (
        await api
          .as('bureau-reviewer')
          .post(`/tasks/${review.taskId}/decision`, { decision: 'approve', reason: '经核实，异议不成立' })
      ).status,
    ).toBe(200);
    await runtime.idle();
    onNotice = (await api.as('ent-a-clerk').get(`/claims/${submitted.claimId}`)).body;
    expect(onNotice.status).toBe('PUBLIC_NOTICE');

    // Nobody pays during the notice; once it has run its working days, the treasurer does.
    await api.setClock(new Date(Date.parse(onNotice.notice.endsAt) + 60_000).toISOString());
    await runtime.idle();
    expect((await api.as('ent-a-clerk').get(`/claims/${submitted.claimId}`)).body.status).toBe('PAYMENT');
    const payment = await api.waitForTask('bureau-treasurer', submitted.claimId, 'PAYMENT');
    expect(
      (await api.as('bureau-treasurer').post(`/tasks/${payment.taskId}/decision`, { decision: 'approve' }))
        .status,
    ).toBe(200);

    const done = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
    const { advancePaidFen, finalPaidFen, recoveryOwedFen } = done.ledger;
    expect(advancePaidFen + finalPaidFen - recoveryOwedFen).toBe(earned);
    expect(done.ledger.claims.map((c: { kind: string; status: string }) => [c.kind, c.status])).toEqual([
      ['advance', 'PAID'],
      ['final', 'PAID'],
    ]);
    const history = (
      await api.as('bureau-reviewer').get(`/claims/${submitted.claimId}/history?limit=100`)
    ).body.items.map((r: { action: string }) => r.action);
    expect(history).toEqual(
      expect.arrayContaining([
        'claim.prepared',
        'claim.submitted',
        'notice.started',
        'notice.objection',
        'notice.ended',
        'payment.released',
      ]),
    );
  });

  it('refuses a person already subsidised for the occupation at that level, naming the row', async () => {
    const cohort = (await api.as('bureau-reviewer').get(`/cohorts/${cohortId}`)).body;
    const certifiedRow = cohort.apprentices.findIndex(
      (apprentice: { status: string; certificate?: { level: number } }) =>
        apprentice.status === 'certified' && apprentice.certificate?.level === 4,
    );
    const full = await api
      .as('bureau-reviewer')
      .get(
        `/cohorts/${cohortId}/apprentices/${cohort.apprentices[certifiedRow].apprenticeId}/identity?reason=${encodeURIComponent('重复补贴核查')}`,
      );
    const body = cohortBody(2, { startDate: '2028-04-01', endDate: '2029-03-31' });
    for (const row of body.apprentices) row.contract = { startDate: '2028-04-01', endDate: null };
    body.apprentices[1] = { ...body.apprentices[1]!, idNumber: full.body.idNumber };
    const response = await api.as('ent-a-clerk').post('/cohorts', body);
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      {
        path: 'apprentices.1.idNumber',
        code: 'apprentice.already_subsidised',
        params: { occupationCode: '4-04-05-05', level: 4 },
        message: 'this person was already subsidised for 4-04-05-05 at level 4',
      },
    ]);
  });

  it('reports what the bureau paid in a year, as JSON and as CSV a spreadsheet opens', async () => {
    const json = await api.as('bureau-reviewer').get('/reports/subsidies?year=2028');
    expect(json.status).toBe(200);
    expect(json.body.totals.claims).toBeGreaterThanOrEqual(1);
    expect(json.body.byOccupation[0].occupationCode).toBe('4-04-05-05');
    const response = await fetch(`${runtime.url}/reports/subsidies?year=2028&format=csv`, {
      headers: { authorization: `Bearer ${await api.token('bureau-admin')}` },
    });
    expect(response.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toMatch(/\r\n合计 total,110108 2028,\d+,\d+\.\d{2},\d+\.\d{2}\r\n/);
    expect((await api.as('ent-a-clerk').get('/reports/subsidies?year=2028')).status).toBe(403);
  });
});
