import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { claim, verifyAtSchool } from '../support/claims.ts';
import { ENT_A, fileCohort } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * Money under pressure: fifty approvals racing for a budget that fits thirty, four eyes at the
 * level of the person (not just the role), and a public notice that spans a weekend and a
 * listed holiday.
 */
let runtime: RunningRuntime;
let api: ApiClient;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
});
afterAll(async () => {
  await runtime?.stop();
});

async function inBatches<T>(count: number, size: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += size) {
    results.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(size, count - start) }, (_, offset) => make(start + offset)),
      )),
    );
  }
  return results;
}

describe('budget reservations under concurrency', () => {
  it('approves exactly 30 of 50 claims approved at once against a budget that fits 30; the rest stay at review with the reason', async () => {
    const year = Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));
    // Fifty filed cohorts of one apprentice, each with an advance claim waiting for the bureau.
    const claims = await inBatches(50, 25, async () => {
      const cohortId = await fileCohort(api, 1);
      const submitted = await claim(api, cohortId, 'advance');
      await verifyAtSchool(api, submitted.claimId, cohortId);
      return submitted;
    });
    const amount = claims[0]!.amountFen;
    expect(claims.every((c) => c.amountFen === amount)).toBe(true);
    const current = (await api.as('bureau-admin').get(`/budgets/110108/${year}`)).body;
    const set = await api
      .as('bureau-admin')
      .put(`/budgets/110108/${year}`, { budgetFen: current.reservedFen + current.paidFen + 30 * amount });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const budgetFen = set.body.budgetFen;

    const tasks = await Promise.all(
      claims.map((c) => api.waitForTask('bureau-reviewer', c.claimId, 'BUREAU_REVIEW', 30_000)),
    );
    const token = await api.token('bureau-reviewer');
    // Sample the budget all through the race: reserved + paid never exceeds it.
    let sampling = true;
    const samples: { reservedFen: number; paidFen: number; budgetFen: number }[] = [];
    const sampler = (async () => {
      while (sampling) {
        samples.push((await api.as('bureau-admin').get(`/budgets/110108/${year}`)).body);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const answers = await Promise.all(
      tasks.map((task) =>
        fetch(`${runtime.url}/tasks/${task.taskId}/decision`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ decision: 'approve' }),
        }).then(async (response) => ({ status: response.status, body: (await response.json()) as any })),
      ),
    );
    sampling = false;
    await sampler;

    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(30);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(refused).toHaveLength(20);
    expect(refused[0]!.body.detail).toMatch(/does not fit/);
    expect(refused[0]!.body.code).toBe('budget.insufficient');
    const after = (await api.as('bureau-admin').get(`/budgets/110108/${year}`)).body;
    expect(after.reservedFen - current.reservedFen).toBe(30 * amount);
    expect(after.availableFen).toBe(0);
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of [...samples, after])
      expect(sample.reservedFen + sample.paidFen).toBeLessThanOrEqual(sample.budgetFen);
    expect(after.budgetFen).toBe(budgetFen);

    await runtime.idle();
    const states = await Promise.all(
      claims.map(async (c) => (await api.as('bureau-reviewer').get(`/claims/${c.claimId}`)).body),
    );
    expect(states.filter((s) => s.status === 'PAYMENT')).toHaveLength(30);
    const waiting = states.filter((s) => s.status === 'BUREAU_REVIEW');
    expect(waiting).toHaveLength(20);
    for (const s of waiting) expect(s.pendingReason).toMatch(/does not fit/);
    // The claims that did not fit are still in the reviewer's inbox.
    const inbox = new Set(
      (await api.as('bureau-reviewer').get('/tasks?limit=100')).body.items.map(
        (t: { caseId: string }) => t.caseId,
      ),
    );
    for (const s of waiting) expect(inbox.has(s.claimId)).toBe(true);
  }, 240_000);
});

