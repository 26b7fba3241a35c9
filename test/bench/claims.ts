import type { ApiResponse } from '../../scripts/lib/api-client.ts';
import { type DocumentReference, sampleEvidenceFiles, uploadEvidence } from '../../scripts/lib/evidence.ts';
import { dynamoDbRequests } from '../../shared/adapters/dynamodb/request-counter.ts';
import { claimExecutionName } from '../../shared/domain/use-cases/claim-preparation.ts';
import type { AttributedRequest } from './attribution.ts';
import { type BilledRequest, dynamoDbWork } from './capacity.ts';
import type { BenchRuntime } from './embedded.ts';
import {
  type ApiCall,
  type CaseWork,
  executionFactsOf,
  expectStatus,
  FILING_PARTIES,
  idempotencyKey,
  openTasks,
  orgOf,
  timed,
} from './filing.ts';
import { type LoadResult, runLoad } from './load.ts';

/**
 * The subsidy-claim scenarios (issue 3) through the HTTP API, as the parties drive them:
 *
 *  - a claim from PREPARED to PAID: the clerk reads the cohort (its apprentices, for the
 *    attendance) and prepares the claim, the signatory reads and submits it, the school reads its
 *    inbox and the cohort and verifies attendance (a final claim: every assessment result too), the
 *    bureau reviewer and then the treasurer each read the inbox and the claim and approve. A final
 *    claim waits out its public notice (公示) in between: the clock moves past the notice's end
 *    (`POST /dev/clock`, the embedded runtime's stand-in for the days passing; not an API call a
 *    user makes, not counted as one). 13 API calls a claim.
 *  - the outcomes a final claim needs: the school records each apprentice's assessment result
 *    after the cohort's end date (one call per apprentice).
 *
 * Moving the clock touches every waiting task of the runtime (stage time limits), so the bench
 * runs these last.
 */
export const CLAIM_PARTIES = {
  clerk: FILING_PARTIES.clerk,
  signatory: 'ent-a-signatory',
  school: 'school-a-registrar',
  reviewer: 'bureau-reviewer',
  treasurer: 'bureau-treasurer',
  admin: 'bureau-admin',
} as const;

export type ClaimKind = 'advance' | 'final';

type Apprentices = { apprenticeId: string }[];

/**
 * Evidence as a clerk files it: the fee invoice, attendance of every apprentice, and the
 * documents uploaded for it (a sign-in sheet; a final claim: ten training videos too).
 */
export function claimEvidence(
  cohortId: string,
  apprentices: Apprentices,
  kind: ClaimKind,
  documents: DocumentReference[],
) {
  return {
    feeInvoiceNo: `FP-${cohortId.slice(-8)}-${kind}`,
    attendance: apprentices.map(({ apprenticeId }) => ({ apprenticeId, hours: 640 })),
    documents,
  };
}

/** Uploads the claim's documents (announce, PUT to the presigned URL, STORED once reported). */
export function uploadClaimEvidence(bench: BenchRuntime, cohortId: string, kind: ClaimKind) {
  return uploadEvidence(bench.api, CLAIM_PARTIES.clerk, cohortId, sampleEvidenceFiles(cohortId, kind));
}

function verificationBody(apprentices: Apprentices, kind: ClaimKind) {
  return {
    decision: 'approve',
    attendance: apprentices.map(({ apprenticeId }) => ({ apprenticeId, hours: 640 })),
    ...(kind === 'final' ? { outcomesConfirmed: true } : {}),
  };
}

function outcomeBody(index: number) {
  return {
    outcome: 'certified',
    certificate: {
      kind: 'skill_level',
      number: `ZS-${Date.now()}-${index}`,
      level: 4,
      issuedOn: '2028-03-01',
    },
  };
}

/**
 * Room in the bureau's budget for the year the clock is in (a claim is charged to the year the
 * bureau approves it): the seeded ¥10,000,000 a year would not carry every claim the bench pays.
 */
export async function openBudgetForBench(bench: BenchRuntime): Promise<void> {
  const year = (await bench.api.now()).getUTCFullYear();
  const district = orgOf(CLAIM_PARTIES.reviewer);
  const answer = await bench.api
    .as(CLAIM_PARTIES.admin)
    .put(`/budgets/${district}/${year}`, { budgetFen: 1_000_000_000_00 });
  if (answer.status !== 200 && answer.status !== 201)
    expectStatus(answer, 200, `PUT /budgets/${district}/${year}`);
}

