import type { ApiResponse } from '../../scripts/lib/api-client.ts';
import type { BenchRuntime } from './embedded.ts';
import {
  decisionBody,
  expectStatus,
  FILING_PARTIES,
  filingBody,
  idempotencyKey,
  openTasks,
} from './filing.ts';
import { type LoadResult, runLoad } from './load.ts';
import { percentile } from './stats.ts';

/**
 * Throughput: K cohorts from DRAFT to FILED through the API, every stage driven at a fixed
 * concurrency — all K created, then submitted, then each review decided by its party (reading
 * the inbox once, and at the school the cohort, to enrol its apprentices), the workflow opening
 * the next review in between. The wall time covers all of it, the workflow's work included.
 * The decisions of the three stages are also the decision latency sample (section 2).
 */
export interface FilingThroughput {
  cases: number;
  apprenticesPerCase: number;
  concurrency: number;
  wallMs: number;
  casesPerMinute: number;
  apprenticesPerMinute: number;
  stages: Record<string, LoadResult>;
  decisions: { requests: number; errors: number; p50Ms: number; p99Ms: number };
  cohortIds: string[];
}

export async function fileCohortsConcurrently(
  bench: BenchRuntime,
  options: { cases: number; apprentices: number; concurrency: number },
): Promise<FilingThroughput> {
  const { api, runtime } = bench;
  const { cases, apprentices, concurrency } = options;
  const clerk = api.as(FILING_PARTIES.clerk);
  // Bodies are made before the clock starts: the client's work is not the system's.
  const bodies = Array.from({ length: cases }, () => filingBody(apprentices));
  const cohortIds: string[] = [];
  const stages: Record<string, LoadResult> = {};
  const started = performance.now();

  stages.create = await runLoad({
    concurrency,
    requests: cases,
    expectStatus: 201,
    send: async (index) => {
      const response = await clerk.post('/cohorts', bodies[index], idempotencyKey());
      if (response.status === 201) cohortIds[index] = response.body.cohortId;
      return response.status;
    },
  });
  assertNoErrors(stages.create, 'POST /cohorts');
  stages.submit = await runLoad({
    concurrency,
    requests: cases,
    send: async (index) =>
      (await clerk.post(`/cohorts/${cohortIds[index]}/submit`, undefined, idempotencyKey())).status,
  });
  assertNoErrors(stages.submit, 'submit');
  await runtime.idle();

  const ours = new Set(cohortIds);
  for (const { user, stage } of FILING_PARTIES.stages) {
    const party = api.as(user);
    const tasks = (await openTasks(api, user)).filter(
      (task) => ours.has(task.caseId) && task.stage === stage,
    );
    if (tasks.length !== cases) throw new Error(`${user} sees ${tasks.length} ${stage} tasks of ${cases}`);
    const cohorts: ApiResponse[] = [];
    if (stage === 'SCHOOL_REVIEW') {
      stages.schoolReads = await runLoad({
        concurrency,
        requests: cases,
        send: async (index) => {
          cohorts[index] = await party.get(`/cohorts/${tasks[index]!.caseId}`);
          return cohorts[index]!.status;
        },
      });
      assertNoErrors(stages.schoolReads, 'GET /cohorts/{cohortId}');
    }
    stages[stage] = await runLoad({
      concurrency,
      requests: cases,
      send: async (index) => {
        const body = decisionBody(stage, cohorts[index]?.body ?? { apprentices: [] });
        return (await party.post(`/tasks/${tasks[index]!.taskId}/decision`, body, idempotencyKey())).status;
      },
    });
    assertNoErrors(stages[stage]!, `decision at ${stage}`);
    await runtime.idle();
  }
  const wallMs = performance.now() - started;

  const statuses = await Promise.all(
    cohortIds.map(async (id) => (await clerk.get(`/cohorts/${id}`)).body.status),
  );
  const unfiled = statuses.filter((status) => status !== 'FILED');
  if (unfiled.length > 0)
    throw new Error(`${unfiled.length} cohorts did not reach FILED: ${unfiled.join(', ')}`);

  const decisionLatencies = FILING_PARTIES.stages.flatMap(({ stage }) => stages[stage]!.latenciesMs);
  return {
    cases,
    apprenticesPerCase: apprentices,
    concurrency,
    wallMs,
    casesPerMinute: (cases / wallMs) * 60_000,
    apprenticesPerMinute: ((cases * apprentices) / wallMs) * 60_000,
    stages,
    decisions: {
      requests: decisionLatencies.length,
      errors: FILING_PARTIES.stages.reduce((sum, { stage }) => sum + stages[stage]!.errors, 0),
      p50Ms: percentile(decisionLatencies, 50),
      p99Ms: percentile(decisionLatencies, 99),
    },
    cohortIds,
  };
}

function assertNoErrors(result: LoadResult, what: string): void {
  if (result.errors > 0) throw new Error(`${what}: ${result.errors} of ${result.requests} requests failed`);
}

/**
 * An inbox that stays as it is for every task-list measurement: enterprise B submits `count`
 * small cohorts whose company reviews nobody decides (no clock moves in the bench, so they never
 * expire). `GET /tasks` as ent-b-signatory then always lists the same `count` tasks.
 */
export const STEADY_INBOX_USER = 'ent-b-signatory';

export async function prepareSteadyInbox(bench: BenchRuntime, count: number): Promise<void> {
  const clerk = bench.api.as('ent-b-clerk');
  for (let index = 0; index < count; index++) {
    const created = await clerk.post('/cohorts', filingBody(3), idempotencyKey());
    expectStatus(created, 201, 'POST /cohorts (enterprise B)');
    const submitted = await clerk.post(
      `/cohorts/${created.body.cohortId}/submit`,
      undefined,
      idempotencyKey(),
    );
    expectStatus(submitted, 200, 'submit (enterprise B)');
  }
  await bench.runtime.idle();
  const waiting = (await openTasks(bench.api, STEADY_INBOX_USER)).length;
  if (waiting !== count) throw new Error(`${STEADY_INBOX_USER} has ${waiting} tasks, expected ${count}`);
}

/** API latency of a read route at a fixed concurrency, for a while. */
export async function readLatency(
  bench: BenchRuntime,
  options: { user: string; paths: string[]; concurrency: number; durationMs: number },
): Promise<LoadResult> {
  const party = bench.api.as(options.user);
  await party.get(options.paths[0]!); // the handler module loaded and its clients made: a warm container
  return runLoad({
    concurrency: options.concurrency,
    durationMs: options.durationMs,
    send: async (index) => (await party.get(options.paths[index % options.paths.length]!)).status,
  });
}
