import { expect } from 'vitest';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { type DocumentReference, sampleEvidenceFiles, uploadEvidence } from '../../scripts/lib/evidence.ts';

/**
 * Evidence of a claim: an invoice number, attendance of every apprentice, and the documents
 * uploaded for it (a final claim needs ten training videos: see `uploadClaimDocuments`).
 */
export function evidence(
  apprentices: { apprenticeId: string }[],
  _kind: 'advance' | 'final',
  documents: DocumentReference[] = [],
) {
  return {
    feeInvoiceNo: `FP-${Date.now()}`,
    attendance: apprentices.map((apprentice) => ({ apprenticeId: apprentice.apprenticeId, hours: 640 })),
    documents,
  };
}

/** Uploads a sign-in sheet (and, for a final claim, ten training videos) as the enterprise's clerk. */
export function uploadClaimDocuments(
  api: ApiClient,
  cohortId: string,
  kind: 'advance' | 'final',
  user = 'ent-a-clerk',
): Promise<DocumentReference[]> {
  return uploadEvidence(api, user, cohortId, sampleEvidenceFiles(cohortId, kind));
}

/** Clerk prepares, signatory submits; returns the claim as submitted. */
export async function claim(api: ApiClient, cohortId: string, kind: 'advance' | 'final') {
  const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
  const documents = await uploadClaimDocuments(api, cohortId, kind);
  const prepared = await api
    .as('ent-a-clerk')
    .post('/claims', { cohortId, kind, evidence: evidence(cohort.apprentices, kind, documents) });
  expect(prepared.status, JSON.stringify(prepared.body)).toBe(201);
  const submitted = await api
    .as('ent-a-signatory')
    .post(`/claims/${prepared.body.claimId}/submit`, { commitment: { accepted: true } });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  return submitted.body as { claimId: string; amountFen: number; recoveryFen: number; status: string };
}

export async function verifyAtSchool(api: ApiClient, claimId: string, cohortId: string, final = false) {
  const cohort = (await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).body;
  const task = await api.waitForTask('school-a-registrar', claimId, 'SCHOOL_VERIFICATION');
  const response = await api.as('school-a-registrar').post(`/tasks/${task.taskId}/decision`, {
    decision: 'approve',
    attendance: cohort.apprentices.map((apprentice: { apprenticeId: string }) => ({
      apprenticeId: apprentice.apprenticeId,
      hours: 640,
    })),
    ...(final ? { outcomesConfirmed: true } : {}),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}