/** After every cohort's end date (2028-02-29 in the bench), when outcomes may be recorded. */
export const AFTER_COHORT_END = '2028-03-06T02:00:00Z';

/** One task of `user` for `caseId` at `stage`, from the first page of the inbox. */
function taskOf(inbox: ApiResponse, caseId: string, stage: string, user: string): { taskId: string } {
  const task = inbox.body.items.find(
    (item: { caseId: string; stage: string }) => item.caseId === caseId && item.stage === stage,
  );
  if (!task) throw new Error(`No ${stage} task for ${caseId} on the first page of ${user}'s inbox`);
  return task;
}

/** Counts everything a stretch of API calls cost, each call followed by the work it set going. */
async function measured(
  bench: BenchRuntime,
  work: (
    call: (route: string, status: number, send: () => Promise<ApiResponse>) => Promise<ApiResponse>,
  ) => Promise<string | undefined>,
  apprentices: number,
  cohortId: string,
): Promise<CaseWork & { claimId?: string }> {
  const { runtime, counters } = bench;
  await runtime.idle();
  const mark = dynamoDbRequests.mark();
  const kmsBefore = counters.kmsRequests;
  const eventsBefore = counters.eventsPut;
  const apiCalls: ApiCall[] = [];
  const call = async (route: string, status: number, send: () => Promise<ApiResponse>) => {
    const { response, ms } = await timed(send);
    expectStatus(response, status, route);
    apiCalls.push({ route, status: response.status, ms });
    await runtime.idle();
    return response;
  };
  const claimId = await work(call);
  // The case's API calls and its workflow, including the steps a clock move set going (those run
  // inside the `POST /dev/clock` request); not the scheduled reconciler (no origin).
  const requests = (dynamoDbRequests.since(mark) as (BilledRequest & AttributedRequest)[]).filter(
    (request) => request.origin?.kind === 'api' || request.origin?.kind === 'workflow',
  );
  const execution = claimId
    ? await executionFactsOf(bench, 'subsidy-claim', claimExecutionName(claimId, 1))
    : { stateTransitions: 0, stepInvocations: [], logBytes: 0, historyEvents: 0 };
  return {
    apprentices,
    cohortId,
    ...(claimId && { claimId }),
    apiCalls,
    execution,
    executions: claimId ? 1 : 0,
    dynamodb: dynamoDbWork(requests),
    kmsRequests: counters.kmsRequests - kmsBefore,
    eventsPut: counters.eventsPut - eventsBefore,
  };
}

/** One claim of a FILED (advance) or COMPLETED (final) cohort from PREPARED to PAID, each call alone. */
export async function payClaimMeasured(
  bench: BenchRuntime,
  cohortId: string,
  kind: ClaimKind,
): Promise<CaseWork> {
  const { api } = bench;
  let apprentices = 0;
  // The evidence is uploaded before the case is measured: S3 requests and the documents' own
  // records are not in the per-case work or cost (README, Performance).
  const documents = await uploadClaimEvidence(bench, cohortId, kind);
  const work = await measured(
    bench,
    async (call) => {
      const clerk = api.as(CLAIM_PARTIES.clerk);
      const cohort = await call('GET /cohorts/{cohortId}', 200, () => clerk.get(`/cohorts/${cohortId}`));
      const roster: Apprentices = cohort.body.apprentices;
      apprentices = roster.length;
      const prepared = await call('POST /claims', 201, () =>
        clerk.post(
          '/claims',
          { cohortId, kind, evidence: claimEvidence(cohortId, roster, kind, documents) },
          idempotencyKey(),
        ),
      );
      const claimId: string = prepared.body.claimId;
      const signatory = api.as(CLAIM_PARTIES.signatory);
      await call('GET /claims/{claimId}', 200, () => signatory.get(`/claims/${claimId}`));
      await call('POST /claims/{claimId}/submit', 200, () =>
        signatory.post(`/claims/${claimId}/submit`, { commitment: { accepted: true } }, idempotencyKey()),
      );

      const school = api.as(CLAIM_PARTIES.school);
      const schoolInbox = await call('GET /tasks', 200, () => school.get('/tasks?limit=100'));
      const verification = taskOf(schoolInbox, claimId, 'SCHOOL_VERIFICATION', CLAIM_PARTIES.school);
      const enrolled = await call('GET /cohorts/{cohortId}', 200, () => school.get(`/cohorts/${cohortId}`));
      await call('POST /tasks/{taskId}/decision', 200, () =>
        school.post(
          `/tasks/${verification.taskId}/decision`,
          verificationBody(enrolled.body.apprentices, kind),
          idempotencyKey(),
        ),
      );

      for (const [user, stage] of [
        [CLAIM_PARTIES.reviewer, 'BUREAU_REVIEW'],
        [CLAIM_PARTIES.treasurer, 'PAYMENT'],
      ] as const) {
        const party = api.as(user);
        if (stage === 'PAYMENT' && kind === 'final') {
          const onNotice = (await api.as(CLAIM_PARTIES.clerk).get(`/claims/${claimId}`)).body;
          if (!onNotice.notice?.endsAt)
            throw new Error(`Final claim ${claimId} is ${onNotice.status}, not on notice`);
          await api.setClock(new Date(Date.parse(onNotice.notice.endsAt) + 3_600_000).toISOString());
          await bench.runtime.idle();
        }
        const inbox = await call('GET /tasks', 200, () => party.get('/tasks?limit=100'));
        const task = taskOf(inbox, claimId, stage, user);
        await call('GET /claims/{claimId}', 200, () => party.get(`/claims/${claimId}`));
        await call('POST /tasks/{taskId}/decision', 200, () =>
          party.post(`/tasks/${task.taskId}/decision`, { decision: 'approve' }, idempotencyKey()),
        );
      }
      const status = (await api.as(CLAIM_PARTIES.clerk).get(`/claims/${claimId}`)).body.status;
      if (status !== 'PAID') throw new Error(`The ${kind} claim ${claimId} ended ${status}, not PAID`);
      return claimId;
    },
    0,
    cohortId,
  );
  return { ...work, apprentices };
}

