import { AsyncLocalStorage } from 'node:async_hooks';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionSpec } from '../../infra/function-map.ts';
import { DEMO_USERS } from '../../infra/local/demo-register.ts';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { sampleEvidenceFiles, uploadEvidence } from '../../scripts/lib/evidence.ts';
import { makeRoster } from '../../scripts/lib/roster.ts';
import { stepFunctions } from '../../shared/adapters/deps/workflows.ts';
import { dynamoDb } from '../../shared/adapters/dynamodb/client.ts';
import { checkResidentId, isMainlandMobile } from '../../shared/domain/identifiers.ts';
import { evidence } from '../support/claims.ts';
import { cohortBody, createCohort, fileCohort } from '../support/cohorts.ts';
import { recordReliability } from '../support/reliability.ts';
import { startTestRuntime } from '../support/runtime.ts';
import {
  apiEvent,
  type Caller,
  demoCaller,
  ENT_A,
  ENT_B,
  ENT_C,
  lambdaContext,
} from '../support/security.ts';

/**
 * Fuzzing (issue 4): fast-check bodies, content types, idempotency keys, path parameters and query
 * strings for every POST, PUT and PATCH route of the function map, and query strings for every GET
 * route. The handlers are called in-process with the payload-2.0 events API Gateway would hand
 * them (the HTTP hop adds nothing a fuzzer needs and costs most of the time), against the real
 * DynamoDB Local table and Step Functions engine of a started runtime.
 *
 * Each run must hold: no 5xx; a 4xx is problem+json and stored nothing — no DynamoDB write and no
 * Step Functions call was made on its behalf (observed at the SDK client, attributed to the request
 * by AsyncLocalStorage so the workflow engine's own background steps do not count); no answer but
 * the identity endpoint's holds a full ID number or phone.
 *
 * FUZZ_RUNS (default 1,000) runs per body route; query-string routes get a quarter. `npm run fuzz`
 * runs more. A failure prints fast-check's seed and path: FUZZ_SEED=<seed> replays it.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const QUERY_RUNS = Math.max(100, Math.round(RUNS / 4));
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const ROOT = join(import.meta.dirname, '..', '..');

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;

let runtime: RunningRuntime;
let api: ApiClient;
const requestScope = new AsyncLocalStorage<{ effects: string[] }>();
const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

/**
 * Targets the recipes aim at: a draft per route that changes drafts, an open company review, filed
 * cohorts for the changes while FILED and for a claim, a prepared claim.
 */
const targets: Record<
  string,
  {
    cohortId: string;
    version: number;
    apprenticeId: string;
    taskId?: string;
    claimId?: string;
    documentId?: string;
    overrideId?: string;
  }
> = {};
let policySample: Record<string, unknown> = {};
let policyVersions = 0;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
  // Every DynamoDB write and Step Functions call the handlers make, attributed to the request.
  dynamoDb().middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const name = (context as { commandName?: string }).commandName ?? '';
      if (WRITES.has(name)) requestScope.getStore()?.effects.push(name);
      return result;
    },
    { step: 'initialize', name: 'fuzzWriteObserver' },
  );
  const workflows = stepFunctions() as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of ['start', 'sendSuccess', 'sendFailure']) {
    const original = workflows[method]?.bind(workflows);
    if (!original) continue;
    workflows[method] = async (...args: unknown[]) => {
      const result = await original(...args);
      requestScope.getStore()?.effects.push(`states:${method}`);
      return result;
    };
  }
  for (const name of ['patch', 'apprentices', 'submit', 'withdraw', 'decision', 'reads']) {
    const created = await createCohort(api, 2);
    targets[name] = {
      cohortId: created.cohortId,
      version: created.version,
      apprenticeId: created.apprentices[0]!.apprenticeId,
    };
  }
  const decision = targets.decision!;
  expect((await api.as('ent-a-clerk').post(`/cohorts/${decision.cohortId}/submit`)).status).toBe(200);
  decision.taskId = (await api.waitForTask('ent-a-signatory', decision.cohortId, 'COMPANY_REVIEW')).taskId;
  expect((await api.as('ent-a-clerk').post(`/cohorts/${targets.reads!.cohortId}/submit`)).status).toBe(200);
  for (const name of ['filed', 'claim']) {
    const cohortId = await fileCohort(api, 2);
    const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
    targets[name] = { cohortId, version: cohort.version, apprenticeId: cohort.apprentices[0].apprenticeId };
  }
  const [sheet] = await uploadEvidence(
    api,
    'ent-a-clerk',
    targets.filed!.cohortId,
    sampleEvidenceFiles(targets.filed!.cohortId, 'advance'),
  );
  targets.filed!.documentId = sheet!.key.split('/')[2];
  const claim = targets.claim!;
  const apprentices = (await api.as('ent-a-clerk').get(`/cohorts/${claim.cohortId}`)).body.apprentices;
  const prepared = await api.as('ent-a-clerk').post('/claims', {
    cohortId: claim.cohortId,
    kind: 'advance',
    evidence: evidence(apprentices, 'advance'),
  });
  expect(prepared.status, JSON.stringify(prepared.body)).toBe(201);
  Object.assign(claim, { claimId: prepared.body.claimId, version: prepared.body.version });
  policySample = (await api.as('bureau-admin').get('/policy')).body;
  // An override PENDING for the claim, written by the reviewer: the administrator's confirmation is fuzzed.
  const override = await api.as('bureau-reviewer').post('/overrides', overrideSample());
  expect(override.status, JSON.stringify(override.body)).toBe(201);
  targets.override = { ...claim, overrideId: override.body.overrideId };
  await runtime.idle();
});

