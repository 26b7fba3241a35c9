import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../infra/function-map.ts';
import type { Role } from '../../infra/local/demo-register.ts';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { sampleEvidenceFiles, uploadEvidence } from '../../scripts/lib/evidence.ts';
import { makeCohortBody, makeEnrolment } from '../../scripts/lib/roster.ts';
import {
  CLAIM_EXPECTED,
  CLAIM_TURN,
  type ClaimExpectation,
  type ClaimFixtureKind,
  type ClaimStage,
} from '../support/claim-authorization.ts';
import { evidence, uploadClaimDocuments } from '../support/claims.ts';
import { decide, SCHOOL_A } from '../support/cohorts.ts';
import { recordReliability } from '../support/reliability.ts';
import { startTestRuntime } from '../support/runtime.ts';
import {
  BUREAU_A,
  BUREAU_B,
  type Caller,
  demoCaller,
  ENT_A,
  ENT_B,
  OTHER_CITY,
  type RawResponse,
  send,
  syntheticCaller,
  tokenFor,
} from '../support/security.ts';

/**
 * The authorization matrix of filed cohorts, claims, budgets, policy and reports (issue 4): every
 * route of CLAIM_EXPECTED × every role × own and foreign organisation × a claim in each state (and
 * a filed cohort with no claim, and ids nobody issued), each answer checked against the table.
 * The same rules as the cohort matrix: 401 without a token, 403 for a role that may not call the
 * route, 404 for a case the caller may not see (the very body a never-existing case gets), 409
 * out of turn or state; no refusal holds the case's data; a refused call changes nothing; lists
 * name exactly what the caller may see. Calls that succeed and change a case run on a fresh one.
 */

const OPEN_STAGES: readonly ClaimFixtureKind[] = ['SCHOOL_VERIFICATION', 'BUREAU_REVIEW', 'PAYMENT'];

interface Fixture {
  kind: ClaimFixtureKind;
  cohortId: string;
  apprentices: { apprenticeId: string }[];
  claimId?: string;
  /** A STORED evidence document of the cohort. */
  documentId?: string;
  /** The claim's version and history length, to prove a refusal changed nothing. */
  version?: number;
  historyLength?: number;
  /** Submitted at least once: schools and bureaus see a claim from its submission on. */
  submitted: boolean;
  /** The open task, or the last one decided (none before the submission). */
  task?: { taskId: string; stage: ClaimStage };
  /** What no refusal may contain. */
  secrets: string[];
  ghost?: true;
}

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
  'city-admin', // the municipal bureau of the claims' city (110000 ⊃ 110108)
];
const FOREIGN: Caller[] = [
  demoCaller('ent-b-clerk'),
  demoCaller('ent-c-clerk'),
  demoCaller('ent-b-signatory'),
  demoCaller('ent-c-signatory'),
  demoCaller('school-b-registrar'),
  demoCaller('bureau2-reviewer'),
  syntheticCaller('bureau.treasurer', BUREAU_B),
  syntheticCaller('bureau.admin', BUREAU_B),
  syntheticCaller('city.admin', OTHER_CITY), // another city's municipal bureau, unregistered here
];

const routed = FUNCTIONS.filter((spec) => spec.route !== undefined).map((spec) => spec.route!);
const iso = (date: Date) => date.toISOString().slice(0, 10);

let runtime: RunningRuntime;
let api: ApiClient;
let dataDir: string;
let year: number;
let budgetFen: number;
const who: Who[] = [];

