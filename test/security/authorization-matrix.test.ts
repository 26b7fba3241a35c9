import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../infra/function-map.ts';
import type { Role } from '../../infra/local/demo-register.ts';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { makeEnrolment, makeRoster } from '../../scripts/lib/roster.ts';
import { districtInCity } from '../../shared/domain/principal.ts';
import { CLAIM_EXPECTED } from '../support/claim-authorization.ts';
import { cohortBody } from '../support/cohorts.ts';
import { recordReliability } from '../support/reliability.ts';
import { startTestRuntime } from '../support/runtime.ts';
import {
  BUREAU_A,
  BUREAU_B,
  type Caller,
  demoCaller,
  ENT_A,
  ENT_C,
  OTHER_CITY,
  type RawResponse,
  SCHOOL_A,
  send,
  syntheticCaller,
  tokenFor,
} from '../support/security.ts';

/**
 * The authorization matrix (issue 4): every route of the function map × every role × own and
 * foreign organisation × a cohort in each state, each answer checked against EXPECTED — a small
 * table written from domain.md and architecture.md, not read out of the code it checks.
 *
 * - 401 without a token; 403 for a role that may not call the route at all (decided before any
 *   case is looked up, so it says nothing about the case); 404 for a case the caller may not see,
 *   with the very body a case that never existed gets; 409 for a party acting out of turn or in
 *   the wrong state; otherwise the route's success status.
 * - No refusal (401/403/404) holds the case's data: names, ID numbers and phones (full or masked),
 *   agreement and employee numbers, the enterprise, its state.
 * - A refused call changes nothing: every shared cohort keeps its version, state and history.
 *   Calls that are expected to change a cohort run on a fresh cohort of their own.
 * - Lists (cohorts, inboxes) name exactly the cases the caller may see.
 *
 * The routes of filed cohorts, claims, budgets, policy and reports have their own table and fixtures
 * (test/support/claim-authorization.ts, run by authorization-claims.test.ts); a route of the function
 * map in neither table fails the first test.
 */

type State =
  | 'DRAFT'
  | 'COMPANY_REVIEW'
  | 'SCHOOL_REVIEW'
  | 'BUREAU_REVIEW'
  | 'RETURNED'
  | 'REJECTED'
  | 'WITHDRAWN'
  | 'FILED';
type Stage = 'COMPANY_REVIEW' | 'SCHOOL_REVIEW' | 'BUREAU_REVIEW';

const CLERK: Role = 'enterprise.clerk';
/** Every role but the municipal bureau's city.admin, which reads and never decides. */
const DECIDERS: readonly Role[] = [
  'enterprise.clerk',
  'enterprise.signatory',
  'school.registrar',
  'bureau.reviewer',
  'bureau.treasurer',
  'bureau.admin',
];
const REVIEWS: readonly Stage[] = ['COMPANY_REVIEW', 'SCHOOL_REVIEW', 'BUREAU_REVIEW'];
/** domain.md, "Cohort filing workflow": whose turn it is at each review. */
const TURN: Record<Stage, Role> = {
  COMPANY_REVIEW: 'enterprise.signatory',
  SCHOOL_REVIEW: 'school.registrar',
  BUREAU_REVIEW: 'bureau.reviewer',
};
/** domain.md: edit while DRAFT or RETURNED; withdraw from DRAFT, RETURNED or any review. */
const EDITABLE: readonly State[] = ['DRAFT', 'RETURNED'];
const WITHDRAWABLE: readonly State[] = ['DRAFT', 'RETURNED', ...REVIEWS];

interface Expectation {
  /** Who may call at all: 403 for every other role, before any case is looked up. */
  roles: 'public' | 'signed-in' | readonly Role[];
  /**
   * The case the route acts on: only its parties see it (404 for anyone else, as if absent). Or
   * the enterprise or school named by `orgId` (the register is public, so nothing is hidden): its
   * own users and the bureau of its district read it, anyone else gets 403, a code nobody
   * registered 404 — run over ORG_TARGETS, not the cohort fixtures.
   */
  scope?: 'cohort' | 'task' | 'organisation';
  /** Among the parties, only the one whose turn it is (403 for the others). */
  turn?: true;
  /** The states the action applies in; a party gets 409 in any other. */
  states?: readonly State[];
  /** Status of a call that is allowed and applies. */
  ok: number;
  /** The answer lists cases: it must name exactly those the caller may see. */
  lists?: 'cohorts' | 'tasks';
  /** A successful call appends an audit record without changing the case (reads of a full ID number). */
  auditedRead?: true;
  /** Written, handler ready, not in infra/function-map.ts yet: not reported as stale meanwhile. */
  awaitingFunctionMap?: true;
}