const overrideSample = () => ({
  caseId: targets.claim!.claimId,
  apprenticeIds: [targets.claim!.apprenticeId],
  check: 'employment',
  reason: '模糊测试的核验例外',
  caseReference: 'FUZZ-1',
  expiresOn: '2099-12-31',
});
afterAll(async () => {
  await runtime?.stop();
});

interface Recipe {
  caller: string;
  target?: keyof typeof targets | string;
  /** A valid body the mutations start from. */
  sample?: () => unknown;
}

/** Who calls each route and what a valid body looks like; other routes get a generic recipe. */
const RECIPES: Record<string, Recipe> = {
  'POST /cohorts': { caller: 'ent-a-clerk', sample: () => cohortBody(1) },
  'PATCH /cohorts/{cohortId}': {
    caller: 'ent-a-clerk',
    target: 'patch',
    sample: () => ({ version: targets.patch!.version, plannedHours: { total: 1300, concentrated: 320 } }),
  },
  'POST /cohorts/{cohortId}/apprentices': {
    caller: 'ent-a-clerk',
    target: 'apprentices',
    sample: () =>
      makeRoster({ count: 1, mentorKeys: ['m1'], contractStart: '2027-03-01', contractEnd: null }),
  },
  'POST /cohorts/{cohortId}/submit': { caller: 'ent-a-clerk', target: 'submit' },
  'POST /cohorts/{cohortId}/withdraw': {
    caller: 'ent-a-clerk',
    target: 'withdraw',
    sample: () => ({ reason: '计划调整' }),
  },
  'POST /tasks/{taskId}/decision': {
    caller: 'ent-a-signatory',
    target: 'decision',
    sample: () => ({ decision: 'approve', reason: '同意' }),
  },
  'GET /cohorts/{cohortId}/apprentices/{apprenticeId}/identity': {
    caller: 'bureau-reviewer',
    target: 'reads',
  },
  'POST /claims': {
    caller: 'ent-a-clerk',
    target: 'filed',
    sample: () => ({
      cohortId: targets.filed!.cohortId,
      kind: 'advance',
      evidence: {
        feeInvoiceNo: 'FP-2027-001',
        attendance: [{ apprenticeId: targets.filed!.apprenticeId, hours: 640 }],
      },
    }),
  },
  'PATCH /claims/{claimId}': {
    caller: 'ent-a-clerk',
    target: 'claim',
    sample: () => ({
      version: targets.claim!.version,
      evidence: {
        feeInvoiceNo: 'FP-2027-002',
        attendance: [{ apprenticeId: targets.claim!.apprenticeId, hours: 600 }],
        documents: [],
      },
    }),
  },
  'POST /claims/{claimId}/submit': {
    caller: 'ent-a-signatory',
    target: 'claim',
    sample: () => ({ commitment: { accepted: true } }),
  },
  'POST /claims/{claimId}/objection': {
    caller: 'bureau-reviewer',
    target: 'claim',
    sample: () => ({ reason: '群众反映培训记录不实' }),
  },
  // Public, no token: the claim here is not on notice, so a valid body answers 404 and stores nothing.
  'POST /public/notices/{claimId}/objections': {
    caller: 'ent-a-clerk',
    target: 'claim',
    sample: () => ({ name: '张三', contact: '13912345678', text: '该企业学徒未到岗参训' }),
  },
  'POST /cohorts/{cohortId}/apprentices/{apprenticeId}/withdrawal': {
    caller: 'ent-a-clerk',
    target: 'filed',
    sample: () => ({ date: '2027-03-02', reason: 'resigned', note: '个人原因' }),
  },
  'POST /cohorts/{cohortId}/apprentices/{apprenticeId}/outcome': {
    caller: 'school-a-registrar',
    target: 'filed',
    sample: () => ({
      outcome: 'certified',
      certificate: { kind: 'skill_level', number: 'C-2027-1', level: 4, issuedOn: '2026-11-01' },
    }),
  },
  'PUT /cohorts/{cohortId}/apprentices/{apprenticeId}/mentors': {
    caller: 'school-a-registrar',
    target: 'filed',
    sample: () => ({
      schoolMentor: { key: 'sm-9', name: '赵老师', teacherNo: 'T-2027-9' },
      reason: '原导师调离',
    }),
  },
  'POST /cohorts/{cohortId}/documents': {
    caller: 'ent-a-clerk',
    target: 'filed',
    sample: () => ({
      kind: 'sign_in_sheet',
      fileName: '签到表.pdf',
      contentType: 'application/pdf',
      sizeBytes: 2048,
      sha256: 'a'.repeat(64),
    }),
  },
  'GET /documents/{documentId}': { caller: 'bureau-reviewer', target: 'filed' },
  'PUT /policy': {
    caller: 'city-admin',
    sample: () => ({
      ...policySample,
      policyVersion: `2099-01-01.${++policyVersions}`,
      effectiveFrom: '2099-01-01',
    }),
  },
  'POST /policy/preview': {
    caller: 'city-admin',
    sample: () => ({ ...policySample, policyVersion: '2099-01-01.99', effectiveFrom: '2099-01-01' }),
  },
  'PUT /credit-blacklist/{enterpriseId}': {
    caller: 'bureau-admin',
    sample: () => ({ from: '2099-01-01', to: '2099-06-30', reason: '模糊测试的列入' }),
  },
  // A valid row of the district's file (a person made up, insured by enterprise A).
  'POST /employment-records/imports': {
    caller: 'bureau-admin',
    sample: () => ({
      rows: [
        {
          idNumber: cohortBody(1).apprentices[0]!.idNumber,
          enterpriseId: ENT_A,
          districtCode: '110108',
          month: '2027-03',
          insured: true,
        },
      ],
    }),
  },
  'POST /overrides': { caller: 'bureau-reviewer', sample: overrideSample },
  'POST /overrides/{overrideId}/confirm': { caller: 'bureau-admin', target: 'override' },
  'PUT /demand-lists/{period}': {
    caller: 'bureau-admin',
    sample: () => ({ rows: [{ occupationCode: '4-04-05-05', demandRatio: 2.5, rank: 1 }] }),
  },
  'PUT /budgets/{districtCode}/{year}': {
    caller: 'bureau-admin',
    sample: () => ({ budgetFen: 1_000_000_000 }),
  },
  'GET /claims': { caller: 'ent-a-clerk' },
  'GET /claims/{claimId}': { caller: 'school-a-registrar', target: 'claim' },
  'GET /claims/{claimId}/history': { caller: 'ent-a-signatory', target: 'claim' },
  'GET /tasks': { caller: 'ent-a-signatory' },
  'GET /cohorts': { caller: 'ent-a-clerk' },
  'GET /cohorts/{cohortId}': { caller: 'school-a-registrar', target: 'reads' },
  'GET /cohorts/{cohortId}/history': { caller: 'bureau-reviewer', target: 'reads' },
};

