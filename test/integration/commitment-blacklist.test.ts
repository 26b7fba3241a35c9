import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { evidence } from '../support/claims.ts';
import { fileCohort } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * Issue 13 items 4 and 5 on the embedded runtime: the signatory's commitment (承诺书) before a
 * claim is submitted, and the district's credit blacklist (失信名单) that stops a listed
 * enterprise submitting cohorts and claims.
 */
let runtime: RunningRuntime;
let api: ApiClient;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
});
afterAll(async () => {
  await runtime?.stop();
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
