import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { makeEnrolment } from '../../scripts/lib/roster.ts';
import { executionName } from '../../shared/domain/use-cases/cohort-filing.ts';
import { cohortBody, cohortCount, createCohort, decide, fileCohort } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * Cohort filing end to end on the embedded runtime: DynamoDB Local, the local engine running the
 * ASL CDK synthesizes, and the handlers behind the local HTTP API with real tokens.
 */
let runtime: RunningRuntime;
let api: ApiClient;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
});
afterAll(async () => {
  await runtime?.stop();
});

describe('cohort-filing, each transition by its role', () => {
  it('goes DRAFT → COMPANY_REVIEW → SCHOOL_REVIEW → BUREAU_REVIEW → FILED and stores the entitlement with its policy version', async () => {
    const clerk = api.as('ent-a-clerk');
    const created = await createCohort(api, 3);
    expect(created).toMatchObject({ status: 'DRAFT', version: 1 });
    expect((created as any).apprentices[0].idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    expect((created as any).apprentices[0].phone).toMatch(/^1\d{2}\*{4}\d{4}$/);

    const submitted = await clerk.post(`/cohorts/${created.cohortId}/submit`);
    expect(submitted.body).toMatchObject({ status: 'COMPANY_REVIEW', round: 1 });

    await decide(api, 'ent-a-signatory', created.cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
    expect((await clerk.get(`/cohorts/${created.cohortId}`)).body.status).toBe('SCHOOL_REVIEW');

    const school = await api.as('school-a-registrar').get(`/cohorts/${created.cohortId}`);
    const enrolment = makeEnrolment(school.body.apprentices);
    await decide(api, 'school-a-registrar', created.cohortId, 'SCHOOL_REVIEW', enrolment);
    const afterSchool = (await clerk.get(`/cohorts/${created.cohortId}`)).body;
    expect(afterSchool.status).toBe('BUREAU_REVIEW');
    expect(afterSchool.apprentices.map((a: any) => a.studentNumber)).toEqual(
      enrolment.enrolment.map((row) => row.studentNumber),
    );
    expect(afterSchool.schoolMentors).toEqual(enrolment.schoolMentors);

    await decide(api, 'bureau-reviewer', created.cohortId, 'BUREAU_REVIEW', { decision: 'approve' });
    const filed = (await clerk.get(`/cohorts/${created.cohortId}`)).body;
    expect(filed.status).toBe('FILED');
    // 人工智能训练师 is on the seeded shortage list: ¥7,000 a year at level 4, 12 months, 3 apprentices.
    expect(filed.entitlementFen).toBe(3 * 700_000);
    expect(filed.policyVersion).toBe('2026-01-01.1');
    expect(filed.entitlement).toMatchObject({ months: 12, perApprenticeFen: 700_000, apprentices: 3 });

    const history = (await clerk.get(`/cohorts/${created.cohortId}/history?limit=100`)).body.items;
    expect(
      history
        .filter((r: any) => r.action.startsWith('review.') && r.action !== 'review.opened')
        .map((r: any) => [r.action, r.actor.role]),
    ).toEqual([
      ['review.approve', 'enterprise.signatory'],
      ['review.approve', 'school.registrar'],
      ['review.approve', 'bureau.reviewer'],
    ]);
    // The hash chain links each record to the one before.
    for (let index = 1; index < history.length; index++)
      expect(history[index].prevHash).toBe(history[index - 1].hash);
  });

  it('shows a school and a bureau the cohort only once it is submitted, and lists it for each party', async () => {
    const { cohortId } = await createCohort(api, 1);
    expect((await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).status).toBe(404);
    expect((await api.as('bureau-reviewer').get(`/cohorts/${cohortId}`)).status).toBe(404);
    await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`);
    expect((await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).status).toBe(200);
    expect((await api.as('bureau-reviewer').get(`/cohorts/${cohortId}`)).status).toBe(200);
    for (const user of ['ent-a-clerk', 'school-a-registrar', 'bureau-reviewer']) {
      const list = await api.as(user).get('/cohorts?status=COMPANY_REVIEW&limit=100');
      expect(list.body.items.map((item: any) => item.cohortId)).toContain(cohortId);
    }
  });
});

describe('other roles and foreign organisations', () => {
  it('refuses other roles with 403 and hides the case from other organisations with 404', async () => {
    const { cohortId, version } = await createCohort(api, 2);
    // Roles that may not create, edit or submit.
    for (const user of ['ent-a-signatory', 'school-a-registrar', 'bureau-reviewer', 'bureau-admin']) {
      expect((await api.as(user).post('/cohorts', cohortBody(1))).status, user).toBe(403);
      expect((await api.as(user).post(`/cohorts/${cohortId}/submit`)).status, user).toBe(403);
      expect(
        (
          await api
            .as(user)
            .patch(`/cohorts/${cohortId}`, { version, plannedHours: { total: 1300, concentrated: 320 } })
        ).status,
        user,
      ).toBe(403);
    }
    // Another enterprise's clerk: the cohort does not exist for them.
    expect((await api.as('ent-b-clerk').get(`/cohorts/${cohortId}`)).status).toBe(404);
    expect((await api.as('ent-b-clerk').post(`/cohorts/${cohortId}/submit`)).status).toBe(404);
    expect(
      (
        await api
          .as('ent-b-clerk')
          .patch(`/cohorts/${cohortId}`, { version, plannedHours: { total: 1300, concentrated: 320 } })
      ).status,
    ).toBe(404);

    expect((await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`)).status).toBe(200);
    const task = await api.waitForTask('ent-a-signatory', cohortId, 'COMPANY_REVIEW');
    // The clerk (another role of the same enterprise) may not decide the signatory's task.
    expect(
      (await api.as('ent-a-clerk').post(`/tasks/${task.taskId}/decision`, { decision: 'approve' })).status,
    ).toBe(403);
    // A party of the case in another role: 403; parties of other organisations: 404.
    expect(
      (await api.as('bureau-reviewer').post(`/tasks/${task.taskId}/decision`, { decision: 'approve' }))
        .status,
    ).toBe(403);
    for (const user of ['ent-b-signatory', 'ent-c-signatory', 'school-b-registrar', 'bureau2-reviewer']) {
      expect(
        (await api.as(user).post(`/tasks/${task.taskId}/decision`, { decision: 'approve' })).status,
        user,
      ).toBe(404);
      expect((await api.as(user).get(`/cohorts/${cohortId}`)).status, user).toBe(404);
      expect((await api.as(user).get(`/cohorts/${cohortId}/history`)).status, user).toBe(404);
    }
    // Inboxes hold only one's own tasks.
    const foreignInbox = await api.as('ent-b-signatory').get('/tasks');
    expect(foreignInbox.body.items.map((item: any) => item.caseId)).not.toContain(cohortId);
    // Only the party whose turn it is may act: the school is not there yet.
    const signatory = await api
      .as('ent-a-signatory')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'approve' });
    expect(signatory.status).toBe(200);
    const again = await api
      .as('ent-a-signatory')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'approve' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('task.closed');
    expect(again.body.params).toEqual({ noun: 'cohort', status: 'SCHOOL_REVIEW' });
    expect(again.body.current.status).toBe('SCHOOL_REVIEW');
  });

  it('lets only a bureau reviewer read a full ID number, and audits the read', async () => {
    const body = cohortBody(1);
    const created = await api.as('ent-a-clerk').post('/cohorts', body);
    const { cohortId } = created.body;
    const apprenticeId = created.body.apprentices[0].apprenticeId;
    await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`);
    const path = `/cohorts/${cohortId}/apprentices/${apprenticeId}/identity?reason=${encodeURIComponent('核对身份信息')}`;
    for (const user of [
      'ent-a-clerk',
      'ent-a-signatory',
      'school-a-registrar',
      'bureau-admin',
      'bureau-treasurer',
    ]) {
      expect((await api.as(user).get(path)).status, user).toBe(403);
    }
    expect((await api.as('bureau2-reviewer').get(path)).status).toBe(404);
    const read = await api.as('bureau-reviewer').get(path);
    expect(read.status).toBe(200);
    expect(read.body.idNumber).toBe(body.apprentices[0]!.idNumber);
    const history = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}/history?limit=100`)).body.items;
    expect(history.at(-1)).toMatchObject({
      action: 'identity.read',
      reason: '核对身份信息',
      actor: { username: 'bureau-reviewer' },
    });
    expect(JSON.stringify(history)).not.toContain(body.apprentices[0]!.idNumber);
  });
});

