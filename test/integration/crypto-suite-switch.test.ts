import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ulid } from 'ulid';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { makeEnrolment } from '../../scripts/lib/roster.ts';
import type { CryptoSuite } from '../../shared/adapters/config.ts';
import { GM_HASH_PREFIX, SEALED_TAGS } from '../../shared/adapters/crypto/personal-data.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { toAttributes } from '../../shared/adapters/dynamodb/table.ts';
import { cohortBody, decide } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * Switching a running system's suite (issue 18): a cohort filed under one suite, the runtime
 * restarted under the other on the same table and key file, still reads back its apprentices'
 * identities and verifies its audit chain — which then goes on under the new suite's hash — and a
 * new cohort is sealed under the new suite. Both ways: standard → gm (a deployment moving to 国密)
 * and gm → standard.
 */
const ALGORITHM = { standard: 'sha256', gm: 'sm3' } as const;

// One table, key file and set of ports for the file: handler modules keep the clients (and the
// table name) they made, like Lambda containers, so every restart is of the same runtime.
const tableName = `suites-${ulid()}`;
let runtime: RunningRuntime | undefined;
let api: ApiClient;
let ports:
  | { port: number; stepFunctionsPort: number; objectStoragePort: number; dataDir: string }
  | undefined;

async function startUnder(cryptoSuite: CryptoSuite): Promise<RunningRuntime> {
  await runtime?.stop();
  const started = await startTestRuntime({ tableName, cryptoSuite, ...ports });
  ({ runtime, api } = started);
  ports ??= {
    dataDir: started.dataDir,
    port: Number(new URL(started.runtime.url).port),
    stepFunctionsPort: Number(new URL(started.runtime.stepFunctionsEndpoint).port),
    objectStoragePort: Number(new URL(started.runtime.objectStorageEndpoint).port),
  };
  return started.runtime;
}

afterAll(async () => {
  await runtime?.stop();
});

async function fileCohortOf(api: ApiClient, body: ReturnType<typeof cohortBody>): Promise<string> {
  const created = await api.as('ent-a-clerk').post('/cohorts', body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { cohortId } = created.body;
  expect((await api.as('ent-a-clerk').post(`/cohorts/${cohortId}/submit`)).status).toBe(200);
  await decide(api, 'ent-a-signatory', cohortId, 'COMPANY_REVIEW', { decision: 'approve' });
  const cohort = (await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).body;
  await decide(api, 'school-a-registrar', cohortId, 'SCHOOL_REVIEW', makeEnrolment(cohort.apprentices));
  await decide(api, 'bureau-reviewer', cohortId, 'BUREAU_REVIEW', { decision: 'approve' });
  return cohortId;
}

async function identities(api: ApiClient, cohortId: string): Promise<string[]> {
  const cohort = (await api.as('bureau-reviewer').get(`/cohorts/${cohortId}`)).body;
  const read: string[] = [];
  for (const apprentice of cohort.apprentices) {
    const answer = await api
      .as('bureau-reviewer')
      .get(
        `/cohorts/${cohortId}/apprentices/${apprentice.apprenticeId}/identity?reason=${encodeURIComponent('核对身份信息')}`,
      );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    read.push(answer.body.idNumber);
  }
  return read;
}

async function stored(runtime: RunningRuntime, cohortId: string) {
  const dynamo = new DynamoDBClient({
    endpoint: runtime.dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const item = await dynamo.send(
      new GetItemCommand({ TableName: runtime.tableName, Key: toAttributes(keys.cohort(cohortId)) }),
    );
    return unmarshall(item.Item!) as {
      apprentices: { idCipher: string; phoneCipher: string; idHash: string }[];
    };
  } finally {
    dynamo.destroy();
  }
}

describe.each([
  ['standard', 'gm'],
  ['gm', 'standard'],
] as [CryptoSuite, CryptoSuite][])('a cohort filed under %s, after a restart under %s', (before, after) => {
  it('reads back its identities, verifies its chain across both hashes, and new cohorts take the new suite', async () => {
    let current = await startUnder(before);
    const body = cohortBody(2);
    const cohortId = await fileCohortOf(api, body);
    await current.idle();
    const sealed = await stored(current, cohortId);
    for (const apprentice of sealed.apprentices) {
      expect(apprentice.idCipher.startsWith(`${SEALED_TAGS[before]}:`)).toBe(true);
      expect(apprentice.phoneCipher.startsWith(`${SEALED_TAGS[before]}:`)).toBe(true);
      expect(apprentice.idHash.startsWith(GM_HASH_PREFIX)).toBe(before === 'gm');
    }
    const expected = body.apprentices.map((apprentice) => apprentice.idNumber);
    expect(await identities(api, cohortId)).toEqual(expected);

    current = await startUnder(after);

    // The identities sealed before, read (and audited) under the new suite.
    expect(await identities(api, cohortId)).toEqual(expected);
    const verified = await api.as('bureau-reviewer').get(`/cohorts/${cohortId}/audit-verification`);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ caseId: cohortId, ok: true });
    const history = (await api.as('bureau-reviewer').get(`/cohorts/${cohortId}/history?limit=100`)).body
      .items as {
      action: string;
      hashAlgorithm?: string;
    }[];
    const algorithms = new Set(history.map((record) => record.hashAlgorithm));
    expect(algorithms).toEqual(new Set([ALGORITHM[before], ALGORITHM[after]]));
    expect(history.at(-1)).toMatchObject({ action: 'identity.read', hashAlgorithm: ALGORITHM[after] });
    expect(verified.body.records).toBe(history.length);

    // A cohort created now is sealed under the new suite and reads back too.
    const next = cohortBody(1);
    const created = await api.as('ent-a-clerk').post('/cohorts', next);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const fresh = await stored(current, created.body.cohortId);
    expect(fresh.apprentices[0]!.idCipher.startsWith(`${SEALED_TAGS[after]}:`)).toBe(true);
    expect(fresh.apprentices[0]!.idHash.startsWith(GM_HASH_PREFIX)).toBe(after === 'gm');
    await api.as('ent-a-clerk').post(`/cohorts/${created.body.cohortId}/submit`);
    expect(await identities(api, created.body.cohortId)).toEqual([next.apprentices[0]!.idNumber]);
  });
});
