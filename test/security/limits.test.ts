import { isDeepStrictEqual } from 'node:util';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { makeRoster } from '../../scripts/lib/roster.ts';
import { dynamoDb } from '../../shared/adapters/dynamodb/client.ts';
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from '../../shared/http/handler.ts';
import { MAX_ROWS_PER_REQUEST } from '../../shared/schemas/primitives.ts';
import { cohortBody, cohortCount, createCohort } from '../support/cohorts.ts';
import { recordReliability } from '../support/reliability.ts';
import { startTestRuntime } from '../support/runtime.ts';
import { type RawResponse, send } from '../support/security.ts';

/**
 * Limits (issue 4), through the real API: a body over 1 MB → 413 (the handler's limit; the
 * gateway's own is API Gateway's 10 MiB), a media type the route does not take → 415, too many
 * rows, over-long strings and deep nesting → 400 with the path of what is wrong — and in every
 * case nothing stored: the enterprise's cohorts, and the draft the requests aim at (state,
 * version, audit trail), are as before.
 */
let runtime: RunningRuntime;
let api: ApiClient;
let clerkToken: string;
let signatoryToken: string;
let reviewerToken: string;
let draft: { cohortId: string; version: number; apprentices: { apprenticeId: string }[] };

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
  clerkToken = await api.token('ent-a-clerk');
  signatoryToken = await api.token('ent-a-signatory');
  reviewerToken = await api.token('bureau-reviewer');
  draft = await createCohort(api, 2);
});
afterAll(async () => {
  await runtime?.stop();
});

async function snapshot() {
  const clerk = api.as('ent-a-clerk');
  return {
    cohorts: await cohortCount(api),
    draft: (await clerk.get(`/cohorts/${draft.cohortId}`)).body as {
      status: string;
      version: number;
      apprenticeCount: number;
    },
    history: (await clerk.get(`/cohorts/${draft.cohortId}/history?limit=100`)).body.items.length as number,
  };
}

/** Sends, then checks the status (and the path of the first error, for 400) and that nothing was stored. */
async function refused(
  task: { meta: object },
  expected: { status: number; path?: string },
  request: Parameters<typeof send>[1],
): Promise<RawResponse> {
  const before = await snapshot();
  const answer = await send(runtime.url, request);
  await runtime.idle();
  const after = await snapshot();
  const answeredAsExpected =
    answer.status === expected.status &&
    (expected.path === undefined ||
      (answer.body?.errors ?? []).some((error: { path: string }) => error.path === expected.path));
  const storedNothing = isDeepStrictEqual(after, before);
  recordReliability(task as never, {
    invariantsChecked: 2,
    invariantsViolated: (answeredAsExpected ? 0 : 1) + (storedNothing ? 0 : 1),
  });
  expect(answer.status, answer.text.slice(0, 300)).toBe(expected.status);
  expect(answer.headers.get('content-type') ?? '').toMatch(/json/);
  if (expected.path !== undefined) {
    expect(answer.body.errors.map((error: { path: string }) => error.path)).toContain(expected.path);
  }
  expect(after).toEqual(before);
  return answer;
}

const cohorts = '/cohorts';
const apprentices = () => `/cohorts/${draft.cohortId}/apprentices`;

describe('a body over 1 MB', () => {
  it('is refused with 413 by the handler (under the gateway’s 10 MiB), as JSON or CSV', async ({ task }) => {
    const body = cohortBody(1, { trainingJustification: 'x'.repeat(MAX_BODY_BYTES) });
    const answer = await refused(
      task,
      { status: 413 },
      { method: 'POST', path: cohorts, token: clerkToken, body },
    );
    expect(answer.body).toMatchObject({
      status: 413,
      title: 'Payload too large',
      code: 'body.too_large',
      params: { maxBytes: MAX_BODY_BYTES },
      detail: `The body exceeds ${MAX_BODY_BYTES} bytes`,
    });
    const csv = `name,idNumber\n${'张三,110108200001011237\n'.repeat(60_000)}`;
    expect(Buffer.byteLength(csv)).toBeGreaterThan(MAX_BODY_BYTES);
    await refused(
      task,
      { status: 413 },
      { method: 'POST', path: apprentices(), token: clerkToken, raw: csv, contentType: 'text/csv' },
    );
  });

  it('is refused with 413 by the gateway above 10 MiB, before any handler', async ({ task }) => {
    const answer = await refused(
      task,
      { status: 413 },
      {
        method: 'POST',
        path: cohorts,
        token: clerkToken,
        raw: `{"a":"${'y'.repeat(10 * 1024 * 1024)}"}`,
      },
    );
    expect(answer.body).toEqual({ message: 'Request Entity Too Large' });
  });
});

