import { ApiClient } from './lib/api-client.ts';
import { makeCohortBody, makeEnrolment, uniqueSuffix } from './lib/roster.ts';

/**
 * `npm run demo`: drives one 30-apprentice cohort through the HTTP API of a running `npm start`
 * (same PORT, default 3000) from DRAFT to FILED — including one return and resubmission — and
 * prints its timeline.
 */
const port = Number(process.env.PORT ?? 3000);
const api = new ApiClient(process.env.API_URL ?? `http://127.0.0.1:${port}`);
const SCHOOL_A = '52110108MJ0AA1000A';

function expect(response: { status: number; body: unknown }, status: number, what: string) {
  if (response.status !== status) {
    throw new Error(
      `${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body, null, 2)}`,
    );
  }
  return response.body as any;
}

function step(text: string) {
  process.stdout.write(`• ${text}\n`);
}

async function main() {
  const health = await fetch(`${api.baseUrl}/health`).catch(() => undefined);
  if (!health?.ok) throw new Error(`No ApprenticeFlow at ${api.baseUrl}: start it with \`npm start\` first`);

  // The cohort starts on the first day of the month after next, by the system's clock.
  const now = await api.now();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1));
  const end = new Date(Date.UTC(start.getUTCFullYear() + 1, start.getUTCMonth(), 0));
  const iso = (date: Date) => date.toISOString().slice(0, 10);
  const key = uniqueSuffix();

  const clerk = api.as('ent-a-clerk');
  const created = expect(
    await clerk.post(
      '/cohorts',
      makeCohortBody({ schoolId: SCHOOL_A, startDate: iso(start), endDate: iso(end), count: 30 }),
      {
        idempotencyKey: `demo-create-${key}`,
      },
    ),
    201,
    'create cohort',
  );
  const cohortId: string = created.cohortId;
  step(
    `enterprise clerk created cohort ${cohortId}: ${created.occupationName}, ${created.apprenticeCount} apprentices, ${iso(start)} – ${iso(end)}`,
  );

  expect(
    await clerk.post(`/cohorts/${cohortId}/submit`, undefined, { idempotencyKey: `demo-submit-1-${key}` }),
    200,
    'submit',
  );
  step('submitted: the cohort-filing workflow started');

  let task = await api.waitForTask('ent-a-signatory', cohortId, 'COMPANY_REVIEW');
  expect(
    await api
      .as('ent-a-signatory')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'approve', reason: '同意报送' }),
    200,
    'company approval',
  );
  step('enterprise signatory approved');

  task = await api.waitForTask('school-a-registrar', cohortId, 'SCHOOL_REVIEW');
  expect(
    await api.as('school-a-registrar').post(`/tasks/${task.taskId}/decision`, {
      decision: 'return',
      reason: '校企合作协议编号有误，请核对后重新提交',
    }),
    200,
    'school return',
  );
  step('school registrar returned it: the cooperation agreement number is wrong');

  const returned = expect(await clerk.get(`/cohorts/${cohortId}`), 200, 'read cohort');
  const edited = expect(
    await clerk.patch(`/cohorts/${cohortId}`, {
      version: returned.version,
      agreements: { ...returned.agreements, schoolAgreementNo: `HZ-${key}-R` },
    }),
    200,
    'edit',
  );
  step(`enterprise clerk corrected the agreement number (version ${returned.version} → ${edited.version})`);
  expect(
    await clerk.post(`/cohorts/${cohortId}/submit`, undefined, { idempotencyKey: `demo-submit-2-${key}` }),
    200,
    'resubmit',
  );
  step('resubmitted: every stage again');

  task = await api.waitForTask('ent-a-signatory', cohortId, 'COMPANY_REVIEW');
  expect(
    await api.as('ent-a-signatory').post(`/tasks/${task.taskId}/decision`, { decision: 'approve' }),
    200,
    'company approval 2',
  );
  step('enterprise signatory approved again');

  task = await api.waitForTask('school-a-registrar', cohortId, 'SCHOOL_REVIEW');
  const cohort = expect(
    await api.as('school-a-registrar').get(`/cohorts/${cohortId}`),
    200,
    'school reads cohort',
  );
  expect(
    await api
      .as('school-a-registrar')
      .post(`/tasks/${task.taskId}/decision`, makeEnrolment(cohort.apprentices)),
    200,
    'school confirmation',
  );
  step('school registrar confirmed enrolment: student numbers and school mentors for all 30');

  task = await api.waitForTask('bureau-reviewer', cohortId, 'BUREAU_REVIEW');
  expect(
    await api
      .as('bureau-reviewer')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'approve', reason: '材料齐全，准予备案' }),
    200,
    'bureau filing',
  );
  step('bureau reviewer filed it');

  const filed = expect(await clerk.get(`/cohorts/${cohortId}`), 200, 'read filed cohort');
  if (filed.status !== 'FILED') throw new Error(`Expected FILED, got ${filed.status}`);
  const yuan = (fen: number) =>
    `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  step(
    `FILED: entitlement ${yuan(filed.entitlementFen)} (${filed.entitlement.apprentices} × ${yuan(filed.entitlement.perApprenticeFen)}, ${filed.entitlement.months} months, policy ${filed.policyVersion})`,
  );

  const history = expect(await clerk.get(`/cohorts/${cohortId}/history?limit=100`), 200, 'history');
  process.stdout.write(`\nTimeline of cohort ${cohortId}\n`);
  for (const record of history.items) {
    const who = record.actor.username ? `${record.actor.username} (${record.actor.role})` : `workflow`;
    const move = record.from || record.to ? ` ${record.from ?? ''}→${record.to ?? ''}` : '';
    process.stdout.write(
      `  ${String(record.seq).padStart(2)}  ${record.at}  ${record.action.padEnd(18)}${move.padEnd(32)} ${who}${record.reason ? ` — ${record.reason}` : ''}\n`,
    );
  }
  process.stdout.write(`\nCohort ${cohortId} is ${filed.status}.\n`);
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