beforeAll(async () => {
  ({ runtime, api, dataDir } = await startTestRuntime());
  for (const username of OWN)
    who.push({ caller: demoCaller(username), relation: 'own', token: await api.token(username) });
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

const kindOf = (role: Role) => role.split('.')[0] as 'enterprise' | 'school' | 'bureau' | 'city';

/** domain.md: an enterprise sees its own claims, a school and a bureau a claim naming them once it is submitted. */
function seesClaim(caller: Who, fixture: Fixture): boolean {
  if (fixture.ghost || caller.relation !== 'own' || !caller.caller || !fixture.claimId) return false;
  return kindOf(caller.caller.role) === 'enterprise' || fixture.submitted;
}

/** Every fixture's cohort is filed: all three of its parties see it. */
function seesCohort(caller: Who, fixture: Fixture): boolean {
  return !fixture.ghost && caller.relation === 'own' && caller.caller !== undefined;
}

function expectedStatus(expectation: ClaimExpectation, caller: Who, fixture: Fixture | undefined): number {
  if (!caller.caller) return 401;
  const role = caller.caller.role;
  if (expectation.roles !== 'signed-in' && !expectation.roles.includes(role)) return 403;
  // 404 where the thing lives in the organisation's own partition (an override of the district).
  if (expectation.ownOrganisation && caller.relation !== 'own')
    return expectation.ownOrganisation === 404 ? 404 : 403;
  if (!fixture || !expectation.scope) return expectation.ok;
  if (expectation.scope === 'claim' && !seesClaim(caller, fixture)) return 404;
  if (expectation.scope === 'task') {
    if (!seesClaim(caller, fixture)) return 404;
    if (role !== CLAIM_TURN[fixture.task!.stage]) return 403;
  }
  if (expectation.scope === 'cohort' && !seesCohort(caller, fixture)) return 404;
  if (expectation.scope === 'body-cohort' && !seesCohort(caller, fixture)) return 400;
  if (expectation.states && !expectation.states.includes(fixture.kind)) return 409;
  return expectation.ok;
}

const describeWho = (caller: Who) =>
  caller.caller ? `${caller.caller.username} (${caller.relation})` : 'anonymous';

const PATH_PARAMETERS: Record<string, (fixture: Fixture | undefined) => string | undefined> = {
  cohortId: (fixture) => fixture?.cohortId,
  apprenticeId: (fixture) => fixture?.apprentices[0]?.apprenticeId,
  claimId: (fixture) => fixture?.claimId,
  documentId: (fixture) => fixture?.documentId,
  taskId: (fixture) => fixture?.task?.taskId,
  districtCode: () => BUREAU_A,
  year: () => String(year),
};

/** Where one route names another value than PATH_PARAMETERS does. */
const ROUTE_PATH_PARAMETERS: Record<string, Record<string, () => string>> = {
  'PUT /credit-blacklist/{enterpriseId}': { enterpriseId: () => ENT_A },
  'PUT /demand-lists/{period}': { period: () => '2027-Q1' },
  'DELETE /credit-blacklist/{enterpriseId}': { enterpriseId: () => ENT_B },
  'POST /overrides/{overrideId}/confirm': { overrideId: () => pendingOverrides.shift() ?? ulid() },
};
/** PENDING overrides written by a reviewer none of the callers is, one for each confirmation. */
const pendingOverrides: string[] = [];

function pathOf(route: string, fixture: Fixture | undefined): string | undefined {
  const [, template] = route.split(' ') as [string, string];
  let missing = false;
  const path = template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = (ROUTE_PATH_PARAMETERS[route]?.[name] ?? PATH_PARAMETERS[name]!)(fixture);
    if (value === undefined) missing = true;
    return encodeURIComponent(value ?? '');
  });
  return missing ? undefined : path;
}

/** The fixtures a route runs on: claim routes on every claim, the cohort routes on a few cohorts. */
function appliesTo(route: string, fixture: Fixture): boolean {
  const scope = CLAIM_EXPECTED[route]!.scope;
  if (scope === 'cohort' || scope === 'body-cohort')
    return ['FILED', 'PAID', 'PUBLIC_NOTICE'].includes(fixture.kind);
  return pathOf(route, fixture) !== undefined;
}