/** architecture.md "HTTP API contract" and domain.md "Parties, roles and what they may see". */
const EXPECTED: Record<string, Expectation> = {
  'GET /health': { roles: 'public', ok: 200 },
  'GET /openapi.json': { roles: 'public', ok: 200 },
  // The public notice page (issue 14): anyone, no token. No claim here is on notice, so an
  // objection is 404 for everyone alike (test/integration/public-notice.test.ts has the rest).
  'GET /public/notices': { roles: 'public', ok: 200 },
  'POST /public/notices/{claimId}/objections': { roles: 'public', ok: 404 },
  'GET /organisations': { roles: 'signed-in', ok: 200 },
  'GET /occupations': { roles: 'signed-in', ok: 200 },
  'GET /policy': { roles: 'signed-in', ok: 200 },
  'POST /cohorts': { roles: [CLERK], ok: 201 },
  'GET /cohorts': { roles: 'signed-in', ok: 200, lists: 'cohorts' },
  'GET /cohorts/{cohortId}': { roles: 'signed-in', scope: 'cohort', ok: 200 },
  'PATCH /cohorts/{cohortId}': { roles: [CLERK], scope: 'cohort', states: EDITABLE, ok: 200 },
  'POST /cohorts/{cohortId}/apprentices': { roles: [CLERK], scope: 'cohort', states: EDITABLE, ok: 201 },
  'DELETE /cohorts/{cohortId}/apprentices/{apprenticeId}': {
    roles: [CLERK],
    scope: 'cohort',
    states: EDITABLE,
    ok: 200,
  },
  'POST /cohorts/{cohortId}/submit': { roles: [CLERK], scope: 'cohort', states: EDITABLE, ok: 200 },
  'POST /cohorts/{cohortId}/withdraw': { roles: [CLERK], scope: 'cohort', states: WITHDRAWABLE, ok: 200 },
  'GET /cohorts/{cohortId}/history': { roles: 'signed-in', scope: 'cohort', ok: 200 },
  'GET /cohorts/{cohortId}/apprentices/{apprenticeId}/identity': {
    roles: ['bureau.reviewer'],
    scope: 'cohort',
    ok: 200,
    auditedRead: true,
  },
  'GET /tasks': { roles: 'signed-in', ok: 200, lists: 'tasks' },
  // The municipal bureau reads every district's cases and decides none (domain.md "Parties").
  'POST /tasks/{taskId}/decision': {
    roles: DECIDERS,
    scope: 'task',
    turn: true,
    states: REVIEWS,
    ok: 200,
  },
  // domain.md "Audit trail": a bureau verifies a case's hash chain (functions/api/verify-audit.ts).
  'GET /cohorts/{cohortId}/audit-verification': {
    roles: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin'],
    scope: 'cohort',
    ok: 200,
  },
  // Issue 16 item 10: an organisation's mentors with their loads.
  'GET /organisations/{orgId}/mentors': { roles: 'signed-in', scope: 'organisation', ok: 200 },
};

/** The organisations an organisation-scoped route is asked about, with the district of each. */
const ORG_TARGETS: readonly { orgId: string; districtCode?: string }[] = [
  { orgId: ENT_A, districtCode: BUREAU_A },
  { orgId: SCHOOL_A, districtCode: BUREAU_A },
  { orgId: ENT_C, districtCode: BUREAU_B },
  { orgId: '91350100M000100Y43' }, // a well-formed code nobody registered
];

interface Fixture {
  state: State;
  cohortId: string;
  version: number;
  /** Submitted at least once: schools and bureaus see a cohort from its first submission on. */
  submitted: boolean;
  startDate: string;
  apprentices: { apprenticeId: string }[];
  /** The open review task, or the last one decided (none before the first submission). */
  task?: { taskId: string; stage: Stage };
  /** What no refusal may contain. */
  secrets: string[];
  historyLength: number;
  /** A cohort that never existed (ids nobody issued). */
  ghost?: true;
}