/** The school records every apprentice's outcome (all certified), each call alone. */
export async function recordOutcomesMeasured(bench: BenchRuntime, cohortId: string): Promise<CaseWork> {
  const school = bench.api.as(CLAIM_PARTIES.school);
  const roster: Apprentices = (await school.get(`/cohorts/${cohortId}`)).body.apprentices;
  return measured(
    bench,
    async (call) => {
      for (const [index, { apprenticeId }] of roster.entries()) {
        await call('POST /cohorts/{cohortId}/apprentices/{apprenticeId}/outcome', 200, () =>
          school.post(`/cohorts/${cohortId}/apprentices/${apprenticeId}/outcome`, outcomeBody(index)),
        );
      }
      return undefined;
    },
    roster.length,
    cohortId,
  );
}

export interface ClaimsThroughputStage {
  wallMs: number;
  calls: number;
}

/** Throughput of whole cases: FILED cohorts on to PAID (advance, outcomes, final), at a fixed concurrency. */
export interface DraftToPaidThroughput {
  cases: number;
  apprenticesPerCase: number;
  concurrency: number;
  /** Filing (section 3's run of the same cohorts) plus the three stages below. */
  wallMs: number;
  casesPerMinute: number;
  apprenticesPerMinute: number;
  stages: {
    filing: ClaimsThroughputStage;
    advance: ClaimsThroughputStage;
    outcomes: ClaimsThroughputStage;
    final: ClaimsThroughputStage;
  };
  /** API calls over the whole path, filing included. */
  calls: number;
  /** Answers other than the expected status (409 on a contended budget, say): retried, counted here. */
  retried: number;
}

function assertNoErrors(result: LoadResult, what: string): void {
  if (result.errors > 0) throw new Error(`${what}: ${result.errors} of ${result.requests} requests failed`);
}

/**
 * Every party's step for all `cohortIds` at once, at `concurrency`: the clerk reads each cohort and
 * prepares its claim, the signatory submits, and at each review stage the party reads its inbox
 * once (every page), the school reads each cohort, and decides each task; the workflow's work in
 * between (`runtime.idle()`) is in the wall time. A final claim's notice ends by a clock move.
 */
