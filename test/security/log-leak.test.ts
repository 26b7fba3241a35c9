import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { idNumber, makeEnrolment } from '../../scripts/lib/roster.ts';
import { errorFields, logger } from '../../shared/adapters/logger.ts';
import { claim, evidence, verifyAtSchool } from '../support/claims.ts';
import { cohortBody, decide } from '../support/cohorts.ts';
import { scanLogLine } from '../support/log-scan.ts';
import {
  DEMO_BANK_ACCOUNTS,
  findPersonalData,
  type PersonalDataFinding,
} from '../support/personal-data-scan.ts';
import { recordReliability } from '../support/reliability.ts';
import { startTestRuntime } from '../support/runtime.ts';
import { demoCaller, idTokenClaims, send, signWithDevKey } from '../support/security.ts';

/**
 * domain.md: logs, errors and events never contain a full ID number, a phone number, a bank
 * account or a token. One runtime runs a cohort from draft to FILED and its advance to PAID, plus the error paths a client
 * can provoke (400 naming rows, 401, 404, 409, 413, 415, a 500), while every line it logs and
 * everything the process writes to stdout/stderr is kept; then each line is scanned for the exact
 * ID numbers, phones and tokens the test used (so a near miss with a wrong check character is
 * found too) and for anything shaped like one. The domain events of the outbox are scanned alike.
 * (Every other test file's log lines are scanned by the setup file test/support/log-capture.ts.)
 */
let runtime: RunningRuntime;
let api: ApiClient;
let dataDir: string;
const runtimeLines: string[] = [];
const processLines: string[] = [];
const known = new Set<string>(DEMO_BANK_ACCOUNTS);
let restore: (() => void) | undefined;

beforeAll(async () => {
  ({ runtime, api, dataDir } = await startTestRuntime({
    log: (line) => {
      runtimeLines.push(line);
      scanLogLine(line);
    },
  }));
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  for (const stream of ['stdout', 'stderr'] as const) {
    const write = process[stream].write.bind(process[stream]) as (...args: unknown[]) => boolean;
    process[stream].write = ((chunk: unknown, ...rest: unknown[]) => {
      processLines.push(...String(chunk).split('\n'));
      return write(chunk, ...rest);
    }) as typeof process.stdout.write;
  }
  restore = () => {
    process.stdout.write = originals.stdout;
    process.stderr.write = originals.stderr;
  };
});
afterAll(async () => {
  restore?.();
  await runtime?.stop();
});

function remember(body: { apprentices: { idNumber: string; phone: string }[] }) {
  for (const apprentice of body.apprentices) {
    known.add(apprentice.idNumber);
    known.add(apprentice.phone);
  }
  return body;
}

async function token(user: string) {
  const value = await api.token(user);
  known.add(value);
  return value;
}

function scanAll(lines: string[]): { line: number; finding: PersonalDataFinding }[] {
  return lines.flatMap((line, index) =>
    findPersonalData(line, known).map((finding) => ({ line: index, finding })),
  );
}

