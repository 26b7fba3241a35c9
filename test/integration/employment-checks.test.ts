import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import {
  type ContributionLine,
  importContributions,
  insuredThroughout,
} from '../../scripts/lib/contributions.ts';
import { makeEnrolment } from '../../scripts/lib/roster.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { Table } from '../../shared/adapters/dynamodb/table.ts';
import { evidence, uploadClaimDocuments } from '../support/claims.ts';
import { cohortBody, decide } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';
import { BUREAU_A, ENT_A, ENT_B } from '../support/security.ts';

/**
 * Issue 13 items 1-3 on the embedded runtime: the district's contribution files, the employment
 * checks (社保 check) at the bureau's filing and before each payment, and the overrides a second
 * bureau user confirms. The clock only moves forward, so the file runs in calendar order.
 */
let runtime: RunningRuntime;
let api: ApiClient;
let client: DynamoDBClient;
let table: Table;
const tableName = `it-${ulid()}`;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime({ tableName }));
  client = new DynamoDBClient({
    endpoint: runtime.dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  table = new Table(client, tableName);
});
afterAll(async () => {
  await runtime?.stop();
  client?.destroy();
});

const AT_A = { enterpriseId: ENT_A, districtCode: BUREAU_A };
type Row = { idNumber: string; hireType: string; contract: { startDate: string; endDate: string | null } };

