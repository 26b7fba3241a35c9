import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { makeCohortBody, uniqueSuffix } from '../../scripts/lib/roster.ts';
import { ENT_A, fileCohort, SCHOOL_A, SCHOOL_B } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * `GET /organisations/{orgId}/mentors` on the embedded runtime (issue 16 item 10): an
 * organisation's mentors with the load the filing rule counts (cohorts that ended drop out, and
 * the rule refuses exactly where the register says the limit is reached), page by page with an
 * opaque cursor, read by the organisation itself and its district's bureau, refused to others.
 */
let runtime: RunningRuntime;
let api: ApiClient;

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
});
afterAll(async () => {
  await runtime?.stop();
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
  return created.body.cohortId as string;
}

async function allMentors(user: string, orgId: string, limit: number) {
  const items: Mentor[] = [];
  const cursors: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { items: Mentor[]; nextCursor: string | null } } = await api
      .as(user)
      .get(
        `/organisations/${orgId}/mentors?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
    if (cursor) cursors.push(cursor);
  } while (cursor);
  return { items, cursors };
}

describe("an organisation's mentor register", () => {
  const suffix = uniqueSuffix();
  const busy = `E${suffix}B`;
  const light = `E${suffix}L`;
  const gone = `E${suffix}G`;

  it('shows each enterprise mentor with name, level and the load the filing rule counts', async () => {
    const first = await create([
      [busy, '张伟', 3],
      [light, '李强', 2],
    ]);
    const second = await create([[busy, '张伟', 4]]);
    // A withdrawn cohort's apprentices no longer count (its load item is not rewritten: counted lazily).
    const withdrawn = await create([
      [busy, '张伟', 1],
      [gone, '王磊', 2],
    ]);
    const answer = await api.as('ent-a-clerk').post(`/cohorts/${withdrawn}/withdraw`, { reason: '计划调整' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);

    const page = await api.as('ent-a-clerk').get(`/organisations/${ENT_A}/mentors?limit=100`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body).toMatchObject({ orgId: ENT_A, side: 'enterprise', mentorMaxApprentices: 8 });
    const byNumber = new Map((page.body.items as Mentor[]).map((mentor) => [mentor.employeeNo, mentor]));
    expect(byNumber.get(busy)).toEqual({
      employeeNo: busy,
      name: '张伟',
      skillLevel: 2,
      load: 7,
      activeCohorts: [
        { cohortId: first, apprentices: 3 },
        { cohortId: second, apprentices: 4 },
      ].sort((a, b) => a.cohortId.localeCompare(b.cohortId)),
    });
    expect(byNumber.get(light)).toMatchObject({ name: '李强', load: 2 });
    // Kept in the register to be picked again, with nothing to count.
    expect(byNumber.get(gone)).toMatchObject({ name: '王磊', load: 0, activeCohorts: [] });

    // The rule agrees: 7 + 2 is past 8, 7 + 1 is not.
    const over = await api.as('ent-a-clerk').post('/cohorts', bodyWith([[busy, '张伟', 2]]));
    expect(over.status).toBe(400);
    expect(JSON.stringify(over.body.errors)).toContain('mentor.load_exceeded');
    await create([[busy, '张伟', 1]]);
    const full = await api.as('ent-a-clerk').get(`/organisations/${ENT_A}/mentors?limit=100`);
    expect((full.body.items as Mentor[]).find((mentor) => mentor.employeeNo === busy)?.load).toBe(8);
  });

  it('pages with an opaque cursor: every mentor once, in number order', async () => {
    const whole = await allMentors('ent-a-clerk', ENT_A, 100);
    const paged = await allMentors('ent-a-clerk', ENT_A, 1);
    expect(whole.items.length).toBeGreaterThanOrEqual(3);
    expect(paged.items).toEqual(whole.items);
    // One page per mentor (DynamoDB may answer one more, empty page after a full last one).
    expect(paged.cursors.length).toBeGreaterThanOrEqual(whole.items.length - 1);
    expect(paged.cursors.length).toBeLessThanOrEqual(whole.items.length);
    const numbers = paged.items.map((mentor) => mentor.employeeNo!);
    expect(numbers).toEqual([...numbers].sort());
    for (const cursor of paged.cursors) expect(cursor).not.toContain('MENTOR');
  });

  it("keeps a school's mentors by teacher number, with the apprentices they take", async () => {
    const cohortId = await fileCohort(api, 3);
    const { items } = await allMentors('school-a-registrar', SCHOOL_A, 100);
    const taking = items.filter((mentor) => mentor.activeCohorts.some((c) => c.cohortId === cohortId));
    expect(taking).toHaveLength(1);
    expect(taking[0]).toMatchObject({ load: 3, name: '王老师' });
    expect(taking[0]!.teacherNo).toMatch(/^T/);
    expect(taking[0]).not.toHaveProperty('skillLevel');
  });

  it('is read by the organisation and its district bureau; others are refused', async () => {
    for (const user of ['ent-a-clerk', 'ent-a-signatory', 'bureau-reviewer', 'bureau-admin']) {
      expect((await api.as(user).get(`/organisations/${ENT_A}/mentors`)).status, user).toBe(200);
    }
    for (const user of ['ent-b-clerk', 'ent-c-clerk', 'school-a-registrar', 'bureau2-reviewer']) {
      const refused = await api.as(user).get(`/organisations/${ENT_A}/mentors`);
      expect(refused.status, user).toBe(403);
      expect(refused.body.code ?? refused.body.errors?.[0]?.code).toBe('mentor.register_own_only');
      expect(JSON.stringify(refused.body)).not.toContain(busy);
    }
    // School B is in another district: bureau 110108 does not read its register.
    expect((await api.as('bureau-reviewer').get(`/organisations/${SCHOOL_B}/mentors`)).status).toBe(403);
    expect((await api.as('school-b-registrar').get(`/organisations/${SCHOOL_B}/mentors`)).status).toBe(200);
    // A well-formed code nobody registered, and a bureau's division code (bureaus keep no mentors).
    expect((await api.as('ent-a-clerk').get('/organisations/91350100M000100Y43/mentors')).status).toBe(404);
    expect((await api.as('bureau-reviewer').get('/organisations/110108/mentors')).status).toBe(400);
    expect((await api.as('ent-a-clerk').get(`/organisations/${ENT_A}/mentors?limit=0`)).status).toBe(400);
  });
});