async function payClaimsConcurrently(
  bench: BenchRuntime,
  cohortIds: string[],
  kind: ClaimKind,
  concurrency: number,
  retried: { count: number },
): Promise<ClaimsThroughputStage> {
  const { api, runtime } = bench;
  let calls = 0;
  const load = async (
    what: string,
    requests: number,
    send: (index: number) => Promise<ApiResponse>,
    expect = 200,
  ) => {
    const result = await runLoad({
      concurrency,
      requests,
      expectStatus: expect,
      send: async (index) => {
        // A decision that meets another on the same budget item may answer 409 (stale version);
        // a client tries again, as people would.
        for (let attempt = 0; ; attempt++) {
          calls += 1;
          const response = await send(index);
          if (response.status !== 409 || attempt >= 5) return response.status;
          retried.count += 1;
        }
      },
    });
    assertNoErrors(result, `${kind} claims: ${what}`);
  };
  const started = performance.now();
  const rosters: Apprentices[] = [];
  const claimIds: string[] = [];
  const clerk = api.as(CLAIM_PARTIES.clerk);
  // Uploading the evidence is part of the work a case takes, so it is inside the timing here.
  const documents: DocumentReference[][] = [];
  await load('evidence (POST /cohorts/{cohortId}/documents + PUT)', cohortIds.length, async (index) => {
    documents[index] = await uploadClaimEvidence(bench, cohortIds[index]!, kind);
    return { status: 200, body: undefined, headers: new Headers() };
  });
  await load('GET /cohorts/{cohortId}', cohortIds.length, async (index) => {
    const response = await clerk.get(`/cohorts/${cohortIds[index]}`);
    rosters[index] = response.body.apprentices;
    return response;
  });
  await load(
    'POST /claims',
    cohortIds.length,
    async (index) => {
      const response = await clerk.post(
        '/claims',
        {
          cohortId: cohortIds[index],
          kind,
          evidence: claimEvidence(cohortIds[index]!, rosters[index]!, kind, documents[index]!),
        },
        idempotencyKey(),
      );
      if (response.status === 201) claimIds[index] = response.body.claimId;
      return response;
    },
    201,
  );
  const signatory = api.as(CLAIM_PARTIES.signatory);
  await load('submit', claimIds.length, (index) =>
    signatory.post(`/claims/${claimIds[index]}/submit`, { commitment: { accepted: true } }, idempotencyKey()),
  );
  await runtime.idle();

  const ours = new Map(claimIds.map((claimId, index) => [claimId, index]));
  for (const [user, stage] of [
    [CLAIM_PARTIES.school, 'SCHOOL_VERIFICATION'],
    [CLAIM_PARTIES.reviewer, 'BUREAU_REVIEW'],
    [CLAIM_PARTIES.treasurer, 'PAYMENT'],
  ] as const) {
    if (stage === 'PAYMENT' && kind === 'final') {
      const latest = await Promise.all(
        claimIds.map(
          async (claimId) =>
            (await clerk.get(`/claims/${claimId}`)).body.notice?.endsAt as string | undefined,
        ),
      );
      calls += claimIds.length;
      if (latest.some((endsAt) => !endsAt)) throw new Error('A final claim is not on public notice');
      const end = Math.max(...latest.map((endsAt) => Date.parse(endsAt!)));
      await api.setClock(new Date(end + 3_600_000).toISOString());
      await runtime.idle();
    }
    const party = api.as(user);
    calls += 1;
    const tasks = (await openTasks(api, user)).filter(
      (task) => ours.has(task.caseId) && task.stage === stage,
    );
    if (tasks.length !== claimIds.length)
      throw new Error(`${user} sees ${tasks.length} ${stage} tasks of ${claimIds.length}`);
    const cohorts: Apprentices[] = [];
    if (stage === 'SCHOOL_VERIFICATION') {
      await load('GET /cohorts/{cohortId} (school)', tasks.length, async (index) => {
        const response = await party.get(`/cohorts/${cohortIds[ours.get(tasks[index]!.caseId)!]}`);
        cohorts[index] = response.body.apprentices;
        return response;
      });
    }
    await load(`decision at ${stage}`, tasks.length, (index) =>
      party.post(
        `/tasks/${tasks[index]!.taskId}/decision`,
        stage === 'SCHOOL_VERIFICATION' ? verificationBody(cohorts[index]!, kind) : { decision: 'approve' },
        idempotencyKey(),
      ),
    );
    await runtime.idle();
  }
  const wallMs = performance.now() - started;
  const statuses = await Promise.all(
    claimIds.map(async (claimId) => (await clerk.get(`/claims/${claimId}`)).body.status),
  );
  const unpaid = statuses.filter((status) => status !== 'PAID');
  if (unpaid.length > 0)
    throw new Error(`${unpaid.length} ${kind} claims did not reach PAID: ${unpaid.join(', ')}`);
  return { wallMs, calls };
}

/**
 * The school records every apprentice's outcome of every cohort, at `concurrency`: the rows taken
 * cohort by cohort in turn, as several registrars would work. Two outcomes of one cohort at once
 * change the same item, and the second answers 409 (optimistic locking): it is sent again, and
 * counted.
 */
