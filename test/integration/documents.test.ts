import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import {
  type DocumentReference,
  sampleEvidenceFiles,
  sha256Hex,
  uploadEvidence,
} from '../../scripts/lib/evidence.ts';
import { dynamoDb } from '../../shared/adapters/dynamodb/client.ts';
import { evidence } from '../support/claims.ts';
import { createCohort, fileCohort } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * Evidence documents (domain.md: "stored as objects … referenced by key and checksum"): the
 * clerk announces a file, PUTs it to the presigned URL, the object store reports it and the
 * document is STORED; a claim may list only STORED documents of its cohort with their SHA-256.
 * On the embedded runtime: the S3 stand-in (a folder under the data directory) and the same
 * `confirm-document` handler EventBridge invokes on AWS.
 */
let runtime: RunningRuntime;
let api: ApiClient;
let dataDir: string;
let cohortId: string;

beforeAll(async () => {
  ({ runtime, api, dataDir } = await startTestRuntime());
  cohortId = await fileCohort(api, 2);
});
afterAll(async () => {
  await runtime?.stop();
});

const pdf = (text: string) => new TextEncoder().encode(`%PDF-1.7 ${text}`);

function announce(content: Uint8Array, overrides: Record<string, unknown> = {}, user = 'ent-a-clerk') {
  return api.as(user).post(`/cohorts/${cohortId}/documents`, {
    kind: 'sign_in_sheet',
    fileName: '签到表.pdf',
    contentType: 'application/pdf',
    sizeBytes: content.byteLength,
    sha256: sha256Hex(content),
    ...overrides,
  });
}

