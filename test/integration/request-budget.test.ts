import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient, ApiResponse } from '../../scripts/lib/api-client.ts';
import { contributionCsv, insuredThroughout } from '../../scripts/lib/contributions.ts';
import { makeCohortBody, makeEnrolment, makeRoster } from '../../scripts/lib/roster.ts';
import { dynamoDbRequests } from '../../shared/adapters/dynamodb/request-counter.ts';
import { type AttributedRequest, attributeRequests, requestsSince } from '../bench/attribution.ts';
import { ENT_A, fileCohort, SCHOOL_A } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * The request budget (architecture.md, "Data"): every mutating step writes its change, its audit
 * record and its idempotency record in exactly ONE TransactWriteItems, and every read is at most
 * one request. Counted on the embedded runtime by the SDK middleware of
 * shared/adapters/dynamodb/request-counter.ts on the handlers' own client, each request
 * attributed to the API call or to the workflow steps its callback set going
 * (test/bench/attribution.ts).
 *
 * Where a call needs more today, the number asserted is today's with the reason beside it, so a
 * change that adds a request fails here and has to say why. The reads of mutating calls (the
 * idempotency record, register look-ups, the policy) are reported at the end of the run, not
 * asserted: they change as rules are added, and none of them is the change itself.
 */
process.env.COUNT_DYNAMODB_REQUESTS = '1';

const READ_COMMANDS = new Set(['GetItem', 'Query', 'BatchGetItem', 'TransactGetItems']);

interface Work {
  /** GetItem, Query, BatchGetItem, in the order sent. */
  reads: string[];
  /** One entry per TransactWriteItems: how many writes it held. */
  transactions: number[];
  /** Anything else (PutItem, UpdateItem, Scan…): never expected on a request path. */
  other: string[];
}

function workOf(requests: AttributedRequest[]): Work {
  return {
    reads: requests.filter((r) => READ_COMMANDS.has(r.command)).map((r) => r.command),
    transactions: requests.filter((r) => r.command === 'TransactWriteItems').map((r) => r.items),
    other: requests
      .filter((r) => !READ_COMMANDS.has(r.command) && r.command !== 'TransactWriteItems')
      .map((r) => r.command),
  };
}

let runtime: RunningRuntime;
let api: ApiClient;
let stopAttributing: () => void;

/** One API call, then everything its workflow callback set going (until the engine is idle), apart. */
async function measure(
  call: () => Promise<ApiResponse>,
  status = 200,
): Promise<{ response: ApiResponse; api: Work; workflow: Work }> {
  const mark = dynamoDbRequests.mark();
  const response = await call();
  await runtime.idle();
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  const counted = requestsSince(mark);
  return { response, api: workOf(counted.api), workflow: workOf(counted.workflow) };
}

/** Reads of each mutating call, printed at the end of the file's run. */
const mutatingReads = new Map<string, Work>();
function note(call: string, work: Work): Work {
  mutatingReads.set(call, work);
  return work;
}

let keyCounter = 0;
const key = () => ({ idempotencyKey: `budget-${Date.now()}-${++keyCounter}` });

const cohortBody = (count: number) =>
  makeCohortBody({ schoolId: SCHOOL_A, startDate: '2027-03-01', endDate: '2028-02-29', count });

async function createAndSubmit(count = 3): Promise<string> {
  const created = await api.as('ent-a-clerk').post('/cohorts', cohortBody(count), key());
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const submitted = await api
    .as('ent-a-clerk')
    .post(`/cohorts/${created.body.cohortId}/submit`, undefined, key());
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  await runtime.idle();
  return created.body.cohortId;
}

async function taskOf(user: string, cohortId: string, stage: string): Promise<string> {
  return (await api.waitForTask(user, cohortId, stage)).taskId;
}

/** A decision's change, then the task marked closed once the callback was delivered. */
const DECISION_TRANSACTIONS = 2;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
  stopAttributing = attributeRequests(Number(new URL(runtime.url).port));
});
afterAll(async () => {
  stopAttributing?.();
  await runtime?.stop();
  const lines = [...mutatingReads].map(
    ([call, work]) =>
      `  ${call.padEnd(34)} ${String(work.reads.length).padStart(2)} reads (${work.reads.join(', ')}) · transactions of ${work.transactions.join(' + ')} writes`,
  );
  console.info(`DynamoDB requests of each mutating call (embedded runtime):\n${lines.join('\n')}`);
});

