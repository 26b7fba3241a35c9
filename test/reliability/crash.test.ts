import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/free-port.ts';
import { ApiClient } from '../../scripts/lib/api-client.ts';
import { sampleEvidenceFiles, uploadEvidence } from '../../scripts/lib/evidence.ts';
import { makeCohortBody, makeEnrolment } from '../../scripts/lib/roster.ts';
import { verifyAuditChain } from '../../shared/domain/audit.ts';
import { recordReliability } from '../support/reliability.ts';

/**
 * kill -9 of the whole embedded runtime (`npm start`'s process) at ten points of the demo, some
 * between requests and some in the middle of one, and a restart each time. The demo is driven as a
 * client would: every state-changing request carries an Idempotency-Key and is repeated after a
 * failure. It must still reach PAID, with nothing lost (every step done) and nothing doubled (one
 * audit record per transition, one payment per claim, the budget charged once).
 */
const dataDir = mkdtempSync(join(tmpdir(), 'af-crash-'));
let port = 0;
/** DynamoDB Local, Step Functions and S3 on free ports of their own, kept across restarts (PORT+1… may be another test's). */
let standIns: Record<string, string> = {};
let child: ChildProcess | undefined;
let api: ApiClient;
let crashes = 0;

async function start(): Promise<void> {
  if (!port) {
    port = await freePort();
    standIns = {
      DYNAMODB_PORT: String(await freePort()),
      STEPFUNCTIONS_PORT: String(await freePort()),
      OBJECT_STORAGE_PORT: String(await freePort()),
    };
  }
  // One process, as `npm start` runs it (node with the tsx loader): kill -9 takes the whole runtime
  // down but its DynamoDB Local child, which the next start ends first.
  child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    env: { ...process.env, PORT: String(port), ...standIns, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', openSync(join(dataDir, 'runtime.err.log'), 'a')],
  });
  api = new ApiClient(`http://127.0.0.1:${port}`);
  const started = child;
  // A start on a busy 2-core machine (Java for DynamoDB Local, the tsx loader) has taken over 100 s.
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (
      await fetch(`${api.baseUrl}/health`)
        .then((r) => r.ok)
        .catch(() => false)
    )
      return;
    const why = () =>
      readFileSync(join(dataDir, 'runtime.err.log'), 'utf8').split('\n').slice(-15).join('\n');
    if (started.exitCode !== null)
      throw new Error(`the runtime exited with ${started.exitCode} before it came up:\n${why()}`);
    if (Date.now() > deadline) throw new Error(`the runtime did not come up within 240 s:\n${why()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function crash(): Promise<void> {
  crashes++;
  const victim = child!;
  return new Promise((resolve) => {
    victim.once('exit', () => resolve());
    victim.kill('SIGKILL');
  });
}

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
});

/** Repeats a request across crashes and restarts until it answers something other than 5xx. */
async function reliably<T extends { status: number }>(request: () => Promise<T>): Promise<T> {
  let last: unknown;
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const response = await request();
      if (response.status < 500) return response;
      last = response;
    } catch (error) {
      // connection refused or reset: the runtime is down or restarting
      last = error instanceof Error ? error.message : error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`a request kept failing: ${JSON.stringify(last)}`);
}

describe('crashes of the embedded runtime', () => {
  it('survives kill -9 at ten points of the demo and still pays exactly once', async ({ task: test }) => {
    await start();
    const state: Record<string, any> = {};
    const body = makeCohortBody({
      schoolId: '52110108MJ0AA1000A',
      startDate: '2027-03-01',
      endDate: '2028-02-29',
      count: 5,
    });
    const task = async (user: string, caseId: string, stage: string, slot: string) => {
      state[slot] ??= (await api.waitForTask(user, caseId, stage, 60_000)).taskId;
      return state[slot] as string;
    };
    // Every decision of the demo is one the rules allow: a 4xx is a failure, and says why.
    const decide = (user: string, slot: string, decision: Record<string, unknown>) => async () => {
      const response = await api
        .as(user)
        .post(`/tasks/${state[slot]}/decision`, decision, { idempotencyKey: `crash-${slot}` });
      if (response.status >= 400 && response.status < 500) {
        throw new Error(`${slot} decision refused: ${response.status} ${JSON.stringify(response.body)}`);
      }
      return response;
    };

    // Each step: what it does, and whether the crash comes in the middle of its request.
    const steps: { name: string; run: () => Promise<void>; crashDuring?: boolean; crashAfter?: boolean }[] = [
      {
        name: 'create cohort',
        run: async () => {
          state.cohortId = (
            await reliably(() =>
              api.as('ent-a-clerk').post('/cohorts', body, { idempotencyKey: 'crash-create' }),
            )
          ).body.cohortId;
        },
      },
      {
        name: 'submit',
        crashDuring: true,
        run: async () => {
          await reliably(() =>
            api
              .as('ent-a-clerk')
              .post(`/cohorts/${state.cohortId}/submit`, undefined, { idempotencyKey: 'crash-submit' }),
          );
        },
      },
      {
        name: 'company approval',
        crashAfter: true,
        run: async () => {
          await task('ent-a-signatory', state.cohortId, 'COMPANY_REVIEW', 'company');
          await reliably(decide('ent-a-signatory', 'company', { decision: 'approve' }));
        },
      },
      {
        name: 'school confirmation',
        crashDuring: true,
        run: async () => {
          await task('school-a-registrar', state.cohortId, 'SCHOOL_REVIEW', 'school');
          state.apprentices ??= (
            await reliably(() => api.as('school-a-registrar').get(`/cohorts/${state.cohortId}`))
          ).body.apprentices;
          state.enrolment ??= makeEnrolment(state.apprentices);
          await reliably(decide('school-a-registrar', 'school', state.enrolment));
        },
      },
      {
        name: 'bureau filing',
        crashAfter: true,
        run: async () => {
          await task('bureau-reviewer', state.cohortId, 'BUREAU_REVIEW', 'bureau');
          await reliably(decide('bureau-reviewer', 'bureau', { decision: 'approve' }));
        },
      },
      {
        name: 'advance prepared and submitted',
        crashDuring: true,
        run: async () => {
          const evidence = { feeInvoiceNo: 'FP-A', attendance: [], documents: [] };
          state.advance ??= (
            await reliably(() =>
              api
                .as('ent-a-clerk')
                .post(
                  '/claims',
                  { cohortId: state.cohortId, kind: 'advance', evidence },
                  { idempotencyKey: 'crash-advance' },
                ),
            )
          ).body.claimId;
          await reliably(() =>
            api
              .as('ent-a-signatory')
              .post(
                `/claims/${state.advance}/submit`,
                { commitment: { accepted: true } },
                { idempotencyKey: 'crash-advance-submit' },
              ),
          );
        },
      },
      {
        name: 'advance verified and approved',
        crashAfter: true,
        run: async () => {
          await task('school-a-registrar', state.advance, 'SCHOOL_VERIFICATION', 'advance-school');
          const attendance = state.apprentices.map((a: { apprenticeId: string }) => ({
            apprenticeId: a.apprenticeId,
            hours: 640,
          }));
          await reliably(decide('school-a-registrar', 'advance-school', { decision: 'approve', attendance }));
          await task('bureau-reviewer', state.advance, 'BUREAU_REVIEW', 'advance-bureau');
          await reliably(decide('bureau-reviewer', 'advance-bureau', { decision: 'approve' }));
        },
      },
      {
        name: 'advance paid',
        crashDuring: true,
        run: async () => {
          await task('bureau-treasurer', state.advance, 'PAYMENT', 'advance-pay');
          await reliably(decide('bureau-treasurer', 'advance-pay', { decision: 'approve' }));
        },
      },
      {
        name: 'withdrawal and outcomes',
        run: async () => {
          await reliably(() =>
            fetch(`${api.baseUrl}/dev/clock`, {
              method: 'POST',
              body: JSON.stringify({ now: '2027-06-01T02:00:00Z' }),
            }),
          );
          const [leaver, ...rest] = state.apprentices as { apprenticeId: string }[];
          await reliably(() =>
            api
              .as('ent-a-clerk')
              .post(
                `/cohorts/${state.cohortId}/apprentices/${leaver!.apprenticeId}/withdrawal`,
                { date: '2027-05-20', reason: 'resigned' },
                { idempotencyKey: 'crash-withdraw' },
              ),
          );
          await reliably(() =>
            fetch(`${api.baseUrl}/dev/clock`, {
              method: 'POST',
              body: JSON.stringify({ now: '2028-03-06T02:00:00Z' }),
            }),
          );
          for (const [index, apprentice] of rest.entries()) {
            const outcome =
              index === 0
                ? { outcome: 'not_certified' }
                : {
                    outcome: 'certified',
                    certificate: {
                      kind: 'skill_level',
                      number: `C-${index}`,
                      level: 4,
                      issuedOn: '2028-03-01',
                    },
                  };
            await reliably(() =>
              api
                .as('school-a-registrar')
                .post(`/cohorts/${state.cohortId}/apprentices/${apprentice.apprenticeId}/outcome`, outcome, {
                  idempotencyKey: `crash-outcome-${index}`,
                }),
            );
          }
        },
      },
      {
        name: 'final prepared and submitted',
        crashDuring: true,
        run: async () => {
          state.documents ??= await uploadEvidence(
            api,
            'ent-a-clerk',
            state.cohortId,
            sampleEvidenceFiles(state.cohortId, 'final'),
            { keyPrefix: 'crash-evidence', retry: reliably, waitUntilStored: true },
          );
          const evidence = { feeInvoiceNo: 'FP-F', attendance: [], documents: state.documents };
          if (!state.final) {
            const prepared = await reliably(() =>
              api
                .as('ent-a-clerk')
                .post(
                  '/claims',
                  { cohortId: state.cohortId, kind: 'final', evidence },
                  { idempotencyKey: 'crash-final' },
                ),
            );
            // A refusal says why (seen once under a loaded fault campaign: no claim id, no reason).
            if (prepared.status !== 201)
              throw new Error(`final claim refused: ${JSON.stringify(prepared.body)}`);
            state.final = prepared.body.claimId;
          }
          await reliably(() =>
            api
              .as('ent-a-signatory')
              .post(
                `/claims/${state.final}/submit`,
                { commitment: { accepted: true } },
                { idempotencyKey: 'crash-final-submit' },
              ),
          );
        },
      },
      {
        name: 'final verified and approved',
        crashAfter: true,
        run: async () => {
          await task('school-a-registrar', state.final, 'SCHOOL_VERIFICATION', 'final-school');
          const attendance = state.apprentices.map((a: { apprenticeId: string }) => ({
            apprenticeId: a.apprenticeId,
            hours: 640,
          }));
          await reliably(
            decide('school-a-registrar', 'final-school', {
              decision: 'approve',
              attendance,
              outcomesConfirmed: true,
            }),
          );
          await task('bureau-reviewer', state.final, 'BUREAU_REVIEW', 'final-bureau');
          await reliably(decide('bureau-reviewer', 'final-bureau', { decision: 'approve' }));
        },
      },
      {
        name: 'public notice runs out',
        run: async () => {
          let claim: any;
          for (let i = 0; i < 200 && !claim?.notice; i++) {
            claim = (await reliably(() => api.as('ent-a-clerk').get(`/claims/${state.final}`))).body;
            if (!claim.notice) await new Promise((resolve) => setTimeout(resolve, 100));
          }
          const after = new Date(Date.parse(claim.notice.endsAt) + 3600_000).toISOString();
          await reliably(() =>
            fetch(`${api.baseUrl}/dev/clock`, { method: 'POST', body: JSON.stringify({ now: after }) }),
          );
        },
      },
      {
        name: 'final paid',
        crashDuring: true,
        run: async () => {
          await task('bureau-treasurer', state.final, 'PAYMENT', 'final-pay');
          await reliably(decide('bureau-treasurer', 'final-pay', { decision: 'approve' }));
        },
      },
    ];

    const budgetBefore = (await reliably(() => api.as('bureau-admin').get('/budgets/110108/2026'))).body;
    for (const step of steps) {
      const run = step.run;
      step.run = () =>
        run().catch((error: Error) => Promise.reject(new Error(`${step.name}: ${error.message}`)));
      if (step.crashDuring) {
        // Kill while the step's first request is in flight, then do the whole step again after a restart.
        const inFlight = step.run().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 40));
        await crash();
        await inFlight;
        await start();
        await step.run();
      } else {
        await step.run();
        if (step.crashAfter) {
          await crash();
          await start();
        }
      }
    }
    expect(crashes).toBe(10);

    // Nothing lost: the cohort completed and both claims are paid.
    const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${state.cohortId}`)).body;
    expect(cohort.status).toBe('COMPLETED');
    const advance = (await api.as('ent-a-clerk').get(`/claims/${state.advance}`)).body;
    const final = (await api.as('ent-a-clerk').get(`/claims/${state.final}`)).body;
    expect([advance.status, final.status]).toEqual(['PAID', 'PAID']);
    // Nothing doubled: the ledger and the budgets carry each payment once.
    expect(cohort.ledger.advancePaidFen).toBe(advance.amountFen);
    expect(cohort.ledger.finalPaidFen).toBe(final.amountFen);
    expect(cohort.ledger.advancePaidFen + cohort.ledger.finalPaidFen - cohort.ledger.recoveryOwedFen).toBe(
      final.computation.earnedFen,
    );
    const budget2026 = (await api.as('bureau-admin').get('/budgets/110108/2026')).body;
    const budget2028 = (await api.as('bureau-admin').get('/budgets/110108/2028')).body;
    expect(budget2026.paidFen - budgetBefore.paidFen).toBe(advance.amountFen);
    expect(budget2028.paidFen).toBe(final.amountFen);
    for (const b of [budget2026, budget2028])
      expect(b.reservedFen + b.paidFen + b.availableFen).toBe(b.budgetFen);
    // One audit record per transition, and unbroken hash chains.
    const cohortHistory = (await api.as('ent-a-clerk').get(`/cohorts/${state.cohortId}/history?limit=100`))
      .body.items;
    for (const action of ['cohort.created', 'cohort.submitted', 'apprentice.withdrawn']) {
      expect(
        cohortHistory.filter((r: any) => r.action === action),
        action,
      ).toHaveLength(1);
    }
    expect(cohortHistory.filter((r: any) => r.action === 'review.approve')).toHaveLength(3);
    expect(verifyAuditChain(cohortHistory)).toEqual({ ok: true, count: cohortHistory.length });
    for (const claimId of [state.advance, state.final]) {
      const history = (await api.as('ent-a-clerk').get(`/claims/${claimId}/history?limit=100`)).body.items;
      expect(history.filter((r: any) => r.action === 'payment.released')).toHaveLength(1);
      expect(history.filter((r: any) => r.action === 'claim.submitted')).toHaveLength(1);
      expect(verifyAuditChain(history)).toEqual({ ok: true, count: history.length });
    }
    recordReliability(test, { crashes });
  }, 1_200_000);
});
