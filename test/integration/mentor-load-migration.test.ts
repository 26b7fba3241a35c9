import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { makeCohortBody, uniqueSuffix } from '../../scripts/lib/roster.ts';
import { keys, mentorKeyId } from '../../shared/adapters/dynamodb/keys.ts';
import { migrateMentorLoads } from '../../shared/adapters/dynamodb/migrations/mentor-loads.ts';
import { type MentorItem, mentorLoadItem } from '../../shared/adapters/dynamodb/rows.ts';
import { Table } from '../../shared/adapters/dynamodb/table.ts';
import type { MentorRef } from '../../shared/domain/ports.ts';
import { ENT_A, fileCohort, SCHOOL_A } from '../support/cohorts.ts';
import { scanLogLine } from '../support/log-scan.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * The mentor-load migration (shared/adapters/dynamodb/migrations/mentor-loads.ts) on the embedded
 * runtime: load items in the shape the code before the mentor register wrote them
 * (`MENTOR#<ENT|SCHOOL>#<uscc>#<no>`, `LOAD`: entityType, mentorId, cohorts, version — see
 * `git show 5f90a88:shared/adapters/dynamodb/cohort-store.ts`) move to the organisation's
 * partition, so the register shows them and the filing rule counts them again. A restart runs it
 * before serving (a user's old `.data`); `migrateMentorLoads` is what `npm run migrate` runs.
 */
const tableName = `migrate-${ulid()}`;
let runtime: RunningRuntime;
let api: ApiClient;
let dataDir: string;
let client: DynamoDBClient;
let table: Table;
const logged: string[] = [];
const log = (line: string) => {
  scanLogLine(line);
  logged.push(line);
};

beforeAll(async () => {
  ({ runtime, api, dataDir } = await startTestRuntime({ tableName, log }));
  client = new DynamoDBClient({
    endpoint: runtime.dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  table = new Table(client, tableName);
});
afterAll(async () => {
  await runtime?.stop();
  client?.destroy();
});

interface Mentor {
  employeeNo?: string;
  teacherNo?: string;
  name: string | null;
  skillLevel?: number | null;
  load: number;
  activeCohorts: { cohortId: string; apprentices: number }[];
}

/** A cohort of enterprise A whose apprentices go to the mentors as counted (`[employeeNo, name, n]`). */
function bodyWith(mentors: [string, string, number][]) {
  const total = mentors.reduce((sum, [, , n]) => sum + n, 0);
  const body = makeCohortBody({
    schoolId: SCHOOL_A,
    startDate: '2027-03-01',
    endDate: '2028-02-29',
    count: total,
  });
  body.enterpriseMentors = mentors.map(([employeeNo, name], index) => ({
    key: `m${index + 1}`,
    name,
    employeeNo,
    skillLevel: 2,
  }));
  let row = 0;
  mentors.forEach(([, , n], index) => {
    for (let i = 0; i < n; i++) body.apprentices[row++]!.enterpriseMentorKey = `m${index + 1}`;
  });
  return body;
}

async function create(mentors: [string, string, number][]) {
  const created = await api.as('ent-a-clerk').post('/cohorts', bodyWith(mentors));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { cohortId: created.body.cohortId as string };
}

async function register(user = 'ent-a-clerk', orgId = ENT_A): Promise<Mentor[]> {
  const page = await api.as(user).get(`/organisations/${orgId}/mentors?limit=100`);
  expect(page.status, JSON.stringify(page.body)).toBe(200);
  expect(page.body.nextCursor).toBeNull();
  return page.body.items as Mentor[];
}

const enterprise = (number: string): MentorRef => ({ side: 'enterprise', orgId: ENT_A, number });

/** Puts the mentor's load back where the old code kept it, in its exact shape, and drops the new item. */
async function makeLegacy(mentor: MentorRef, cohorts?: Record<string, number>, version?: number) {
  const current = await table.get<MentorItem>(keys.mentor(mentor));
  expect(current, mentorKeyId(mentor)).toBeDefined();
  await table.transact([
    {
      put: {
        ...keys.legacyMentorLoad(mentor),
        entityType: 'MentorLoad',
        mentorId: mentorKeyId(mentor),
        cohorts: cohorts ?? current!.cohorts,
        version: version ?? current!.version,
      },
      condition: 'attribute_not_exists(pk)',
    },
    { delete: keys.mentor(mentor), condition: 'version = :v', values: { ':v': current!.version } },
  ]);
  return current!;
}

describe('mentor loads written before the register', () => {
  const suffix = uniqueSuffix();
  const busy = `E${suffix}B`;
  const light = `E${suffix}L`;
  const merged = `E${suffix}M`;
  const twins = [`E${suffix}X`, `E${suffix}Y`];
  let first: string;
  let second: string;

  it('an old .data upgrades itself at start: the register shows the loads and the rule refuses a 9th apprentice', async () => {
    ({ cohortId: first } = await create([
      [busy, '张伟', 3],
      [light, '李强', 2],
    ]));
    ({ cohortId: second } = await create([[busy, '张伟', 5]]));
    // A school's mentor too: the school names its mentors when it approves (a filed cohort).
    const filed = await fileCohort(api, 3);
    const schoolBefore = (await register('school-a-registrar', SCHOOL_A)).find((m) =>
      m.activeCohorts.some((c) => c.cohortId === filed),
    );
    expect(schoolBefore).toMatchObject({ name: '王老师', load: 3 });
    const school: MentorRef = { side: 'school', orgId: SCHOOL_A, number: schoolBefore!.teacherNo! };
    for (const mentor of [enterprise(busy), enterprise(light), school]) await makeLegacy(mentor);

    // What the upgrade alone leaves: the loads are not read — the rule would count from zero.
    const numbers = (await register()).map((mentor) => mentor.employeeNo);
    expect(numbers).not.toContain(busy);
    expect(numbers).not.toContain(light);

    const stepFunctionsPort = Number(new URL(runtime.stepFunctionsEndpoint).port);
    const objectStoragePort = Number(new URL(runtime.objectStorageEndpoint).port);
    await runtime.stop();
    logged.length = 0;
    ({ runtime, api } = await startTestRuntime({
      tableName,
      dataDir,
      stepFunctionsPort,
      objectStoragePort,
      log,
    }));
    expect(logged.filter((line) => line.startsWith('migrate: moved'))).toHaveLength(3);
    expect(logged).toContain(
      'migrate: mentor loads: 3 old item(s) found, 3 moved (0 merged), 0 already moved, 0 skipped',
    );

    const byNumber = new Map((await register()).map((mentor) => [mentor.employeeNo, mentor]));
    expect(byNumber.get(busy)).toEqual({
      employeeNo: busy,
      // Old items kept no names: the migration took them from the cohorts that name the mentor.
      name: '张伟',
      skillLevel: 2,
      load: 8,
      activeCohorts: [
        { cohortId: first, apprentices: 3 },
        { cohortId: second, apprentices: 5 },
      ].sort((a, b) => a.cohortId.localeCompare(b.cohortId)),
    });
    expect(byNumber.get(light)).toMatchObject({ name: '李强', load: 2 });
    const schoolAfter = (await register('school-a-registrar', SCHOOL_A)).find(
      (m) => m.teacherNo === school.number,
    );
    expect(schoolAfter).toEqual(schoolBefore);
    for (const mentor of [enterprise(busy), enterprise(light), school]) {
      expect(await table.get(keys.legacyMentorLoad(mentor))).toBeUndefined();
    }

    // The rule counts the moved loads: busy is at 8, a 9th apprentice is refused; light takes one more.
    const over = await api.as('ent-a-clerk').post('/cohorts', bodyWith([[busy, '张伟', 1]]));
    expect(over.status).toBe(400);
    expect(JSON.stringify(over.body.errors)).toContain('mentor.load_exceeded');
    await create([[light, '李强', 1]]);
    expect((await register()).find((mentor) => mentor.employeeNo === light)?.load).toBe(3);
  });

  it('is idempotent: a second run, and two runs at once, move each item once', async () => {
    const before = await register();
    const again = await migrateMentorLoads(table);
    expect(again).toEqual({ found: 0, moved: [], alreadyMoved: 0, skipped: [] });
    expect(await register()).toEqual(before);

    await create([
      [twins[0]!, '周杰', 2],
      [twins[1]!, '吴刚', 3],
    ]);
    const newShape = await Promise.all(
      twins.map((number) => table.get<MentorItem>(keys.mentor(enterprise(number)))),
    );
    for (const number of twins) await makeLegacy(enterprise(number));
    const [one, other] = await Promise.all([migrateMentorLoads(table), migrateMentorLoads(table)]);
    expect(one!.moved.length + other!.moved.length).toBe(2);
    expect([...one!.moved, ...other!.moved].every((moved) => !moved.merged)).toBe(true);
    expect(await migrateMentorLoads(table)).toMatchObject({ found: 0, moved: [] });
    const moved = await Promise.all(
      twins.map((number) => table.get<MentorItem>(keys.mentor(enterprise(number)))),
    );
    moved.forEach((item, index) => {
      const { version: _v, ...rest } = item!;
      const { version: _w, ...expected } = newShape[index]!;
      expect(rest).toEqual(expected);
    });
    const byNumber = new Map((await register()).map((mentor) => [mentor.employeeNo, mentor]));
    expect(byNumber.get(twins[0])).toMatchObject({ name: '周杰', load: 2 });
    expect(byNumber.get(twins[1])).toMatchObject({ name: '吴刚', load: 3 });
  });

  it('merges into a new item written since the upgrade: each cohort counted once, nothing lost', async () => {
    const { cohortId: early } = await create([[merged, '赵敏', 3]]);
    const { cohortId: late } = await create([[merged, '赵敏', 4]]);
    const mentor = enterprise(merged);
    // Before the upgrade: `early` took 3 and `late` 2. Since: `late` was filed again with 4 and,
    // not seeing the old item, wrote a new one that counts `late` alone.
    await makeLegacy(mentor, { [early]: 3, [late]: 2 }, 5);
    await table.transact([
      {
        put: mentorLoadItem(mentor, { name: '赵敏', skillLevel: 2 }, { [late]: 4 }, 1),
        condition: 'attribute_not_exists(pk)',
      },
    ]);
    expect((await register()).find((m) => m.employeeNo === merged)?.load).toBe(4);

    const result = await migrateMentorLoads(table);
    expect(result.moved).toEqual([
      {
        mentor,
        from: keys.legacyMentorLoad(mentor),
        to: keys.mentor(mentor),
        cohorts: 2,
        merged: true,
        naming: 'kept',
      },
    ]);
    const item = await table.get<MentorItem>(keys.mentor(mentor));
    expect(item).toMatchObject({
      cohorts: { [early]: 3, [late]: 4 },
      version: 2,
      name: '赵敏',
      skillLevel: 2,
    });
    expect(await table.get(keys.legacyMentorLoad(mentor))).toBeUndefined();
    expect((await register()).find((m) => m.employeeNo === merged)?.load).toBe(7);

    // 7 + 2 is past 8 (not 4 + 2, as the new item alone would say); 7 + 1 is not.
    const over = await api.as('ent-a-clerk').post('/cohorts', bodyWith([[merged, '赵敏', 2]]));
    expect(over.status).toBe(400);
    expect(JSON.stringify(over.body.errors)).toContain('mentor.load_exceeded');
    await create([[merged, '赵敏', 1]]);
    expect((await register()).find((m) => m.employeeNo === merged)?.load).toBe(8);
    expect(await migrateMentorLoads(table)).toMatchObject({ found: 0, moved: [] });
  });
});
