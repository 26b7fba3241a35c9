import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { makeCohortBody, makeEnrolment } from '../../scripts/lib/roster.ts';
import { dynamoDb } from '../../shared/adapters/dynamodb/client.ts';
import { decide, SCHOOL_A } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * The bureau's handling limits (承诺时限, issue 14 item 1) on the embedded runtime with the dev
 * clock: the bureau's filing is due after `acceptanceDays` (5) working days — counted across a
 * weekend and a listed holiday — and past it the cohort is OVERDUE (escalated to the district's
 * bureau.admin), never RETURNED, and is still decided; a company review still returns after its
 * 14 days; a wait begun under the definition before (14-day timeout at the bureau) resumes after a
 * restart under this one and is marked overdue instead of returned.
 */
let runtime: RunningRuntime;
let api: ApiClient;
let dataDir: string;
const tableName = `handling-${Date.now()}`;

beforeAll(async () => {
  ({ runtime, api, dataDir } = await startTestRuntime({ tableName }));
  // Monday 13 September 2027, 09:00 in Beijing; Wednesday the 15th is 中秋节 (listed in the policy).
  await api.setClock('2027-09-13T01:00:00Z');
});
afterAll(async () => {
  await runtime?.stop();
});

async function cohortAtBureau() {
  const body = makeCohortBody({
    schoolId: SCHOOL_A,
    startDate: '2027-11-01',
    endDate: '2028-10-31',
    count: 1,
  });
  const created = await api.as('ent-a-clerk').post('/cohorts', body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const cohortId = created.body.cohortId as string;
  expect((await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`)).status).toBe(200);
  await decide(api, 'ent-a-signatory', cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
  const cohort = (await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).body;
  await decide(api, 'school-a-registrar', cohortId, 'SCHOOL_REVIEW', makeEnrolment(cohort.apprentices));
  const task = await api.waitForTask('bureau-reviewer', cohortId, 'BUREAU_REVIEW');
  return { cohortId, task };
}

const inboxItem = async (user: string, taskId: string) =>
  ((await api.as(user).get('/tasks?limit=100')).body.items as any[]).find((item) => item.taskId === taskId);

describe('the bureau’s filing on its handling limit', () => {
  it('is due after 5 working days across a weekend and a holiday; past it OVERDUE, escalated, and still approved', async () => {
    const { cohortId, task } = await cohortAtBureau();
    // Tue 14 (1), Wed 15 中秋 (holiday), Thu 16 (2), Fri 17 (3), weekend, Mon 20 (4), Tue 21 (5):
    // due at the end of Tuesday 21 September, Beijing time.
    expect(task.dueAt).toBe(new Date('2027-09-22T00:00:00+08:00').toISOString());
    const due = Date.parse(task.dueAt);

    await api.setClock(new Date(due - 60_000).toISOString());
    await runtime.idle();
    expect(await inboxItem('bureau-reviewer', task.taskId)).toMatchObject({ overdue: false });
    expect(await inboxItem('bureau-admin', task.taskId)).toBeUndefined();

    await api.setClock(new Date(due + 60_000).toISOString());
    await runtime.idle();
    const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
    expect(cohort.status).toBe('BUREAU_REVIEW');
    expect(cohort.currentTask).toMatchObject({
      taskId: task.taskId,
      dueAt: task.dueAt,
      overdueAt: expect.any(String),
    });
    expect(await inboxItem('bureau-reviewer', task.taskId)).toMatchObject({ overdue: true });
    expect(await inboxItem('bureau-admin', task.taskId)).toMatchObject({
      overdue: true,
      escalated: true,
      stage: 'BUREAU_REVIEW',
      caseId: cohortId,
    });
    const history = (await api.as('bureau-reviewer').get(`/cohorts/${cohortId}/history?limit=100`)).body
      .items;
    expect(history.filter((record: any) => record.action === 'task.overdue')).toEqual([
      expect.objectContaining({
        actor: { system: 'cohort-filing' },
        details: expect.objectContaining({ taskId: task.taskId, escalatedTo: 'bureau.admin' }),
      }),
    ]);
    expect(history.map((record: any) => record.action)).not.toContain('review.expired');

    // The wait started again: a second limit's worth later the cohort is still the reviewer's.
    await api.setClock(new Date(due + 10 * 86_400_000).toISOString());
    await runtime.idle();
    expect((await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.status).toBe('BUREAU_REVIEW');

    const approved = await api
      .as('bureau-reviewer')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'approve' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await runtime.idle();
    expect((await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.status).toBe('FILED');
    expect(await inboxItem('bureau-admin', task.taskId)).toBeUndefined();
  });

  it('keeps the company’s 14 days: a company review past them is RETURNED as before', async () => {
    const body = makeCohortBody({
      schoolId: SCHOOL_A,
      startDate: '2028-03-01',
      endDate: '2029-02-28',
      count: 1,
    });
    const created = await api.as('ent-a-clerk').post('/cohorts', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { cohortId } = created.body;
    await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`);
    const task = await api.waitForTask('ent-a-signatory', cohortId, 'COMPANY_REVIEW');
    expect(Date.parse(task.dueAt) - (await api.now()).getTime()).toBeGreaterThan(13.9 * 86_400_000);
    await api.setClock(new Date(Date.parse(task.dueAt) + 60_000).toISOString());
    await runtime.idle();
    expect((await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body).toMatchObject({
      status: 'RETURNED',
      returnReason: 'expired at COMPANY_REVIEW',
    });
  });
});