describe('optimistic locking and idempotency', () => {
  it('answers an edit on a stale version with 409 and changes nothing', async () => {
    const { cohortId, version } = await createCohort(api, 1);
    const first = await api
      .as('ent-a-clerk')
      .patch(`/cohorts/${cohortId}`, { version, plannedHours: { total: 1300, concentrated: 330 } });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(version + 1);
    const stale = await api
      .as('ent-a-clerk')
      .patch(`/cohorts/${cohortId}`, { version, plannedHours: { total: 1400, concentrated: 340 } });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('cohort.version_mismatch');
    expect(stale.body.params).toEqual({ version: version + 1, sent: version });
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect(stale.body.current).toEqual({ status: 'DRAFT', version: version + 1 });
    expect((await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.plannedHours).toEqual({
      total: 1300,
      concentrated: 330,
    });
  });

  it('makes one transition for a repeated submit and a repeated decision with the same key, and returns the identical response', async () => {
    const clerk = api.as('ent-a-clerk');
    const { cohortId } = await createCohort(api, 1);
    const submit1 = await clerk.post(`/cohorts/${cohortId}/submit`, undefined, {
      idempotencyKey: `submit-${cohortId}`,
    });
    const submit2 = await clerk.post(`/cohorts/${cohortId}/submit`, undefined, {
      idempotencyKey: `submit-${cohortId}`,
    });
    expect(submit1.status).toBe(200);
    expect(submit2.status).toBe(200);
    expect(submit2.body).toEqual(submit1.body);
    // Without the key, a second submit is a new request and meets the state machine's answer.
    const resubmit = await clerk.post(`/cohorts/${cohortId}/submit`);
    expect(resubmit.status).toBe(409);
    expect(resubmit.body.code).toBe('cohort.not_submittable');

    const task = await api.waitForTask('ent-a-signatory', cohortId, 'COMPANY_REVIEW');
    const signatory = api.as('ent-a-signatory');
    const decide1 = await signatory.post(
      `/tasks/${task.taskId}/decision`,
      { decision: 'approve' },
      { idempotencyKey: `d-${task.taskId}` },
    );
    const decide2 = await signatory.post(
      `/tasks/${task.taskId}/decision`,
      { decision: 'approve' },
      { idempotencyKey: `d-${task.taskId}` },
    );
    expect(decide1.status).toBe(200);
    expect(decide2.body).toEqual(decide1.body);
    // The same key with another body: 422.
    const reused = await signatory.post(
      `/tasks/${task.taskId}/decision`,
      { decision: 'reject', reason: 'x' },
      { idempotencyKey: `d-${task.taskId}` },
    );
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency.key_reused');

    await runtime.idle();
    const history = (await clerk.get(`/cohorts/${cohortId}/history?limit=100`)).body.items.map(
      (r: any) => r.action,
    );
    expect(history.filter((action: string) => action === 'cohort.submitted')).toHaveLength(1);
    expect(history.filter((action: string) => action === 'review.approve')).toHaveLength(1);
    expect((await clerk.get(`/cohorts/${cohortId}`)).body.status).toBe('SCHOOL_REVIEW');
  });

  it('creates once for a repeated POST /cohorts with the same key', async () => {
    const body = cohortBody(1);
    const before = await cohortCount(api);
    const first = await api.as('ent-a-clerk').post('/cohorts', body, { idempotencyKey: 'create-once' });
    const second = await api.as('ent-a-clerk').post('/cohorts', body, { idempotencyKey: 'create-once' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(await cohortCount(api)).toBe(before + 1);
  });
});

describe('return, edit, resubmit', () => {
  it('passes every stage again after a return; earlier approvals are void', async () => {
    const clerk = api.as('ent-a-clerk');
    const { cohortId } = await createCohort(api, 2);
    await clerk.post(`/cohorts/${cohortId}/submit`);
    await decide(api, 'ent-a-signatory', cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
    const cohort = (await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).body;
    await decide(api, 'school-a-registrar', cohortId, 'SCHOOL_REVIEW', makeEnrolment(cohort.apprentices));
    await decide(api, 'bureau-reviewer', cohortId, 'BUREAU_REVIEW', {
      decision: 'return',
      reason: '培训计划课时不足',
    });

    const returned = (await clerk.get(`/cohorts/${cohortId}`)).body;
    expect(returned).toMatchObject({ status: 'RETURNED', returnReason: '培训计划课时不足', approvals: [] });
    // Editing is possible again; the return needs a reason.
    const edited = await clerk.patch(`/cohorts/${cohortId}`, {
      version: returned.version,
      plannedHours: { total: 1500, concentrated: 400 },
    });
    expect(edited.status).toBe(200);
    expect((await clerk.post(`/cohorts/${cohortId}/submit`)).body).toMatchObject({
      status: 'COMPANY_REVIEW',
      round: 2,
    });

    // Company first again — not straight to the bureau.
    expect(
      (await api.as('bureau-reviewer').get('/tasks')).body.items.map((t: any) => t.caseId),
    ).not.toContain(cohortId);
    await decide(api, 'ent-a-signatory', cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
    const again = (await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).body;
    await decide(api, 'school-a-registrar', cohortId, 'SCHOOL_REVIEW', makeEnrolment(again.apprentices));
    await decide(api, 'bureau-reviewer', cohortId, 'BUREAU_REVIEW', { decision: 'approve' });
    const filed = (await clerk.get(`/cohorts/${cohortId}`)).body;
    expect(filed.status).toBe('FILED');
    expect(filed.approvals.map((approval: any) => approval.stage)).toEqual([
      'COMPANY_REVIEW',
      'SCHOOL_REVIEW',
      'BUREAU_REVIEW',
    ]);
  });

  it('requires a reason to return or reject, ends at REJECTED, and lets the clerk withdraw a cohort under review', async () => {
    const { cohortId } = await createCohort(api, 1);
    await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`);
    const task = await api.waitForTask('ent-a-signatory', cohortId, 'COMPANY_REVIEW');
    const noReason = await api
      .as('ent-a-signatory')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'reject' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([
      {
        path: 'reason',
        code: 'decision.reason_required',
        params: { decision: 'reject' },
        message: 'a reason is required to reject',
      },
    ]);
    await decide(api, 'ent-a-signatory', cohortId, 'COMPANY_REVIEW', {
      decision: 'reject',
      reason: '不符合条件',
    });
    expect((await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.status).toBe('REJECTED');
    expect((await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`)).status).toBe(409);

    const second = await createCohort(api, 1);
    await api.as('ent-a-clerk').post(`/cohorts/${second.cohortId}/submit`);
    await api.waitForTask('ent-a-signatory', second.cohortId, 'COMPANY_REVIEW');
    const withdrawn = await api
      .as('ent-a-clerk')
      .post(`/cohorts/${second.cohortId}/withdraw`, { reason: '计划调整' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('WITHDRAWN');
    await runtime.idle();
    expect(
      (await api.as('ent-a-signatory').get('/tasks')).body.items.map((t: any) => t.caseId),
    ).not.toContain(second.cohortId);
    // Both executions ended cleanly, through PublishFilingOutcome, and said so on the bus.
    const sfn = new SFNClient({
      endpoint: runtime.stepFunctionsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    for (const [id, event] of [
      [cohortId, 'CohortFilingRejected'],
      [second.cohortId, 'CohortFilingWithdrawn'],
    ] as const) {
      const execution = await sfn.send(
        new DescribeExecutionCommand({ executionArn: `${EXECUTION_PREFIX}${executionName(id, 1)}` }),
      );
      expect(execution.status, id).toBe('SUCCEEDED');
      const events = (await (await fetch(`${runtime.url}/dev/events`)).json()) as { items: any[] };
      expect(events.items.find((item) => item.detail.cohortId === id)?.detailType).toBe(event);
    }
  });
});

const EXECUTION_PREFIX = 'arn:aws:states:us-east-1:000000000000:execution:cohort-filing:';

describe('large cohorts', () => {
  it('stores a cohort of 200 apprentices whole and files it', async () => {
    const cohortId = await fileCohort(api, 200);
    const cohort = (await api.as('bureau-reviewer').get(`/cohorts/${cohortId}`)).body;
    expect(cohort.apprentices).toHaveLength(200);
    expect(cohort.status).toBe('FILED');
    expect(cohort.entitlementFen).toBe(200 * 700_000);
  });
});
