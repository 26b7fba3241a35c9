import { localSettings } from '../infra/local/settings.ts';
import { shiftMonth } from '../shared/domain/employment.ts';
import { ApiClient } from './lib/api-client.ts';
import { importContributions, insuredThroughout } from './lib/contributions.ts';
import { sampleEvidenceFiles, uploadEvidence } from './lib/evidence.ts';
import { makeCohortBody, makeEnrolment, uniqueSuffix } from './lib/roster.ts';

/**
 * `npm run demo`: drives one 30-apprentice cohort through the HTTP API of a running `npm start`
 * (same PORT, default 3000): from DRAFT to FILED with one return and resubmission; then the
 * advance paid, one withdrawal, outcomes, and the final settlement through public notice to PAID.
 * It moves the embedded runtime's clock instead of waiting, and prints the timelines, the
 * cohort's ledger and the budget, checked to the fen.
 */
const { port } = localSettings();
const api = new ApiClient(process.env.API_URL ?? `http://127.0.0.1:${port}`);
const SCHOOL_A = '52110108MJ0AA1000A';
const ENT_A = '91110108MA01AAAA0M';

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
  const body = makeCohortBody({ schoolId: SCHOOL_A, startDate: iso(start), endDate: iso(end), count: 30 });
  const created = expect(
    await clerk.post('/cohorts', body, {
      idempotencyKey: `demo-create-${key}`,
    }),
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

  // The social-insurance office's file (社保缴费记录) for the district: every apprentice insured by
  // enterprise A from the contract's first month to the month after the training, but for one
  // apprentice's second-to-last month (paid late): the final payment will show it.
  const lastMonth = iso(end).slice(0, 7);
  const lateMonth = shiftMonth(lastMonth, -1);
  const late = body.apprentices[4]!;
  const contributions = insuredThroughout(
    body.apprentices,
    { enterpriseId: ENT_A, districtCode: '110108' },
    iso(start).slice(0, 7),
    shiftMonth(lastMonth, 2),
    (idNumber, month) => idNumber === late.idNumber && month === lateMonth,
  );
  const imported = expect(
    await importContributions(api, contributions, 'bureau-admin', `demo-contributions-${key}`),
    201,
    'contribution import',
  );
  step(
    `bureau admin imported the district's contribution file (社保缴费记录): ${imported.rows} rows, ${imported.months[0]} – ${imported.months.at(-1)}, SHA-256 ${String(imported.sha256).slice(0, 12)}… kept`,
  );

  task = await api.waitForTask('bureau-reviewer', cohortId, 'BUREAU_REVIEW');
  expect(
    await api
      .as('bureau-reviewer')
      .post(`/tasks/${task.taskId}/decision`, { decision: 'approve', reason: '材料齐全，准予备案' }),
    200,
    'bureau filing',
  );
  const filingChecks = expect(
    await api.as('bureau-reviewer').get(`/cohorts/${cohortId}/employment-checks?limit=100`),
    200,
    'employment checks',
  ).items as { result: string }[];
  step(
    `bureau reviewer filed it: employment check (社保 check) at filing ${filingChecks.filter((c) => c.result === 'pass').length}/${filingChecks.length} passed (insured at the contract's start; new hires not insured here before)`,
  );

  const filed = expect(await clerk.get(`/cohorts/${cohortId}`), 200, 'read filed cohort');
  if (filed.status !== 'FILED') throw new Error(`Expected FILED, got ${filed.status}`);
  const yuan = (fen: number) =>
    `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  step(
    `FILED: entitlement ${yuan(filed.entitlementFen)} (${filed.entitlement.apprentices} × ${yuan(filed.entitlement.perApprenticeFen)}, ${filed.entitlement.months} months, policy ${filed.policyVersion})`,
  );

  await printTimeline(`/cohorts/${cohortId}/history?limit=100`, `cohort ${cohortId}`);

  // ── The apprenticeship is paid for: advance, a withdrawal, outcomes, the final settlement ──
  process.stdout.write('\n');
  const apprentices: { apprenticeId: string; name: string }[] = filed.apprentices;
  // Evidence documents go to the object store first (a presigned PUT each); the claim lists them by key and SHA-256.
  const evidence = async (kind: 'advance' | 'final') => {
    const files = sampleEvidenceFiles(cohortId, kind);
    const documents = await uploadEvidence(api, 'ent-a-clerk', cohortId, files, {
      keyPrefix: `demo-${kind}-evidence-${key}`,
      waitUntilStored: true,
    });
    step(
      `enterprise clerk uploaded ${documents.length} evidence document(s) for the ${kind} claim (${files
        .map((file) => file.fileName)
        .join(', ')})`,
    );
    return {
      feeInvoiceNo: `FP-${key}-${kind}`,
      attendance: apprentices.map((a) => ({ apprenticeId: a.apprenticeId, hours: 640 })),
      documents,
    };
  };
  const budgetYears = new Set<number>();
  const budgets = new Map<number, { before: any; after?: any }>();
  const watchBudget = async (year: number) => {
    if (budgets.has(year)) return;
    let response = await api.as('bureau-admin').get(`/budgets/110108/${year}`);
    if (response.status === 404) {
      // A year the seed does not cover (the demo moves the clock on each run): the administrator opens it.
      expect(
        await api.as('bureau-admin').put(`/budgets/110108/${year}`, { budgetFen: 10_000_000_00 }),
        201,
        'open budget',
      );
      response = await api.as('bureau-admin').get(`/budgets/110108/${year}`);
    }
    budgets.set(year, { before: response.body });
    budgetYears.add(year);
  };
  const payClaim = async (kind: 'advance' | 'final') => {
    const prepared = expect(
      await clerk.post(
        '/claims',
        { cohortId, kind, evidence: await evidence(kind) },
        { idempotencyKey: `demo-${kind}-${key}` },
      ),
      201,
      `${kind} claim`,
    );
    step(
      `enterprise clerk prepared the ${kind} claim ${prepared.claimId}: ${yuan(prepared.amountFen)}${prepared.recoveryFen ? `, recovery ${yuan(prepared.recoveryFen)}` : ''}`,
    );
    const submitted = expect(
      await api.as('ent-a-signatory').post(
        `/claims/${prepared.claimId}/submit`,
        { commitment: { accepted: true } },
        {
          idempotencyKey: `demo-${kind}-submit-${key}`,
        },
      ),
      200,
      'submit claim',
    );
    step(
      `enterprise signatory accepted the commitment (承诺书 ${submitted.commitment?.version ?? '?'}) and submitted it`,
    );
    let claimTask = await api.waitForTask('school-a-registrar', prepared.claimId, 'SCHOOL_VERIFICATION');
    expect(
      await api.as('school-a-registrar').post(`/tasks/${claimTask.taskId}/decision`, {
        decision: 'approve',
        attendance: apprentices.map((a) => ({ apprenticeId: a.apprenticeId, hours: 640 })),
        ...(kind === 'final' ? { outcomesConfirmed: true } : {}),
      }),
      200,
      'school verification',
    );
    step(`school registrar verified attendance${kind === 'final' ? ' and every assessment result' : ''}`);
    await watchBudget((await api.now()).getUTCFullYear());
    claimTask = await api.waitForTask('bureau-reviewer', prepared.claimId, 'BUREAU_REVIEW');
    expect(
      await api.as('bureau-reviewer').post(`/tasks/${claimTask.taskId}/decision`, { decision: 'approve' }),
      200,
      'bureau review',
    );
    step(
      `bureau reviewer approved ${yuan(prepared.amountFen)} (reserved in the ${(await api.now()).getUTCFullYear()} budget)`,
    );
    if (kind === 'final') {
      let onNotice: any;
      for (let i = 0; i < 100; i++) {
        onNotice = expect(await clerk.get(`/claims/${prepared.claimId}`), 200, 'claim');
        if (onNotice.notice) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      step(
        `on public notice (公示) until ${onNotice.notice.endsAt} (the policy's working days, weekends and holidays not counted); the clock moves past it`,
      );
      await api.setClock(new Date(Date.parse(onNotice.notice.endsAt) + 3600_000).toISOString());
    }
    claimTask = await api.waitForTask('bureau-treasurer', prepared.claimId, 'PAYMENT');
    if (kind === 'final') await overrideTheLateMonth(prepared.claimId, claimTask.taskId);
    const paid = expect(
      await api
        .as('bureau-treasurer')
        .post(
          `/tasks/${claimTask.taskId}/decision`,
          { decision: 'approve' },
          { idempotencyKey: `demo-${kind}-pay-${key}` },
        ),
      200,
      'payment',
    );
    step(`bureau treasurer released the payment: ${paid.claim.status}`);
    return prepared.claimId as string;
  };

  /**
   * The final release is refused by the employment check (the late month); a bureau reviewer
   * records an override with the case reference, the reviewer cannot confirm it alone (four eyes),
   * the bureau admin confirms it, and the release goes through.
   */
  const overrideTheLateMonth = async (claimId: string, taskId: string) => {
    const refused = expect(
      await api.as('bureau-treasurer').post(`/tasks/${taskId}/decision`, { decision: 'approve' }),
      409,
      'release before the override',
    );
    const lateRow = body.apprentices.indexOf(late);
    const lateApprentice = apprentices[lateRow]!;
    step(
      `bureau treasurer's release refused (${refused.code}): ${refused.errors.map((e: { path: string; message: string }) => `${e.path} ${e.message}`).join('; ')}`,
    );
    const written = expect(
      await api.as('bureau-reviewer').post(
        '/overrides',
        {
          caseId: claimId,
          apprenticeIds: [lateApprentice.apprenticeId],
          check: 'employment',
          reason: `${lateMonth} 社保费补缴，已核对补缴凭证`,
          caseReference: `HD-${key}`,
          expiresOn: iso(new Date((await api.now()).getTime() + 30 * 86_400_000)),
        },
        { idempotencyKey: `demo-override-${key}` },
      ),
      201,
      'override',
    );
    step(
      `bureau reviewer wrote override ${written.overrideId} for ${lateApprentice.name} (${written.status})`,
    );
    const own = expect(
      await api.as('bureau-reviewer').post(`/overrides/${written.overrideId}/confirm`),
      403,
      'confirmation by the writer',
    );
    step(`the same reviewer cannot confirm it (${own.code})`);
    const confirmed = expect(
      await api.as('bureau-admin').post(`/overrides/${written.overrideId}/confirm`, undefined, {
        idempotencyKey: `demo-confirm-${key}`,
      }),
      200,
      'confirmation',
    );
    step(`bureau admin confirmed it: ${confirmed.status} until ${confirmed.expiresOn}`);
  };

  const advanceId = await payClaim('advance');

  const inTraining = new Date(Date.parse(`${iso(start)}T02:00:00Z`) + 100 * 86_400_000);
  await api.setClock(inTraining.toISOString());
  const leaver = apprentices[29]!;
  expect(
    await clerk.post(`/cohorts/${cohortId}/apprentices/${leaver.apprenticeId}/withdrawal`, {
      date: iso(new Date(inTraining.getTime() - 5 * 86_400_000)),
      reason: 'resigned',
    }),
    200,
    'withdrawal',
  );
  step(`clock at ${iso(inTraining)}: ${leaver.name} resigned and was withdrawn`);

  const afterEnd = new Date(Date.parse(`${iso(end)}T02:00:00Z`) + 5 * 86_400_000);
  await api.setClock(afterEnd.toISOString());
  let certified = 0;
  for (const [index, apprentice] of apprentices.slice(0, 29).entries()) {
    const pass = index % 10 !== 9; // three of the 29 do not pass the assessment
    const body = pass
      ? {
          outcome: 'certified',
          certificate: {
            kind: 'skill_level',
            number: `ZS-${key}-${index + 1}`,
            level: 4,
            issuedOn: iso(new Date(afterEnd.getTime() - 2 * 86_400_000)),
          },
        }
      : { outcome: 'not_certified' };
    expect(
      await api
        .as('school-a-registrar')
        .post(`/cohorts/${cohortId}/apprentices/${apprentice.apprenticeId}/outcome`, body),
      200,
      'outcome',
    );
    if (pass) certified++;
  }
  const completed = expect(await clerk.get(`/cohorts/${cohortId}`), 200, 'cohort');
  step(
    `clock at ${iso(afterEnd)}: outcomes recorded — ${certified} certified at 中级工, ${29 - certified} not certified, 1 withdrawn; cohort ${completed.status}`,
  );

  const finalId = await payClaim('final');

  // ── The ledger of the cohort and the budget, to the fen ──
  const ledgerCohort = expect(await clerk.get(`/cohorts/${cohortId}`), 200, 'cohort');
  const advance = expect(await clerk.get(`/claims/${advanceId}`), 200, 'advance');
  const final = expect(await clerk.get(`/claims/${finalId}`), 200, 'final');
  const { advancePaidFen, finalPaidFen, recoveryOwedFen } = ledgerCohort.ledger;
  const earned = final.computation.earnedFen as number;
  process.stdout.write(`\nLedger of cohort ${cohortId}\n`);
  const line = (label: string, fen: number) =>
    process.stdout.write(`  ${label.padEnd(44)}${yuan(fen).padStart(16)}\n`);
  line(
    `entitlement at filing (${ledgerCohort.entitlement.apprentices} × ${yuan(ledgerCohort.entitlement.perApprenticeFen)})`,
    ledgerCohort.entitlementFen,
  );
  line(`advance paid (claim ${advanceId.slice(-6)})`, advancePaidFen);
  line(
    `earned (${final.computation.earners} certified × ${yuan(ledgerCohort.entitlement.perApprenticeFen)})`,
    earned,
  );
  line(`final settlement paid (claim ${finalId.slice(-6)})`, finalPaidFen);
  line('recovery owed by the enterprise', recoveryOwedFen);
  const balances = advancePaidFen + finalPaidFen - recoveryOwedFen === earned;
  process.stdout.write(
    `  advance + final − recovery = earned: ${yuan(advancePaidFen + finalPaidFen - recoveryOwedFen)} = ${yuan(earned)}  ${balances ? '✓' : '✗'}\n`,
  );

  process.stdout.write('\nBudget of bureau 110108\n');
  let paidDelta = 0;
  for (const year of [...budgetYears].sort()) {
    const after = expect(await api.as('bureau-admin').get(`/budgets/110108/${year}`), 200, 'budget');
    const before = budgets.get(year)!.before;
    paidDelta += after.paidFen - before.paidFen;
    process.stdout.write(
      `  ${year}: budget ${yuan(after.budgetFen)}, reserved ${yuan(after.reservedFen)}, paid ${yuan(after.paidFen)} (this demo ${yuan(after.paidFen - before.paidFen)}), left ${yuan(after.availableFen)}` +
        `  ${after.reservedFen + after.paidFen + after.availableFen === after.budgetFen ? '✓' : '✗'}\n`,
    );
  }
  const matches =
    paidDelta === advance.amountFen + final.amountFen && paidDelta === advancePaidFen + finalPaidFen;
  process.stdout.write(
    `  paid from the budget by this demo = payments released: ${yuan(paidDelta)} = ${yuan(advance.amountFen + final.amountFen)}  ${matches ? '✓' : '✗'}\n`,
  );
  await printTimeline(`/claims/${finalId}/history?limit=100`, `final claim ${finalId}`);
  if (!balances || !matches) throw new Error('The ledger does not balance');
  process.stdout.write(
    `\nCohort ${cohortId} is ${ledgerCohort.status}; its advance and final settlement are PAID.\n`,
  );
}

async function printTimeline(path: string, title: string) {
  const history = expect(await api.as('bureau-reviewer').get(path), 200, 'history');
  process.stdout.write(`\nTimeline of ${title}\n`);
  for (const record of history.items) {
    const who = record.actor.username ? `${record.actor.username} (${record.actor.role})` : 'workflow';
    const move = record.from || record.to ? ` ${record.from ?? ''}→${record.to ?? ''}` : '';
    process.stdout.write(
      `  ${String(record.seq).padStart(2)}  ${record.at}  ${record.action.padEnd(22)}${move.padEnd(34)} ${who}${record.reason ? ` — ${record.reason}` : ''}\n`,
    );
  }
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