describe('a cohort from draft to FILED and its advance to PAID, and the error paths on the way', () => {
  it('logs no ID number, phone, bank account or token, and publishes none in its events', async ({
    task,
  }) => {
    const clerk = await token('ent-a-clerk');
    for (const user of ['ent-a-signatory', 'school-a-registrar', 'bureau-reviewer']) await token(user);
    const body = remember(cohortBody(3));
    const created = await send(runtime.url, { method: 'POST', path: '/cohorts', token: clerk, body });
    expect(created.status, created.text).toBe(201);
    const { cohortId } = created.body;

    // 400s that name rows: a wrong check character, a person twice, a person already in a cohort.
    const wrong = remember(cohortBody(2));
    const near = wrong.apprentices[1]!.idNumber;
    wrong.apprentices[1]!.idNumber = `${near.slice(0, 17)}${near.endsWith('0') ? '1' : '0'}`;
    known.add(wrong.apprentices[1]!.idNumber);
    expect(
      (await send(runtime.url, { method: 'POST', path: '/cohorts', token: clerk, body: wrong })).status,
    ).toBe(400);
    const twice = remember(cohortBody(2));
    twice.apprentices[1]!.idNumber = twice.apprentices[0]!.idNumber;
    expect(
      (await send(runtime.url, { method: 'POST', path: '/cohorts', token: clerk, body: twice })).status,
    ).toBe(400);
    const again = cohortBody(1, { apprentices: [body.apprentices[0]] });
    expect(
      (await send(runtime.url, { method: 'POST', path: '/cohorts', token: clerk, body: again })).status,
    ).toBe(400);
    // A CSV roster with a bad row.
    const csv = [
      'name,idNumber,phone,hireType,contractStartDate,contractEndDate,enterpriseMentorKey',
      `王芳,${idNumber('1995-05-05', 17)},13912345678,new_hire,2027-03-01,,m1`,
      `李娜,${idNumber('1995-05-06', 18).slice(0, 17)}Y,1391234567,new_hire,2027-03-01,,nobody`,
    ].join('\n');
    known.add(idNumber('1995-05-05', 17));
    known.add('13912345678');
    const csvAnswer = await send(runtime.url, {
      method: 'POST',
      path: `/cohorts/${cohortId}/apprentices`,
      token: clerk,
      raw: csv,
      contentType: 'text/csv',
    });
    expect(csvAnswer.status).toBe(400);
    // 401 with tokens that are almost right; the gateway logs why, never the token.
    for (const claims of [{ aud: 'another-client' }, { exp: Math.floor(Date.now() / 1000) - 5 }]) {
      const bad = await signWithDevKey(dataDir, idTokenClaims(demoCaller('ent-a-clerk'), claims));
      known.add(bad);
      expect((await send(runtime.url, { method: 'GET', path: '/cohorts', token: bad })).status).toBe(401);
    }
    // 413 of a body full of ID numbers, 415, 409, 404, and a 500 (a cursor the API never gave out).
    const huge = remember(
      cohortBody(1, { trainingJustification: `${body.apprentices[2]!.idNumber} `.repeat(60_000) }),
    );
    expect(
      (await send(runtime.url, { method: 'POST', path: '/cohorts', token: clerk, body: huge })).status,
    ).toBe(413);
    expect(
      (
        await send(runtime.url, {
          method: 'POST',
          path: '/cohorts',
          token: clerk,
          raw: body.apprentices[0]!.phone,
          contentType: 'text/plain',
        })
      ).status,
    ).toBe(415);
    expect(
      (await send(runtime.url, { method: 'POST', path: `/cohorts/${cohortId}/submit`, token: clerk })).status,
    ).toBe(200);
    expect(
      (await send(runtime.url, { method: 'POST', path: `/cohorts/${cohortId}/submit`, token: clerk })).status,
    ).toBe(409);
    expect(
      (
        await send(runtime.url, {
          method: 'GET',
          path: `/cohorts/${cohortId}?phone=${body.apprentices[0]!.phone}`,
          token: await token('ent-b-clerk'),
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await send(runtime.url, {
          method: 'POST',
          path: '/cohorts',
          token: clerk,
          body: cohortBody(1),
          headers: { 'idempotency-key': body.apprentices[1]!.phone },
        })
      ).status,
    ).toBe(201);
    await send(runtime.url, { method: 'GET', path: '/cohorts?cursor=e30', token: clerk });

    // Through every stage to FILED, with a read of a full ID number on the way.
    await decide(api, 'ent-a-signatory', cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
    const school = await api.as('school-a-registrar').get(`/cohorts/${cohortId}`);
    await decide(
      api,
      'school-a-registrar',
      cohortId,
      'SCHOOL_REVIEW',
      makeEnrolment(school.body.apprentices),
    );
    const identity = await api
      .as('bureau-reviewer')
      .get(
        `/cohorts/${cohortId}/apprentices/${school.body.apprentices[0].apprenticeId}/identity?reason=${encodeURIComponent('核对身份信息')}`,
      );
    expect(identity.body.idNumber).toBe(body.apprentices[0]!.idNumber);
    await decide(api, 'bureau-reviewer', cohortId, 'BUREAU_REVIEW', { decision: 'approve' });
    await runtime.idle();
    expect((await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.status).toBe('FILED');

    // Then paid for: the advance through school verification, bureau review and the treasurer's
    // release (where the enterprise's bank account is used), with a claim refused on the way.
    for (const user of ['ent-a-signatory', 'bureau-treasurer']) await token(user);
    const filed = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
    const proof = evidence(filed.apprentices, 'advance');
    proof.feeInvoiceNo = body.apprentices[0]!.idNumber; // a careless clerk types an ID number as the invoice number
    const refused = await send(runtime.url, {
      method: 'POST',
      path: '/claims',
      token: clerk,
      body: { cohortId, kind: 'final', evidence: proof },
    });
    expect(refused.status).toBe(409); // a final claim before the training ends
    const submitted = await claim(api, cohortId, 'advance');
    await verifyAtSchool(api, submitted.claimId, cohortId);
    const review = await api.waitForTask('bureau-reviewer', submitted.claimId, 'BUREAU_REVIEW');
    expect(
      (await api.as('bureau-reviewer').post(`/tasks/${review.taskId}/decision`, { decision: 'approve' }))
        .status,
    ).toBe(200);
    const payment = await api.waitForTask('bureau-treasurer', submitted.claimId, 'PAYMENT');
    expect(
      (await api.as('bureau-treasurer').post(`/tasks/${payment.taskId}/decision`, { decision: 'approve' }))
        .status,
    ).toBe(200);
    await runtime.idle();
    expect((await api.as('ent-a-clerk').get(`/claims/${submitted.claimId}`)).body.status).toBe('PAID');
    const report = await api
      .as('bureau-treasurer')
      .get(`/reports/subsidies?year=${(await api.now()).getUTCFullYear()}&format=csv`);
    expect(report.status).toBe(200);

    const events = await (await fetch(`${runtime.url}/dev/events`)).text();
    expect(JSON.parse(events).items.length).toBeGreaterThan(0);
    const inEvents = findPersonalData(events, known);
    const inLogs = scanAll([...runtimeLines, ...processLines]);
    recordReliability(task, {
      invariantsChecked: 2,
      invariantsViolated: (inEvents.length > 0 ? 1 : 0) + (inLogs.length > 0 ? 1 : 0),
      unmaskedInLogs: inLogs.length,
    });
    expect(runtimeLines.length).toBeGreaterThan(20);
    expect(inEvents, 'domain events').toEqual([]);
    expect(
      inLogs.map(({ finding }) => `${finding.kind} ${finding.masked}`),
      'log lines',
    ).toEqual([]);
  });

  it('logs no ID number a client put in the URL path', async ({ task }) => {
    const clerk = await token('ent-a-clerk');
    const person = idNumber('1990-01-01', 123);
    known.add(person);
    const before = runtimeLines.length;
    const answer = await send(runtime.url, { method: 'GET', path: `/cohorts/${person}`, token: clerk });
    expect(answer.status).toBe(400);
    expect(answer.text).not.toContain(person);
    const found = scanAll(runtimeLines.slice(before));
    recordReliability(task, {
      invariantsChecked: 1,
      invariantsViolated: found.length > 0 ? 1 : 0,
      unmaskedInLogs: found.length,
    });
    expect(found.map(({ finding }) => `${finding.kind} ${finding.masked}`)).toEqual([]);
  });
});

describe('the logger', () => {
  it('scrubs ID numbers, phones, accounts and tokens from messages, fields and errors, even glued to text', async ({
    task,
  }) => {
    const person = idNumber('1988-08-08', 88);
    const phone = '13812345678';
    const jwt = await token('ent-a-clerk');
    const account = DEMO_BANK_ACCOUNTS[0]!;
    for (const value of [person, phone, jwt, account]) known.add(value);
    const before = processLines.length;
    logger.warn(`lookup of ${person} failed`, {
      idNumber: person,
      phone,
      account,
      authorization: `Bearer ${jwt}`,
      nested: { note: `id${person}, tel${phone}, acct_${account}`, lower: person.toLowerCase() },
    });
    logger.error('request failed', errorFields(new Error(`no cohort for person ${person} / ${phone}`)));
    const lines = processLines.slice(before).filter((line) => line.includes('"level"'));
    expect(lines).toHaveLength(2);
    const found = scanAll(lines);
    recordReliability(task, {
      invariantsChecked: 1,
      invariantsViolated: found.length > 0 ? 1 : 0,
      unmaskedInLogs: found.length,
    });
    expect(found.map(({ finding }) => `${finding.kind} ${finding.masked}`)).toEqual([]);
  });
});