const handlers = new Map<string, Promise<Handler>>();
function handlerOf(spec: FunctionSpec): Promise<Handler> {
  let handler = handlers.get(spec.name);
  if (!handler) {
    handler = import(pathToFileURL(join(ROOT, spec.entry)).href).then((module) => module.handler as Handler);
    handlers.set(spec.name, handler);
  }
  return handler;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.
// ---------------------------------------------------------------------------------------------

const nastyStrings = fc.constantFrom(
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'null',
  'undefined',
  'NaN',
  '1e309',
  '-0',
  '0x10',
  '\u0000',
  '\u202e',
  '\ud800',
  '张'.repeat(51),
  'x'.repeat(5000),
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text itself is the probe
  '${jndi:ldap://x}',
  '../../etc/passwd',
  '110108200001011237',
  '13800138000',
  '2027-02-30',
  '9999-12-31',
  '01M8C0RKK1QM8KRHZYF2WQE367',
);
const scalar = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  nastyStrings,
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e21, true, false, null),
);
const json = fc.jsonValue({ maxDepth: 4 });
const value = fc.oneof({ arbitrary: scalar, weight: 3 }, { arbitrary: json, weight: 1 });

type Path = (string | number)[];
function pathsOf(node: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) paths.push(...pathsOf(item, [...prefix, index]));
  } else if (node && typeof node === 'object')
    for (const [key, item] of Object.entries(node)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

type Mutation = { op: 'replace' | 'delete' | 'add' | 'grow'; at: number; key: string; value: unknown };
const mutation = fc.record({
  op: fc.constantFrom('replace', 'replace', 'delete', 'add', 'grow'),
  at: fc.nat(),
  key: fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('__proto__', 'constructor', 'version', 'enterpriseId', 'status'),
  ),
  value,
}) as fc.Arbitrary<Mutation>;