/** Created, submitted and approved by the company and the school: waiting at the bureau. */
async function atBureau(body: ReturnType<typeof cohortBody>) {
  const created = await api.as('ent-a-clerk').post('/cohorts', body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const cohortId = created.body.cohortId as string;
  expect((await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`)).status).toBe(200);
  await decide(api, 'ent-a-signatory', cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
  const cohort = (await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).body;
  await decide(api, 'school-a-registrar', cohortId, 'SCHOOL_REVIEW', makeEnrolment(cohort.apprentices));
  const task = await api.waitForTask('bureau-reviewer', cohortId, 'BUREAU_REVIEW');
  return { cohortId, taskId: task.taskId, apprentices: cohort.apprentices as { apprenticeId: string }[] };
}

const approveAtBureau = (taskId: string) =>
  api.as('bureau-reviewer').post(`/tasks/${taskId}/decision`, { decision: 'approve' });

/** Every ID number a file of this test carried (none may be stored in the clear, in a key or anywhere). */
const sentIdNumbers = new Set<string>();

async function imported(lines: ContributionLine[]) {
  for (const line of lines) sentIdNumbers.add(line.idNumber);
  const response = await importContributions(api, lines);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { importId: string; rows: number };
}

const checksOf = async (cohortId: string, user = 'bureau-reviewer') => {
  const response = await api.as(user).get(`/cohorts/${cohortId}/employment-checks?limit=100`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.items as {
    checkId: string;
    stage: string;
    rule: string;
    apprenticeId: string;
    result: string;
    months: string[];
    window: { from: string; to: string };
    overrideId: string | null;
    caseId: string;
  }[];
};

const paths = (body: { errors?: { path: string }[] }) => (body.errors ?? []).map((error) => error.path);

describe('POST /employment-records/imports', () => {
  it('refuses a file with any bad row (400, rows.N.field) and stores nothing', async () => {
    const good = cohortBody(1).apprentices[0]!.idNumber;
    const bad = `${good.slice(0, 17)}${good.endsWith('0') ? '1' : '0'}`;
    const csv = [
      'idNumber,enterpriseId,districtCode,month,insured',
      `${good},${ENT_A},110108,2027-03,1`,
      `${bad},${ENT_A},110108,2027-03,1`,
      `${good},91110108MA01AAAA0X,110108,2027-13,maybe`,
      `${good},${ENT_A},110105,2027-04,1`,
      `${good},${ENT_A},110108,2027-03,0`,
    ].join('\n');
    const response = await api
      .as('bureau-admin')
      .post('/employment-records/imports', undefined, { raw: csv, contentType: 'text/csv' });
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(paths(response.body)).toEqual([
      'rows.1.idNumber',
      'rows.2.enterpriseId',
      'rows.2.month',
      'rows.2.insured',
      'rows.3.districtCode',
      'rows.4.idNumber',
    ]);
    expect(response.body.errors.map((error: { code: string }) => error.code)).toEqual([
      'id_number.check_character',
      'uscc.check_character',
      'month.shape',
      'field.not_boolean',
      'employment.other_district',
      'employment.row_repeated',
    ]);
    // Nothing stored: the district still has no register (no head, no pointer, no row).
    expect(await table.get(keys.employmentHead(BUREAU_A))).toBeUndefined();
    expect(await table.get(keys.employmentPointer(BUREAU_A, ENT_A))).toBeUndefined();
  });

  it('takes the same rows as JSON, refuses other media types (415) and other roles (403)', async () => {
    const other = await api
      .as('bureau-admin')
      .post('/employment-records/imports', undefined, { raw: 'x', contentType: 'text/plain' });
    expect(other.status).toBe(415);
    const reviewer = await api.as('bureau-reviewer').post('/employment-records/imports', { rows: [] });
    expect(reviewer.status).toBe(403);
    const empty = await api.as('bureau-admin').post('/employment-records/imports', { rows: [] });
    expect(empty.status).toBe(400);
    expect(paths(empty.body)).toEqual(['rows']);
    const person = cohortBody(1).apprentices[0]!.idNumber;
    const json = await api.as('bureau-admin').post(
      '/employment-records/imports',
      {
        rows: [
          {
            idNumber: person,
            enterpriseId: ENT_B,
            districtCode: BUREAU_A,
            month: '2026-01',
            insured: true,
          },
        ],
      },
      { idempotencyKey: `imp-${ulid()}` },
    );
    expect(json.status, JSON.stringify(json.body)).toBe(201);
    expect(json.body).toMatchObject({ rows: 1, enterprises: 1, months: ['2026-01'] });
    expect(json.body.importId).toMatch(/^[0-9A-Z]{26}$/);
    // The file is kept with its checksum, and the import is on the register's audit chain.
    const record = await table.get<{ file: { sha256: string; key: string } }>(
      keys.employmentImport(BUREAU_A, json.body.importId),
    );
    expect(record?.file.sha256).toBe(json.body.sha256);
    const audit = await table.get<{ action: string }>(keys.audit('EMPLOYMENT', BUREAU_A, 1));
    expect(audit?.action).toBe('employment.imported');
  });
});

describe('the check at the bureau filing stage', () => {
  it('refuses to file a person not insured by the enterprise (409 naming the row); a re-import replaces the month', async () => {
    await api.setClock('2027-02-01T02:00:00Z');
    const body = cohortBody(2);
    const [first, second] = body.apprentices as Row[];
    const { cohortId, taskId } = await atBureau(body);

    // Row 1 is in the file, but not insured.
    await imported([
      { idNumber: first!.idNumber, ...AT_A, month: '2027-03', insured: true },
      { idNumber: second!.idNumber, ...AT_A, month: '2027-03', insured: false },
    ]);
    const refused = await approveAtBureau(taskId);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.code).toBe('employment.check_failed');
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        path: 'apprentices.1.employment',
        code: 'employment.not_insured',
        params: { enterpriseId: ENT_A, months: '2027-03' },
      }),
    ]);
    expect((await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.status).toBe('BUREAU_REVIEW');

    // Re-importing 2027-03 for the enterprise replaces its rows: now row 1 is insured, row 0 is no longer in the file.
    await imported([{ idNumber: second!.idNumber, ...AT_A, month: '2027-03', insured: true }]);
    const again = await approveAtBureau(taskId);
    expect(again.status).toBe(409);
    expect(paths(again.body)).toEqual(['apprentices.0.employment']);

    await imported(insuredThroughout([first!, second!], AT_A, '2027-03', '2027-03'));
    const filed = await approveAtBureau(taskId);
    expect(filed.status, JSON.stringify(filed.body)).toBe(200);
    expect(filed.body.cohort.status).toBe('FILED');

    // Every run is recorded with its window: three refused or passed runs of the same stage.
    const checks = await checksOf(cohortId);
    const atStart = checks.filter((check) => check.rule === 'insured_at_start');
    expect(
      atStart.map(
        (check) =>
          `${check.apprenticeId === filed.body.cohort.apprentices[0].apprenticeId ? 0 : 1}:${check.result}`,
      ),
    ).toEqual(['0:pass', '1:fail', '0:fail', '1:pass', '0:pass', '1:pass']);
    expect(atStart[1]).toMatchObject({
      stage: 'BUREAU_REVIEW',
      window: { from: '2027-03-01', to: '2027-03-31' },
      months: ['2027-03'],
      overrideId: null,
      caseId: cohortId,
    });
    // The enterprise and the school see the checks of their cohort too; another enterprise does not.
    expect((await checksOf(cohortId, 'ent-a-clerk')).length).toBe(checks.length);
    expect((await api.as('ent-b-clerk').get(`/cohorts/${cohortId}/employment-checks`)).status).toBe(404);
  });

  it('refuses a new hire insured by the same enterprise three months before the contract; not a transfer, nor one insured elsewhere', async () => {
    const body = cohortBody(3);
    const rows = body.apprentices as Row[];
    rows[0]!.hireType = 'new_hire';
    rows[1]!.hireType = 'transfer';
    rows[2]!.hireType = 'new_hire';
    const { taskId } = await atBureau(body);
    await imported([
      ...insuredThroughout([rows[0]!, rows[1]!], AT_A, '2026-12', '2026-12'),
      ...insuredThroughout([rows[2]!], { enterpriseId: ENT_B, districtCode: BUREAU_A }, '2026-12', '2026-12'),
      ...insuredThroughout(rows, AT_A, '2027-03', '2027-03'),
    ]);
    const refused = await approveAtBureau(taskId);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        path: 'apprentices.0.employment',
        code: 'employment.insured_before',
        params: { enterpriseId: ENT_A, months: '2026-12' },
      }),
    ]);
  });
});

/** Through the school and the bureau to the treasurer's release, which is answered as it is. */
async function toPayment(cohortId: string, kind: 'advance' | 'final') {
  const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
  const documents = await uploadClaimDocuments(api, cohortId, kind);
  const prepared = await api
    .as('ent-a-clerk')
    .post('/claims', { cohortId, kind, evidence: evidence(cohort.apprentices, kind, documents) });
  expect(prepared.status, JSON.stringify(prepared.body)).toBe(201);
  const claimId = prepared.body.claimId as string;
  const submitted = await api
    .as('ent-a-signatory')
    .post(`/claims/${claimId}/submit`, { commitment: { accepted: true } });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  const verify = await api.waitForTask('school-a-registrar', claimId, 'SCHOOL_VERIFICATION');
  const verified = await api.as('school-a-registrar').post(`/tasks/${verify.taskId}/decision`, {
    decision: 'approve',
    attendance: cohort.apprentices.map((apprentice: { apprenticeId: string }) => ({
      apprenticeId: apprentice.apprenticeId,
      hours: 640,
    })),
    ...(kind === 'final' ? { outcomesConfirmed: true } : {}),
  });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  const review = await api.waitForTask('bureau-reviewer', claimId, 'BUREAU_REVIEW');
  const approved = await api
    .as('bureau-reviewer')
    .post(`/tasks/${review.taskId}/decision`, { decision: 'approve' });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  await runtime.idle();
  const onNotice = (await api.as('ent-a-clerk').get(`/claims/${claimId}`)).body;
  if (onNotice.status === 'PUBLIC_NOTICE') {
    await api.setClock(new Date(Date.parse(onNotice.notice.endsAt) + 60_000).toISOString());
    await runtime.idle();
  }
  return claimId;
}

async function release(claimId: string) {
  const task = await api.waitForTask('bureau-treasurer', claimId, 'PAYMENT');
  return api.as('bureau-treasurer').post(`/tasks/${task.taskId}/decision`, { decision: 'approve' });
}

async function fileInsured(
  startDate: string,
  endDate: string,
  gap: (idNumber: string, month: string) => boolean,
) {
  const body = cohortBody(2, { startDate, endDate });
  for (const row of body.apprentices as Row[]) row.contract = { startDate, endDate: null };
  const { cohortId, taskId } = await atBureau(body);
  await imported(insuredThroughout(body.apprentices as Row[], AT_A, startDate.slice(0, 7), '2028-08', gap));
  const filed = await approveAtBureau(taskId);
  expect(filed.status, JSON.stringify(filed.body)).toBe(200);
  await runtime.idle();
  return {
    cohortId,
    rows: body.apprentices as Row[],
    apprentices: filed.body.cohort.apprentices as { apprenticeId: string }[],
  };
}

describe('the check before each payment, and overrides', () => {
  it('a gap in contributions blocks the final payment; an override written and confirmed by one user is refused (403), by two it lets the payment through', async () => {
    await api.setClock('2027-02-02T02:00:00Z');
    let second = '';
    const { cohortId, apprentices, rows } = await fileInsured(
      '2027-03-01',
      '2028-02-29',
      (idNumber, month) => idNumber === second && month === '2028-01',
    );
    expect(rows.length).toBe(2);
    // The gap is set after filing (the filing check read 2027-03 only): re-import January without row 1.
    second = rows[1]!.idNumber;
    await imported(insuredThroughout([rows[0]!], AT_A, '2028-01', '2028-01'));

    await api.setClock('2028-03-05T02:00:00Z');
    for (const [index, apprentice] of apprentices.entries()) {
      const recorded = await api
        .as('school-a-registrar')
        .post(`/cohorts/${cohortId}/apprentices/${apprentice.apprenticeId}/outcome`, {
          outcome: 'certified',
          certificate: {
            kind: 'skill_level',
            number: `C-${cohortId.slice(-6)}-${index}`,
            level: 4,
            issuedOn: '2028-02-20',
          },
        });
      expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
    }
    const claimId = await toPayment(cohortId, 'final');
    const blocked = await release(claimId);
    expect(blocked.status, JSON.stringify(blocked.body)).toBe(409);
    expect(blocked.body.code).toBe('employment.check_failed');
    expect(blocked.body.errors).toEqual([
      expect.objectContaining({
        path: 'apprentices.1.employment',
        params: { enterpriseId: ENT_A, months: '2028-01' },
      }),
    ]);
    expect((await api.as('ent-a-clerk').get(`/claims/${claimId}`)).body.status).toBe('PAYMENT');

    const written = await api.as('bureau-reviewer').post(
      '/overrides',
      {
        caseId: claimId,
        apprenticeIds: [apprentices[1]!.apprenticeId],
        check: 'employment',
        reason: 'January contribution paid late; receipt seen',
        caseReference: 'HD-2028-017',
        expiresOn: '2028-04-30',
      },
      { idempotencyKey: `ovr-${ulid()}` },
    );
    expect(written.status, JSON.stringify(written.body)).toBe(201);
    expect(written.body).toMatchObject({ status: 'PENDING' });
    const overrideId = written.body.overrideId as string;

    const own = await api.as('bureau-reviewer').post(`/overrides/${overrideId}/confirm`);
    expect(own.status, JSON.stringify(own.body)).toBe(403);
    expect(own.body.code).toBe('override.writer_confirms');
    // PENDING lets nothing through.
    expect((await release(claimId)).status).toBe(409);

    const confirmed = await api.as('bureau-admin').post(`/overrides/${overrideId}/confirm`);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'ACTIVE', confirmedBy: { username: 'bureau-admin' } });
    const again = await api.as('bureau-admin').post(`/overrides/${overrideId}/confirm`);
    expect(again.status).toBe(409);

    const paid = await release(claimId);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.claim.status).toBe('PAID');
    const payment = (await checksOf(cohortId)).filter((check) => check.stage === 'PAYMENT');
    const last = payment.slice(-2);
    expect(last).toEqual([
      expect.objectContaining({
        apprenticeId: apprentices[0]!.apprenticeId,
        result: 'pass',
        overrideId: null,
      }),
      expect.objectContaining({
        apprenticeId: apprentices[1]!.apprenticeId,
        result: 'fail',
        months: ['2028-01'],
        window: { from: '2027-12-01', to: '2028-02-29' },
        overrideId,
        caseId: claimId,
      }),
    ]);
    const listed = await api.as('bureau-treasurer').get(`/overrides?caseId=${claimId}`);
    expect(
      listed.body.items.map((item: { overrideId: string; status: string }) => [item.overrideId, item.status]),
    ).toEqual([[overrideId, 'ACTIVE']]);
  });

  it('after its expiry an override no longer lets a payment through', async () => {
    await api.setClock('2028-03-20T02:00:00Z');
    let gapOf = '';
    const { cohortId, rows, apprentices } = await fileInsured(
      '2028-04-01',
      '2029-03-31',
      (idNumber, month) => idNumber === gapOf && month === '2028-05',
    );
    gapOf = rows[1]!.idNumber;
    await imported(insuredThroughout([rows[0]!], AT_A, '2028-05', '2028-05'));

    await api.setClock('2028-06-02T02:00:00Z');
    const claimId = await toPayment(cohortId, 'advance');
    expect((await release(claimId)).status).toBe(409);
    const written = await api.as('bureau-reviewer').post('/overrides', {
      caseId: claimId,
      apprenticeIds: [apprentices[1]!.apprenticeId],
      check: 'employment',
      reason: 'May record missing at the insurance office',
      caseReference: 'HD-2028-031',
      expiresOn: '2028-06-03',
    });
    expect(written.status, JSON.stringify(written.body)).toBe(201);
    const confirmed = await api.as('bureau-admin').post(`/overrides/${written.body.overrideId}/confirm`);
    expect(confirmed.status).toBe(200);

    await api.setClock('2028-06-05T02:00:00Z');
    const expired = await release(claimId);
    expect(expired.status, JSON.stringify(expired.body)).toBe(409);
    expect(paths(expired.body)).toEqual(['apprentices.1.employment']);
    const listed = await api.as('bureau-reviewer').get(`/overrides?caseId=${claimId}`);
    expect(listed.body.items[0]).toMatchObject({ overrideId: written.body.overrideId, status: 'EXPIRED' });
  });
});

describe('personal data', () => {
  it('keeps no ID number of the files in the clear: not in a key, not in any attribute of any item', async () => {
    expect(sentIdNumbers.size).toBe(9);
    let items = 0;
    let chunks = 0;
    let persons = 0;
    const found: string[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) {
        items++;
        const text = JSON.stringify(item);
        if (item.pk?.S?.startsWith('CONTRIB#')) {
          chunks++;
          persons += Object.keys(item.insured?.M ?? {}).length;
        }
        for (const idNumber of sentIdNumbers)
          if (text.includes(idNumber)) found.push(`${item.pk?.S} ${item.sk?.S}`);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    // The records are there, each person under both suites' look-up hashes, in nothing but hashes.
    expect(chunks).toBeGreaterThan(10);
    expect(persons).toBeGreaterThanOrEqual(2 * sentIdNumbers.size);
    expect(items).toBeGreaterThan(chunks);
    expect(found).toEqual([]);
  });
});
