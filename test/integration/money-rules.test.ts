import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { sampleEvidenceFiles, uploadEvidence } from '../../scripts/lib/evidence.ts';
import { makeCohortBody, makeEnrolment } from '../../scripts/lib/roster.ts';
import { evidence, uploadClaimDocuments } from '../support/claims.ts';
import { decide, SCHOOL_A } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';
import { demoCaller, idTokenClaims, send, signWithDevKey } from '../support/security.ts';

/**
 * The holes of issue 10, each attacked again on the embedded runtime and shown to fail safe:
 * nothing paid twice or above the rule, nothing stored, a clear 4xx. The clock only moves
 * forward, so the file runs in the order of the training calendar.
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

type Body = ReturnType<typeof makeCohortBody>;
type Person = Body['apprentices'][number];

function body(
  count: number,
  options: { start?: string; end?: string; occupationCode?: string; persons?: Person[] } = {},
): Body {
  const start = options.start ?? '2027-03-01';
  const made = makeCohortBody({
    schoolId: SCHOOL_A,
    startDate: start,
    endDate: options.end ?? '2028-02-29',
    count,
    occupationCode: options.occupationCode,
  });
  (options.persons ?? []).forEach((person, index) => {
    made.apprentices[index] = { ...made.apprentices[index]!, idNumber: person.idNumber, name: person.name };
  });
  for (const row of made.apprentices) row.contract = { startDate: start, endDate: null };
  return made;
}

async function create(made: Body): Promise<string> {
  const created = await api.as('ent-a-clerk').post('/cohorts', made);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.cohortId;
}

/** Through the three approvals to FILED. */
async function file(cohortId: string): Promise<void> {
  const submitted = await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  await decide(api, 'ent-a-signatory', cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
  const cohort = (await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).body;
  await decide(api, 'school-a-registrar', cohortId, 'SCHOOL_REVIEW', makeEnrolment(cohort.apprentices));
  await decide(api, 'bureau-reviewer', cohortId, 'BUREAU_REVIEW', { decision: 'approve' });
  await runtime.idle();
  expect((await cohortOf(cohortId)).status).toBe('FILED');
}

const cohortOf = async (cohortId: string) => (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
const claimOf = async (claimId: string) => (await api.as('ent-a-clerk').get(`/claims/${claimId}`)).body;
const budget = async (year: number) => (await api.as('bureau-admin').get(`/budgets/110108/${year}`)).body;

/** Prepared by the clerk, submitted by the signatory, verified by the school (every counted apprentice). */
async function claimToBureau(cohortId: string, kind: 'advance' | 'final'): Promise<string> {
  const cohort = await cohortOf(cohortId);
  const documents = await uploadClaimDocuments(api, cohortId, kind);
  const prepared = await api
    .as('ent-a-clerk')
    .post('/claims', { cohortId, kind, evidence: evidence(cohort.apprentices, kind, documents) });
  expect(prepared.status, JSON.stringify(prepared.body)).toBe(201);
  const claimId = prepared.body.claimId as string;
  expect(
    (await api.as('ent-a-signatory').post(`/claims/${claimId}/submit`, { commitment: { accepted: true } }))
      .status,
  ).toBe(200);
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
  return claimId;
}

async function approveAtBureau(claimId: string, extra: Record<string, unknown> = {}) {
  const review = await api.waitForTask('bureau-reviewer', claimId, 'BUREAU_REVIEW');
  const response = await api
    .as('bureau-reviewer')
    .post(`/tasks/${review.taskId}/decision`, { decision: 'approve', ...extra });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  await runtime.idle();
  return response.body.claim;
}

/** A final claim's notice runs out; then the treasurer may release. */
async function runNotice(claimId: string): Promise<void> {
  const onNotice = await claimOf(claimId);
  expect(onNotice.status).toBe('PUBLIC_NOTICE');
  await api.setClock(new Date(Date.parse(onNotice.notice.endsAt) + 60_000).toISOString());
  await runtime.idle();
}

async function release(claimId: string) {
  const payment = await api.waitForTask('bureau-treasurer', claimId, 'PAYMENT');
  const response = await api
    .as('bureau-treasurer')
    .post(`/tasks/${payment.taskId}/decision`, { decision: 'approve' });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.claim;
}

async function withdraw(cohortId: string, apprenticeId: string, date: string) {
  const response = await api
    .as('ent-a-clerk')
    .post(`/cohorts/${cohortId}/apprentices/${apprenticeId}/withdrawal`, { date, reason: 'resigned' });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

async function certifyAll(cohortId: string, issuedOn: string): Promise<void> {
  const cohort = await cohortOf(cohortId);
  for (const [index, apprentice] of cohort.apprentices.entries()) {
    if (apprentice.status !== 'enrolled') continue;
    const response = await api
      .as('school-a-registrar')
      .post(`/cohorts/${cohortId}/apprentices/${apprentice.apprenticeId}/outcome`, {
        outcome: 'certified',
        certificate: { kind: 'skill_level', number: `C-${cohortId.slice(-6)}-${index}`, level: 4, issuedOn },
      });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  }
}

async function waitForStatus(cohortId: string, status: string): Promise<Record<string, any>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const cohort = await cohortOf(cohortId);
    if (cohort.status === status || Date.now() > deadline) return cohort;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('issue 10 · 2: an advance never pays above its cap', () => {
  it('recomputes at approval: an advance prepared for 3, 2 of them withdrawn in review, is approved for 1 with the reason', async () => {
    // Training has begun (withdrawals are dated after the start), within the review's time limit.
    await api.setClock('2027-03-05T02:00:00Z');
    const cohortId = await create(body(3));
    await file(cohortId);
    const claimId = await claimToBureau(cohortId, 'advance');
    const prepared = await claimOf(claimId);
    const perApprentice = (await cohortOf(cohortId)).apprentices[0].entitlementFen;
    expect(prepared.amountFen).toBe(Math.floor((3 * perApprentice) / 2));

    const cohort = await cohortOf(cohortId);
    await withdraw(cohortId, cohort.apprentices[0].apprenticeId, '2027-03-02');
    await withdraw(cohortId, cohort.apprentices[1].apprenticeId, '2027-03-04');

    // Asking for the prepared amount is refused now; the computed one is for the one left.
    const review = await api.waitForTask('bureau-reviewer', claimId, 'BUREAU_REVIEW');
    const stale = await api.as('bureau-reviewer').post(`/tasks/${review.taskId}/decision`, {
      decision: 'approve',
      approvedAmountFen: prepared.amountFen,
    });
    expect(stale.status).toBe(400);
    expect(stale.body.errors[0].path).toBe('approvedAmountFen');
    const approved = await approveAtBureau(claimId);
    expect(approved.amountFen).toBe(Math.floor(perApprentice / 2));
    expect(approved.recomputation).toEqual({
      preparedFen: prepared.amountFen,
      atApprovalFen: Math.floor(perApprentice / 2),
      reason: '3 apprentice(s) in training then, 1 now',
    });
    const paid = await release(claimId);
    expect(paid.amountFen).toBe(Math.floor(perApprentice / 2));
    expect((await cohortOf(cohortId)).ledger.advancePaidFen).toBe(Math.floor(perApprentice / 2));
  });

  it('never releases more than the rule allows at release: a withdrawal after approval lowers the payment and frees the reservation', async () => {
    const cohortId = await create(body(3, { start: '2027-04-15', end: '2028-04-14' }));
    await file(cohortId);
    const claimId = await claimToBureau(cohortId, 'advance');
    const approved = await approveAtBureau(claimId);
    const perApprentice = (await cohortOf(cohortId)).apprentices[0].entitlementFen;
    expect(approved.amountFen).toBe(Math.floor((3 * perApprentice) / 2));
    const year = approved.budgetYear as number;
    const before = await budget(year);

    await api.setClock('2027-05-01T02:00:00Z');
    const cohort = await cohortOf(cohortId);
    await withdraw(cohortId, cohort.apprentices[2].apprenticeId, '2027-04-30');
    const paid = await release(claimId);
    const allowed = Math.floor((2 * perApprentice) / 2);
    expect(paid.amountFen).toBe(allowed);
    expect(paid.releaseAdjustment).toEqual({
      approvedFen: approved.amountFen,
      releasedFen: allowed,
      reason: '3 apprentice(s) in training then, 2 now',
    });
    const after = await budget(year);
    expect(after.reservedFen).toBe(before.reservedFen - approved.amountFen);
    expect(after.paidFen).toBe(before.paidFen + allowed);
    expect(after.availableFen).toBe(before.availableFen + approved.amountFen - allowed);
    const history = (await api.as('bureau-reviewer').get(`/claims/${claimId}/history?limit=100`)).body.items;
    expect(history.at(-1)).toMatchObject({
      action: 'payment.released',
      details: { paidFen: allowed, adjustment: { approvedFen: approved.amountFen, releasedFen: allowed } },
    });
  });
});

describe('issue 10 · 6: the school verifies the hours of every apprentice the claim counts', () => {
  it('refuses hours for one of four, naming each missing apprentice, and changes nothing', async () => {
    const cohortId = await create(body(4, { start: '2027-05-15', end: '2028-05-14' }));
    await file(cohortId);
    const cohort = await cohortOf(cohortId);
    const prepared = await api
      .as('ent-a-clerk')
      .post('/claims', { cohortId, kind: 'advance', evidence: evidence(cohort.apprentices, 'advance') });
    const claimId = prepared.body.claimId;
    expect(
      (await api.as('ent-a-signatory').post(`/claims/${claimId}/submit`, { commitment: { accepted: true } }))
        .status,
    ).toBe(200);
    const task = await api.waitForTask('school-a-registrar', claimId, 'SCHOOL_VERIFICATION');
    const before = await claimOf(claimId);
    const partial = await api.as('school-a-registrar').post(`/tasks/${task.taskId}/decision`, {
      decision: 'approve',
      attendance: [{ apprenticeId: cohort.apprentices[0].apprenticeId, hours: 640 }],
    });
    expect(partial.status).toBe(400);
    expect(partial.body.errors).toEqual(
      [1, 2, 3].map((row) => ({
        path: 'attendance',
        code: 'attendance.hours_missing',
        params: { position: row + 1, apprenticeId: cohort.apprentices[row].apprenticeId },
        message: `apprentice ${row + 1} (${cohort.apprentices[row].apprenticeId}) has no hours attended`,
      })),
    );
    const twice = await api.as('school-a-registrar').post(`/tasks/${task.taskId}/decision`, {
      decision: 'approve',
      attendance: [...cohort.apprentices, cohort.apprentices[0]].map((a: { apprenticeId: string }) => ({
        apprenticeId: a.apprenticeId,
        hours: 640,
      })),
    });
    expect(twice.status).toBe(400);
    expect(twice.body.errors).toEqual([
      {
        path: 'attendance.4.apprenticeId',
        code: 'attendance.apprentice_repeated',
        message: 'this apprentice is listed twice',
      },
    ]);
    const after = await claimOf(claimId);
    expect([after.status, after.version]).toEqual([before.status, before.version]);
  });
});

describe('issue 10 · 3: four eyes by person, whatever the role now', () => {
  it('refuses the company approval by the clerk who prepared and submitted the cohort, now a signatory (same sub)', async () => {
    const cohortId = await create(body(1, { start: '2027-06-01', end: '2028-05-31' }));
    expect((await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`)).status).toBe(200);
    const task = await api.waitForTask('ent-a-signatory', cohortId, 'COMPANY_REVIEW');
    const clerk = demoCaller('ent-a-clerk');
    const promoted = await signWithDevKey(dataDir, idTokenClaims({ ...clerk, role: 'enterprise.signatory' }));
    const inbox = await send(runtime.url, { method: 'GET', path: '/tasks', token: promoted });
    expect(inbox.body.items.map((item: { taskId: string }) => item.taskId)).toContain(task.taskId);
    const refused = await send(runtime.url, {
      method: 'POST',
      path: `/tasks/${task.taskId}/decision`,
      token: promoted,
      body: { decision: 'approve' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('four_eyes.cohort_preparer_approves');
    expect(refused.body.detail).toBe('The person who prepared a cohort cannot also approve it');
    expect((await cohortOf(cohortId)).status).toBe('COMPANY_REVIEW');
    // Another signatory (another person) may.
    await decide(api, 'ent-a-signatory', cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
  });

  it('refuses a claim approval by the person who submitted it, and a release by its reviewer (same sub)', async () => {
    const cohortId = await create(body(2, { start: '2027-06-01', end: '2028-05-31' }));
    await file(cohortId);
    const claimId = await claimToBureau(cohortId, 'advance');
    const review = await api.waitForTask('bureau-reviewer', claimId, 'BUREAU_REVIEW');
    const signatoryAsReviewer = await signWithDevKey(
      dataDir,
      idTokenClaims({ ...demoCaller('ent-a-signatory'), role: 'bureau.reviewer', orgId: '110108' }),
    );
    const own = await send(runtime.url, {
      method: 'POST',
      path: `/tasks/${review.taskId}/decision`,
      token: signatoryAsReviewer,
      body: { decision: 'approve' },
    });
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('four_eyes.submitter_approves');
    await approveAtBureau(claimId);
    const payment = await api.waitForTask('bureau-treasurer', claimId, 'PAYMENT');
    const reviewerAsTreasurer = await signWithDevKey(
      dataDir,
      idTokenClaims({ ...demoCaller('bureau-reviewer'), role: 'bureau.treasurer' }),
    );
    const self = await send(runtime.url, {
      method: 'POST',
      path: `/tasks/${payment.taskId}/decision`,
      token: reviewerAsTreasurer,
      body: { decision: 'approve' },
    });
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('four_eyes.reviewer_releases');
    expect((await claimOf(claimId)).status).toBe('PAYMENT');
  });
});

describe('issue 10 · 5: a tampered cursor is 400, never 500', () => {
  it('refuses cursors with another sort key, another attribute set, another type or from another list', async () => {
    const page = await api.as('ent-a-clerk').get('/cohorts?limit=1');
    expect(page.body.nextCursor).toBeTruthy();
    const claims = await api.as('ent-a-clerk').get('/claims?limit=1');
    expect(claims.body.nextCursor).toBeTruthy();
    const key = JSON.parse(Buffer.from(page.body.nextCursor, 'base64url').toString('utf8'));
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const tampered = [
      encode({ ...key, gsi1sk: 'ZZZ#not-a-cohort' }),
      encode({ ...key, gsi1sk: 42 }),
      encode({ ...key, extra: 'x' }),
      encode({ pk: key.pk, sk: key.sk, gsi1pk: key.gsi1pk }),
      encode({ ...key, sk: '' }),
      claims.body.nextCursor,
      'not base64 at all!',
    ];
    for (const cursor of tampered) {
      const response = await api
        .as('ent-a-clerk')
        .get(`/cohorts?limit=1&cursor=${encodeURIComponent(cursor)}`);
      expect(response.status, cursor).toBe(400);
      expect(response.body.errors).toEqual([
        { path: 'query.cursor', code: 'cursor.invalid', message: 'is not a cursor this API gave out' },
      ]);
    }
    const cohortCursor = await api
      .as('ent-a-clerk')
      .get(`/claims?limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`);
    expect(cohortCursor.status).toBe(400);
    // The cursors given out still work.
    expect(
      (await api.as('ent-a-clerk').get(`/cohorts?limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`))
        .status,
    ).toBe(200);
  });
});

describe('issue 10 · 8: an identity read records every field it returns', () => {
  it('names idNumber and phone when both are returned, only idNumber when only that is asked for', async () => {
    const made = body(1, { start: '2027-06-01', end: '2028-05-31' });
    const cohortId = await create(made);
    expect((await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`)).status).toBe(200);
    const apprenticeId = (await cohortOf(cohortId)).apprentices[0].apprenticeId;
    const path = `/cohorts/${cohortId}/apprentices/${apprenticeId}/identity?reason=${encodeURIComponent('核对身份信息')}`;
    const both = await api.as('bureau-reviewer').get(path);
    expect(both.body).toMatchObject({
      idNumber: made.apprentices[0]!.idNumber,
      phone: made.apprentices[0]!.phone,
    });
    const only = await api.as('bureau-reviewer').get(`${path}&fields=idNumber`);
    expect(only.body.idNumber).toBe(made.apprentices[0]!.idNumber);
    expect(only.body).not.toHaveProperty('phone');
    expect((await api.as('bureau-reviewer').get(`${path}&fields=bank`)).status).toBe(400);
    const history = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}/history?limit=100`)).body.items;
    const reads = history.filter((record: { action: string }) => record.action === 'identity.read');
    expect(reads.map((record: { details: { fields: string[] } }) => record.details.fields)).toEqual([
      ['idNumber', 'phone'],
      ['idNumber'],
    ]);
  });
});

describe('issue 10 · 1, 4, 7: no double subsidy; the clock completes a cohort; distinct videos', () => {
  let persons: Person[];
  let first: string;
  let otherOccupation: string;
  let unpaidTime: string;
  let advancing: string;
  let advanceClaim: string;

  it('4: a cohort whose outcomes were all recorded before its end date is COMPLETED by the clock, once', async () => {
    const made = body(3, { start: '2027-07-01', end: '2028-06-30' });
    persons = made.apprentices.slice(0, 3);
    first = await create(made);
    await file(first);
    await api.setClock('2028-03-01T02:00:00Z');
    await certifyAll(first, '2028-02-27');
    expect((await cohortOf(first)).status).toBe('FILED');
    // Taking the same person into another cohort is refused while this one is active.
    const early = await api
      .as('ent-a-clerk')
      .post('/cohorts', body(1, { start: '2028-08-01', end: '2029-07-31', persons: [persons[0]!] }));
    expect(early.status).toBe(400);
    expect(early.body.errors[0]).toEqual({
      path: 'apprentices.0.idNumber',
      code: 'apprentice.in_another_cohort',
      message: 'this person is already in another active cohort',
    });

    await api.setClock('2028-07-01T02:00:00Z');
    const completed = await waitForStatus(first, 'COMPLETED');
    expect(completed.status).toBe('COMPLETED');
    // Idempotent: later runs of the schedule find nothing to do.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const history = (await api.as('ent-a-clerk').get(`/cohorts/${first}/history?limit=100`)).body.items;
    expect(history.filter((record: { action: string }) => record.action === 'cohort.completed')).toHaveLength(
      1,
    );
    expect(history.at(-1)).toMatchObject({
      action: 'cohort.completed',
      from: 'FILED',
      to: 'COMPLETED',
      actor: { system: 'cohort-completion' },
    });
  });

  it('1: persons of an unpaid final claim may join new cohorts, but none is filed or paid twice for it', async () => {
    // Three new cohorts with the same persons while the first cohort's final claim is unpaid:
    // one under another occupation (to be PATCHed), one to submit after the payment, and one
    // filed and advancing before it.
    otherOccupation = await create(
      body(1, {
        start: '2028-08-01',
        end: '2029-07-31',
        occupationCode: '4-04-05-01',
        persons: [persons[0]!],
      }),
    );
    unpaidTime = await create(body(1, { start: '2028-08-01', end: '2029-07-31', persons: [persons[1]!] }));
    advancing = await create(body(2, { start: '2028-08-01', end: '2029-07-31', persons: [persons[2]!] }));
    await file(advancing);
    advanceClaim = await claimToBureau(advancing, 'advance');

    // 7 on the way: ten announcements of one video are one video.
    const cohort = await cohortOf(first);
    const [video] = sampleEvidenceFiles(first, 'final').filter((file) => file.kind === 'training_video');
    const copies = await uploadEvidence(
      api,
      'ent-a-clerk',
      first,
      Array.from({ length: 10 }, (_, index) => ({ ...video!, fileName: `同一视频-${index + 1}.mp4` })),
    );
    expect(new Set(copies.map((copy) => copy.key)).size).toBe(10);
    expect(new Set(copies.map((copy) => copy.sha256)).size).toBe(1);
    const sameVideo = await api.as('ent-a-clerk').post('/claims', {
      cohortId: first,
      kind: 'final',
      evidence: evidence(cohort.apprentices, 'final', copies),
    });
    expect(sameVideo.status).toBe(400);
    expect(sameVideo.body.errors).toEqual([
      {
        path: 'evidence.documents',
        code: 'claim.training_videos_too_few',
        params: { min: 10, given: 1 },
        message: 'a final claim references at least 10 distinct training videos (1 given)',
      },
    ]);
    expect((await cohortOf(first)).ledger?.claims ?? []).toEqual([]);

    // The first cohort's final settlement is paid: its three persons are subsidised for 4-04-05-05 at level 4.
    const finalClaim = await claimToBureau(first, 'final');
    await approveAtBureau(finalClaim);
    await runNotice(finalClaim);
    const paid = await release(finalClaim);
    const perApprentice = cohort.apprentices[0].entitlementFen;
    expect(paid.amountFen).toBe(3 * perApprentice);

    // PATCH into the subsidised occupation: refused, naming the row; nothing stored.
    const before = await cohortOf(otherOccupation);
    const patched = await api
      .as('ent-a-clerk')
      .patch(`/cohorts/${otherOccupation}`, { version: before.version, occupationCode: '4-04-05-05' });
    expect(patched.status).toBe(400);
    expect(patched.body.errors).toEqual([
      {
        path: 'apprentices.0.idNumber',
        code: 'apprentice.already_subsidised',
        params: { occupationCode: '4-04-05-05', level: 4 },
        message: 'this person was already subsidised for 4-04-05-05 at level 4',
      },
    ]);
    const after = await cohortOf(otherOccupation);
    expect([after.occupationCode, after.version]).toEqual(['4-04-05-01', before.version]);

    // Submitting the cohort created while the claim was unpaid: refused (409), naming the row.
    const submitted = await api.as('ent-a-clerk').post(`/cohorts/${unpaidTime}/submit`);
    expect(submitted.status).toBe(409);
    expect(submitted.body.code).toBe('cohort.person_subsidised');
    expect(submitted.body.errors).toEqual([
      {
        path: 'apprentices.0.idNumber',
        code: 'apprentice.already_subsidised',
        params: { occupationCode: '4-04-05-05', level: 4 },
        message: 'this person was already subsidised for 4-04-05-05 at level 4',
      },
    ]);
    expect((await cohortOf(unpaidTime)).status).toBe('DRAFT');
  });

  it('1: a cohort filed before the payment counts the subsidised person no more, at approval and at release', async () => {
    const cohort = await cohortOf(advancing);
    const perApprentice = cohort.apprentices[0].entitlementFen;
    const prepared = await claimOf(advanceClaim);
    expect(prepared.amountFen).toBe(Math.floor((2 * perApprentice) / 2));
    const approved = await approveAtBureau(advanceClaim);
    expect(approved.amountFen).toBe(Math.floor(perApprentice / 2));
    expect(approved.computation.excluded).toEqual([
      {
        apprenticeId: cohort.apprentices[0].apprenticeId,
        reason: 'already subsidised for 4-04-05-05 at level 4 by another cohort',
      },
    ]);
    expect(approved.recomputation.reason).toBe(
      '2 apprentice(s) in training then, 1 now; 1 apprentice(s) already subsidised by another cohort',
    );
    const paid = await release(advanceClaim);
    expect(paid.amountFen).toBe(Math.floor(perApprentice / 2));

    // Its final settlement pays only the person not subsidised before, and marks only them.
    await api.setClock('2029-08-02T02:00:00Z');
    await certifyAll(advancing, '2029-07-30');
    await waitForStatus(advancing, 'COMPLETED');
    const finalClaim = await claimToBureau(advancing, 'final');
    const finalApproved = await approveAtBureau(finalClaim);
    expect(finalApproved.computation).toMatchObject({ earners: 1, earnedFen: perApprentice });
    await runNotice(finalClaim);
    const settled = await release(finalClaim);
    expect(settled.amountFen).toBe(perApprentice - Math.floor(perApprentice / 2));
    const ledger = (await cohortOf(advancing)).ledger;
    expect(ledger.advancePaidFen + ledger.finalPaidFen - ledger.recoveryOwedFen).toBe(perApprentice);
  });
});