describe('a media type the route does not take', () => {
  it.for([
    ['text/plain', JSON.stringify(cohortBody(1))],
    ['application/x-www-form-urlencoded', 'schoolId=52110108MJ0AA1000A'],
    ['multipart/form-data; boundary=x', '--x\r\n\r\n{}\r\n--x--'],
    ['text/csv', 'name,idNumber\n张三,110108200001011237'],
    ['', JSON.stringify(cohortBody(1))],
  ] as const)('is refused with 415: %s on POST /cohorts', async ([contentType, raw], { task }) => {
    await refused(
      task,
      { status: 415 },
      {
        method: 'POST',
        path: cohorts,
        token: clerkToken,
        raw,
        contentType,
        ...(contentType === '' ? { headers: { 'content-type': '' } } : {}),
      },
    );
  });

  it('is refused with 415 on a change to a draft, too', async ({ task }) => {
    await refused(
      task,
      { status: 415 },
      {
        method: 'PATCH',
        path: `/cohorts/${draft.cohortId}`,
        token: clerkToken,
        raw: `version=${draft.version}`,
        contentType: 'application/x-www-form-urlencoded',
      },
    );
  });
});

describe('too many rows', () => {
  const rows = (count: number) =>
    makeRoster({ count, mentorKeys: ['m1'], contractStart: '2027-03-01', contractEnd: null });

  it(`refuses more than ${MAX_ROWS_PER_REQUEST} apprentices in a new cohort`, async ({ task }) => {
    const body = cohortBody(1, { apprentices: rows(MAX_ROWS_PER_REQUEST + 1) });
    await refused(
      task,
      { status: 400, path: 'apprentices' },
      { method: 'POST', path: cohorts, token: clerkToken, body },
    );
  });

  it(`refuses more than ${MAX_ROWS_PER_REQUEST} rows added at once, as JSON or CSV`, async ({ task }) => {
    await refused(
      task,
      { status: 400, path: '' },
      {
        method: 'POST',
        path: apprentices(),
        token: clerkToken,
        body: rows(MAX_ROWS_PER_REQUEST + 1),
      },
    );
    const header = 'name,idNumber,phone,hireType,contractStartDate,contractEndDate,enterpriseMentorKey';
    const csv = [
      header,
      ...rows(MAX_ROWS_PER_REQUEST + 1).map((row) =>
        [
          row.name,
          row.idNumber,
          row.phone,
          row.hireType,
          row.contract.startDate,
          '',
          row.enterpriseMentorKey,
        ].join(','),
      ),
    ].join('\n');
    const answer = await send(runtime.url, {
      method: 'POST',
      path: apprentices(),
      token: clerkToken,
      raw: csv,
      contentType: 'text/csv',
    });
    expect(answer.status, answer.text.slice(0, 300)).toBe(400);
    recordReliability(task, { invariantsChecked: 1 });
  });

  it(`refuses more than ${MAX_ROWS_PER_REQUEST} mentors, and school mentors in a decision`, async ({
    task,
  }) => {
    const mentors = Array.from({ length: MAX_ROWS_PER_REQUEST + 1 }, (_, index) => ({
      key: `m${index}`,
      name: '张伟',
      employeeNo: `E${index}`,
      skillLevel: 2,
    }));
    await refused(
      task,
      { status: 400, path: 'enterpriseMentors' },
      {
        method: 'POST',
        path: cohorts,
        token: clerkToken,
        body: cohortBody(1, { enterpriseMentors: mentors }),
      },
    );
    const schoolMentors = mentors.map(({ key, name }, index) => ({ key, name, teacherNo: `T${index}` }));
    await refused(
      task,
      { status: 400, path: 'schoolMentors' },
      {
        method: 'POST',
        path: `/tasks/${ulid()}/decision`,
        token: signatoryToken,
        body: { decision: 'approve', schoolMentors },
      },
    );
  });
});