async function recordOutcomesConcurrently(
  bench: BenchRuntime,
  cohortIds: string[],
  concurrency: number,
  retried: { count: number },
): Promise<ClaimsThroughputStage> {
  const school = bench.api.as(CLAIM_PARTIES.school);
  const rosters: Apprentices[] = [];
  for (const cohortId of cohortIds) rosters.push((await school.get(`/cohorts/${cohortId}`)).body.apprentices);
  const rows: { cohortId: string; apprenticeId: string }[] = [];
  for (let row = 0; row < Math.max(...rosters.map((roster) => roster.length)); row++) {
    cohortIds.forEach((cohortId, index) => {
      const apprentice = rosters[index]![row];
      if (apprentice) rows.push({ cohortId, apprenticeId: apprentice.apprenticeId });
    });
  }
  let calls = 0;
  const started = performance.now();
  const result = await runLoad({
    concurrency,
    requests: rows.length,
    send: async (index) => {
      const { cohortId, apprenticeId } = rows[index]!;
      for (let attempt = 0; ; attempt++) {
        calls += 1;
        const response = await school.post(
          `/cohorts/${cohortId}/apprentices/${apprenticeId}/outcome`,
          outcomeBody(index),
        );
        if (response.status !== 409 || attempt >= 5) return response.status;
        retried.count += 1;
      }
    },
  });
  assertNoErrors(result, 'outcomes');
  await bench.runtime.idle();
  return { wallMs: performance.now() - started, calls };
}

/**
 * K cohorts from DRAFT to PAID: the filing of section 3 (the same cohorts, its wall time), then
 * the advance paid, the outcomes recorded after the cohorts' end date and the final claim paid.
 * The clock moves between the stages are not timed (they stand in for months passing); the work
 * each stage sets going is.
 */
export function casesDraftToPaid(options: {
  cohortIds: string[];
  apprentices: number;
  concurrency: number;
  filing: ClaimsThroughputStage;
  advance: ClaimsThroughputStage;
  outcomes: ClaimsThroughputStage;
  final: ClaimsThroughputStage;
  retried: number;
}): DraftToPaidThroughput {
  const { filing, advance, outcomes, final } = options;
  const wallMs = filing.wallMs + advance.wallMs + outcomes.wallMs + final.wallMs;
  const cases = options.cohortIds.length;
  return {
    cases,
    apprenticesPerCase: options.apprentices,
    concurrency: options.concurrency,
    wallMs,
    casesPerMinute: (cases / wallMs) * 60_000,
    apprenticesPerMinute: ((cases * options.apprentices) / wallMs) * 60_000,
    stages: { filing, advance, outcomes, final },
    calls: filing.calls + advance.calls + outcomes.calls + final.calls,
    retried: options.retried,
  };
}

export { payClaimsConcurrently, recordOutcomesConcurrently };

/** The parts of one case (filed, advance paid, outcomes, final paid) as one piece of work. */
export function wholeCase(parts: readonly CaseWork[]): CaseWork {
  const sum = (pick: (work: CaseWork) => number) => parts.reduce((total, work) => total + pick(work), 0);
  const requests: Record<string, number> = {};
  for (const part of parts) {
    for (const [command, count] of Object.entries(part.dynamodb.requests)) {
      requests[command] = (requests[command] ?? 0) + count;
    }
  }
  return {
    apprentices: parts[0]!.apprentices,
    cohortId: parts[0]!.cohortId,
    apiCalls: parts.flatMap((work) => work.apiCalls),
    execution: {
      stateTransitions: sum((work) => work.execution.stateTransitions),
      stepInvocations: parts.flatMap((work) => work.execution.stepInvocations),
      logBytes: sum((work) => work.execution.logBytes),
      historyEvents: sum((work) => work.execution.historyEvents),
    },
    executions: sum((work) => work.executions ?? 1),
    dynamodb: {
      requests,
      readRequests: sum((work) => work.dynamodb.readRequests),
      writeRequests: sum((work) => work.dynamodb.writeRequests),
      readUnits: sum((work) => work.dynamodb.readUnits),
      writeUnitsReported: sum((work) => work.dynamodb.writeUnitsReported),
      writeUnits: sum((work) => work.dynamodb.writeUnits),
    },
    kmsRequests: sum((work) => work.kmsRequests),
    eventsPut: sum((work) => work.eventsPut),
  };
}
