import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient, ApiResponse } from '../../scripts/lib/api-client.ts';
import { makeCohortBody, makeEnrolment, makeRoster } from '../../scripts/lib/roster.ts';
import { addDays, addMonths } from '../../shared/domain/dates.ts';
import { evidence, uploadClaimDocuments } from '../support/claims.ts';
import { SCHOOL_A } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * Issue 10's property: over random interleavings of create / PATCH / add / withdraw / submit /
 * approve / pay across two cohorts that share persons, on the embedded runtime (DynamoDB Local,
 * the local engine running the synthesized ASL, the local API):
 *
 * - no person is ever paid twice for the same occupation and level (a person counts in a final
 *   settlement when certified at the target level and not excluded as subsidised elsewhere);
 * - no advance exceeds its cap at the moment of release (the policy share of the entitlement of
 *   the apprentices still in training then, not counting persons another cohort was paid for).
 *
 * Both are checked by the test's own arithmetic from what the API shows, after every step.
 * MONEY_PROPERTY_RUNS sets the number of runs (default 4: each run is a few dozen API calls).
 */
const RUNS = Number(process.env.MONEY_PROPERTY_RUNS ?? 4);
const OCCUPATIONS = ['4-04-05-05', '4-04-05-01'] as const;

let runtime: RunningRuntime;
let api: ApiClient;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
  // Runs move the clock years ahead: each year the bureau approves in needs a budget.
  for (let year = 2031; year <= 2060; year++) {
    const put = await api.as('bureau-admin').put(`/budgets/110108/${year}`, { budgetFen: 1_000_000_000 });
    expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);
  }
});
afterAll(async () => {
  await runtime?.stop();
});

type Action =
  | { kind: 'create'; slot: number; persons: number[]; occupation: number }
  | { kind: 'patch'; slot: number; occupation: number }
  | { kind: 'add'; slot: number; person: number }
  | { kind: 'withdraw'; slot: number; row: number }
  | { kind: 'submit'; slot: number }
  | { kind: 'approve'; slot: number }
  | { kind: 'advance'; slot: number }
  | { kind: 'final'; slot: number }
  | { kind: 'pay'; slot: number };

const slot = fc.integer({ min: 0, max: 1 });
/** Steps that move money come more often than edits, so that runs reach payments. */
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      slot,
      persons: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }),
      occupation: fc.integer({ min: 0, max: 1 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('patch' as const),
      slot,
      occupation: fc.integer({ min: 0, max: 1 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('add' as const), slot, person: fc.integer({ min: 0, max: 2 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('withdraw' as const),
      slot,
      row: fc.integer({ min: 0, max: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('submit' as const), slot }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('approve' as const), slot }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), slot }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('final' as const), slot }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('pay' as const), slot }) },
);

/**
 * Every run starts from a filed cohort holding all three persons with its advance on the way, and
 * ends by paying whatever can be paid; everything between is random.
 */
const PREFIX: Action[] = [
  { kind: 'create', slot: 0, persons: [0, 1, 2], occupation: 0 },
  { kind: 'submit', slot: 0 },
  { kind: 'approve', slot: 0 },
  { kind: 'approve', slot: 0 },
  { kind: 'approve', slot: 0 },
  { kind: 'advance', slot: 0 },
];
const SUFFIX: Action[] = [
  { kind: 'pay', slot: 0 },
  { kind: 'pay', slot: 1 },
  { kind: 'final', slot: 0 },
  { kind: 'pay', slot: 0 },
  { kind: 'final', slot: 1 },
  { kind: 'pay', slot: 1 },
];
const SEED = Number(process.env.MONEY_PROPERTY_SEED ?? 20261202);
/** What the runs did, so that a run that never reached a payment cannot pass unnoticed. */
const seen = { steps: 0, advancesPaid: 0, finalsPaid: 0, refused: 0 };

/** What the test knows of one run: the persons, and which person each apprentice of each cohort is. */
interface World {
  persons: ReturnType<typeof makeRoster>;
  slots: (string | undefined)[];
  personOf: Map<string, number>;
  today: string;
  cases: string[];
}

const REVIEW_USER: Record<string, string> = {
  COMPANY_REVIEW: 'ent-a-signatory',
  SCHOOL_REVIEW: 'school-a-registrar',
  BUREAU_REVIEW: 'bureau-reviewer',
};