/** A request that would succeed if the caller were allowed, so a hole shows as a success, not a 400. */
let policyVersions = 0;
let today = '';
const REQUESTS: Record<string, (fixture: Fixture | undefined) => { body?: unknown; query?: string }> = {
  'GET /claims': () => ({ query: 'limit=100' }),
  'GET /claims/{claimId}/history': () => ({ query: 'limit=100' }),
  'GET /reports/subsidies': () => ({ query: `year=${year}` }),
  'GET /reports/liability': () => ({ query: `year=${year}` }),
  'GET /reports/pipeline': () => ({ query: `year=${year}` }),
  'GET /reports/stage-times': () => ({ query: `year=${year}` }),
  'GET /reports/demand': () => ({ query: 'period=2027-Q1' }),
  'PUT /demand-lists/{period}': () => ({
    body: { rows: [{ occupationCode: '4-04-05-05', demandRatio: 1.5 }] },
  }),
  'POST /claims': (fixture) => ({
    body: {
      cohortId: fixture!.cohortId,
      kind: 'advance',
      evidence: evidence(fixture!.apprentices, 'advance'),
    },
  }),
  'PATCH /claims/{claimId}': (fixture) => ({
    body: { version: fixture!.version, evidence: evidence(fixture!.apprentices, 'advance') },
  }),
  'POST /claims/{claimId}/submit': () => ({ body: { commitment: { accepted: true } } }),
  'POST /cohorts/{cohortId}/documents': () => ({
    body: {
      kind: 'sign_in_sheet',
      fileName: '签到表.pdf',
      contentType: 'application/pdf',
      sizeBytes: 2048,
      sha256: 'a'.repeat(64),
    },
  }),
  'POST /claims/{claimId}/objection': () => ({ body: { reason: '群众反映培训记录不实' } }),
  'POST /tasks/{taskId}/decision': (fixture) => ({
    body:
      fixture?.task?.stage === 'SCHOOL_VERIFICATION'
        ? {
            decision: 'approve',
            attendance: fixture.apprentices.map((a) => ({ apprenticeId: a.apprenticeId, hours: 640 })),
          }
        : { decision: 'approve' },
  }),
  'POST /cohorts/{cohortId}/apprentices/{apprenticeId}/withdrawal': () => ({
    body: { date: today, reason: 'resigned' },
  }),
  'POST /cohorts/{cohortId}/apprentices/{apprenticeId}/outcome': () => ({
    body: { outcome: 'not_certified' },
  }),
  'PUT /cohorts/{cohortId}/apprentices/{apprenticeId}/mentors': () => ({
    body: {
      schoolMentor: { key: `sm-${ulid().slice(-6)}`, name: '赵老师', teacherNo: `T${ulid().slice(-8)}` },
      reason: '原导师调离',
    },
  }),
  'PUT /budgets/{districtCode}/{year}': () => ({ body: { budgetFen } }),
  'PUT /credit-blacklist/{enterpriseId}': () => ({
    body: { from: '2099-01-01', to: '2099-12-31', reason: '授权矩阵：未来的列入' },
  }),
  'DELETE /credit-blacklist/{enterpriseId}': () => ({}),
  'POST /employment-records/imports': () => ({ body: { rows: [] } }),
  'GET /cohorts/{cohortId}/employment-checks': () => ({ query: 'limit=100' }),
  'GET /overrides': () => ({ query: 'limit=100' }),
  'POST /overrides': (fixture) => ({ body: overrideBody(fixture) }),
  'POST /overrides/{overrideId}/confirm': () => ({}),
  'PUT /policy': () => ({
    body: { ...currentPolicy, policyVersion: `2099-01-01.${++policyVersions}`, effectiveFrom: '2099-01-01' },
  }),
  'POST /policy/preview': () => ({
    body: { ...currentPolicy, policyVersion: '2099-01-01.99', effectiveFrom: '2099-01-01' },
  }),
};
let currentPolicy: Record<string, unknown>;

const overrideBody = (fixture: Fixture | undefined) => ({
  caseId: fixture?.claimId ?? fixture?.cohortId ?? ulid(),
  apprenticeIds: [fixture?.apprentices[0]?.apprenticeId ?? ulid()],
  check: 'employment',
  reason: '授权矩阵：核验例外',
  caseReference: 'AZ-1',
  expiresOn: '2099-12-31',
});

/** A cohort filed through its three approvals, its training as given. */
async function filedCohort(startDate: string, endDate: string) {
  const body = makeCohortBody({ schoolId: SCHOOL_A, startDate, endDate, count: 2 });
  const clerk = api.as('ent-a-clerk');
  const created = await clerk.post('/cohorts', body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const cohortId: string = created.body.cohortId;
  expect((await clerk.post(`/cohorts/${cohortId}/submit`)).status).toBe(200);
  await decide(api, 'ent-a-signatory', cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
  await decide(api, 'school-a-registrar', cohortId, 'SCHOOL_REVIEW', makeEnrolment(created.body.apprentices));
  await decide(api, 'bureau-reviewer', cohortId, 'BUREAU_REVIEW', { decision: 'approve' });
  return { cohortId, apprentices: created.body.apprentices as { apprenticeId: string }[], body };
}

/** The training window of cohorts made now: begun eleven months ago, ending next month (as the fault test's). */
async function window() {
  const now = await api.now();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));
  const end = new Date(Date.UTC(start.getUTCFullYear() + 1, start.getUTCMonth(), 0));
  return { startDate: iso(start), endDate: iso(end) };
}

