import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { CRYPTO_SUITES, ENVIRONMENT } from '../../shared/adapters/config.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { toAttributes } from '../../shared/adapters/dynamodb/table.ts';
import { createCohort, fileCohort } from '../support/cohorts.ts';
import { recordReliability } from '../support/reliability.ts';
import { startTestRuntime } from '../support/runtime.ts';
import { apiEvent, demoCaller, lambdaContext } from '../support/security.ts';

/**
 * The audit chain verifier (issue 4): a filed cohort's trail verifies; one record altered directly
 * in DynamoDB (UpdateItem on the runtime's table, as someone with table access could) is named, a
 * record deleted from the middle is named as the gap, and the last one deleted is found through
 * the head the cohort keeps — by the bureau endpoint and by `npm run audit:verify`.
 *
 * The endpoint's handler is called in-process until `GET /cohorts/{cohortId}/audit-verification`
 * is in the function map; then the authorization matrix covers it over HTTP too.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const ROUTE = 'GET /cohorts/{cohortId}/audit-verification';

let runtime: RunningRuntime;
let api: ApiClient;
let dynamo: DynamoDBClient;
let handler: (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
let cohortId: string;
let records: number;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
  dynamo = new DynamoDBClient({
    endpoint: runtime.dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  ({ handler } = await import('../../functions/api/verify-audit.ts'));
});
afterAll(async () => {
  dynamo?.destroy();
  await runtime?.stop();
});

async function verify(user = 'bureau-reviewer', id = cohortId) {
  const result = await handler(
    apiEvent({ routeKey: ROUTE, caller: demoCaller(user), pathParameters: { cohortId: id } }),
    lambdaContext('verify-audit'),
  );
  return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') };
}

/** `npm run audit:verify -- <caseId>` against the test's runtime (its port and table). */
function auditVerifyScript(caseId: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts/audit-verify.ts'), caseId],
      {
        cwd: ROOT,
        env: { ...process.env, PORT: new URL(runtime.url).port, TABLE_NAME: runtime.tableName },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const auditKey = (seq: number) => toAttributes(keys.audit('COHORT', cohortId, seq));

// Each suite's chain (SHA-256, SM3 under gm: issue 18). The functions read CRYPTO_SUITE at each
// call, so the one runtime files one cohort under each.
describe.each(CRYPTO_SUITES)('the audit chain of a cohort filed under the %s suite', (suite) => {
  beforeAll(async () => {
    process.env[ENVIRONMENT.cryptoSuite] = suite;
    cohortId = await fileCohort(api, 2);
    await runtime.idle();
    records = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}/history?limit=100`)).body.items.length;
  });
  afterAll(() => {
    process.env[ENVIRONMENT.cryptoSuite] = 'standard';
  });

  it('verifies when nobody touched it, by the endpoint and by the script', async () => {
    expect(records).toBeGreaterThanOrEqual(8);
    const history = (await api.as('ent-a-clerk').get(`/cohorts/${cohortId}/history?limit=100`)).body.items;
    expect(new Set(history.map((record: { hashAlgorithm?: string }) => record.hashAlgorithm))).toEqual(
      new Set([suite === 'gm' ? 'sm3' : 'sha256']),
    );
    const answer = await verify();
    expect(answer).toMatchObject({ status: 200, body: { caseId: cohortId, ok: true, records } });
    const script = await auditVerifyScript(cohortId);
    expect(script.code, script.stderr).toBe(0);
    expect(script.stdout).toMatch(new RegExp(`^OK ${cohortId}: ${records} audit records`));
  });

  it('names the record altered directly in DynamoDB', async ({ task }) => {
    const seq = 4;
    const original = (
      await dynamo.send(new GetItemCommand({ TableName: runtime.tableName, Key: auditKey(seq) }))
    ).Item!;
    await dynamo.send(
      new UpdateItemCommand({
        TableName: runtime.tableName,
        Key: auditKey(seq),
        UpdateExpression: 'SET #reason = :reason',
        ExpressionAttributeNames: { '#reason': 'reason' },
        ExpressionAttributeValues: { ':reason': { S: '已核实' } },
      }),
    );
    const answer = await verify();
    const script = await auditVerifyScript(cohortId);
    await dynamo.send(new PutItemCommand({ TableName: runtime.tableName, Item: original }));
    recordReliability(task, {
      invariantsChecked: 2,
      invariantsViolated: answer.body.ok || script.code === 0 ? 1 : 0,
    });

    expect(answer).toMatchObject({
      status: 200,
      body: { ok: false, broken: { seq, problem: 'record altered' } },
    });
    expect(script.code).toBe(1);
    expect(script.stdout).toMatch(
      new RegExp(`^BROKEN ${cohortId}: audit record #${seq} \\(record altered\\)`),
    );
    expect((await verify()).body.ok).toBe(true);
  });

  it('names the gap a deleted record leaves, and a deleted last record through the cohort’s head', async ({
    task,
  }) => {
    for (const seq of [3, records]) {
      const original = (
        await dynamo.send(new GetItemCommand({ TableName: runtime.tableName, Key: auditKey(seq) }))
      ).Item!;
      await dynamo.send(new DeleteItemCommand({ TableName: runtime.tableName, Key: auditKey(seq) }));
      const answer = await verify();
      const script = await auditVerifyScript(cohortId);
      await dynamo.send(new PutItemCommand({ TableName: runtime.tableName, Item: original }));
      recordReliability(task, {
        invariantsChecked: 2,
        invariantsViolated: answer.body.ok || script.code === 0 ? 1 : 0,
      });

      expect(answer, `record ${seq} deleted`).toMatchObject({
        status: 200,
        body: { ok: false, broken: { seq, problem: 'record missing' } },
      });
      expect(script.code).toBe(1);
      expect(script.stdout).toMatch(
        new RegExp(`^BROKEN ${cohortId}: audit record #${seq} \\(record missing\\)`),
      );
    }
    expect((await verify()).body.ok).toBe(true);
  });
});

describe('the bureau endpoint', () => {
  it('is for bureau roles of the cohort’s district only: 403 for other roles, 404 for another district', async () => {
    for (const user of ['bureau-reviewer', 'bureau-treasurer', 'bureau-admin'])
      expect((await verify(user)).status).toBe(200);
    for (const user of ['ent-a-clerk', 'ent-a-signatory', 'school-a-registrar']) {
      const answer = await verify(user);
      expect(answer.status, user).toBe(403);
      expect(JSON.stringify(answer.body)).not.toContain(cohortId);
    }
    const foreign = await verify('bureau2-reviewer');
    expect(foreign.status).toBe(404);
    const { cohortId: draft } = await createCohort(api, 1);
    expect((await verify('bureau-reviewer', draft)).status).toBe(404); // not submitted: not the bureau's yet
  });

  it('says there is no such case for a cohort that does not exist (the script, too)', async () => {
    const ghost = '01M8C0RKK1QM8KRHZYF2WQE367';
    expect((await verify('bureau-reviewer', ghost)).status).toBe(404);
    const script = await auditVerifyScript(ghost);
    expect(script.code).toBe(1);
    expect(script.stderr).toContain(`No cohort or claim ${ghost}`);
  });
});