describe('request budget: a cohort from DRAFT to FILED, every call counted', () => {
  let cohortId: string;

  it('POST /cohorts (30 apprentices): one transaction with the cohort, its claims and mentors', async () => {
    const {
      response,
      api: work,
      workflow,
    } = await measure(() => api.as('ent-a-clerk').post('/cohorts', cohortBody(30), key()), 201);
    cohortId = response.body.cohortId;
    note('POST /cohorts (30 apprentices)', work);
    // cohort + audit + idempotency + 60 person claims (30 persons, each under both suites'
    // look-up hashes) + the enterprise mentors' loads
    expect(work.transactions).toHaveLength(1);
    expect(work.transactions[0]).toBeGreaterThanOrEqual(63);
    expect(work.other).toEqual([]);
    expect(workflow).toEqual({ reads: [], transactions: [], other: [] });
  });

  it('PATCH, add apprentices, remove an apprentice: one transaction each', async () => {
    const version = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.version;
    const patched = await measure(() =>
      api
        .as('ent-a-clerk')
        .patch(`/cohorts/${cohortId}`, { version, plannedHours: { total: 1300, concentrated: 330 } }, key()),
    );
    const roster = makeRoster({
      count: 2,
      mentorKeys: ['m4'],
      contractStart: '2027-03-01',
      contractEnd: null,
    });
    const added = await measure(
      () => api.as('ent-a-clerk').post(`/cohorts/${cohortId}/apprentices`, roster, key()),
      201,
    );
    const last = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.apprentices.at(-1);
    const removed = await measure(() =>
      api.as('ent-a-clerk').delete(`/cohorts/${cohortId}/apprentices/${last.apprenticeId}`),
    );
    note('PATCH /cohorts/{cohortId}', patched.api);
    note('POST …/apprentices (2 rows)', added.api);
    note('DELETE …/apprentices/{apprenticeId}', removed.api);
    for (const step of [patched, added, removed]) {
      expect(step.api.transactions).toHaveLength(1);
      expect(step.api.other).toEqual([]);
    }
  });

  it('submit: one transaction; the workflow opens the company review in one more', async () => {
    const { api: work, workflow } = await measure(() =>
      api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`, undefined, key()),
    );
    note('POST /cohorts/{cohortId}/submit', work);
    expect(work.transactions).toHaveLength(1);
    expect(work.other).toEqual([]);
    // open-review-task: reads the cohort, writes cohort + audit + task in one transaction
    expect(workflow).toEqual({ reads: ['GetItem'], transactions: [3], other: [] });
  });

  it('each approval: its change in one transaction, then the task closed after the callback', async () => {
    const stages = [
      { user: 'ent-a-signatory', stage: 'COMPANY_REVIEW', next: 'open-review-task' },
      { user: 'school-a-registrar', stage: 'SCHOOL_REVIEW', next: 'open-review-task' },
      { user: 'bureau-reviewer', stage: 'BUREAU_REVIEW', next: 'publish-filing-outcome' },
    ] as const;
    for (const { user, stage, next } of stages) {
      const taskId = await taskOf(user, cohortId, stage);
      const cohort = (await api.as(user).get(`/cohorts/${cohortId}`)).body;
      const body = stage === 'SCHOOL_REVIEW' ? makeEnrolment(cohort.apprentices) : { decision: 'approve' };
      const { api: work, workflow } = await measure(() =>
        api.as(user).post(`/tasks/${taskId}/decision`, body, key()),
      );
      note(`decision at ${stage}`, work);
      // Two today: the decision (cohort, audit, idempotency, task — and at the school stage the
      // mentor loads) is one transaction, written BEFORE SendTaskSuccess; the task can only be
      // marked CLOSED (callbackPending false) AFTER the callback was delivered, in a second one.
      expect(work.transactions, stage).toHaveLength(DECISION_TRANSACTIONS);
      expect(work.transactions[0], stage).toBeGreaterThanOrEqual(4);
      expect(work.transactions[1], stage).toBe(1);
      expect(work.other).toEqual([]);
      if (stage === 'SCHOOL_REVIEW') {
        // The bureau's stage next (issue 14): plan-handling-limit reads the policy in force, the
        // opening step the cohort and the policy again for the task's working-day due time.
        expect(workflow, stage).toEqual({
          reads: ['Query', 'GetItem', 'Query'],
          transactions: [3],
          other: [],
        });
      } else if (next === 'open-review-task') {
        expect(workflow, stage).toEqual({ reads: ['GetItem'], transactions: [3], other: [] });
      } else {
        expect(workflow, stage).toEqual({ reads: ['GetItem'], transactions: [], other: [] });
      }
    }
    expect((await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.status).toBe('FILED');
  });

  it('a repeated decision (same Idempotency-Key) reads and writes nothing new', async () => {
    const returned = await createAndSubmit();
    const taskId = await taskOf('ent-a-signatory', returned, 'COMPANY_REVIEW');
    const sameKey = key();
    const body = { decision: 'return', reason: 'the agreement number is wrong' };
    const first = await measure(() =>
      api.as('ent-a-signatory').post(`/tasks/${taskId}/decision`, body, sameKey),
    );
    expect(first.api.transactions).toHaveLength(DECISION_TRANSACTIONS);
    expect(first.workflow).toEqual({ reads: ['GetItem'], transactions: [], other: [] });
    const again = await measure(() =>
      api.as('ent-a-signatory').post(`/tasks/${taskId}/decision`, body, sameKey),
    );
    // the idempotency record, then the task (is a callback still to deliver?)
    expect(again.api).toEqual({ reads: ['GetItem', 'GetItem'], transactions: [], other: [] });
  });

  it('withdraw: its change in one transaction, then the waiting review closed', async () => {
    const withdrawn = await createAndSubmit();
    const { api: work, workflow } = await measure(() =>
      api.as('ent-a-clerk').post(`/cohorts/${withdrawn}/withdraw`, {}, key()),
    );
    note('POST /cohorts/{cohortId}/withdraw', work);
    // As a decision: the change, then the task closed after SendTaskFailure was delivered.
    expect(work.transactions).toHaveLength(2);
    expect(workflow).toEqual({ reads: ['GetItem'], transactions: [], other: [] });
  });
});

describe('request budget: reads', () => {
  let cohortId: string;
  let apprenticeId: string;

  beforeAll(async () => {
    cohortId = await createAndSubmit(3);
    apprenticeId = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.apprentices[0].apprenticeId;
  });

  it.each([
    {
      user: 'ent-a-clerk',
      route: 'GET /cohorts/{cohortId}',
      path: () => `/cohorts/${cohortId}`,
      reads: ['GetItem'],
    },
    { user: 'ent-a-clerk', route: 'GET /cohorts', path: () => '/cohorts?limit=20', reads: ['Query'] },
    {
      user: 'bureau-reviewer',
      route: 'GET /cohorts?status=',
      path: () => '/cohorts?limit=20&status=COMPANY_REVIEW',
      reads: ['Query'],
    },
    { user: 'ent-a-signatory', route: 'GET /tasks', path: () => '/tasks', reads: ['Query'] },
    { user: 'ent-a-clerk', route: 'GET /organisations', path: () => '/organisations', reads: ['Query'] },
    { user: 'ent-a-clerk', route: 'GET /occupations', path: () => '/occupations', reads: ['Query'] },
    { user: 'ent-a-clerk', route: 'GET /policy', path: () => '/policy', reads: ['Query'] },
    { user: 'ent-a-clerk', route: 'GET /openapi.json', path: () => '/openapi.json', reads: [] },
    {
      user: 'ent-a-signatory',
      route: 'GET /commitments/current',
      path: () => '/commitments/current',
      reads: [],
    },
    // TWO today: the audit records do not say who may see them, so the cohort is read first to
    // check the caller is a party (404 otherwise), then its AUDIT# items are queried. Both live
    // in the partition COHORT#<id>, so one Query could serve both (see the report to the lead).
    {
      user: 'ent-a-clerk',
      route: 'GET /cohorts/{cohortId}/history',
      path: () => `/cohorts/${cohortId}/history?limit=50`,
      reads: ['GetItem', 'Query'],
    },
  ])('$route ($user): $reads', async ({ user, path, reads }) => {
    const { api: work, workflow } = await measure(() => api.as(user).get(path()));
    expect(work).toEqual({ reads, transactions: [], other: [] });
    expect(workflow).toEqual({ reads: [], transactions: [], other: [] });
  });

  it('GET …/identity reads the cohort once and writes its audit record in one transaction', async () => {
    const { api: work } = await measure(() =>
      api
        .as('bureau-reviewer')
        .get(`/cohorts/${cohortId}/apprentices/${apprenticeId}/identity?reason=checking+the+roster`),
    );
    // The full ID number is shown only once the reading is in the audit chain (cohort head + record).
    expect(work).toEqual({ reads: ['GetItem'], transactions: [2], other: [] });
  });
});

describe('request budget: the policy preview (a read with a body)', () => {
  it('POST /policy/preview: the register, one Query per district, one BatchGetItem per district with open cohorts, each filed version once', async () => {
    const cohortId = await fileCohort(api, 2);
    const policy = (await api.as('city-admin').get('/policy')).body;
    const {
      response,
      api: work,
      workflow,
    } = await measure(() =>
      api.as('city-admin').post('/policy/preview?limit=20', {
        ...policy,
        policyVersion: '2099-01-01.1',
        effectiveFrom: '2099-01-01',
      }),
    );
    expect(
      response.body.districts.flatMap((district: { cohorts: { cohortId: string }[] }) => district.cohorts),
    ).toContainEqual(expect.objectContaining({ cohortId }));
    // GetItem: the caller's organisation (a city of the register); Query: the city's districts
    // (110105, 110108); Query: 110105's list (no open cohort, so no BatchGetItem); Query +
    // BatchGetItem: 110108's list and its open cohorts whole (the index projects a summary);
    // GetItem: the one policy version they were filed under. Nothing written.
    expect(work).toEqual({
      reads: ['GetItem', 'Query', 'Query', 'Query', 'BatchGetItem', 'GetItem'],
      transactions: [],
      other: [],
    });
    expect(workflow).toEqual({ reads: [], transactions: [], other: [] });
  });
});

describe('request budget: the credit blacklist', () => {
  it('a listing, its change and its removal: one transaction each, with the audit record and the chain head', async () => {
    const body = { from: '2099-01-01', to: '2099-12-31', reason: '请求预算：未来的列入' };
    const listed = await measure(
      () => api.as('bureau-admin').put(`/credit-blacklist/${ENT_A}`, body, key()),
      201,
    );
    note('PUT /credit-blacklist/{enterpriseId}', listed.api);
    // Reads: the idempotency record, the register (the enterprise's district), the listing, the
    // chain head. One transaction: listing + audit record + head + idempotency record.
    expect(listed.api).toEqual({ reads: Array(4).fill('GetItem'), transactions: [4], other: [] });
    const changed = await measure(() =>
      api.as('bureau-admin').put(`/credit-blacklist/${ENT_A}`, { ...body, to: '2099-06-30' }, key()),
    );
    expect(changed.api).toEqual({ reads: Array(4).fill('GetItem'), transactions: [4], other: [] });
    const removed = await measure(() => api.as('bureau-admin').delete(`/credit-blacklist/${ENT_A}`, key()));
    note('DELETE /credit-blacklist/{enterpriseId}', removed.api);
    expect(removed.api).toEqual({ reads: Array(4).fill('GetItem'), transactions: [4], other: [] });
  });

  it('GET /credit-blacklist: one Query for a bureau; two GetItems for an enterprise (its district, then its listing)', async () => {
    const bureau = await measure(() => api.as('bureau-reviewer').get('/credit-blacklist'));
    expect(bureau.api).toEqual({ reads: ['Query'], transactions: [], other: [] });
    const enterprise = await measure(() => api.as('ent-a-clerk').get('/credit-blacklist'));
    expect(enterprise.api).toEqual({ reads: ['GetItem', 'GetItem'], transactions: [], other: [] });
  });
});

describe('request budget: the workflow alone', () => {
  it('a review that expires: check-expired-review returns the cohort in one transaction', async () => {
    const cohortId = await createAndSubmit();
    // Every review still waiting in this runtime expires with it.
    const waiting = (await api.as('ent-a-signatory').get('/tasks?limit=100')).body.items.length;
    expect(waiting).toBeGreaterThanOrEqual(1);
    // A bureau stage waiting here does not expire (issue 14): marked overdue (the cohort, its task,
    // one transaction), then its wait opens again (the cohort, the task kept, one transaction).
    const bureau = ((await api.as('bureau-reviewer').get('/tasks?limit=100')).body.items as any[]).filter(
      (task) => task.workflow === 'cohort-filing' && !task.overdue,
    ).length;
    const mark = dynamoDbRequests.mark();
    const now = await api.now();
    await api.setClock(new Date(now.getTime() + 30 * 86_400_000).toISOString());
    await runtime.idle();
    const work = workOf(requestsSince(mark).workflow);
    // Per expired review — check-expired-review: the cohort, its task, then cohort + audit + task
    // in one transaction; publish-filing-outcome: the cohort.
    expect(work).toEqual({
      reads: Array(3 * waiting + 4 * bureau).fill('GetItem'),
      transactions: Array(waiting + 2 * bureau).fill(3),
      other: [],
    });
    expect((await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.status).toBe('RETURNED');
  });
});

describe('request budget: a cohort larger than one transaction', () => {
  it('POST /cohorts with 200 apprentices claims the persons that do not fit first, in their own transactions', async () => {
    const { api: work } = await measure(
      () => api.as('ent-a-clerk').post('/cohorts', cohortBody(200), key()),
      201,
    );
    // 400 claims (each person under both crypto suites' look-up hashes, so a switch of suite hides
    // nobody) + cohort + audit + idempotency + 25 mentor loads > 100 writes: the claims that do
    // not fit beside the cohort go first, 90 at a time, and the cohort's own transaction comes last
    // (architecture.md: "Large cohorts … are written so that a half-written cohort is never visible").
    note('POST /cohorts (200 apprentices)', work);
    expect(work.transactions).toHaveLength(5);
    expect(Math.max(...work.transactions)).toBeLessThanOrEqual(100);
    expect(work.transactions.reduce((sum, writes) => sum + writes, 0)).toBeGreaterThanOrEqual(403);
    expect(work.other).toEqual([]);
  });
});

// Last in the file: the district's first import makes every later filing and payment of 110108 checked.
describe('request budget: employment verification (社保 check)', () => {
  /** A 3-apprentice cohort through the company and the school; the bureau's approval measured. */
  async function fileMeasured(body: ReturnType<typeof cohortBody>) {
    const created = await api.as('ent-a-clerk').post('/cohorts', body, key());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const cohortId = created.body.cohortId as string;
    expect((await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`, undefined, key())).status).toBe(
      200,
    );
    await runtime.idle();
    for (const [user, stage] of [
      ['ent-a-signatory', 'COMPANY_REVIEW'],
      ['school-a-registrar', 'SCHOOL_REVIEW'],
    ] as const) {
      const taskId = await taskOf(user, cohortId, stage);
      const cohort = (await api.as(user).get(`/cohorts/${cohortId}`)).body;
      const decision =
        stage === 'SCHOOL_REVIEW' ? makeEnrolment(cohort.apprentices) : { decision: 'approve' };
      expect((await api.as(user).post(`/tasks/${taskId}/decision`, decision, key())).status).toBe(200);
      await runtime.idle();
    }
    const taskId = await taskOf('bureau-reviewer', cohortId, 'BUREAU_REVIEW');
    const filed = await measure(() =>
      api.as('bureau-reviewer').post(`/tasks/${taskId}/decision`, { decision: 'approve' }, key()),
    );
    return { cohortId, work: filed.api };
  }

  it('an import writes its rows in batches, then switches the pointers in one transaction with its audit record; a filing adds the check to its own transaction', async () => {
    // Before the district's first import: no check, one ConditionCheck that it has none.
    const unchecked = await fileMeasured(cohortBody(3));

    const body = cohortBody(3);
    const lines = insuredThroughout(
      body.apprentices,
      { enterpriseId: ENT_A, districtCode: '110108' },
      '2027-03',
      '2027-03',
    );
    const imported = await measure(
      () =>
        api.as('bureau-admin').post('/employment-records/imports', undefined, {
          raw: contributionCsv(lines),
          contentType: 'text/csv',
          ...key(),
        }),
      201,
    );
    note('POST /employment-records/imports (3 rows)', imported.api);
    // One enterprise, one month: one item (3 persons × 2 look-up hashes), one BatchWriteItem. Reads: the idempotency record, the
    // pointers (one BatchGetItem), the register's head. One transaction: pointer + import + audit
    // record + head + idempotency record.
    expect(imported.api).toEqual({
      reads: ['GetItem', 'BatchGetItem', 'GetItem'],
      transactions: [5],
      other: ['BatchWriteItem'],
    });

    const checked = await fileMeasured(body);
    note('decision at BUREAU_REVIEW (employment check, 3 apprentices)', checked.work);
    // Both read the register's head and the enterprise's pointer (GetItems: the first learns that
    // the district has no register yet); the check adds the policy in force (a Query) and one
    // BatchGetItem of the window's months of the enterprise (every apprentice at once); in the
    // decision's own transaction its ConditionCheck stays and the run's record is added.
    const count = (work: Work, command: string) => work.reads.filter((read) => read === command).length;
    expect(count(checked.work, 'Query') - count(unchecked.work, 'Query')).toBe(1);
    expect(count(checked.work, 'BatchGetItem') - count(unchecked.work, 'BatchGetItem')).toBe(1);
    expect(count(checked.work, 'GetItem') - count(unchecked.work, 'GetItem')).toBe(0);
    expect(checked.work.transactions).toHaveLength(DECISION_TRANSACTIONS);
    expect(checked.work.transactions[0]! - unchecked.work.transactions[0]!).toBe(1);
    expect(checked.work.other).toEqual([]);

    const checks = await measure(() =>
      api.as('bureau-reviewer').get(`/cohorts/${checked.cohortId}/employment-checks`),
    );
    // The cohort (who may see it), then one Query of its runs.
    expect(checks.api).toEqual({ reads: ['GetItem', 'Query'], transactions: [], other: [] });
    expect(checks.response.body.items).toHaveLength(
      3 + body.apprentices.filter((a) => a.hireType === 'new_hire').length,
    );
  });

  it('an override and its confirmation: one transaction each, with the audit record and the chain head', async () => {
    const cohort = (await api.as('bureau-reviewer').get('/cohorts?limit=1')).body.items[0];
    const full = (await api.as('bureau-reviewer').get(`/cohorts/${cohort.cohortId}`)).body;
    const written = await measure(
      () =>
        api.as('bureau-reviewer').post(
          '/overrides',
          {
            caseId: full.cohortId,
            apprenticeIds: [full.apprentices[0].apprenticeId],
            check: 'employment',
            reason: '请求预算',
            caseReference: 'RB-1',
            expiresOn: '2099-12-31',
          },
          key(),
        ),
      201,
    );
    note('POST /overrides', written.api);
    // Reads: the idempotency record, the case as a claim (none), as a cohort, the chain head.
    expect(written.api).toEqual({ reads: Array(4).fill('GetItem'), transactions: [4], other: [] });
    const confirmed = await measure(() =>
      api.as('bureau-admin').post(`/overrides/${written.response.body.overrideId}/confirm`, undefined, key()),
    );
    note('POST /overrides/{overrideId}/confirm', confirmed.api);
    expect(confirmed.api).toEqual({ reads: Array(3).fill('GetItem'), transactions: [4], other: [] });
    const listed = await measure(() => api.as('bureau-treasurer').get('/overrides'));
    expect(listed.api).toEqual({ reads: ['Query'], transactions: [], other: [] });
  });
});