/** A valid sample with one to three changes: a value replaced, a field dropped, an extra field, a list grown. */
function mutate(sample: unknown, changes: Mutation[]): unknown {
  let root = structuredClone(sample);
  for (const change of changes) {
    const paths = pathsOf(root);
    const path = paths[change.at % paths.length]!;
    if (path.length === 0) {
      if (change.op === 'replace') root = change.value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<any>((node, key) => node?.[key], root);
    const last = path.at(-1)!;
    if (!parent || typeof parent !== 'object') continue;
    if (change.op === 'replace') parent[last] = change.value;
    else if (change.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (change.op === 'add') {
      const holder = parent[last] && typeof parent[last] === 'object' ? parent[last] : parent;
      // defineProperty, so that `__proto__` becomes an own key that JSON.stringify writes out.
      if (!Array.isArray(holder))
        Object.defineProperty(holder, change.key, {
          value: change.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    } else if (Array.isArray(parent[last])) {
      const list = parent[last] as unknown[];
      for (let i = 0; i < 3; i++) list.push(structuredClone(list[0] ?? change.value));
    }
  }
  return root;
}

/** Cursors shaped like the API's own (base64url JSON of a key) as well as garbage. */
const cursor = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc
    .dictionary(
      fc.constantFrom('pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi3pk', 'x'),
      fc.string({ maxLength: 20 }),
      {
        maxKeys: 4,
      },
    )
    .map((key) => Buffer.from(JSON.stringify(key)).toString('base64url')),
  json.map((any) => Buffer.from(JSON.stringify(any)).toString('base64url')),
);
const query = fc.option(
  fc.dictionary(
    fc.oneof(
      {
        arbitrary: fc.constantFrom('limit', 'cursor', 'status', 'reason', 'year', 'format', 'kind'),
        weight: 4,
      },
      { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
    ),
    fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.integer({ min: -5, max: 500 }).map(String),
      cursor,
      nastyStrings,
      fc.constantFrom('DRAFT', 'FILED', 'json', 'csv', '2027', '核对身份信息', 'advance', 'final'),
    ),
    { maxKeys: 4 },
  ),
  { freq: 3 },
);
const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 8 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/problem+json',
      'text/csv',
      'text/plain',
      'application/x-www-form-urlencoded',
      '',
      'APPLICATION/JSON',
    ),
    weight: 2,
  },
);
const idempotencyKey = fc.option(
  fc.oneof(fc.stringMatching(/^[A-Za-z0-9_\-:.]{1,20}$/), fc.string({ maxLength: 140 })),
  { freq: 4 },
);

function bodyArbitrary(recipe: Recipe | undefined): fc.Arbitrary<string | undefined> {
  const sample = recipe?.sample;
  const structured = fc.oneof(
    ...(sample
      ? [
          {
            arbitrary: fc
              .array(mutation, { minLength: 1, maxLength: 3 })
              .map((changes) => mutate(sample(), changes)),
            weight: 6,
          },
          { arbitrary: fc.constant(null).map(() => sample()), weight: 1 },
        ]
      : []),
    { arbitrary: json, weight: 2 },
  );
  return fc.oneof(
    { arbitrary: structured.map((body) => JSON.stringify(body)), weight: 8 },
    { arbitrary: fc.string({ maxLength: 200 }), weight: 1 },
    {
      arbitrary: fc.constantFrom(undefined, '', '{', '[]', '{}', 'null', '"x"', '1', '{"a":1,"a":2}'),
      weight: 1,
    },
  );
}