/** How a route's path parameters are taken from a fixture. */
const PATH_PARAMETERS: Record<string, (fixture: Fixture) => string | undefined> = {
  cohortId: (fixture) => fixture.cohortId,
  apprenticeId: (fixture) => fixture.apprentices[0]?.apprenticeId,
  taskId: (fixture) => fixture.task?.taskId,
  /** No claim is made here: a public objection names one that never existed. */
  claimId: () => '01ARZ3NDEKTSV4RRFFQ69G5FAV',
};

/**
 * What each route is sent: a request that would succeed if the caller were allowed, so a hole in
 * the checks shows as a success (and a changed cohort) rather than hiding behind a 400.
 */
const REQUESTS: Record<string, (fixture: Fixture) => { body?: unknown; query?: string }> = {
  'GET /organisations': () => ({ query: 'limit=100' }),
  'GET /cohorts': () => ({ query: 'limit=100' }),
  'GET /tasks': () => ({ query: 'limit=100' }),
  'GET /public/notices': () => ({ query: 'districtCode=110108' }),
  'POST /public/notices/{claimId}/objections': () => ({
    body: { name: '张三', contact: '13912345678', text: '该企业学徒未到岗参训' },
  }),
  'GET /cohorts/{cohortId}/history': () => ({ query: 'limit=100' }),
  'POST /cohorts': () => ({ body: cohortBody(1) }),
  'PATCH /cohorts/{cohortId}': (fixture) => ({
    body: { version: fixture.version, plannedHours: { total: 1300, concentrated: 320 } },
  }),
  'POST /cohorts/{cohortId}/apprentices': (fixture) => ({
    body: makeRoster({ count: 1, mentorKeys: ['m1'], contractStart: fixture.startDate, contractEnd: null }),
  }),
  'POST /cohorts/{cohortId}/withdraw': () => ({ body: { reason: '计划调整' } }),
  'GET /cohorts/{cohortId}/apprentices/{apprenticeId}/identity': () => ({
    query: `reason=${encodeURIComponent('核对身份信息')}`,
  }),
  'POST /tasks/{taskId}/decision': (fixture) => ({
    body:
      fixture.task?.stage === 'SCHOOL_REVIEW' ? makeEnrolment(fixture.apprentices) : { decision: 'approve' },
  }),
};

interface Who {
  caller?: Caller;
  relation: 'own' | 'foreign' | 'anonymous';
  token?: string;
}

const OWN = [
  'ent-a-clerk',
  'ent-a-signatory',
  'school-a-registrar',
  'bureau-reviewer',
  'bureau-treasurer',
  'bureau-admin',
  'city-admin', // the municipal bureau of the cohorts' city (110000 ⊃ 110108)
];
const FOREIGN: Caller[] = [
  demoCaller('ent-b-clerk'), // another enterprise of the same district
  demoCaller('ent-c-clerk'), // an enterprise of another district
  demoCaller('ent-b-signatory'),
  demoCaller('ent-c-signatory'),
  demoCaller('school-b-registrar'),
  demoCaller('bureau2-reviewer'),
  syntheticCaller('bureau.treasurer', BUREAU_B),
  syntheticCaller('bureau.admin', BUREAU_B),
  syntheticCaller('city.admin', OTHER_CITY), // another city's municipal bureau (Shanghai)
];
const ROLES: readonly Role[] = [
  'enterprise.clerk',
  'enterprise.signatory',
  'school.registrar',
  'bureau.reviewer',
  'bureau.treasurer',
  'bureau.admin',
  'city.admin',
];

const routed = FUNCTIONS.filter((spec) => spec.route !== undefined).map((spec) => spec.route!);

let runtime: RunningRuntime;
let api: ApiClient;
let dataDir: string;
const who: Who[] = [];

