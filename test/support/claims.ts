import { expect } from 'vitest';
import type { ApiClient } from '../../scripts/lib/api-client.ts';

/** Evidence of a claim: an invoice number, attendance of every apprentice, and (final) ten training videos. */
export function evidence(apprentices: { apprenticeId: string }[], kind: 'advance' | 'final') {
  const hex = (n: number) => n.toString(16).padStart(64, '0');
  return {
    feeInvoiceNo: `FP-${Date.now()}`,
    attendance: apprentices.map((apprentice) => ({ apprenticeId: apprentice.apprenticeId, hours: 640 })),
    documents: [
      { key: 'evidence/sign-in-2027.pdf', sha256: hex(1), kind: 'sign_in_sheet' },
      ...(kind === 'final'
        ? Array.from({ length: 10 }, (_, index) => ({
            key: `evidence/video-${index + 1}.mp4`,
            sha256: hex(index + 2),
            kind: 'training_video',
          }))
        : []),
    ],
  };
}

/** Clerk prepares, signatory submits; returns the claim as submitted. */
export async function claim(api: ApiClient, cohortId: string, kind: 'advance' | 'final') {
  const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
  const prepared = await api
    .as('ent-a-clerk')
    .post('/claims', { cohortId, kind, evidence: evidence(cohort.apprentices, kind) });
  expect(prepared.status, JSON.stringify(prepared.body)).toBe(201);
  const submitted = await api.as('ent-a-signatory').post(`/claims/${prepared.body.claimId}/submit`);
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
