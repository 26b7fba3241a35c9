import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ulid } from 'ulid';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { makeCohortBody, makeEnrolment } from '../../scripts/lib/roster.ts';
import type { CryptoSuite } from '../../shared/adapters/config.ts';
import { GM_HASH_PREFIX, SEALED_TAGS } from '../../shared/adapters/crypto/personal-data.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import { toAttributes } from '../../shared/adapters/dynamodb/table.ts';
import { claim, verifyAtSchool } from '../support/claims.ts';
import { cohortBody, decide, SCHOOL_A } from '../support/cohorts.ts';
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

/**
 * The money rules hold across a switch (domain.md: one active cohort per person, never
 * subsidised twice for the same occupation and level). Look-up hashes are the keys of the markers
 * that protect money, and each suite hashes an ID number differently, so every person's markers
 * are kept — and looked for — under every suite's hash: a marker written before the switch blocks
 * after it, and one written after blocks a system switched back.
 */
type Body = ReturnType<typeof cohortBody>;
type Person = Body['apprentices'][number];

/** A cohort of `count` (fresh persons, but for `persons` in its first rows), contracts from its start. */
function bodyOf(
  count: number,
  options: { startDate?: string; endDate?: string; occupationCode?: string; persons?: Person[] } = {},
): Body {
  const made = makeCohortBody({
    schoolId: SCHOOL_A,
    startDate: options.startDate ?? '2027-03-01',
    endDate: options.endDate ?? '2028-02-29',
    count,
    occupationCode: options.occupationCode,
  });
  (options.persons ?? []).forEach((person, index) => {
    made.apprentices[index] = { ...made.apprentices[index]!, idNumber: person.idNumber, name: person.name };
  });
  for (const row of made.apprentices) row.contract = { startDate: made.startDate, endDate: null };
  return made;
}

/** A training year from 1 March (12 months, to the last day of February). */
function trainingYear(from: number) {
  const leap = (from + 1) % 4 === 0;
  return { startDate: `${from}-03-01`, endDate: `${from + 1}-02-${leap ? 29 : 28}` };
}

const IN_ANOTHER_COHORT = {
  path: 'apprentices.0.idNumber',
  code: 'apprentice.in_another_cohort',
  message: 'this person is already in another active cohort',
};

describe.each([
  ['standard', 'gm'],
  ['gm', 'standard'],
] as [CryptoSuite, CryptoSuite][])(
  'one active cohort per person across a switch from %s to %s',
  (before, after) => {
    it('refuses a person of a cohort filed under the old suite, and one filed under the new suite after switching back', async () => {
      await startUnder(before);
      const first = bodyOf(2);
      await fileCohortOf(api, first);
      await runtime!.idle();

      await startUnder(after);
      const again = await api
        .as('ent-a-clerk')
        .post('/cohorts', bodyOf(1, { persons: [first.apprentices[0]!] }));
      expect(again.status, JSON.stringify(again.body)).toBe(400);
      expect(again.body.errors).toEqual([IN_ANOTHER_COHORT]);

      // A cohort filed under the new suite, then the system switched back: its person is held too.
      const second = bodyOf(1);
      await fileCohortOf(api, second);
      await runtime!.idle();
      await startUnder(before);
      const back = await api
        .as('ent-a-clerk')
        .post('/cohorts', bodyOf(1, { persons: [second.apprentices[0]!] }));
      expect(back.status, JSON.stringify(back.body)).toBe(400);
      expect(back.body.errors).toEqual([IN_ANOTHER_COHORT]);
      // Persons of neither are welcome.
      expect((await api.as('ent-a-clerk').post('/cohorts', bodyOf(1))).status).toBe(201);
    });
  },
);