beforeAll(async () => {
  ({ runtime, api, dataDir } = await startTestRuntime());
  for (const username of OWN) {
    const caller = demoCaller(username);
    who.push({ caller, relation: 'own', token: await api.token(username) });
  }
  for (const caller of FOREIGN) {
    const token = caller.username.startsWith('synthetic-')
      ? await tokenFor(dataDir, caller)
      : await api.token(caller.username);
    who.push({ caller, relation: 'foreign', token });
  }
  who.push({ relation: 'anonymous' });
});
afterAll(async () => {
  await runtime?.stop();
});

function kindOf(role: Role) {
  return role.split('.')[0] as 'enterprise' | 'school' | 'bureau' | 'city';
}

/**
 * domain.md: an enterprise sees its own cases, a school those naming it, a bureau those of its
 * district, the municipal bureau those of every district of its city (the "own" city-admin).
 */
function sees(caller: Who, fixture: Fixture): boolean {
  if (fixture.ghost || caller.relation !== 'own' || !caller.caller) return false;
  // Drafts are the enterprise's own until the first submission (see cohort-filing.test.ts).
  return kindOf(caller.caller.role) === 'enterprise' || fixture.submitted;
}

function expectedStatus(expectation: Expectation, caller: Who, fixture: Fixture | undefined): number {
  if (expectation.roles === 'public') return expectation.ok;
  if (!caller.caller) return 401;
  if (expectation.roles !== 'signed-in' && !expectation.roles.includes(caller.caller.role)) return 403;
  if (expectation.scope && fixture) {
    if (!sees(caller, fixture)) return 404;
    if (expectation.turn && fixture.task && caller.caller.role !== TURN[fixture.task.stage]) return 403;
    if (expectation.states && !expectation.states.includes(fixture.state)) return 409;
  }
  return expectation.ok;
}

function describeWho(caller: Who) {
  return caller.caller ? `${caller.caller.username} (${caller.relation})` : 'anonymous';
}

function pathOf(route: string, fixture: Fixture | undefined): string | undefined {
  const [, template] = route.split(' ') as [string, string];
  let missing = false;
  const path = template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = fixture || name === 'claimId' ? PATH_PARAMETERS[name]?.(fixture!) : undefined;
    if (value === undefined) missing = true;
    return encodeURIComponent(value ?? '');
  });
  return missing ? undefined : path;
}

/** The answer with the ids of the request replaced, to compare a refusal with a ghost's. */
function normalise(text: string, fixture: Fixture): string {
  let out = text;
  for (const id of [
    fixture.cohortId,
    fixture.task?.taskId,
    ...fixture.apprentices.map((a) => a.apprenticeId),
  ])
    if (id) out = out.replaceAll(id, '<id>');
  return out;
}

