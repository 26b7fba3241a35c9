import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { makeEnrolment } from '../../scripts/lib/roster.ts';
import { createCohort, decide } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * What needs time or a crash: a review outliving its time limit (the clock is moved, nobody
 * waits), a callback that fails after the decision was stored, and a restart of the whole
 * embedded runtime with a review waiting.
 */
let runtime: RunningRuntime;
let api: ApiClient;
let dataDir: string;
const tableName = `restart-${Date.now()}`;

beforeAll(async () => {
  ({ runtime, api, dataDir } = await startTestRuntime({ tableName }));
});
afterAll(async () => {
  await runtime?.stop();
});

describe('a decision whose callback fails', () => {
  it('is stored first, answered 503 (never success), and delivered by a retry with the same key', async () => {
    const { cohortId } = await createCohort(api, 1);
    await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`);
    const task = await api.waitForTask('ent-a-signatory', cohortId, 'COMPANY_REVIEW');

    // The emulator cannot drop a connection on cue: fail the next SendTaskSuccess as a reset would.
    const send = SFNClient.prototype.send as (this: SFNClient, command: unknown) => Promise<unknown>;
    const failOnce = async function (this: SFNClient, command: unknown) {
      if ((command as object).constructor.name === 'SendTaskSuccessCommand') {
        throw Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
      }
      return send.call(this, command);
    };
    const spy = vi.spyOn(SFNClient.prototype, 'send').mockImplementationOnce(failOnce as never);
    const first = await api
      .as('ent-a-signatory')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'approve' }, { idempotencyKey: 'cb-1' });
    spy.mockRestore();
    expect(first.status).toBe(503);
    expect(first.headers.get('content-type')).toContain('application/problem+json');
    // Recorded before the callback: the cohort moved on, the workflow has not heard yet.
    expect((await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.status).toBe('SCHOOL_REVIEW');

    const retry = await api
      .as('ent-a-signatory')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'approve' }, { idempotencyKey: 'cb-1' });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ taskId: task.taskId, decision: 'approve', stage: 'COMPANY_REVIEW' });
    await api.waitForTask('school-a-registrar', cohortId, 'SCHOOL_REVIEW');
    const history = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}/history?limit=100`)).body.items;
    expect(history.filter((record: any) => record.action === 'review.approve')).toHaveLength(1);
  });

  it('is re-driven by the reconciler when the caller never retries', async () => {
    const { cohortId } = await createCohort(api, 1);
    await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`);
    const task = await api.waitForTask('ent-a-signatory', cohortId, 'COMPANY_REVIEW');
    const send = SFNClient.prototype.send as (this: SFNClient, command: unknown) => Promise<unknown>;
    const dropOnce = async function (this: SFNClient, command: unknown) {
      if ((command as object).constructor.name === 'SendTaskSuccessCommand') {
        throw Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
      }
      return send.call(this, command);
    };
    const spy = vi.spyOn(SFNClient.prototype, 'send').mockImplementationOnce(dropOnce as never);
    const first = await api
      .as('ent-a-signatory')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'approve' });
    spy.mockRestore();
    expect(first.status).toBe(503);
    // Nobody retries: the reconciler (scheduled every few seconds here) finds the stored decision.
    const school = await api.waitForTask('school-a-registrar', cohortId, 'SCHOOL_REVIEW', 30_000);
    expect(school.taskId).not.toBe(task.taskId);
  });
});

describe('stage time limit', () => {
  it('returns a review that outlives its 14 days as "expired at <stage>", and the clerk can resubmit', async () => {
    const clerk = api.as('ent-a-clerk');
    const { cohortId } = await createCohort(api, 1);
    await clerk.post(`/cohorts/${cohortId}/submit`);
    const task = await api.waitForTask('ent-a-signatory', cohortId, 'COMPANY_REVIEW');
    const due = new Date(task.dueAt);
    expect(due.getTime() - (await api.now()).getTime()).toBeGreaterThan(13.9 * 86_400_000);

    await api.setClock(new Date(due.getTime() - 60_000).toISOString());
    await runtime.idle();
    expect((await clerk.get(`/cohorts/${cohortId}`)).body.status).toBe('COMPANY_REVIEW');

    await api.setClock(new Date(due.getTime() + 60_000).toISOString());
    await runtime.idle();
    const expired = (await clerk.get(`/cohorts/${cohortId}`)).body;
    expect(expired).toMatchObject({ status: 'RETURNED', returnReason: 'expired at COMPANY_REVIEW' });
    expect(
      (await api.as('ent-a-signatory').get('/tasks')).body.items.map((t: any) => t.taskId),
    ).not.toContain(task.taskId);
    const late = await api
      .as('ent-a-signatory')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'approve' });
    expect(late.status).toBe(409);
    const history = (await clerk.get(`/cohorts/${cohortId}/history?limit=100`)).body.items;
    expect(history.at(-1)).toMatchObject({
      action: 'review.expired',
      actor: { system: 'cohort-filing' },
      from: 'COMPANY_REVIEW',
      to: 'RETURNED',
    });

    expect((await clerk.post(`/cohorts/${cohortId}/submit`)).body.status).toBe('COMPANY_REVIEW');
    await api.waitForTask('ent-a-signatory', cohortId, 'COMPANY_REVIEW');
  });
});

describe('restart of the embedded runtime', () => {
  it('keeps its cohorts, and a cohort waiting at SCHOOL_REVIEW is approved after the restart and reaches FILED', async () => {
    const { cohortId } = await createCohort(api, 2);
    await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`);
    await decide(api, 'ent-a-signatory', cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
    const waiting = await api.waitForTask('school-a-registrar', cohortId, 'SCHOOL_REVIEW');
    const stepFunctionsPort = Number(new URL(runtime.stepFunctionsEndpoint).port);
    await runtime.stop();

    const objectStoragePort = Number(new URL(runtime.objectStorageEndpoint).port);
    ({ runtime, api } = await startTestRuntime({ tableName, dataDir, stepFunctionsPort, objectStoragePort }));
    const cohort = (await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).body;
    expect(cohort.status).toBe('SCHOOL_REVIEW');
    const task = await api.waitForTask('school-a-registrar', cohortId, 'SCHOOL_REVIEW');
    expect(task.taskId).toBe(waiting.taskId);
    await decide(api, 'school-a-registrar', cohortId, 'SCHOOL_REVIEW', makeEnrolment(cohort.apprentices));
    await decide(api, 'bureau-reviewer', cohortId, 'BUREAU_REVIEW', { decision: 'approve' });
    expect((await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.status).toBe('FILED');
  });
});