describe('a bureau wait begun under the definition before', () => {
  it('resumes after a restart and, past its 14 days, is OVERDUE instead of RETURNED, then approved', async () => {
    const { cohortId, task } = await cohortAtBureau();
    const stepFunctionsPort = Number(new URL(runtime.stepFunctionsEndpoint).port);
    const objectStoragePort = Number(new URL(runtime.objectStorageEndpoint).port);
    await runtime.stop();

    // As the definition before left it: the bureau's wait took the 14-day stage limit, and its
    // task was due 14 days after opening.
    const client = dynamoDb();
    const fourteenDays = 14 * 86_400;
    const taskKey = marshall({ pk: `TASK#${task.taskId}`, sk: 'TASK' });
    const appTask = unmarshall(
      (await client.send(new GetItemCommand({ TableName: tableName, Key: taskKey }))).Item!,
    );
    const oldDue = new Date(Date.parse(appTask.createdAt) + fourteenDays * 1000).toISOString();
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: marshall(
          { ...appTask, dueAt: oldDue, gsi1sk: `${oldDue}#${task.taskId}` },
          { removeUndefinedValues: true },
        ),
      }),
    );
    const engineTable = `${tableName}-stepfunctions`;
    const engineKey = marshall({ pk: `TASK#${appTask.token}`, sk: 'TASK' });
    const waiting = unmarshall(
      (await client.send(new GetItemCommand({ TableName: engineTable, Key: engineKey }))).Item!,
    );
    expect(waiting).toMatchObject({ stateName: 'AwaitBureauFiling', status: 'WAITING' });
    const rawInput = { ...JSON.parse(waiting.rawInput), stageTimeoutSeconds: fourteenDays };
    await client.send(
      new PutItemCommand({
        TableName: engineTable,
        Item: marshall(
          {
            ...waiting,
            rawInput: JSON.stringify(rawInput),
            timeoutAt: new Date(Date.parse(waiting.createdAt) + fourteenDays * 1000).toISOString(),
          },
          { removeUndefinedValues: true },
        ),
      }),
    );

    ({ runtime, api } = await startTestRuntime({ tableName, dataDir, stepFunctionsPort, objectStoragePort }));
    await api.setClock(new Date(Date.parse(oldDue) + 60_000).toISOString());
    await runtime.idle();
    const cohort = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body;
    expect(cohort.status).toBe('BUREAU_REVIEW');
    expect(await inboxItem('bureau-admin', task.taskId)).toMatchObject({ escalated: true });
    const approved = await api
      .as('bureau-reviewer')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'approve' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await runtime.idle();
    expect((await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.status).toBe('FILED');
  });
});