async function taskFor(user: string, claimId: string, stage: ClaimStage) {
  return { taskId: (await api.waitForTask(user, claimId, stage)).taskId, stage };
}

async function decideClaim(user: string, fixture: Fixture, stage: ClaimStage, body: Record<string, unknown>) {
  fixture.task = await taskFor(user, fixture.claimId!, stage);
  const answer = await api.as(user).post(`/tasks/${fixture.task.taskId}/decision`, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  await runtime.idle();
}

/**
 * A fixture of the kind named. A PUBLIC_NOTICE one is a final claim, so it needs the clock past its
 * cohort's end: `filedBefore` is its cohort, filed before the clock moved.
 */
async function fixtureOf(
  kind: ClaimFixtureKind,
  filedBefore?: Awaited<ReturnType<typeof filedCohort>>,
): Promise<Fixture> {
  const dates = filedBefore ? undefined : await window();
  const cohort = filedBefore ?? (await filedCohort(dates!.startDate, dates!.endDate));
  const fixture: Fixture = {
    kind,
    cohortId: cohort.cohortId,
    apprentices: cohort.apprentices,
    submitted: false,
    secrets: [
      ENT_A,
      ...cohort.body.apprentices.flatMap((a) => [a.name, a.idNumber, a.phone]),
      cohort.body.agreements.schoolAgreementNo,
    ],
  };
  const [sheet] = await uploadEvidence(
    api,
    'ent-a-clerk',
    cohort.cohortId,
    sampleEvidenceFiles(cohort.cohortId, 'advance'),
  );
  fixture.documentId = sheet!.key.split('/')[2];
  if (kind !== 'FILED') {
    const claimKind = kind === 'PUBLIC_NOTICE' ? 'final' : 'advance';
    if (claimKind === 'final') {
      for (const apprentice of cohort.apprentices) {
        const outcome = await api
          .as('school-a-registrar')
          .post(`/cohorts/${cohort.cohortId}/apprentices/${apprentice.apprenticeId}/outcome`, {
            outcome: 'certified',
            certificate: {
              kind: 'skill_level',
              number: `AZ-${ulid().slice(-8)}`,
              level: 4,
              issuedOn: cohort.body.endDate,
            },
          });
        expect(outcome.status, JSON.stringify(outcome.body)).toBe(200);
      }
    }
    const proof = evidence(
      cohort.apprentices,
      claimKind,
      await uploadClaimDocuments(api, cohort.cohortId, claimKind),
    );
    proof.feeInvoiceNo = `FP-AZ-${ulid().slice(-10)}`;
    const prepared = await api
      .as('ent-a-clerk')
      .post('/claims', { cohortId: cohort.cohortId, kind: claimKind, evidence: proof });
    expect(prepared.status, JSON.stringify(prepared.body)).toBe(201);
    fixture.claimId = prepared.body.claimId;
    fixture.secrets.push(proof.feeInvoiceNo, kind);
    if (kind !== 'PREPARED') {
      const submitted = await api
        .as('ent-a-signatory')
        .post(`/claims/${fixture.claimId}/submit`, { commitment: { accepted: true } });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
      fixture.submitted = true;
      await runtime.idle();
      const attendance = cohort.apprentices.map((a) => ({ apprenticeId: a.apprenticeId, hours: 640 }));
      if (kind === 'SCHOOL_VERIFICATION')
        fixture.task = await taskFor('school-a-registrar', fixture.claimId!, 'SCHOOL_VERIFICATION');
      else if (kind === 'RETURNED')
        await decideClaim('school-a-registrar', fixture, 'SCHOOL_VERIFICATION', {
          decision: 'return',
          reason: '考勤表缺页',
        });
      else {
        const final = claimKind === 'final' ? { outcomesConfirmed: true } : {};
        await decideClaim('school-a-registrar', fixture, 'SCHOOL_VERIFICATION', {
          decision: 'approve',
          attendance,
          ...final,
        });
        if (kind === 'BUREAU_REVIEW')
          fixture.task = await taskFor('bureau-reviewer', fixture.claimId!, 'BUREAU_REVIEW');
        else await decideClaim('bureau-reviewer', fixture, 'BUREAU_REVIEW', { decision: 'approve' });
        if (kind === 'PAYMENT') fixture.task = await taskFor('bureau-treasurer', fixture.claimId!, 'PAYMENT');
        if (kind === 'PAID')
          await decideClaim('bureau-treasurer', fixture, 'PAYMENT', { decision: 'approve' });
        if (kind === 'PUBLIC_NOTICE') {
          const onNotice = (await api.as('ent-a-clerk').get(`/claims/${fixture.claimId}`)).body;
          expect(onNotice.currentTask?.stage, JSON.stringify(onNotice)).toBe('PUBLIC_NOTICE');
          fixture.task = { taskId: onNotice.currentTask.taskId, stage: 'PUBLIC_NOTICE' };
        }
      }
    }
    const view = await api.as('ent-a-clerk').get(`/claims/${fixture.claimId}`);
    expect(view.body.status, `fixture ${kind}`).toBe(kind);
    fixture.version = view.body.version;
    fixture.historyLength = (
      await api.as('ent-a-clerk').get(`/claims/${fixture.claimId}/history?limit=100`)
    ).body.items.length;
  }
  return fixture;
}

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function paged(token: string, path: string): Promise<string> {
  const pages: string[] = [];
  let cursor: string | null = null;
  do {
    const page: RawResponse = await send(runtime.url, {
      method: 'GET',
      path: `${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      token,
    });
    expect(page.status, page.text).toBe(200);
    pages.push(page.text);
    cursor = page.body.nextCursor;
  } while (cursor);
  return pages.join('\n');
}

describe('the claims authorization table', () => {
  it('names only routes of the function map, each with a request that would succeed', () => {
    const stale = Object.keys(CLAIM_EXPECTED).filter((route) => !routed.includes(route as never));
    expect(stale, `CLAIM_EXPECTED names routes the function map does not have: ${stale.join(', ')}`).toEqual(
      [],
    );
    const writes = Object.keys(CLAIM_EXPECTED).filter(
      (route) => !route.startsWith('GET ') && !(route in REQUESTS),
    );
    expect(writes, 'every changing route needs a request in REQUESTS').toEqual([]);
  });
});

describe('every claim route × role × own/foreign organisation × claim state', () => {
  it('answers as the table says, leaks nothing, and changes nothing it refuses', async ({
    task: testTask,
  }) => {
    currentPolicy = (await api.as('bureau-admin').get('/policy')).body;
    // Two final claims on public notice first (one shared, one for the objection that succeeds):
    // their cohorts end next month, so the clock moves past that end before the other fixtures.
    const { startDate, endDate } = await window();
    const noticeCohorts = await Promise.all([
      filedCohort(startDate, endDate),
      filedCohort(startDate, endDate),
    ]);
    await api.setClock(new Date(Date.parse(`${endDate}T02:00:00Z`) + 2 * 86_400_000).toISOString());
    await runtime.idle();
    const now = await api.now();
    today = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10); // China time
    year = now.getUTCFullYear();
    const [notice, spareNotice] = await Promise.all(
      noticeCohorts.map((cohort) => fixtureOf('PUBLIC_NOTICE', cohort)),
    );
    const kinds: ClaimFixtureKind[] = [
      'FILED',
      'PREPARED',
      'SCHOOL_VERIFICATION',
      'BUREAU_REVIEW',
      'PAYMENT',
      'PAID',
      'RETURNED',
    ];
    const fixtures = [notice!, ...(await Promise.all(kinds.map((kind) => fixtureOf(kind))))];
    budgetFen = (await api.as('bureau-admin').get(`/budgets/${BUREAU_A}/${year}`)).body.budgetFen;
    // The listing the DELETE of the table removes (far in the future: it stops no fixture).
    const toRemove = await api.as('bureau-admin').put(`/credit-blacklist/${ENT_B}`, {
      from: '2099-01-01',
      to: '2099-12-31',
      reason: '授权矩阵：待撤销',
    });
    expect(toRemove.status, JSON.stringify(toRemove.body)).toBe(201);
    // The overrides the confirmations of the table take, written by a reviewer of the district no caller is.
    const writer = await tokenFor(dataDir, syntheticCaller('bureau.reviewer', BUREAU_A));
    for (let index = 0; index < who.length + 2; index++) {
      const written = await send(runtime.url, {
        method: 'POST',
        path: '/overrides',
        token: writer,
        body: overrideBody(notice),
      });
      expect(written.status, written.text).toBe(201);
      pendingOverrides.push(JSON.parse(written.text).overrideId);
    }
    const ghost: Fixture = {
      kind: 'FILED',
      cohortId: ulid(),
      apprentices: [{ apprenticeId: ulid() }],
      claimId: ulid(),
      documentId: ulid(),
      version: 1,
      submitted: true,
      task: { taskId: ulid(), stage: 'BUREAU_REVIEW' },
      secrets: [],
      ghost: true,
    };

    const problems: string[] = [];
    let cases = 0;
    let invariants = 0;
    const ghostAnswers = new Map<string, string>();
    const deferred: (() => Promise<void>)[] = [];
    type Case = { route: string; caller: Who; fixture: Fixture | undefined };
    const all: Case[] = [];
    for (const route of Object.keys(CLAIM_EXPECTED)) {
      for (const caller of who) {
        if (!CLAIM_EXPECTED[route]!.scope) all.push({ route, caller, fixture: undefined });
        else
          for (const fixture of [ghost, ...fixtures])
            if (appliesTo(route, fixture)) all.push({ route, caller, fixture });
      }
    }

    const normalise = (text: string, fixture: Fixture) =>
      [
        fixture.cohortId,
        fixture.claimId,
        fixture.documentId,
        fixture.task?.taskId,
        ...fixture.apprentices.map((a) => a.apprenticeId),
      ].reduce((out: string, id) => (id ? out.replaceAll(id, '<id>') : out), text);

    const run = async ({ route, caller, fixture }: Case, target: Fixture | undefined) => {
      const expectation = CLAIM_EXPECTED[route]!;
      const expected = expectedStatus(expectation, caller, target);
      const [method] = route.split(' ') as [string];
      const request = REQUESTS[route]?.(target) ?? {};
      const path = pathOf(route, target)!;
      const answer = await send(runtime.url, {
        method,
        path: request.query ? `${path}?${request.query}` : path,
        token: caller.token,
        body: request.body,
      });
      cases++;
      invariants++;
      const where = `${route} as ${describeWho(caller)}${fixture ? ` on ${fixture.ghost ? 'ids nobody issued' : fixture.kind}` : ''}`;
      if (answer.status !== expected) {
        problems.push(`${where}: expected ${expected}, got ${answer.status} ${answer.text.slice(0, 200)}`);
        return;
      }
      if ([400, 401, 403, 404].includes(answer.status)) {
        invariants++;
        const leaked = (target?.secrets ?? []).filter((secret) => answer.text.includes(secret));
        if (leaked.length > 0 || answer.body?.current !== undefined)
          problems.push(
            `${where}: the ${answer.status} answer leaks ${leaked.length} value(s) of the case or its state`,
          );
      }
      if (route.startsWith('GET /reports/') && caller.relation === 'foreign' && answer.status === 200) {
        invariants++;
        if (answer.text.includes(ENT_A) || answer.text.includes(SCHOOL_A))
          problems.push(`${where}: another district's report names enterprise A or school A`);
      }
      if (
        (answer.status === 404 || (answer.status === 400 && expectation.scope === 'body-cohort')) &&
        target
      ) {
        invariants++;
        const key = `${route} ${describeWho(caller)}`;
        if (target.ghost) ghostAnswers.set(key, normalise(answer.text, target));
        else
          deferred.push(async () => {
            if (ghostAnswers.get(key) !== normalise(answer.text, target))
              problems.push(
                `${where}: the ${answer.status} differs from the answer for ids nobody issued (${answer.text.slice(0, 120)} vs ${ghostAnswers.get(key)?.slice(0, 120)})`,
              );
          });
      }
    };

    // Calls that change a case when they succeed run on a fresh fixture; everything else on the shared ones.
    const changes = (c: Case) => {
      const expected = expectedStatus(CLAIM_EXPECTED[c.route]!, c.caller, c.fixture);
      return (
        c.fixture !== undefined &&
        !c.fixture.ghost &&
        !c.route.startsWith('GET ') &&
        // Announcing a document adds a record beside the cohort; the cohort and its claims stay as they are.
        c.route !== 'POST /cohorts/{cohortId}/documents' &&
        // An override is kept in the district's own partition; the case it names stays as it is.
        c.route !== 'POST /overrides' &&
        expected >= 200 &&
        expected < 300
      );
    };
    const shared = all.filter((c) => !changes(c));
    await pool(
      shared.filter((c) => c.fixture?.ghost),
      6,
      (c) => run(c, c.fixture),
    );
    await pool(
      shared.filter((c) => !c.fixture?.ghost),
      6,
      (c) => run(c, c.fixture),
    );
    for (const check of deferred) await check();

    // Lists name exactly what the caller may see: claims, and claim tasks in the inbox.
    for (const caller of who) {
      if (!caller.token) continue;
      const claims = await paged(caller.token, '/claims');
      const inbox = await paged(caller.token, '/tasks');
      for (const fixture of fixtures.filter((f) => f.claimId)) {
        cases += 2;
        invariants += 2;
        const listed = claims.includes(fixture.claimId!);
        if (listed !== seesClaim(caller, fixture))
          problems.push(
            `GET /claims as ${describeWho(caller)}: ${listed ? 'lists' : 'omits'} the ${fixture.kind} claim`,
          );
        const mine =
          OPEN_STAGES.includes(fixture.kind) &&
          seesClaim(caller, fixture) &&
          caller.caller?.role === CLAIM_TURN[fixture.task!.stage];
        const inInbox = fixture.task ? inbox.includes(fixture.task.taskId) : false;
        if (inInbox !== mine)
          problems.push(
            `GET /tasks as ${describeWho(caller)}: ${inInbox ? 'holds' : 'lacks'} the task of the ${fixture.kind} claim`,
          );
      }
    }

    // Nothing refused changed a shared claim.
    await runtime.idle();
    for (const fixture of fixtures.filter((f) => f.claimId)) {
      invariants++;
      const view = (await api.as('ent-a-clerk').get(`/claims/${fixture.claimId}`)).body;
      const history = (await api.as('ent-a-clerk').get(`/claims/${fixture.claimId}/history?limit=100`)).body
        .items;
      if (
        view.status !== fixture.kind ||
        view.version !== fixture.version ||
        history.length !== fixture.historyLength
      )
        problems.push(
          `the ${fixture.kind} claim changed: now ${view.status} v${view.version} with ${history.length} audit records (expected v${fixture.version}, ${fixture.historyLength})`,
        );
    }

    // Calls allowed to change a case, each on a fresh fixture of its kind (the spare notice for the objection).
    const changing = all.filter(changes);
    let spare: Fixture | undefined = spareNotice;
    await pool(changing, 3, async (c) => {
      const kind = c.fixture!.kind;
      const fresh = kind === 'PUBLIC_NOTICE' ? spare : await fixtureOf(kind);
      if (kind === 'PUBLIC_NOTICE') spare = undefined;
      if (!fresh) {
        problems.push(
          `${c.route} as ${describeWho(c.caller)}: more than one success expected on a notice (one spare)`,
        );
        return;
      }
      await run(c, fresh);
    });

    recordReliability(testTask, {
      authorizationCases: cases,
      invariantsChecked: invariants,
      invariantsViolated: problems.length,
    });
    console.info(
      `claims authorization cases: ${cases} (${Object.keys(CLAIM_EXPECTED).length} routes × ${who.length} callers × ${fixtures.length} fixtures and ids nobody issued, and their lists; ${changing.length} successes on fresh fixtures)`,
    );
    expect(problems, problems.slice(0, 40).join('\n')).toEqual([]);
  }, 600_000);
});
