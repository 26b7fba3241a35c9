import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { makeCohortBody, makeEnrolment } from '../../scripts/lib/roster.ts';
import { evidence, uploadClaimDocuments } from '../support/claims.ts';
import { decide, SCHOOL_A } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * Issue 12 on the embedded runtime: a 24-month cohort paid by an advance on its first year, an
 * interim claim after year 1 and the final settlement, each through the subsidy-claim workflow and
 * its money rules; and an advance recomputed at approval from the apprentices still in training.
 * The clock only moves forward, so the file runs in the order of the training calendar.
 */
let runtime: RunningRuntime;
let api: ApiClient;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
});
afterAll(async () => {
  await runtime?.stop();
});

async function fileCohort(count: number, startDate: string, endDate: string): Promise<string> {
  const body = makeCohortBody({ schoolId: SCHOOL_A, startDate, endDate, count });
  for (const row of body.apprentices) row.contract = { startDate, endDate: null };
  const created = await api.as('ent-a-clerk').post('/cohorts', body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const cohortId = created.body.cohortId as string;
  expect((await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`)).status).toBe(200);
  await decide(api, 'ent-a-signatory', cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
  const cohort = (await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).body;
  await decide(api, 'school-a-registrar', cohortId, 'SCHOOL_REVIEW', makeEnrolment(cohort.apprentices));
  await decide(api, 'bureau-reviewer', cohortId, 'BUREAU_REVIEW', { decision: 'approve' });
  await runtime.idle();
  return cohortId;
}

const cohortOf = async (cohortId: string) => (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
const claimOf = async (claimId: string) => (await api.as('ent-a-clerk').get(`/claims/${claimId}`)).body;

type Kind = 'advance' | 'interim' | 'final';

function prepare(cohortId: string, kind: Kind, apprentices: { apprenticeId: string }[], extra = {}) {
  return uploadClaimDocuments(api, cohortId, kind === 'final' ? 'final' : 'advance').then((documents) =>
    api.as('ent-a-clerk').post('/claims', {
      cohortId,
      kind,
      ...extra,
      evidence: evidence(apprentices, kind === 'final' ? 'final' : 'advance', documents),
    }),
  );
}

/** Submitted by the signatory, verified by the school; waits for the bureau's review. */
async function toBureau(claimId: string, cohortId: string, kind: Kind): Promise<void> {
  expect(
    (await api.as('ent-a-signatory').post(`/claims/${claimId}/submit`, { commitment: { accepted: true } }))
      .status,
  ).toBe(200);
  const cohort = await cohortOf(cohortId);
  const task = await api.waitForTask('school-a-registrar', claimId, 'SCHOOL_VERIFICATION');
  const verified = await api.as('school-a-registrar').post(`/tasks/${task.taskId}/decision`, {
    decision: 'approve',
    attendance: cohort.apprentices.map((apprentice: { apprenticeId: string }) => ({
      apprenticeId: apprentice.apprenticeId,
      hours: 640,
    })),
    ...(kind === 'final' ? { outcomesConfirmed: true } : {}),
  });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  await api.waitForTask('bureau-reviewer', claimId, 'BUREAU_REVIEW');
}

async function approve(claimId: string) {
  const review = await api.waitForTask('bureau-reviewer', claimId, 'BUREAU_REVIEW');
  const response = await api
    .as('bureau-reviewer')
    .post(`/tasks/${review.taskId}/decision`, { decision: 'approve' });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  await runtime.idle();
  return response.body.claim;
}

/** Through the public notice (interim and final claims) to the treasurer's release. */
async function release(claimId: string) {
  const onNotice = await claimOf(claimId);
  if (onNotice.status === 'PUBLIC_NOTICE') {
    await api.setClock(new Date(Date.parse(onNotice.notice.endsAt) + 60_000).toISOString());
    await runtime.idle();
  }
  const payment = await api.waitForTask('bureau-treasurer', claimId, 'PAYMENT');
  const response = await api
    .as('bureau-treasurer')
    .post(`/tasks/${payment.taskId}/decision`, { decision: 'approve' });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body.claim.status).toBe('PAID');
  return response.body.claim;
}

async function payThrough(cohortId: string, kind: Kind, extra = {}) {
  const cohort = await cohortOf(cohortId);
  const prepared = await prepare(cohortId, kind, cohort.apprentices, extra);
  expect(prepared.status, JSON.stringify(prepared.body)).toBe(201);
  await toBureau(prepared.body.claimId, cohortId, kind);
  await approve(prepared.body.claimId);
  return release(prepared.body.claimId);
}

describe('issue 12 · 3: a 24-month cohort paid by advance, interim claim for year 1 and final settlement', () => {
  it('pays 3 × ¥7,000 × 50% = ¥10,500 in advance, 3 × ¥7,000 − ¥10,500 = ¥10,500 for year 1, refuses a second year-1 interim (409), and settles 3 × ¥14,000 − ¥21,000 = ¥21,000', async () => {
    await api.setClock('2027-02-01T02:00:00Z');
    const cohortId = await fileCohort(3, '2027-03-01', '2029-02-28');
    const filed = await cohortOf(cohortId);
    expect(filed.entitlement).toMatchObject({
      months: 24,
      standardFen: 700_000,
      perApprenticeFen: 1_400_000,
    });

    await api.setClock('2027-03-10T02:00:00Z');
    const early = await prepare(cohortId, 'interim', filed.apprentices, { trainingYear: 1 });
    expect(early.status, JSON.stringify(early.body)).toBe(409);
    expect(early.body.code).toBe('claim.interim_before_year_ends');

    const advance = await payThrough(cohortId, 'advance');
    expect(advance.amountFen).toBe(1_050_000);
    expect(advance.computation.settlement).toMatchObject({
      kind: 'advance',
      monthsCovered: 12,
      advance: { basis: 'first_year', headcount: 3, basisFen: 2_100_000 },
    });

    await api.setClock('2028-03-02T02:00:00Z');
    const noYear = await prepare(cohortId, 'interim', filed.apprentices);
    expect(noYear.status).toBe(400);
    expect(noYear.body.errors.map((error: { path: string }) => error.path)).toEqual(['trainingYear']);
    const interim = await payThrough(cohortId, 'interim', { trainingYear: 1 });
    expect(interim).toMatchObject({ kind: 'interim', trainingYear: 1, amountFen: 1_050_000, recoveryFen: 0 });
    const shown = await claimOf(interim.claimId);
    expect(shown.computation.settlement).toMatchObject({
      kind: 'interim',
      trainingYear: 1,
      monthsCovered: 12,
      earnedFen: 2_100_000,
      paidBefore: { advanceFen: 1_050_000, interimFen: 0, totalFen: 1_050_000 },
      balanceFen: 1_050_000,
      rounding: 'down_to_fen_each_step',
    });
    expect(shown.computation.settlement.apprentices[0]).toMatchObject({
      months: 12,
      standardFen: 700_000,
      rateBasisPoints: 10_000,
      earnedFen: 700_000,
    });

    const again = await prepare(cohortId, 'interim', filed.apprentices, { trainingYear: 1 });
    expect(again.status, JSON.stringify(again.body)).toBe(409);
    expect(again.body.code).toBe('claim.interim_already_claimed');
    // Year 2 of a 24-month cohort ends with it: that is the final settlement's.
    const second = await prepare(cohortId, 'interim', filed.apprentices, { trainingYear: 2 });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('claim.interim_year_not_before_end');

    await api.setClock('2029-03-05T02:00:00Z');
    for (const [index, apprentice] of filed.apprentices.entries()) {
      const recorded = await api
        .as('school-a-registrar')
        .post(`/cohorts/${cohortId}/apprentices/${apprentice.apprenticeId}/outcome`, {
          outcome: 'certified',
          certificate: {
            kind: 'skill_level',
            number: `C-${cohortId.slice(-6)}-${index}`,
            level: 4,
            issuedOn: '2029-02-20',
          },
        });
      expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
    }
    const final = await payThrough(cohortId, 'final');
    expect(final.amountFen).toBe(2_100_000);
    expect(final.recoveryFen).toBe(0);
    const ledger = (await cohortOf(cohortId)).ledger;
    expect(ledger).toMatchObject({
      advancePaidFen: 1_050_000,
      interimPaidFen: 1_050_000,
      finalPaidFen: 2_100_000,
      recoveryOwedFen: 0,
    });
    expect(ledger.advancePaidFen + ledger.interimPaidFen + ledger.finalPaidFen - ledger.recoveryOwedFen).toBe(
      3 * 1_400_000,
    );
  });
});

describe('issue 12 · 4: the advance is recomputed when the bureau approves it', () => {
  it('prepared for 30 (30 × ¥7,000 × 50% = ¥105,000), 10 withdrawn before approval: approved for 20 (¥70,000), both amounts on the claim', async () => {
    await api.setClock('2029-04-01T02:00:00Z');
    const cohortId = await fileCohort(30, '2029-05-01', '2030-04-30');
    const cohort = await cohortOf(cohortId);
    await api.setClock('2029-05-10T02:00:00Z');
    const prepared = await prepare(cohortId, 'advance', cohort.apprentices);
    expect(prepared.status, JSON.stringify(prepared.body)).toBe(201);
    expect(prepared.body.amountFen).toBe(10_500_000);
    const claimId = prepared.body.claimId as string;
    await toBureau(claimId, cohortId, 'advance');
    for (const apprentice of cohort.apprentices.slice(0, 10)) {
      const withdrawn = await api
        .as('ent-a-clerk')
        .post(`/cohorts/${cohortId}/apprentices/${apprentice.apprenticeId}/withdrawal`, {
          date: '2029-05-09',
          reason: 'resigned',
        });
      expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    }
    const approved = await approve(claimId);
    expect(approved.amountFen).toBe(7_000_000);
    expect(approved.recomputation).toMatchObject({ preparedFen: 10_500_000, atApprovalFen: 7_000_000 });
    expect(approved.recomputation.reason).toContain('30 apprentice(s) in training then, 20 now');
    expect(approved.computation.settlement.advance).toMatchObject({
      headcount: 20,
      basisFen: 14_000_000,
      shareFen: 7_000_000,
    });
    const paid = await release(claimId);
    expect(paid.amountFen).toBe(7_000_000);
    expect((await cohortOf(cohortId)).ledger.advancePaidFen).toBe(7_000_000);
  });
});

describe('issue 12 · 3, 6: a fee cap in force (the Hangzhou example policy, loaded by PUT /policy)', () => {
  it('needs evidence.feeInvoiceAmountFen on every claim and caps the advance at fee ¥15,000 × 60% = ¥9,000 (below 3 × ¥7,000 × 50% = ¥10,500)', async () => {
    const hangzhou = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../infra/local/policies/hangzhou-fee-cap.json'), 'utf8'),
    );
    const loaded = await api.as('city-admin').put('/policy', hangzhou);
    expect(loaded.status, JSON.stringify(loaded.body)).toBe(201);
    expect((await api.as('ent-a-clerk').get('/policy')).body.settlement.feeCapBasisPoints).toBe(6000);
    await api.setClock('2030-01-05T02:00:00Z');
    const cohortId = await fileCohort(3, '2030-02-01', '2031-01-31');
    const cohort = await cohortOf(cohortId);
    expect(cohort.policyVersion).toBe('2027-07-01.1');
    const without = await prepare(cohortId, 'advance', cohort.apprentices);
    expect(without.status).toBe(400);
    expect(without.body.errors).toMatchObject([
      { path: 'evidence.feeInvoiceAmountFen', code: 'claim.fee_amount_required' },
    ]);
    const documents = await uploadClaimDocuments(api, cohortId, 'advance');
    const withFee = await api.as('ent-a-clerk').post('/claims', {
      cohortId,
      kind: 'advance',
      evidence: { ...evidence(cohort.apprentices, 'advance', documents), feeInvoiceAmountFen: 1_500_000 },
    });
    expect(withFee.status, JSON.stringify(withFee.body)).toBe(201);
    expect(withFee.body.amountFen).toBe(900_000);
    expect(withFee.body.computation.settlement.feeCap).toEqual({
      feePaidFen: 1_500_000,
      capBasisPoints: 6000,
      capFen: 900_000,
      applied: true,
    });
  });
});