/** The DynamoDB Local table of the runtime, for rewriting items as an older version wrote them. */
async function withTable<T>(
  runtime: RunningRuntime,
  use: (dynamo: DynamoDBClient) => Promise<T>,
): Promise<T> {
  const dynamo = new DynamoDBClient({
    endpoint: runtime.dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    return await use(dynamo);
  } finally {
    dynamo.destroy();
  }
}

describe('one active cohort per person, for a cohort filed before look-ups were kept under every suite', () => {
  it('refuses its person after a switch: its one lock, under the old hash, is found under the new suite', async () => {
    const current = await startUnder('standard');
    const first = bodyOf(1);
    const cohortId = await fileCohortOf(api, first);
    await current.idle();
    // As the version before wrote it: rows with their suite's hash alone, and one lock under it.
    await withTable(current, async (dynamo) => {
      const read = await dynamo.send(
        new GetItemCommand({ TableName: current.tableName, Key: toAttributes(keys.cohort(cohortId)) }),
      );
      const item = unmarshall(read.Item!) as { apprentices: { idHash: string; idHashes?: string[] }[] };
      for (const apprentice of item.apprentices) {
        expect(apprentice.idHashes).toHaveLength(2);
        for (const hash of apprentice.idHashes!.filter((hash) => hash !== apprentice.idHash)) {
          await dynamo.send(
            new DeleteItemCommand({ TableName: current.tableName, Key: toAttributes(keys.person(hash)) }),
          );
        }
        delete apprentice.idHashes;
      }
      await dynamo.send(new PutItemCommand({ TableName: current.tableName, Item: toAttributes(item) }));
    });

    await startUnder('gm');
    const again = await api
      .as('ent-a-clerk')
      .post('/cohorts', bodyOf(1, { persons: [first.apprentices[0]!] }));
    expect(again.status, JSON.stringify(again.body)).toBe(400);
    expect(again.body.errors).toEqual([IN_ANOTHER_COHORT]);
  });
});

describe.each([
  ['standard', 'gm', 2027],
  ['gm', 'standard', 2029],
] as [CryptoSuite, CryptoSuite, number][])(
  'no double subsidy across a switch from %s to %s',
  (before, after, year) => {
    // The clock only moves forward: each direction trains in years of its own, after the tests above.
    async function completeCertified(cohortId: string): Promise<void> {
      // Outcomes before the end date; the clock then completes the cohort (its person claims lapse).
      await api.setClock(`${year + 1}-02-20T02:00:00Z`);
      const filed = (await api.as('school-a-registrar').get(`/cohorts/${cohortId}`)).body;
      for (const [index, apprentice] of filed.apprentices.entries()) {
        const outcome = await api
          .as('school-a-registrar')
          .post(`/cohorts/${cohortId}/apprentices/${apprentice.apprenticeId}/outcome`, {
            outcome: 'certified',
            certificate: {
              kind: 'skill_level',
              number: `C-${cohortId.slice(-6)}-${index}`,
              level: 4,
              issuedOn: `${year + 1}-02-15`,
            },
          });
        expect(outcome.status, JSON.stringify(outcome.body)).toBe(200);
      }
      await api.setClock(`${year + 1}-03-02T02:00:00Z`);
      const deadline = Date.now() + 20_000;
      while ((await api.as('ent-a-clerk').get(`/cohorts/${cohortId}`)).body.status !== 'COMPLETED') {
        expect(Date.now(), 'completed by the clock').toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }

    async function payFinal(cohortId: string): Promise<void> {
      const submitted = await claim(api, cohortId, 'final');
      await verifyAtSchool(api, submitted.claimId, cohortId, true);
      await decide(api, 'bureau-reviewer', submitted.claimId, 'BUREAU_REVIEW', { decision: 'approve' });
      await runtime!.idle();
      const onNotice = (await api.as('ent-a-clerk').get(`/claims/${submitted.claimId}`)).body;
      expect(onNotice.status).toBe('PUBLIC_NOTICE');
      await api.setClock(new Date(Date.parse(onNotice.notice.endsAt) + 60_000).toISOString());
      await runtime!.idle();
      const released = await decide(api, 'bureau-treasurer', submitted.claimId, 'PAYMENT', {
        decision: 'approve',
      });
      expect(released.claim.status).toBe('PAID');
    }

    it('refuses a new cohort of the same occupation and level for a person paid for under the old suite', async () => {
      await startUnder(before);
      const first = bodyOf(2, trainingYear(year));
      const cohortId = await fileCohortOf(api, first);
      await runtime!.idle();
      await completeCertified(cohortId);
      // Its final settlement is paid: both persons are subsidised for 4-04-05-05 at level 4.
      await payFinal(cohortId);

      await startUnder(after);
      const next = { startDate: `${year + 1}-09-01`, endDate: `${year + 2}-08-31` };
      const again = await api
        .as('ent-a-clerk')
        .post('/cohorts', bodyOf(2, { ...next, persons: [first.apprentices[1]!] }));
      expect(again.status, JSON.stringify(again.body)).toBe(400);
      expect(again.body.errors).toEqual([
        {
          path: 'apprentices.0.idNumber',
          code: 'apprentice.already_subsidised',
          params: { occupationCode: '4-04-05-05', level: 4 },
          message: 'this person was already subsidised for 4-04-05-05 at level 4',
        },
      ]);
      // The same person for another occupation is welcome: the rule is per occupation.
      const other = await api
        .as('ent-a-clerk')
        .post(
          '/cohorts',
          bodyOf(1, { ...next, occupationCode: '4-04-05-01', persons: [first.apprentices[1]!] }),
        );
      expect(other.status, JSON.stringify(other.body)).toBe(201);
    });
  },
);