const PARAMETERS: Record<string, (recipe: Recipe | undefined) => fc.Arbitrary<string>> = {
  cohortId: (recipe) => withTarget(recipe, (target) => target.cohortId),
  apprenticeId: (recipe) => withTarget(recipe, (target) => target.apprenticeId),
  taskId: (recipe) => withTarget(recipe, (target) => target.taskId ?? ulid()),
  claimId: (recipe) => withTarget(recipe, (target) => target.claimId ?? ulid()),
  documentId: (recipe) => withTarget(recipe, (target) => target.documentId ?? ulid()),
  overrideId: (recipe) => withTarget(recipe, (target) => target.overrideId ?? ulid()),
  districtCode: () => fc.oneof(fc.constantFrom('110108', '110105', '000000'), fc.string({ maxLength: 10 })),
  year: () => fc.oneof(fc.constantFrom('2027', '2026', '1999', '99999'), fc.string({ maxLength: 6 })),
  period: () =>
    fc.oneof(fc.constantFrom('2027-Q1', '2027-03', '2027-Q5', '2027-13'), fc.string({ maxLength: 10 })),
  // Enterprise B (listed or not, its submissions are not the targets'), C of another district, a
  // code nobody registered, anything.
  enterpriseId: () =>
    fc.oneof(
      { arbitrary: fc.constantFrom(ENT_B, ENT_B.toLowerCase(), ENT_C, '91350100M000100Y43'), weight: 8 },
      { arbitrary: fc.oneof(fc.string({ maxLength: 30 }), nastyStrings), weight: 2 },
    ),
};

function withTarget(recipe: Recipe | undefined, pick: (target: (typeof targets)[string]) => string) {
  return fc.oneof(
    {
      arbitrary: fc
        .constant(null)
        .map(() => (recipe?.target && targets[recipe.target] ? pick(targets[recipe.target]!) : ulid())),
      weight: 8,
    },
    { arbitrary: fc.constant(null).map(() => ulid()), weight: 1 },
    { arbitrary: fc.oneof(fc.string({ maxLength: 30 }), nastyStrings), weight: 1 },
  );
}

function pathParameters(
  route: string,
  recipe: Recipe | undefined,
): fc.Arbitrary<Record<string, string> | undefined> {
  const names = [...route.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  if (names.length === 0) return fc.constant(undefined);
  return fc.record(
    Object.fromEntries(
      names.map((name) => [
        name,
        PARAMETERS[name]?.(recipe) ?? fc.oneof(fc.constant(ulid()), fc.string({ maxLength: 30 })),
      ]),
    ),
  );
}

const everyone: Caller[] = DEMO_USERS.map((user) => demoCaller(user.username));

// ---------------------------------------------------------------------------------------------
// The property.
// ---------------------------------------------------------------------------------------------

interface Outcome {
  status: number;
  body: string;
  effects: string[];
}

async function call(spec: FunctionSpec, event: ReturnType<typeof apiEvent>): Promise<Outcome> {
  const handler = await handlerOf(spec);
  const scope = { effects: [] as string[] };
  const result = await requestScope.run(scope, () => handler(event, lambdaContext(spec.name)));
  return { status: result.statusCode ?? 200, body: result.body ?? '', effects: scope.effects };
}

/** What must hold for every answer; a message for the first thing that does not. */
function violation(route: string, outcome: Outcome, sent: string[]): string | undefined {
  if (outcome.status >= 500) return `answered ${outcome.status}: ${outcome.body.slice(0, 200)}`;
  if (outcome.status >= 400) {
    if (outcome.effects.length > 0)
      return `answered ${outcome.status} but stored: ${outcome.effects.join(', ')}`;
    let problem: { status?: unknown };
    try {
      problem = JSON.parse(outcome.body);
    } catch {
      return `answered ${outcome.status} with a body that is not JSON`;
    }
    if (problem.status !== outcome.status)
      return `answered ${outcome.status} with a problem saying ${String(problem.status)}`;
  }
  if (!route.endsWith('/identity')) {
    // domain.md: responses show ID numbers and phones masked; errors never hold one.
    const echoed = sent.filter((value) => outcome.body.includes(value));
    if (echoed.length > 0)
      return `answered ${outcome.status} with an ID number or phone it was sent, unmasked`;
    const unmasked = fieldsNamed(parse(outcome.body), PERSONAL_FIELDS).filter(
      (value) => typeof value === 'string' && value !== '' && !value.includes('*'),
    );
    if (unmasked.length > 0) return `answered ${outcome.status} with an unmasked idNumber or phone field`;
  }
  return undefined;
}

const PERSONAL_FIELDS = new Set(['idNumber', 'phone']);

function parse(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Values of the fields so named, anywhere in a JSON value. */
function fieldsNamed(node: unknown, names: Set<string>): unknown[] {
  if (Array.isArray(node)) return node.flatMap((item) => fieldsNamed(item, names));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, item]) => [
    ...(names.has(key) ? [item] : []),
    ...fieldsNamed(item, names),
  ]);
}