describe('over-long strings', () => {
  it.for([
    [
      'an agreement number of 65 characters',
      { agreements: { schoolAgreementNo: 'A'.repeat(65), apprenticeAgreementNo: 'B1' } },
      'agreements.schoolAgreementNo',
    ],
    [
      'a justification of 2,001 characters',
      { trainingJustification: '理'.repeat(2001) },
      'trainingJustification',
    ],
    [
      'a mentor name of 900 KB',
      { enterpriseMentors: [{ key: 'm1', name: '张'.repeat(300_000), employeeNo: 'E1', skillLevel: 2 }] },
      'enterpriseMentors.0.name',
    ],
    [
      'a mentor key of 33 characters',
      { enterpriseMentors: [{ key: 'k'.repeat(33), name: '张伟', employeeNo: 'E1', skillLevel: 2 }] },
      'enterpriseMentors.0.key',
    ],
  ] as const)('refuses %s with 400 at its path', async ([, overrides, path], { task }) => {
    await refused(
      task,
      { status: 400, path },
      {
        method: 'POST',
        path: cohorts,
        token: clerkToken,
        body: cohortBody(1, overrides as Record<string, unknown>),
      },
    );
  });

  it('refuses long reasons, cursors and idempotency keys', async ({ task }) => {
    await refused(
      task,
      { status: 400, path: 'reason' },
      {
        method: 'POST',
        path: `/cohorts/${draft.cohortId}/withdraw`,
        token: clerkToken,
        body: { reason: '因'.repeat(501) },
      },
    );
    await refused(
      task,
      { status: 400, path: 'reason' },
      {
        method: 'POST',
        path: `/tasks/${ulid()}/decision`,
        token: signatoryToken,
        body: { decision: 'return', reason: '因'.repeat(501) },
      },
    );
    await refused(
      task,
      { status: 400, path: 'query.reason' },
      {
        method: 'GET',
        path: `/cohorts/${draft.cohortId}/apprentices/${draft.apprentices[0]!.apprenticeId}/identity?reason=${'r'.repeat(501)}`,
        token: reviewerToken,
      },
    );
    await refused(
      task,
      { status: 400, path: 'query.cursor' },
      {
        method: 'GET',
        path: `/cohorts?cursor=${'c'.repeat(2049)}`,
        token: clerkToken,
      },
    );
    await refused(
      task,
      { status: 400, path: 'header.Idempotency-Key' },
      {
        method: 'POST',
        path: cohorts,
        token: clerkToken,
        body: cohortBody(1),
        headers: { 'idempotency-key': 'k'.repeat(129) },
      },
    );
  });
});