describe('issue 10 · property: no double subsidy and no advance above its cap, whatever the interleaving', () => {
  it(`holds over ${RUNS} random interleavings of two cohorts sharing persons`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 10, maxLength: 20 }), async (random) => {
        const actions = [...PREFIX, ...random, ...SUFFIX];
        const world: World = {
          persons: makeRoster({
            count: 3,
            mentorKeys: ['m1'],
            contractStart: '2027-01-01',
            contractEnd: null,
          }),
          slots: [undefined, undefined],
          personOf: new Map(),
          today: (await api.now()).toISOString().slice(0, 10),
          cases: [],
        };
        for (const step of actions) {
          seen.steps++;
          await perform(world, step);
          await runtime.idle();
          await checkNoDoubleSubsidy(world);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true, verbose: true },
    );
    console.info(
      `money property: ${RUNS} runs (seed ${SEED}), ${seen.steps} steps, ${seen.advancesPaid} advances and ${seen.finalsPaid} final settlements paid, ${seen.refused} steps refused by the rules`,
    );
    // Not vacuous: the runs reached both kinds of payment.
    expect(seen.advancesPaid).toBeGreaterThan(0);
    expect(seen.finalsPaid).toBeGreaterThan(0);
  }, 900_000);
});

async function perform(world: World, step: Action): Promise<void> {
  const cohortId = world.slots[step.slot];
  const cohort = cohortId ? await cohortOf(cohortId) : undefined;
  switch (step.kind) {
    case 'create': {
      if (cohort && !['COMPLETED', 'REJECTED', 'WITHDRAWN'].includes(cohort.status)) return;
      const start = addDays(world.today, 1);
      const made = makeCohortBody({
        schoolId: SCHOOL_A,
        startDate: start,
        endDate: addDays(addMonths(start, 12), -1),
        count: step.persons.length,
        occupationCode: OCCUPATIONS[step.occupation],
      });
      step.persons.forEach((person, index) => {
        made.apprentices[index] = {
          ...made.apprentices[index]!,
          idNumber: world.persons[person]!.idNumber,
          name: world.persons[person]!.name,
          contract: { startDate: start, endDate: null },
        };
      });
      const created = await refusedOr(api.as('ent-a-clerk').post('/cohorts', made), 201);
      if (created.status !== 201) return;
      world.slots[step.slot] = created.body.cohortId;
      world.cases.push(created.body.cohortId);
      created.body.apprentices.forEach((apprentice: { apprenticeId: string }, index: number) => {
        world.personOf.set(apprentice.apprenticeId, step.persons[index]!);
      });
      return;
    }
    case 'patch': {
      if (!cohort || !['DRAFT', 'RETURNED'].includes(cohort.status)) return;
      await refusedOr(
        api.as('ent-a-clerk').patch(`/cohorts/${cohortId}`, {
          version: cohort.version,
          occupationCode: OCCUPATIONS[step.occupation],
        }),
        200,
      );
      return;
    }
    case 'add': {
      if (!cohort || !['DRAFT', 'RETURNED'].includes(cohort.status)) return;
      const [row] = makeRoster({
        count: 1,
        mentorKeys: [cohort.enterpriseMentors[0].key],
        contractStart: cohort.startDate,
        contractEnd: null,
      });
      const person = world.persons[step.person]!;
      const added = await refusedOr(
        api
          .as('ent-a-clerk')
          .post(`/cohorts/${cohortId}/apprentices`, [
            { ...row!, idNumber: person.idNumber, name: person.name },
          ]),
        201,
      );
      if (added.status === 201) world.personOf.set(added.body.apprentices.at(-1).apprenticeId, step.person);
      return;
    }
    case 'withdraw': {
      if (cohort?.status !== 'FILED') return;
      const apprentice = cohort.apprentices[step.row % cohort.apprentices.length];
      if (apprentice.status !== 'enrolled') return;
      if (world.today < cohort.startDate) await moveClock(world, cohort.startDate);
      await refusedOr(
        api.as('ent-a-clerk').post(`/cohorts/${cohortId}/apprentices/${apprentice.apprenticeId}/withdrawal`, {
          date: world.today,
          reason: 'resigned',
        }),
        200,
      );
      return;
    }
    case 'submit': {
      if (!cohort || !['DRAFT', 'RETURNED'].includes(cohort.status)) return;
      await refusedOr(api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`), 200);
      return;
    }
    case 'approve': {
      if (cohort && REVIEW_USER[cohort.status]) return approveStage(cohortId!, cohort);
      const claim = await openClaim(cohortId);
      if (claim?.status === 'BUREAU_REVIEW')
        await decideClaim(claim.claimId, 'bureau-reviewer', 'BUREAU_REVIEW');
      return;
    }
    case 'advance': {
      if (cohort?.status !== 'FILED' || (await openClaim(cohortId))) return;
      await claimThrough(world, cohortId!, 'advance');
      return;
    }
    case 'final': {
      if (!cohort || !['FILED', 'COMPLETED'].includes(cohort.status) || (await openClaim(cohortId))) return;
      if (world.today <= cohort.endDate) await moveClock(world, addDays(cohort.endDate, 2));
      const current = await cohortOf(cohortId!);
      for (const apprentice of current.apprentices) {
        if (apprentice.status !== 'enrolled') continue;
        await refusedOr(
          api
            .as('school-a-registrar')
            .post(`/cohorts/${cohortId}/apprentices/${apprentice.apprenticeId}/outcome`, {
              outcome: 'certified',
              certificate: {
                kind: 'skill_level',
                number: `C-${apprentice.apprenticeId}`,
                level: 4,
                issuedOn: world.today,
              },
            }),
          200,
        );
      }
      await claimThrough(world, cohortId!, 'final');
      return;
    }
    case 'pay': {
      const claim = await openClaim(cohortId);
      if (claim?.status !== 'PAYMENT') return;
      const task = await api.waitForTask('bureau-treasurer', claim.claimId, 'PAYMENT');
      const released = await refusedOr(
        api.as('bureau-treasurer').post(`/tasks/${task.taskId}/decision`, { decision: 'approve' }),
        200,
      );
      if (released.status === 200 && claim.kind === 'final') seen.finalsPaid++;
      if (released.status === 200 && claim.kind === 'advance') {
        seen.advancesPaid++;
        await checkAdvanceCap(world, cohortId!, released.body.claim);
      }
      return;
    }
  }
}

/** A refusal is a 4xx with a problem; anything 5xx fails the property. */
async function refusedOr(call: Promise<ApiResponse>, ok: number): Promise<ApiResponse> {
  const response = await call;
  expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
  if (response.status !== ok) {
    seen.refused++;
    expect(response.body?.detail, JSON.stringify(response.body)).toBeTruthy();
  }
  return response;
}

async function approveStage(cohortId: string, cohort: Record<string, any>): Promise<void> {
  const user = REVIEW_USER[cohort.status]!;
  const task = await findTask(user, cohortId, cohort.status);
  if (!task) return;
  const body =
    cohort.status === 'SCHOOL_REVIEW' ? makeEnrolment(cohort.apprentices) : { decision: 'approve' };
  await refusedOr(api.as(user).post(`/tasks/${task.taskId}/decision`, body), 200);
}

/** Prepare, submit, verify and approve a claim as far as the rules let it go (final: through the notice). */
async function claimThrough(world: World, cohortId: string, kind: 'advance' | 'final'): Promise<void> {
  const cohort = await cohortOf(cohortId);
  const documents = await uploadClaimDocuments(api, cohortId, kind);
  const prepared = await refusedOr(
    api
      .as('ent-a-clerk')
      .post('/claims', { cohortId, kind, evidence: evidence(cohort.apprentices, kind, documents) }),
    201,
  );
  if (prepared.status !== 201) return;
  const claimId = prepared.body.claimId as string;
  if (
    (
      await refusedOr(
        api.as('ent-a-signatory').post(`/claims/${claimId}/submit`, { commitment: { accepted: true } }),
        200,
      )
    ).status !== 200
  )
    return;
  await runtime.idle();
  const task = await findTask('school-a-registrar', claimId, 'SCHOOL_VERIFICATION');
  if (!task) return;
  const verified = await refusedOr(
    api.as('school-a-registrar').post(`/tasks/${task.taskId}/decision`, {
      decision: 'approve',
      attendance: cohort.apprentices
        .filter((apprentice: { status: string }) => apprentice.status !== 'withdrawn')
        .map((apprentice: { apprenticeId: string }) => ({
          apprenticeId: apprentice.apprenticeId,
          hours: 640,
        })),
      ...(kind === 'final' ? { outcomesConfirmed: true } : {}),
    }),
    200,
  );
  if (verified.status !== 200) return;
  await runtime.idle();
  await decideClaim(claimId, 'bureau-reviewer', 'BUREAU_REVIEW');
  const claim = (await api.as('ent-a-clerk').get(`/claims/${claimId}`)).body;
  if (claim.status === 'PUBLIC_NOTICE' && claim.notice) {
    await moveClock(world, addDays(claim.notice.endsAt.slice(0, 10), 1));
  }
}

async function decideClaim(claimId: string, user: string, stage: string): Promise<void> {
  const task = await findTask(user, claimId, stage);
  if (task)
    await refusedOr(api.as(user).post(`/tasks/${task.taskId}/decision`, { decision: 'approve' }), 200);
  await runtime.idle();
}

/** The claim of a cohort still on its way (not PAID, RETURNED, REJECTED or WITHDRAWN). */
async function openClaim(cohortId: string | undefined) {
  if (!cohortId) return undefined;
  const cohort = await cohortOf(cohortId);
  const open = (cohort.ledger?.claims ?? []).find(
    (claim: { status: string }) => !['PAID', 'REJECTED', 'WITHDRAWN', 'RETURNED'].includes(claim.status),
  );
  return open ? (await api.as('ent-a-clerk').get(`/claims/${open.claimId}`)).body : undefined;
}

async function findTask(user: string, caseId: string, stage: string) {
  return api.waitForTask(user, caseId, stage, 3_000).catch(() => undefined);
}

async function moveClock(world: World, date: string): Promise<void> {
  world.today = date;
  await api.setClock(`${date}T02:00:00Z`);
  await runtime.idle();
}

const cohortOf = async (cohortId: string) => (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;

/** Persons each PAID final claim of the run counts, by occupation: each person at most once. */
async function paidPersons(
  world: World,
): Promise<{ occupation: string; person: number; cohortId: string }[]> {
  const found: { occupation: string; person: number; cohortId: string }[] = [];
  for (const cohortId of world.cases) {
    const cohort = await cohortOf(cohortId);
    for (const entry of cohort.ledger?.claims ?? []) {
      if (entry.kind !== 'final' || entry.status !== 'PAID') continue;
      const claim = (await api.as('ent-a-clerk').get(`/claims/${entry.claimId}`)).body;
      const excluded = new Set(
        (claim.computation.excluded ?? []).map((e: { apprenticeId: string }) => e.apprenticeId),
      );
      for (const apprentice of cohort.apprentices) {
        const earns =
          apprentice.status === 'certified' && (apprentice.certificate?.level ?? 99) <= cohort.targetLevel;
        if (earns && !excluded.has(apprentice.apprenticeId)) {
          found.push({
            occupation: cohort.occupationCode,
            person: world.personOf.get(apprentice.apprenticeId)!,
            cohortId,
          });
        }
      }
    }
  }
  return found;
}

async function checkNoDoubleSubsidy(world: World): Promise<void> {
  const paid = await paidPersons(world);
  const seen = new Map<string, string>();
  for (const entry of paid) {
    const key = `${entry.occupation}#${entry.person}`;
    expect(seen.get(key), `person ${entry.person} paid twice for ${entry.occupation}`).toBeUndefined();
    seen.set(key, entry.cohortId);
  }
}

/** Right after a release: the advance is at most the share of who is in training and not subsidised elsewhere. */
async function checkAdvanceCap(world: World, cohortId: string, claim: { amountFen: number }): Promise<void> {
  const cohort = await cohortOf(cohortId);
  const subsidised = new Set(
    (await paidPersons(world))
      .filter((entry) => entry.cohortId !== cohortId && entry.occupation === cohort.occupationCode)
      .map((entry) => entry.person),
  );
  const entitlement = cohort.apprentices
    .filter(
      (apprentice: { status: string; apprenticeId: string }) =>
        apprentice.status !== 'withdrawn' && !subsidised.has(world.personOf.get(apprentice.apprenticeId)!),
    )
    .reduce((sum: number, apprentice: { entitlementFen: number }) => sum + apprentice.entitlementFen, 0);
  expect(claim.amountFen).toBeLessThanOrEqual(Math.floor(entitlement / 2));
}