/** Document records and their audit records in the table (a Scan: fine in a test, never on a request path). */
async function documentItems(): Promise<number> {
  let count = 0;
  let start: Record<string, any> | undefined;
  do {
    const out = await dynamoDb().send(
      new ScanCommand({
        TableName: runtime.tableName,
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: { ':prefix': { S: 'DOCUMENT#' } },
        ExclusiveStartKey: start,
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

describe('evidence documents', () => {
  it('announce → PUT to the presigned URL → STORED, with its history and a download link that returns the bytes', async () => {
    const content = pdf('sign-in sheet, March 2027');
    const announced = await announce(content, {}, 'ent-a-clerk');
    expect(announced.status, JSON.stringify(announced.body)).toBe(201);
    const { documentId, key, status, upload } = announced.body;
    expect(status).toBe('PENDING');
    expect(key).toBe(`cohorts/${cohortId}/${documentId}`);
    expect(upload.method).toBe('PUT');
    expect(upload.headers['x-amz-checksum-sha256']).toBe(
      Buffer.from(sha256Hex(content), 'hex').toString('base64'),
    );

    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: content });
    expect(put.status, await put.text()).toBe(200);

    const stored = await api.as('ent-a-clerk').get(`/documents/${documentId}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      status: 'STORED',
      sha256: sha256Hex(content),
      sizeBytes: content.length,
    });
    expect(stored.body.history.map((record: { action: string }) => record.action)).toEqual([
      'document.requested',
      'document.stored',
    ]);
    const download = await fetch(stored.body.download.url);
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(content);
    expect(download.headers.get('content-disposition')).toContain(encodeURIComponent('签到表.pdf'));

    // The school and the bureau of the cohort see it; another enterprise and another district do not.
    expect((await api.as('school-a-registrar').get(`/documents/${documentId}`)).status).toBe(200);
    expect((await api.as('bureau-reviewer').get(`/documents/${documentId}`)).status).toBe(200);
    expect((await api.as('ent-b-clerk').get(`/documents/${documentId}`)).status).toBe(404);
    expect((await api.as('bureau2-reviewer').get(`/documents/${documentId}`)).status).toBe(404);
  });

  it('the object store refuses bytes other than those announced, and the document stays PENDING', async () => {
    const content = pdf('the real sheet');
    const announced = await announce(content);
    const { documentId, upload } = announced.body;
    const forged = pdf('the real shee!'); // same length, other bytes
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: forged });
    expect(put.status).toBe(400);
    expect(await put.text()).toContain('BadDigest');
    const read = await api.as('ent-a-clerk').get(`/documents/${documentId}`);
    expect(read.body.status).toBe('PENDING');
    expect(read.body.download).toBeNull();
    // A URL whose key was changed to another document's is refused too (the signature covers the key).
    const other = await announce(pdf('another'));
    const retargeted = upload.url.replace(documentId, other.body.documentId);
    const stolen = await fetch(retargeted, { method: 'PUT', headers: upload.headers, body: content });
    expect(stolen.status).toBe(403);
  });

  it('refuses what may not be announced, and stores nothing', async () => {
    const content = pdf('x');
    const before = readdirSync(join(dataDir, 'objects'), { recursive: true }).length;
    const recordsBefore = await documentItems();
    const cases: [Record<string, unknown>, string, number][] = [
      [{ contentType: 'video/mp4' }, 'contentType', 400], // a sign-in sheet is a scan
      [{ kind: 'certificate', sizeBytes: 60 * 1024 * 1024 }, 'sizeBytes', 400],
      [{ sha256: 'ABC' }, 'sha256', 400],
      [{ fileName: '../../etc/passwd' }, 'fileName', 400],
      [{ kind: 'photo' }, 'kind', 400],
      [{ sizeBytes: 0 }, 'sizeBytes', 400],
    ];
    for (const [overrides, path, status] of cases) {
      const response = await announce(content, overrides);
      expect(response.status, JSON.stringify(overrides)).toBe(status);
      expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    }
    // Roles and organisations: only the cohort's own enterprise clerk announces documents.
    expect((await announce(content, {}, 'ent-a-signatory')).status).toBe(403);
    expect((await announce(content, {}, 'school-a-registrar')).status).toBe(403);
    expect((await announce(content, {}, 'ent-b-clerk')).status).toBe(404);
    // Evidence belongs to a filed cohort.
    const { cohortId: draft } = await createCohort(api, 1);
    const early = await api.as('ent-a-clerk').post(`/cohorts/${draft}/documents`, {
      kind: 'sign_in_sheet',
      fileName: 'a.pdf',
      contentType: 'application/pdf',
      sizeBytes: 10,
      sha256: sha256Hex(content),
    });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('document.cohort_not_filed');
    expect(early.body.params).toEqual({ status: 'DRAFT' });
    expect(readdirSync(join(dataDir, 'objects'), { recursive: true }).length).toBe(before);
    expect(await documentItems()).toBe(recordsBefore);
  });

  it('an announcement repeated with the same Idempotency-Key answers the same document', async () => {
    const content = pdf('once');
    const body = {
      kind: 'sign_in_sheet',
      fileName: 'once.pdf',
      contentType: 'application/pdf',
      sizeBytes: content.length,
      sha256: sha256Hex(content),
    };
    const first = await api
      .as('ent-a-clerk')
      .post(`/cohorts/${cohortId}/documents`, body, { idempotencyKey: 'doc-once' });
    const second = await api
      .as('ent-a-clerk')
      .post(`/cohorts/${cohortId}/documents`, body, { idempotencyKey: 'doc-once' });
    expect(first.status).toBe(201);
    expect(second.body).toEqual(first.body);
  });

  it('a claim lists only STORED documents of its cohort, each once, with their SHA-256 and kind', async () => {
    const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
    const [sheet, video] = await uploadEvidence(
      api,
      'ent-a-clerk',
      cohortId,
      sampleEvidenceFiles(cohortId, 'final'),
    );
    const pending = (await announce(pdf('never uploaded'))).body;
    const elsewhere = await fileCohort(api, 1);
    const [foreign] = await uploadEvidence(
      api,
      'ent-a-clerk',
      elsewhere,
      sampleEvidenceFiles(elsewhere, 'advance'),
    );
    const bad: DocumentReference[] = [
      { key: pending.key, sha256: pending.sha256, kind: 'sign_in_sheet' },
      { ...foreign!, kind: 'sign_in_sheet' },
      { ...sheet!, sha256: '0'.repeat(64) },
      { ...video!, kind: 'certificate' },
      { key: 'evidence/not-uploaded.pdf', sha256: '1'.repeat(64), kind: 'other' },
    ];
    const refused = await api
      .as('ent-a-clerk')
      .post('/claims', { cohortId, kind: 'advance', evidence: evidence(cohort.apprentices, 'advance', bad) });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(
      [
        'evidence.documents.0.key',
        'evidence.documents.1.key',
        'evidence.documents.2.sha256',
        'evidence.documents.3.kind',
        'evidence.documents.4.key',
      ].sort(),
    );
    expect(
      Object.fromEntries(
        refused.body.errors.map((error: { path: string; code: string }) => [error.path, error.code]),
      ),
    ).toEqual({
      'evidence.documents.0.key': 'evidence.document_pending',
      'evidence.documents.1.key': 'evidence.document_unknown',
      'evidence.documents.2.sha256': 'evidence.sha256_mismatch',
      'evidence.documents.3.kind': 'evidence.kind_mismatch',
      'evidence.documents.4.key': 'evidence.document_unknown',
    });
    const twice = await api.as('ent-a-clerk').post('/claims', {
      cohortId,
      kind: 'advance',
      evidence: evidence(cohort.apprentices, 'advance', [sheet!, sheet!]),
    });
    expect(twice.status).toBe(400);
    expect(twice.body.errors).toEqual([
      expect.objectContaining({
        path: 'evidence.documents.1.key',
        code: 'evidence.document_repeated',
        message: 'this document is already listed',
      }),
    ]);
    // Nothing was prepared by the refusals.
    expect((await api.as('ent-a-clerk').get(`/claims?limit=100`)).body.items).toEqual([]);

    const accepted = await api.as('ent-a-clerk').post('/claims', {
      cohortId,
      kind: 'advance',
      evidence: evidence(cohort.apprentices, 'advance', [sheet!]),
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    expect(accepted.body.evidence.documents).toEqual([sheet]);
  });
});