async function paged(token: string, path: string): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: RawResponse = await send(runtime.url, {
      method: 'GET',
      path: `${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      token,
    });
    expect(page.status, page.text).toBe(200);
    seen.push(page.text);
    cursor = page.body.nextCursor;
  } while (cursor);
  return seen;
}

async function fixtureIn(state: State): Promise<Fixture> {
  const body = cohortBody(3);
  const clerk = api.as('ent-a-clerk');
  const created = await clerk.post('/cohorts', body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const cohortId: string = created.body.cohortId;
  const apprentices: { apprenticeId: string }[] = created.body.apprentices;
  let task: Fixture['task'];
  const open = async (stage: Stage) => {
    const user = {
      COMPANY_REVIEW: 'ent-a-signatory',
      SCHOOL_REVIEW: 'school-a-registrar',
      BUREAU_REVIEW: 'bureau-reviewer',
    }[stage];
    task = { taskId: (await api.waitForTask(user, cohortId, stage)).taskId, stage };
    return user;
  };
  const decide = async (stage: Stage, decision: Record<string, unknown>) => {
    const user = await open(stage);
    const answer = await api.as(user).post(`/tasks/${task!.taskId}/decision`, decision);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  };
  if (state !== 'DRAFT') expect((await clerk.post(`/cohorts/${cohortId}/submit`)).status).toBe(200);
  if (state === 'COMPANY_REVIEW') await open('COMPANY_REVIEW');
  if (state === 'RETURNED') await decide('COMPANY_REVIEW', { decision: 'return', reason: '材料不全' });
  if (state === 'REJECTED') await decide('COMPANY_REVIEW', { decision: 'reject', reason: '不符合条件' });
  if (state === 'WITHDRAWN') {
    await open('COMPANY_REVIEW');
    expect((await clerk.post(`/cohorts/${cohortId}/withdraw`, { reason: '计划调整' })).status).toBe(200);
  }
  if (['SCHOOL_REVIEW', 'BUREAU_REVIEW', 'FILED'].includes(state)) {
    await decide('COMPANY_REVIEW', { decision: 'approve' });
    if (state === 'SCHOOL_REVIEW') await open('SCHOOL_REVIEW');
    else await decide('SCHOOL_REVIEW', makeEnrolment(apprentices));
    if (state === 'BUREAU_REVIEW') await open('BUREAU_REVIEW');
    if (state === 'FILED') await decide('BUREAU_REVIEW', { decision: 'approve' });
  }
  await runtime.idle();
  const view = await clerk.get(`/cohorts/${cohortId}`);
  expect(view.body.status, `fixture ${state}`).toBe(state);
  const history = await clerk.get(`/cohorts/${cohortId}/history?limit=100`);
  return {
    state,
    cohortId,
    version: view.body.version,
    submitted: state !== 'DRAFT',
    startDate: body.startDate,
    apprentices,
    ...(task ? { task } : {}),
    historyLength: history.body.items.length,
    secrets: [
      body.enterpriseMentors[0]!.employeeNo,
      body.agreements.schoolAgreementNo,
      body.agreements.apprenticeAgreementNo,
      '91110108MA01AAAA0M',
      state,
      ...body.apprentices.flatMap((apprentice) => [apprentice.name, apprentice.idNumber, apprentice.phone]),
      ...(view.body.apprentices as { idNumber: string; phone: string }[]).flatMap((a) => [
        a.idNumber,
        a.phone,
      ]),
    ],
  };
}

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

describe('the authorization table', () => {
  it('has an expectation for every route of the function map, and a fixture for every path parameter', () => {
    const missing = routed.filter((route) => !(route in EXPECTED) && !(route in CLAIM_EXPECTED));
    expect(
      missing,
      `add an expectation to EXPECTED here or to CLAIM_EXPECTED in test/support/claim-authorization.ts for: ${missing.join(', ')}`,
    ).toEqual([]);
    const stale = Object.keys(EXPECTED).filter(
      (route) => !routed.includes(route as never) && !EXPECTED[route]!.awaitingFunctionMap,
    );
    expect(stale, `EXPECTED names routes the function map no longer has: ${stale.join(', ')}`).toEqual([]);
    const parameters = [
      ...new Set(
        routed
          .filter((route) => route in EXPECTED && EXPECTED[route]!.scope !== 'organisation')
          .flatMap((route) => [...route.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)),
      ),
    ];
    const unknown = parameters.filter((name) => !(name in PATH_PARAMETERS));
    expect(unknown, `add a fixture for path parameter(s) ${unknown.join(', ')} to PATH_PARAMETERS`).toEqual(
      [],
    );
  });

  it('covers every role with a caller of the case’s own organisation and of a foreign one', () => {
    for (const role of ROLES) {
      expect(
        OWN.map(demoCaller).some((caller) => caller.role === role),
        `own ${role}`,
      ).toBe(true);
      expect(
        FOREIGN.some((caller) => caller.role === role),
        `foreign ${role}`,
      ).toBe(true);
    }
  });
});

describe('every route × role × own/foreign organisation × cohort state', () => {
  it('answers as the table says, leaks nothing, and changes nothing it refuses', async ({
    task: testTask,
  }) => {
    const states: State[] = [
      'DRAFT',
      'COMPANY_REVIEW',
      'SCHOOL_REVIEW',
      'BUREAU_REVIEW',
      'RETURNED',
      'REJECTED',
      'WITHDRAWN',
      'FILED',
    ];
    const fixtures = await Promise.all(states.map((state) => fixtureIn(state)));
    const ghost: Fixture = {
      state: 'DRAFT',
      cohortId: ulid(),
      version: 1,
      submitted: true,
      startDate: '2027-03-01',
      apprentices: [{ apprenticeId: ulid() }],
      task: { taskId: ulid(), stage: 'COMPANY_REVIEW' },
      secrets: [],
      historyLength: 0,
      ghost: true,
    };
    const problems: string[] = [];
    let cases = 0;
    let invariants = 0;
    const auditedReads = new Map<string, number>();
    const ghostAnswers = new Map<string, string>();
    const deferred: (() => Promise<void>)[] = [];

    type Case = { route: string; caller: Who; fixture: Fixture | undefined };
    const all: Case[] = [];
    for (const route of routed) {
      const expectation = EXPECTED[route];
      if (!expectation) continue; // reported by the test above
      if (expectation.scope === 'organisation') continue; // the organisation test below
      for (const caller of who) {
        if (!expectation.scope) {
          all.push({ route, caller, fixture: undefined });
          continue;
        }
        for (const fixture of [ghost, ...fixtures]) {
          if (pathOf(route, fixture) === undefined) continue; // e.g. no task before the first submission
          all.push({ route, caller, fixture });
        }
      }
    }

    const run = async ({ route, caller, fixture }: Case, target: Fixture | undefined) => {
      const expectation = EXPECTED[route]!;
      const expected = expectedStatus(expectation, caller, target);
      const [method] = route.split(' ') as [string];
      const request = REQUESTS[route]?.(target ?? ghost) ?? {};
      const path = pathOf(route, target)!;
      const answer = await send(runtime.url, {
        method,
        path: request.query ? `${path}?${request.query}` : path,
        token: caller.token,
        body: request.body,
      });
      cases++;
      invariants++;
      const where = `${route} as ${describeWho(caller)}${fixture ? ` on ${fixture.ghost ? 'a cohort that never existed' : fixture.state}` : ''}`;
      if (answer.status !== expected) {
        problems.push(`${where}: expected ${expected}, got ${answer.status} ${answer.text.slice(0, 160)}`);
        return;
      }
      if (expectation.auditedRead && expected === 200 && target && !target.ghost)
        auditedReads.set(target.cohortId, (auditedReads.get(target.cohortId) ?? 0) + 1);
      if ([401, 403, 404].includes(answer.status)) {
        invariants++;
        const leaked = (target?.secrets ?? []).filter((secret) => answer.text.includes(secret));
        if (leaked.length > 0 || answer.body?.current !== undefined)
          problems.push(
            `${where}: the ${answer.status} answer leaks ${leaked.length} value(s) of the case or its state`,
          );
      }
      if (answer.status === 404 && target) {
        invariants++;
        const key = `${route} ${describeWho(caller)}`;
        if (target.ghost) ghostAnswers.set(key, normalise(answer.text, target));
        else
          deferred.push(async () => {
            const ghostText = ghostAnswers.get(key);
            if (ghostText !== normalise(answer.text, target))
              problems.push(
                `${where}: the 404 differs from a never-existing case's (${answer.text.slice(0, 120)} vs ${ghostText?.slice(0, 120)})`,
              );
          });
      }
    };

    // Everything that must not change a cohort, on the shared fixtures; the ghost first (its 404s are the reference).
    const changes = (c: Case) => {
      const expected = expectedStatus(EXPECTED[c.route]!, c.caller, c.fixture);
      return (
        c.fixture !== undefined &&
        !c.fixture.ghost &&
        !c.route.startsWith('GET ') &&
        expected >= 200 &&
        expected < 300
      );
    };
    const refusedOrReads = all.filter((c) => !changes(c));
    await pool(
      refusedOrReads.filter((c) => c.fixture?.ghost),
      6,
      (c) => run(c, c.fixture),
    );
    await pool(
      refusedOrReads.filter((c) => !c.fixture?.ghost),
      6,
      (c) => run(c, c.fixture),
    );
    for (const check of deferred) await check();

    // Lists name exactly what the caller may see.
    for (const caller of who) {
      if (!caller.token) continue;
      const cohortsPages = (await paged(caller.token, '/cohorts')).join('\n');
      const inbox = (await paged(caller.token, '/tasks')).join('\n');
      for (const fixture of fixtures) {
        cases += 2;
        invariants += 2;
        const listed = cohortsPages.includes(fixture.cohortId);
        if (listed !== sees(caller, fixture))
          problems.push(
            `GET /cohorts as ${describeWho(caller)}: ${listed ? 'lists' : 'omits'} the ${fixture.state} cohort`,
          );
        const open = fixture.task && (REVIEWS as readonly string[]).includes(fixture.state);
        const mine = Boolean(
          open && sees(caller, fixture) && caller.caller?.role === TURN[fixture.task!.stage],
        );
        const inInbox = fixture.task ? inbox.includes(fixture.task.taskId) : false;
        if (inInbox !== mine)
          problems.push(
            `GET /tasks as ${describeWho(caller)}: ${inInbox ? 'holds' : 'lacks'} the task of the ${fixture.state} cohort`,
          );
      }
    }

    // Nothing refused changed a shared cohort; reads of a full ID number left one audit record each.
    const clerk = api.as('ent-a-clerk');
    await runtime.idle();
    for (const fixture of fixtures) {
      invariants++;
      const view = await clerk.get(`/cohorts/${fixture.cohortId}`);
      const history = await clerk.get(`/cohorts/${fixture.cohortId}/history?limit=100`);
      const expectedHistory = fixture.historyLength + (auditedReads.get(fixture.cohortId) ?? 0);
      if (
        view.body.status !== fixture.state ||
        view.body.version !== fixture.version ||
        history.body.items.length !== expectedHistory
      )
        problems.push(
          `the ${fixture.state} cohort changed: now ${view.body.status} v${view.body.version} with ${history.body.items.length} audit records (expected v${fixture.version}, ${expectedHistory})`,
        );
    }

    // Calls that are allowed to change a cohort, each on a fresh cohort in the state it names.
    const changing = all.filter(changes);
    await pool(changing, 3, async (c) => {
      const fresh = await fixtureIn(c.fixture!.state);
      await run(c, fresh);
    });

    recordReliability(testTask, {
      authorizationCases: cases,
      invariantsChecked: invariants,
      invariantsViolated: problems.length,
    });
    console.info(
      `authorization cases: ${cases} (${routed.filter((route) => route in EXPECTED).length} routes × ${who.length} callers × ${fixtures.length} cohort states and a never-existing one, and their lists)`,
    );
    expect(problems, problems.slice(0, 40).join('\n')).toEqual([]);
  }, 600_000);
});

