import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { auditRecordOf } from '../../shared/adapters/dynamodb/rows.ts';
import { type Item, Table } from '../../shared/adapters/dynamodb/table.ts';
import { verifyAuditChain } from '../../shared/domain/audit.ts';
import { evidence } from '../support/claims.ts';
import { createCohort, fileCohort } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';
import { BUREAU_A, BUREAU_B, ENT_A, ENT_C, send, syntheticCaller, tokenFor } from '../support/security.ts';

/**
 * Issue 13 items 4 and 5 on the embedded runtime: the signatory's commitment (承诺书) before a
 * claim is submitted, and the district's credit blacklist (失信名单) that stops a listed
 * enterprise submitting cohorts and claims.
 */
let runtime: RunningRuntime;
let api: ApiClient;
let dataDir: string;
let client: DynamoDBClient;
let table: Table;
const tableName = `it-${ulid()}`;

beforeAll(async () => {
  ({ runtime, api, dataDir } = await startTestRuntime({ tableName }));
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

async function prepareAdvance(cohortId: string): Promise<{ claimId: string; version: number }> {
  const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
  const prepared = await api
    .as('ent-a-clerk')
    .post('/claims', { cohortId, kind: 'advance', evidence: evidence(cohort.apprentices, 'advance') });
  expect(prepared.status, JSON.stringify(prepared.body)).toBe(201);
  return prepared.body;
}

const historyOf = async (claimId: string) =>
  (await api.as('ent-a-clerk').get(`/claims/${claimId}/history?limit=100`)).body.items as {
    action: string;
    details?: Record<string, unknown>;
  }[];

describe('the commitment (承诺书)', () => {
  it('serves the text in force with its version', async () => {
    const text = await api.as('ent-a-signatory').get('/commitments/current');
    expect(text.status).toBe(200);
    expect(text.body.version).toMatch(/^commitment-\d{4}-\d{2}\.\d+$/);
    const body = (text.body.paragraphs as string[]).join('');
    expect(body).toContain('真实');
    expect(body).toContain('退回');
    expect(body).toContain('社会保险');
  });

  it('a submission without it is 400 naming commitment.accepted and changes nothing', async () => {
    const cohortId = await fileCohort(api, 2);
    const prepared = await prepareAdvance(cohortId);
    const before = (await api.as('ent-a-clerk').get(`/claims/${prepared.claimId}`)).body;
    const attempts = [
      await api.as('ent-a-signatory').post(`/claims/${prepared.claimId}/submit`),
      await api.as('ent-a-signatory').post(`/claims/${prepared.claimId}/submit`, {}),
      await api.as('ent-a-signatory').post(`/claims/${prepared.claimId}/submit`, { commitment: {} }),
      await api
        .as('ent-a-signatory')
        .post(`/claims/${prepared.claimId}/submit`, { commitment: { accepted: false } }),
      await api
        .as('ent-a-signatory')
        .post(`/claims/${prepared.claimId}/submit`, undefined, { raw: '', contentType: 'application/json' }),
    ];
    for (const attempt of attempts) {
      expect(attempt.status, JSON.stringify(attempt.body)).toBe(400);
      expect(attempt.body.errors).toEqual([
        expect.objectContaining({ path: 'commitment.accepted', code: 'commitment.not_accepted' }),
      ]);
    }
    const after = (await api.as('ent-a-clerk').get(`/claims/${prepared.claimId}`)).body;
    expect(after).toEqual(before);
    expect(after.status).toBe('PREPARED');
    expect(after.commitment).toBeUndefined();
    expect((await historyOf(prepared.claimId)).map((record) => record.action)).toEqual(['claim.prepared']);
  });

  it('with it, the claim keeps the text version, when and by whom, and its audit record names it', async () => {
    const { version } = (await api.as('ent-a-signatory').get('/commitments/current')).body;
    const cohortId = await fileCohort(api, 2);
    const prepared = await prepareAdvance(cohortId);
    const submitted = await api
      .as('ent-a-signatory')
      .post(`/claims/${prepared.claimId}/submit`, { commitment: { accepted: true } });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    const stored = (await api.as('ent-a-clerk').get(`/claims/${prepared.claimId}`)).body;
    expect(stored.status).toBe('SCHOOL_VERIFICATION');
    expect(stored.commitment).toEqual({
      version,
      acceptedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      acceptedBy: { sub: expect.any(String), username: 'ent-a-signatory' },
    });
    expect(stored.commitment.acceptedBy.sub).toBe(stored.submittedBy);
    const submittedRecord = (await historyOf(prepared.claimId)).find(
      (record) => record.action === 'claim.submitted',
    );
    expect(submittedRecord?.details).toMatchObject({ commitmentVersion: version });
  });
});

/** Today in China time (the calendar the listing's dates are in), and a day some days after it. */
async function chinaDay(offsetDays = 0): Promise<string> {
  const now = await api.now();
  return new Date(now.getTime() + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** The district list's audit records as stored, in order. */
async function blacklistAudit(districtCode: string) {
  const page = await table.query<Item>({
    pk: keys.creditListing(districtCode, ENT_A).pk,
    skPrefix: keys.auditPrefix,
    limit: 100,
  });
  return page.items.map(auditRecordOf);
}

describe('the credit blacklist (失信名单)', () => {
  it('stops a listed enterprise submitting cohorts and claims (403 naming the dates) until the listing is deleted', async () => {
    // Prepared before the listing: a draft cohort, a claim to submit, a filed cohort to claim on.
    const draft = await createCohort(api, 2);
    const withClaim = await fileCohort(api, 2);
    const claim = await prepareAdvance(withClaim);
    const unclaimed = await fileCohort(api, 2);
    const from = await chinaDay(-2);
    const to = await chinaDay(30);

    const listed = await api
      .as('bureau-admin')
      .put(
        `/credit-blacklist/${ENT_A}`,
        { from, to, reason: '虚报培训人数，骗取补贴' },
        { idempotencyKey: 'bl-1' },
      );
    expect(listed.status, JSON.stringify(listed.body)).toBe(201);
    expect(listed.body).toMatchObject({
      enterpriseId: ENT_A,
      districtCode: BUREAU_A,
      from,
      to,
      inForce: true,
    });
    // The same key again: the same answer, nothing written twice.
    const again = await api
      .as('bureau-admin')
      .put(
        `/credit-blacklist/${ENT_A}`,
        { from, to, reason: '虚报培训人数，骗取补贴' },
        { idempotencyKey: 'bl-1' },
      );
    expect(again.status).toBe(201);
    expect(again.body).toEqual(listed.body);

    const refusal = {
      code: 'credit_blacklist.listed',
      params: { enterpriseId: ENT_A, districtCode: BUREAU_A, from, to },
    };
    const cohortSubmit = await api.as('ent-a-clerk').post(`/cohorts/${draft.cohortId}/submit`);
    expect(cohortSubmit.status, JSON.stringify(cohortSubmit.body)).toBe(403);
    expect(cohortSubmit.body).toMatchObject(refusal);
    expect(cohortSubmit.body.detail).toContain(`from ${from} to ${to}`);
    const claimSubmit = await api
      .as('ent-a-signatory')
      .post(`/claims/${claim.claimId}/submit`, { commitment: { accepted: true } });
    expect(claimSubmit.status, JSON.stringify(claimSubmit.body)).toBe(403);
    expect(claimSubmit.body).toMatchObject(refusal);
    const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${unclaimed}`)).body;
    const created = await api.as('ent-a-clerk').post('/claims', {
      cohortId: unclaimed,
      kind: 'advance',
      evidence: evidence(cohort.apprentices, 'advance'),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(403);
    expect(created.body).toMatchObject(refusal);
    // Nothing changed: the draft, the claim and the unclaimed cohort are as they were.
    const draftNow = (await api.as('ent-a-clerk').get(`/cohorts/${draft.cohortId}`)).body;
    expect(draftNow).toMatchObject({ status: 'DRAFT', version: draft.version });
    const claimNow = (await api.as('ent-a-clerk').get(`/claims/${claim.claimId}`)).body;
    expect(claimNow).toMatchObject({ status: 'PREPARED', version: claim.version });
    expect((await api.as('ent-a-clerk').get(`/cohorts/${unclaimed}`)).body.version).toBe(cohort.version);
    expect((await historyOf(claim.claimId)).map((record) => record.action)).toEqual(['claim.prepared']);

    // Its own users see the listing (the console's alert); the district's bureau sees it in the list.
    const own = await api.as('ent-a-signatory').get('/credit-blacklist');
    expect(own.status).toBe(200);
    expect(own.body.items).toEqual([
      expect.objectContaining({ enterpriseId: ENT_A, from, to, inForce: true }),
    ]);
    expect((await api.as('ent-b-clerk').get('/credit-blacklist')).body.items).toEqual([]);
    const district = await api.as('bureau-reviewer').get('/credit-blacklist');
    expect(district.body.items.map((item: { enterpriseId: string }) => item.enterpriseId)).toContain(ENT_A);
    expect((await api.as('bureau2-reviewer').get('/credit-blacklist')).body.items).toEqual([]);
    expect((await api.as('school-a-registrar').get('/credit-blacklist')).status).toBe(403);

    const removed = await api
      .as('bureau-admin')
      .delete(`/credit-blacklist/${ENT_A}`, { idempotencyKey: 'bl-2' });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body).toMatchObject({ enterpriseId: ENT_A, removed: true });
    expect(
      (await api.as('bureau-admin').delete(`/credit-blacklist/${ENT_A}`, { idempotencyKey: 'bl-2' })).body,
    ).toEqual(removed.body);
    const notListed = await api.as('bureau-admin').delete(`/credit-blacklist/${ENT_A}`);
    expect(notListed.status).toBe(404);
    expect(notListed.body.code).toBe('credit_listing.not_found');

    // Allowed again.
    expect((await api.as('ent-a-clerk').post(`/cohorts/${draft.cohortId}/submit`)).status).toBe(200);
    const submitted = await api
      .as('ent-a-signatory')
      .post(`/claims/${claim.claimId}/submit`, { commitment: { accepted: true } });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    const prepared = await api.as('ent-a-clerk').post('/claims', {
      cohortId: unclaimed,
      kind: 'advance',
      evidence: evidence(cohort.apprentices, 'advance'),
    });
    expect(prepared.status, JSON.stringify(prepared.body)).toBe(201);
    await runtime.idle();
  });

  it('holds from its first to its last day (China time) and no longer', async () => {
    const cohortId = await fileCohort(api, 2);
    const claim = await prepareAdvance(cohortId);
    const draft = await createCohort(api, 2);
    const tomorrow = await chinaDay(1);
    // A listing that starts tomorrow does not hold today …
    const future = await api
      .as('bureau-admin')
      .put(`/credit-blacklist/${ENT_A}`, { from: tomorrow, to: tomorrow, reason: '失信被执行人' });
    expect(future.status, JSON.stringify(future.body)).toBe(201);
    expect(future.body.inForce).toBe(false);
    // … and holds on its day: the clock moves one day on.
    await api.setClock(new Date((await api.now()).getTime() + 86_400_000).toISOString());
    const refused = await api
      .as('ent-a-signatory')
      .post(`/claims/${claim.claimId}/submit`, { commitment: { accepted: true } });
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'credit_blacklist.listed',
      params: { from: tomorrow, to: tomorrow },
    });
    expect((await api.as('ent-a-clerk').post(`/cohorts/${draft.cohortId}/submit`)).status).toBe(403);
    // The day after its last: allowed again, the listing still on the list but no longer in force.
    await api.setClock(new Date((await api.now()).getTime() + 86_400_000).toISOString());
    expect((await api.as('ent-a-signatory').get('/credit-blacklist')).body.items).toEqual([
      expect.objectContaining({ from: tomorrow, to: tomorrow, inForce: false }),
    ]);
    const submitted = await api
      .as('ent-a-signatory')
      .post(`/claims/${claim.claimId}/submit`, { commitment: { accepted: true } });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect((await api.as('ent-a-clerk').post(`/cohorts/${draft.cohortId}/submit`)).status).toBe(200);
    await runtime.idle();
  });

  it('is kept by the administrator of the enterprise’s own district only, with every field checked', async () => {
    const body = { from: await chinaDay(), to: await chinaDay(10), reason: '违规' };
    const otherAdmin = await tokenFor(dataDir, syntheticCaller('bureau.admin', BUREAU_B));
    const put = await send(runtime.url, {
      method: 'PUT',
      path: `/credit-blacklist/${ENT_A}`,
      token: otherAdmin,
      body,
    });
    expect(put.status, put.text).toBe(403);
    expect(put.body.code).toBe('credit_blacklist.own_district_only');
    const del = await send(runtime.url, {
      method: 'DELETE',
      path: `/credit-blacklist/${ENT_A}`,
      token: otherAdmin,
    });
    expect(del.status, del.text).toBe(403);
    // And the other way round: 110108's administrator cannot list 110105's enterprise C.
    const foreign = await api.as('bureau-admin').put(`/credit-blacklist/${ENT_C}`, body);
    expect(foreign.status).toBe(403);
    // Another district's list does not name enterprise A, and enterprise C's own list is empty.
    expect((await api.as('ent-c-clerk').get('/credit-blacklist')).body.items).toEqual([]);
    // Not an enterprise of the register: 404.
    const unknown = await api.as('bureau-admin').put('/credit-blacklist/91350100M000100Y43', body);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('organisation.not_found');
    // Roles other than bureau.admin: 403 before anything is read.
    expect((await api.as('bureau-reviewer').put(`/credit-blacklist/${ENT_A}`, body)).status).toBe(403);
    expect((await api.as('ent-a-clerk').delete(`/credit-blacklist/${ENT_A}`)).status).toBe(403);
    // Bad fields: 400 with their paths, nothing stored.
    const before = (await api.as('bureau-admin').get('/credit-blacklist')).body;
    const bad = await api
      .as('bureau-admin')
      .put(`/credit-blacklist/${ENT_A}`, { from: '2027-02-30', to: '2027-03-31', reason: '   ' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['from', 'reason']);
    const reversed = await api
      .as('bureau-admin')
      .put(`/credit-blacklist/${ENT_A}`, { from: '2027-05-01', to: '2027-04-30', reason: '违规' });
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors).toEqual([
      expect.objectContaining({ path: 'to', code: 'credit_blacklist.to_before_from' }),
    ]);
    const badPath = await api.as('bureau-admin').put('/credit-blacklist/not-a-uscc', body);
    expect(badPath.status).toBe(400);
    expect(badPath.body.errors[0].path).toBe('path.enterpriseId');
    expect((await api.as('bureau-admin').get('/credit-blacklist')).body).toEqual(before);
  });

  it('audits every change on the district list’s own hash chain, in the change’s transaction', async () => {
    const records = await blacklistAudit(BUREAU_A);
    // Test 1 listed and removed; test 2 listed (the refused and invalid calls of test 3 wrote nothing).
    expect(records.map((record) => record.action)).toEqual([
      'credit_blacklist.listed',
      'credit_blacklist.removed',
      'credit_blacklist.listed',
    ]);
    expect(records.every((record) => record.caseId === BUREAU_A)).toBe(true);
    expect(records[0]).toMatchObject({
      actor: expect.objectContaining({ username: 'bureau-admin', role: 'bureau.admin', orgId: BUREAU_A }),
      reason: '虚报培训人数，骗取补贴',
      details: expect.objectContaining({ enterpriseId: ENT_A }),
    });
    expect(verifyAuditChain(records)).toEqual({ ok: true, count: 3 });
    const head = await table.get<Item>(keys.creditHead(BUREAU_A));
    expect(head).toMatchObject({ auditSeq: 3, auditHead: records[2]!.hash });
    expect(await blacklistAudit(BUREAU_B)).toEqual([]);
  });
});