async function tableItemCount(): Promise<number> {
  let count = 0;
  let start: Record<string, never> | undefined;
  do {
    const page = await dynamoDb().send(
      new ScanCommand({ TableName: runtime.tableName, Select: 'COUNT', ExclusiveStartKey: start }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return count;
}

type Input = {
  caller: Caller;
  pathParameters: Record<string, string> | undefined;
  query: Record<string, string> | null;
  body: string | undefined;
  contentType: string;
  base64: boolean;
  idempotencyKey: string | null;
};

/**
 * Inputs every run tries first, whatever the seed: what fuzzing found once stays found. Each
 * names the finding it guards (see the report of issue 4).
 */
function regressions(
  route: string,
  recipe: Recipe | undefined,
  caller: Caller,
  withBody: boolean,
): { finding: string; input: Input }[] {
  const names = [...route.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const target = recipe?.target ? targets[recipe.target] : undefined;
  const pick: Record<string, string | undefined> = {
    cohortId: target?.cohortId,
    apprenticeId: target?.apprenticeId,
    taskId: target?.taskId,
    claimId: target?.claimId,
    districtCode: '110108',
    year: '2027',
    period: '2027-Q1',
  };
  const pathParameters =
    names.length === 0 ? undefined : Object.fromEntries(names.map((name) => [name, pick[name] ?? ulid()]));
  const base: Input = {
    caller,
    pathParameters,
    query: null,
    body: undefined,
    contentType: 'application/json',
    base64: false,
    idempotencyKey: null,
  };
  const examples: { finding: string; input: Input }[] = [];
  if (!withBody)
    examples.push({
      finding:
        'a cursor decoding to a key of the wrong shape (`e30` = `{}`) reached DynamoDB: ValidationException, 500',
      input: { ...base, query: { cursor: 'e30' } },
    });
  const sample = recipe?.sample?.();
  if (withBody && sample && JSON.stringify(sample).includes('"contract"')) {
    const farContract = JSON.parse(
      JSON.stringify(sample).replace(/"endDate":null/g, '"endDate":"9999-12-31"'),
    );
    examples.push({
      finding: 'a labour contract ending 9999-12-31: date arithmetic past year 9999 threw RangeError, 500',
      input: { ...base, body: JSON.stringify(farContract) },
    });
  }
  return examples;
}

const writeRoutes = FUNCTIONS.filter((spec) => spec.route && /^(POST|PUT|PATCH) /.test(spec.route));
const readRoutes = FUNCTIONS.filter((spec) => spec.route && /^GET /.test(spec.route) && !spec.public);

async function fuzz(spec: FunctionSpec, runs: number, task: { meta: object }, withBody: boolean) {
  const route = spec.route!;
  const recipe = RECIPES[route];
  const callers = recipe ? [demoCaller(recipe.caller)] : everyone;
  const request = fc.record({
    caller: fc.constantFrom(...callers),
    pathParameters: pathParameters(route, recipe),
    query,
    body: withBody ? bodyArbitrary(recipe) : fc.constant(undefined),
    contentType,
    base64: fc.boolean(),
    idempotencyKey: withBody ? idempotencyKey : fc.constant(null),
  });
  let succeeded = 0;
  let observedOnSuccess = 0;
  let cases = 0;
  /** The function may only read the table (its IAM grant on AWS): a success stores nothing either. */
  const readsOnly = spec.access.table === 'read';
  // The case.changed events of earlier runs are put on the local bus (stored) in the background.
  await runtime.settleEvents();
  const itemsBefore = await tableItemCount();
  /** One run: the request, then what must hold of its answer (a message for the first thing that does not). */
  const attempt = async (input: Input): Promise<string | undefined> => {
    cases++;
    const textual = input.contentType === '' || /json|text/i.test(input.contentType);
    const encode = input.body !== undefined && (!textual || input.base64);
    const event = apiEvent({
      routeKey: route,
      caller: input.caller,
      pathParameters: input.pathParameters,
      queryStringParameters: input.query ?? undefined,
      headers: {
        ...(input.body !== undefined && input.contentType !== ''
          ? { 'content-type': input.contentType }
          : {}),
        ...(input.idempotencyKey !== null ? { 'idempotency-key': input.idempotencyKey } : {}),
      },
      body: encode ? Buffer.from(input.body!, 'utf8').toString('base64') : input.body,
      isBase64Encoded: encode,
    });
    const outcome = await call(spec, event);
    if (outcome.status < 300) {
      succeeded++;
      if (outcome.effects.length > 0) {
        observedOnSuccess++;
        // A POST that only reads (the policy preview) must store nothing even when it succeeds.
        if (readsOnly)
          return `${route} as ${input.caller.username}: a read-only route wrote ${outcome.effects.length} item(s)`;
      }
      await runtime.idle(); // a workflow this started settles before the next run
    }
    // The real ID numbers and mobile numbers the request carried (what must come back masked, if at all).
    const sent = fieldsNamed(parse(input.body), PERSONAL_FIELDS)
      .filter((value): value is string => typeof value === 'string')
      .map((value) => value.trim())
      .filter((value) => checkResidentId(value.toUpperCase()).ok || isMainlandMobile(value));
    const problem = violation(route, outcome, sent);
    return problem ? `${route} as ${input.caller.username}: ${problem}` : undefined;
  };

  // What fuzzing found once, tried on every run whatever the seed; then the random exploration,
  // which runs in full even while a regression still fails.
  const failures: string[] = [];
  for (const { finding, input } of regressions(route, recipe, callers[0]!, withBody)) {
    const problem = await attempt(input);
    if (problem) failures.push(`regression (${finding}): ${problem}`);
  }
  try {
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const problem = await attempt(input);
        if (problem) throw new Error(problem);
      }),
      { numRuns: runs, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
  } catch (error) {
    failures.push((error as Error).message);
  }
  await runtime.idle();
  let checked = cases;
  if (withBody && succeeded > 0 && !readsOnly) {
    // The observer must see the writes of the runs that succeeded, or "no write on a 4xx" proves nothing.
    checked++;
    if (observedOnSuccess === 0)
      failures.push(`${route}: ${succeeded} runs succeeded but no write was observed`);
  }
  if (succeeded === 0 && failures.length === 0) {
    // Cheap second opinion: nothing succeeded, so the table holds as many items as before.
    checked++;
    await runtime.settleEvents();
    if ((await tableItemCount()) !== itemsBefore)
      failures.push(`${route}: items appeared although every run was refused`);
  }
  recordReliability(task as never, {
    fuzzCases: cases,
    invariantsChecked: checked,
    invariantsViolated: failures.length,
  });
  expect(failures, failures.join('\n\n')).toEqual([]);
  return { cases, succeeded };
}

describe('fuzzed bodies of every POST, PUT and PATCH route', () => {
  it.for(writeRoutes.map((spec) => [spec.route!, spec] as const))(
    '%s: no 5xx, nothing stored on a 4xx',
    { timeout: 300_000 },
    async ([, spec], { task }) => {
      const { cases } = await fuzz(spec, RUNS, task, true);
      expect(cases).toBeGreaterThanOrEqual(RUNS);
    },
  );
});

describe('fuzzed query strings of every GET route', () => {
  it.for(readRoutes.map((spec) => [spec.route!, spec] as const))(
    '%s: no 5xx, nothing stored on a 4xx',
    { timeout: 300_000 },
    async ([, spec], { task }) => {
      const { cases } = await fuzz(spec, QUERY_RUNS, task, false);
      expect(cases).toBeGreaterThanOrEqual(QUERY_RUNS);
    },
  );
});