/** An API Gateway event as the JWT authorizer would pass it, for a person holding the given role. */
function eventFor(
  claims: { sub: string; role: string; org: string },
  routeKey: string,
  path: Record<string, string>,
  body?: unknown,
) {
  return {
    version: '2.0',
    routeKey,
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters: path,
    requestContext: {
      http: { method: routeKey.split(' ')[0] },
      authorizer: {
        jwt: {
          claims: { sub: claims.sub, 'cognito:groups': `[${claims.role}]`, 'custom:org': claims.org },
          scopes: null,
        },
      },
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

describe('four eyes, person by person', () => {
  it('refuses the preparer as submitter and the approving reviewer as releaser, even holding the other role', async () => {
    const { handler: submit } = await import('../../functions/api/submit-claim.ts');
    const { handler: decide } = await import('../../functions/api/decide-task.ts');
    // Room in this year's budget again (the race above used it up).
    const year = Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));
    const budget = (await api.as('bureau-admin').get(`/budgets/110108/${year}`)).body;
    await api
      .as('bureau-admin')
      .put(`/budgets/110108/${year}`, { budgetFen: budget.budgetFen + 10_000_000, version: budget.version });
    const cohortId = await fileCohort(api, 1);
    const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
    const prepared = await api.as('ent-a-clerk').post('/claims', {
      cohortId,
      kind: 'advance',
      evidence: {
        feeInvoiceNo: 'FP-1',
        attendance: [{ apprenticeId: cohort.apprentices[0].apprenticeId, hours: 640 }],
        documents: [],
      },
    });
    // The clerk, now also holding the signatory role, may not submit what the clerk prepared.
    const sameClerk = await submit(
      eventFor(
        { sub: 'u-ent-a-clerk', role: 'enterprise.signatory', org: ENT_A },
        'POST /claims/{claimId}/submit',
        { claimId: prepared.body.claimId },
        { commitment: { accepted: true } },
      ) as never,
      {} as never,
    );
    expect(sameClerk.statusCode).toBe(403);
    expect(JSON.parse(sameClerk.body!).detail).toMatch(/prepared/);
    expect(JSON.parse(sameClerk.body!).code).toBe('four_eyes.preparer_submits');
    // Submitted twice with one key: one submission, the same answer; with another key: 409.
    const first = await api
      .as('ent-a-signatory')
      .post(
        `/claims/${prepared.body.claimId}/submit`,
        { commitment: { accepted: true } },
        { idempotencyKey: 'sub-1' },
      );
    const again = await api
      .as('ent-a-signatory')
      .post(
        `/claims/${prepared.body.claimId}/submit`,
        { commitment: { accepted: true } },
        { idempotencyKey: 'sub-1' },
      );
    const other = await api
      .as('ent-a-signatory')
      .post(
        `/claims/${prepared.body.claimId}/submit`,
        { commitment: { accepted: true } },
        { idempotencyKey: 'sub-2' },
      );
    expect(first.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(other.status).toBe(409);
    await verifyAtSchool(api, prepared.body.claimId, cohortId);
    const review = await api.waitForTask('bureau-reviewer', prepared.body.claimId, 'BUREAU_REVIEW');
    expect(
      (await api.as('bureau-reviewer').post(`/tasks/${review.taskId}/decision`, { decision: 'approve' }))
        .status,
    ).toBe(200);
    const payment = await api.waitForTask('bureau-treasurer', prepared.body.claimId, 'PAYMENT');
    // The reviewer who approved, now also holding the treasurer role, may not release it.
    const sameReviewer = await decide(
      eventFor(
        { sub: 'u-bureau-reviewer', role: 'bureau.treasurer', org: '110108' },
        'POST /tasks/{taskId}/decision',
        { taskId: payment.taskId },
        { decision: 'approve' },
      ) as never,
      {} as never,
    );
    expect(sameReviewer.statusCode).toBe(403);
    expect(JSON.parse(sameReviewer.body!).detail).toMatch(/approved/);
    expect(JSON.parse(sameReviewer.body!).code).toBe('four_eyes.reviewer_releases');
    expect(
      (await api.as('bureau-treasurer').post(`/tasks/${payment.taskId}/decision`, { decision: 'approve' }))
        .body.claim.status,
    ).toBe('PAID');
    const history = (await api.as('ent-a-clerk').get(`/claims/${prepared.body.claimId}/history?limit=100`))
      .body.items;
    expect(history.filter((r: { action: string }) => r.action === 'claim.submitted')).toHaveLength(1);
    expect(history.filter((r: { action: string }) => r.action === 'payment.released')).toHaveLength(1);
  });
});

describe('public notice in working days', () => {
  it('ends a notice that spans a weekend and a listed holiday on the right day', async () => {
    const cohortId = await fileCohort(api, 1);
    const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
    await api.setClock('2028-06-01T02:00:00Z');
    // The municipal bureau lists Monday 12 June 2028 as a holiday, effective from 1 June.
    const policy = (await api.as('bureau-admin').get('/policy')).body;
    const put = await api.as('city-admin').put('/policy', {
      ...policy,
      policyVersion: '2028-06-01.1',
      effectiveFrom: '2028-06-01',
      publicNoticeWorkingDays: 5,
      holidays: [...policy.holidays, '2028-06-12'],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    expect((await api.as('ent-a-clerk').put('/policy', put.body)).status).toBe(403);
    const outcome = await api
      .as('school-a-registrar')
      .post(`/cohorts/${cohortId}/apprentices/${cohort.apprentices[0].apprenticeId}/outcome`, {
        outcome: 'certified',
        certificate: { kind: 'skill_level', number: 'C-1', level: 4, issuedOn: '2028-05-20' },
      });
    expect(outcome.body.status).toBe('COMPLETED');
    const submitted = await claim(api, cohortId, 'final');
    await verifyAtSchool(api, submitted.claimId, cohortId, true);
    const review = await api.waitForTask('bureau-reviewer', submitted.claimId, 'BUREAU_REVIEW');

    // Approved on Thursday 8 June 2028: Fri 9 (1), weekend, Mon 12 (holiday), Tue 13 … Fri 16 (5).
    await api.setClock('2028-06-08T02:00:00Z');
    expect(
      (await api.as('bureau-reviewer').post(`/tasks/${review.taskId}/decision`, { decision: 'approve' }))
        .status,
    ).toBe(200);
    await runtime.idle();
    const onNotice = (await api.as('ent-a-clerk').get(`/claims/${submitted.claimId}`)).body;
    expect(onNotice.notice.endsAt).toBe('2028-06-16T16:00:00.000Z'); // midnight after Friday 16 June, China time

    await api.setClock('2028-06-16T15:59:00Z');
    await runtime.idle();
    expect((await api.as('ent-a-clerk').get(`/claims/${submitted.claimId}`)).body.status).toBe(
      'PUBLIC_NOTICE',
    );
    await api.setClock('2028-06-16T16:01:00Z');
    await runtime.idle();
    expect((await api.as('ent-a-clerk').get(`/claims/${submitted.claimId}`)).body.status).toBe('PAYMENT');
    const late = await api
      .as('bureau-reviewer')
      .post(`/claims/${submitted.claimId}/objection`, { reason: '逾期异议' });
    expect(late.status).toBe(409);
  });
});