describe('deep nesting', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels with 400`, async ({ task }) => {
    const deep: Record<string, unknown> = cohortBody(1);
    let node: Record<string, unknown> = {};
    deep.plannedHours = node;
    for (let level = 0; level < MAX_JSON_DEPTH + 2; level++) {
      const child = {};
      node.total = child;
      node = child;
    }
    const answer = await refused(
      task,
      { status: 400, path: '' },
      { method: 'POST', path: cohorts, token: clerkToken, body: deep },
    );
    expect(answer.body.errors[0]).toEqual({
      path: '',
      code: 'body.too_deep',
      params: { maxDepth: MAX_JSON_DEPTH },
      message: `the body is nested deeper than ${MAX_JSON_DEPTH} levels`,
    });
  });

  it('refuses half a million nested arrays (just under 1 MB) with 400, not a crash', async ({ task }) => {
    const raw = nested(500_000);
    expect(Buffer.byteLength(raw)).toBeLessThan(MAX_BODY_BYTES);
    await refused(task, { status: 400, path: '' }, { method: 'POST', path: cohorts, token: clerkToken, raw });
    await refused(task, { status: 400 }, { method: 'POST', path: apprentices(), token: clerkToken, raw });
    // The runtime still answers.
    expect((await send(runtime.url, { method: 'GET', path: cohorts, token: clerkToken })).status).toBe(200);
  });
});

describe('within the limits', () => {
  it('takes exactly 200 rows, application/json with a charset, and a withdrawal without a body', async () => {
    const body = cohortBody(1, {
      apprentices: makeRoster({
        count: MAX_ROWS_PER_REQUEST,
        mentorKeys: Array.from({ length: 25 }, (_, index) => `m${index + 1}`),
        contractStart: '2027-03-01',
        contractEnd: null,
      }),
      enterpriseMentors: Array.from({ length: 25 }, (_, index) => ({
        key: `m${index + 1}`,
        name: '张伟',
        employeeNo: `E-LIMIT-${ulid()}-${index}`,
        skillLevel: 2,
      })),
    });
    const created = await send(runtime.url, {
      method: 'POST',
      path: cohorts,
      token: clerkToken,
      raw: JSON.stringify(body),
      contentType: 'application/json; charset=utf-8',
    });
    expect(created.status, created.text.slice(0, 300)).toBe(201);
    expect(created.body.apprenticeCount).toBe(MAX_ROWS_PER_REQUEST);
    // The reason of a withdrawal is optional: no body, no content type.
    const withdrawn = await send(runtime.url, {
      method: 'POST',
      path: `/cohorts/${created.body.cohortId}/withdraw`,
      token: clerkToken,
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.body.status).toBe('WITHDRAWN');
  });
});

describe('the largest cohort, refused', () => {
  /** Items of a kind, by Scan (a test may; request paths never do). */
  async function itemsStartingWith(prefix: string): Promise<number> {
    let count = 0;
    let start: Record<string, never> | undefined;
    do {
      const page = await dynamoDb().send(
        new ScanCommand({
          TableName: runtime.tableName,
          FilterExpression: 'begins_with(pk, :prefix)',
          ExpressionAttributeValues: { ':prefix': { S: prefix } },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey as typeof start;
    } while (start);
    return count;
  }

  it('stores nothing — not even claims on its people — when its last person is already in a cohort', async ({
    task,
  }) => {
    const taken = cohortBody(1);
    expect(
      (await send(runtime.url, { method: 'POST', path: cohorts, token: clerkToken, body: taken })).status,
    ).toBe(201);
    const mentors = Array.from({ length: 25 }, (_, index) => ({
      key: `m${index + 1}`,
      name: '张伟',
      employeeNo: `E-BIG-${ulid()}-${index}`,
      skillLevel: 2,
    }));
    const apprentices = [
      ...makeRoster({
        count: MAX_ROWS_PER_REQUEST - 1,
        mentorKeys: mentors.map((mentor) => mentor.key),
        contractStart: '2027-03-01',
        contractEnd: null,
      }),
      { ...taken.apprentices[0]!, enterpriseMentorKey: 'm25' },
    ];
    const claimsBefore = await itemsStartingWith('PERSON#');
    await refused(
      task,
      { status: 400, path: `apprentices.${MAX_ROWS_PER_REQUEST - 1}.idNumber` },
      {
        method: 'POST',
        path: cohorts,
        token: clerkToken,
        body: cohortBody(1, { enterpriseMentors: mentors, apprentices }),
      },
    );
    // A claim is a keyed hash of a person's ID number: none may be kept for a cohort that was refused.
    const claimsAfter = await itemsStartingWith('PERSON#');
    recordReliability(task, {
      invariantsChecked: 1,
      invariantsViolated: claimsAfter === claimsBefore ? 0 : 1,
    });
    expect(claimsAfter, 'person claims left behind by a refused cohort').toBe(claimsBefore);
  });
});