describe('every organisation route × role × organisation', () => {
  it('answers as the table says and leaks no mentor of the organisation to a refused caller', async () => {
    // Enterprise A has a mentor in the register (a draft gives them apprentices), to be leaked or not.
    const body = cohortBody(2);
    const created = await api.as('ent-a-clerk').post('/cohorts', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const secret = body.enterpriseMentors[0]!.employeeNo;
    const problems: string[] = [];
    let cases = 0;
    for (const route of routed.filter((r) => EXPECTED[r]?.scope === 'organisation')) {
      const expectation = EXPECTED[route]!;
      const [method, template] = route.split(' ') as [string, string];
      for (const caller of who)
        for (const target of ORG_TARGETS) {
          const expected = !caller.caller
            ? 401
            : expectation.roles !== 'signed-in' &&
                expectation.roles !== 'public' &&
                !expectation.roles.includes(caller.caller.role)
              ? 403
              : !target.districtCode
                ? 404
                : caller.caller.orgId === target.orgId ||
                    (kindOf(caller.caller.role) === 'bureau' &&
                      caller.caller.orgId === target.districtCode) ||
                    (kindOf(caller.caller.role) === 'city' &&
                      districtInCity(caller.caller.orgId, target.districtCode))
                  ? expectation.ok
                  : 403;
          const answer = await send(runtime.url, {
            method,
            path: `${template.replace('{orgId}', target.orgId)}?limit=100`,
            token: caller.token,
          });
          cases++;
          const where = `${route} as ${describeWho(caller)} on ${target.orgId}`;
          if (answer.status !== expected)
            problems.push(
              `${where}: expected ${expected}, got ${answer.status} ${answer.text.slice(0, 160)}`,
            );
          else if (answer.status >= 400 && answer.text.includes(secret))
            problems.push(`${where}: the ${answer.status} answer names a mentor`);
          else if (answer.status === 200 && target.orgId === ENT_A && !answer.text.includes(secret))
            problems.push(`${where}: the register lacks the mentor of the draft`);
        }
    }
    console.info(`organisation authorization cases: ${cases}`);
    expect(problems, problems.slice(0, 40).join('\n')).toEqual([]);
  }, 120_000);
});
