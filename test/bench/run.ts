import '../../infra/local/node-version.ts';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { FUNCTIONS } from '../../infra/function-map.ts';
import { BUNDLE_BUDGET_BYTES, buildAll } from './bundles.ts';
import { noteBilledUnits } from './capacity.ts';
import {
  AFTER_COHORT_END,
  casesDraftToPaid,
  openBudgetForBench,
  payClaimMeasured,
  payClaimsConcurrently,
  recordOutcomesConcurrently,
  recordOutcomesMeasured,
  wholeCase,
} from './claims.ts';
import { caseCost, fixedMonthlyCost, workPerCase } from './cost.ts';
import { startBenchRuntime } from './embedded.ts';
import { measureEmployment, renderEmployment } from './employment.ts';
import { type CaseWork, FILING_PARTIES, fileCohortMeasured } from './filing.ts';
import { measureGrowthPoint } from './growth.ts';
import { measureImportTimes } from './import-time.ts';
import { PRICES } from './prices.ts';
import {
  type BenchResults,
  type FunctionFigures,
  type GrowthFigures,
  growthFigures,
  loadFigures,
  renderTable,
} from './report.ts';
import { measureScheduledFunctions } from './scheduled.ts';
import { seedCopiesOfCase } from './seed.ts';
import { fileCohortsConcurrently, prepareSteadyInbox, readLatency, STEADY_INBOX_USER } from './throughput.ts';
import { measureWatchReports, renderWatch } from './watch.ts';

/**
 * `npm run bench`: every figure of issue 6 measured in this one run, printed as one table and
 * written to test/bench/results.json. `npm run bench -- --quick` runs the same code with small
 * numbers (a smoke test of the bench itself; its figures are not the ones to quote).
 *
 *  1. per function: bundle bytes and fresh-process import time, beside the sample-style build;
 *  2. API latency at a fixed concurrency: a cohort read, a task list, a decision;
 *  3. throughput: K cohorts of 30 from DRAFT to FILED, and the same cohorts on to PAID (advance,
 *     outcomes, final settlement) through the API;
 *  4. work per case (DynamoDB, Step Functions, Lambda, KMS, events, logs) and its AWS cost, per
 *     cohort filed, per claim paid and for the whole case;
 *  5. growth: cohorts of 10/30/100/200 apprentices, 1,000 and 10,000 cases already in the table;
 *  6. employment verification: a 50,000-row contribution file imported in one request, and the
 *     check's cost per apprentice (last: the import makes the district's later decisions checked).
 * The claims run last: a final claim needs the clock past the cohorts' end date, and moving the
 * clock would expire the waiting reviews the task-list measurements read.
 * Timings are reported, never asserted: the deterministic budgets are tests (`npm test`).
 */
const quick = process.argv.includes('--quick');
const SETTINGS = quick
  ? {
      importRuns: 3,
      concurrency: 4,
      throughputCases: 4,
      readMs: 1500,
      workCases: 1,
      steadyInbox: 5,
      growthSizes: [10, 100],
      growthSeeds: [100, 300],
      growthCases: 1,
      growthReadMs: 750,
    }
  : {
      importRuns: 20,
      concurrency: 4,
      throughputCases: 30,
      readMs: 6000,
      workCases: 3,
      steadyInbox: 20,
      growthSizes: [10, 100, 200],
      growthSeeds: [1000, 10000],
      growthCases: 2,
      growthReadMs: 3000,
    };
const APPRENTICES = 30;

const started = performance.now();
const log = (message: string) =>
  process.stderr.write(
    `[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`,
  );

// 1. Bundles and import times, before anything else runs (DynamoDB Local would share the CPU).
log(`building ${FUNCTIONS.length} functions, as the stack does and sample style`);
const project = await buildAll('project', { write: true });
const sample = await buildAll('sample', { write: true });
log(`timing imports: ${SETTINGS.importRuns} rounds of ${project.length * 2 + 1} fresh processes`);
const imports = await measureImportTimes(
  [...project, ...sample].map((bundle) => bundle.file),
  SETTINGS.importRuns,
  (round) => {
    if (round % 5 === 0 || round === SETTINGS.importRuns) log(`  round ${round}/${SETTINGS.importRuns}`);
  },
);
const functions: FunctionFigures[] = project.map((bundle, index) => {
  const theirs = sample[index]!;
  const ours = imports.byFile.get(bundle.file)!;
  const samples = imports.byFile.get(theirs.file)!;
  // Neither SDK nor zod (health): both styles are the same bytes, and a ratio would be noise.
  const sameAsSample = bundle.sha256 === theirs.sha256;
  return {
    name: bundle.name,
    minifiedBytes: bundle.minifiedBytes,
    gzippedBytes: bundle.gzippedBytes,
    withinBudget: bundle.minifiedBytes <= BUNDLE_BUDGET_BYTES,
    importP50Ms: ours.p50Ms,
    importP95Ms: ours.p95Ms,
    sample: {
      minifiedBytes: theirs.minifiedBytes,
      gzippedBytes: theirs.gzippedBytes,
      importP50Ms: samples.p50Ms,
      importP95Ms: samples.p95Ms,
    },
    sameAsSample,
    importSpeedup: sameAsSample ? null : samples.p50Ms / ours.p50Ms,
  };
});

// The embedded runtime, in this process.
log('starting the embedded runtime (DynamoDB Local, local Step Functions, local API)');
const bench = await startBenchRuntime();
noteBilledUnits();
let cohortsInTable = 0;
try {
  log(`steady inbox: ${SETTINGS.steadyInbox} cohorts of enterprise B waiting for company review`);
  await prepareSteadyInbox(bench, SETTINGS.steadyInbox);
  cohortsInTable += SETTINGS.steadyInbox;

  // 4 first, on a quiet runtime: each case alone, every call followed by the work it set going.
  log(`work per case: ${SETTINGS.workCases} cohorts of ${APPRENTICES}, one call at a time`);
  const works: CaseWork[] = [];
  for (let index = 0; index < SETTINGS.workCases; index++)
    works.push(await fileCohortMeasured(bench, APPRENTICES));
  cohortsInTable += SETTINGS.workCases;
  const filingWork = workPerCase(works);
  const filingCost = caseCost(filingWork);
  log('scheduled functions: one run each, nothing pending');
  const scheduled = await measureScheduledFunctions();

  // 3 and the decisions of 2.
  log(
    `throughput: ${SETTINGS.throughputCases} cohorts of ${APPRENTICES} at concurrency ${SETTINGS.concurrency}`,
  );
  const throughput = await fileCohortsConcurrently(bench, {
    cases: SETTINGS.throughputCases,
    apprentices: APPRENTICES,
    concurrency: SETTINGS.concurrency,
  });
  cohortsInTable += SETTINGS.throughputCases;

  // 2: the reads.
  log('API latency: cohort read, task list');
  const cohortRead = await readLatency(bench, {
    user: 'ent-a-clerk',
    paths: throughput.cohortIds.map((id) => `/cohorts/${id}`),
    concurrency: SETTINGS.concurrency,
    durationMs: SETTINGS.readMs,
  });
  const taskList = await readLatency(bench, {
    user: STEADY_INBOX_USER,
    paths: ['/tasks'],
    concurrency: SETTINGS.concurrency,
    durationMs: SETTINGS.readMs,
  });

  // 5: growth.
  const growth: GrowthFigures[] = [];
  const point = async (label: string, apprentices: number, measured?: CaseWork[]) => {
    log(`growth: ${label}`);
    const result = await measureGrowthPoint(bench, {
      label,
      apprentices,
      cohortsInTable,
      cases: SETTINGS.growthCases,
      concurrency: SETTINGS.concurrency,
      readMs: SETTINGS.growthReadMs,
      measured,
    });
    cohortsInTable = result.cohortsInTable;
    growth.push(growthFigures(result));
  };
  for (const size of SETTINGS.growthSizes.filter((size) => size < APPRENTICES)) {
    await point(`${size} apprentices/cohort`, size);
  }
  // 30 is section 4's cases, on the same table.
  await point(`${APPRENTICES} apprentices/cohort`, APPRENTICES, works);
  for (const size of SETTINGS.growthSizes.filter((size) => size > APPRENTICES)) {
    await point(`${size} apprentices/cohort`, size);
  }
  let seeded = 0;
  for (const target of SETTINGS.growthSeeds) {
    log(`growth: seeding ${target - seeded} filed cases (table to ${target} seeded cases)`);
    const result = await seedCopiesOfCase(bench, works[0]!.cohortId, target - seeded);
    log(`  ${result.cases} cases in ${(result.ms / 1000).toFixed(1)} s`);
    cohortsInTable += target - seeded;
    seeded = target;
    await point(`${APPRENTICES} apprentices/cohort, +${target.toLocaleString('en')} cases`, APPRENTICES);
  }

  // 3 and 4 for claims, last (they move the clock): each measured case on to PAID alone, one call
  // at a time; the throughput cohorts on to PAID at the fixed concurrency, stage by stage.
  await openBudgetForBench(bench);
  log(`work per claim: the advance of ${works.length} cohorts of ${APPRENTICES}, one call at a time`);
  const advances: CaseWork[] = [];
  for (const work of works) advances.push(await payClaimMeasured(bench, work.cohortId, 'advance'));
  log(`throughput: ${throughput.cohortIds.length} advance claims at concurrency ${SETTINGS.concurrency}`);
  const retried = { count: 0 };
  const advanceStage = await payClaimsConcurrently(
    bench,
    throughput.cohortIds,
    'advance',
    SETTINGS.concurrency,
    retried,
  );
  log(`clock to ${AFTER_COHORT_END}, after the cohorts' end date`);
  await bench.api.setClock(AFTER_COHORT_END);
  await bench.runtime.idle();
  await openBudgetForBench(bench);
  log(`work per case: the outcomes of ${works.length} cohorts, one call at a time`);
  const outcomes: CaseWork[] = [];
  for (const work of works) outcomes.push(await recordOutcomesMeasured(bench, work.cohortId));
  log(
    `throughput: ${throughput.cohortIds.length * APPRENTICES} outcomes at concurrency ${SETTINGS.concurrency}`,
  );
  const outcomesStage = await recordOutcomesConcurrently(
    bench,
    throughput.cohortIds,
    SETTINGS.concurrency,
    retried,
  );
  log(`work per claim: the final claim of ${works.length} cohorts, one call at a time`);
  const finals: CaseWork[] = [];
  for (const work of works) finals.push(await payClaimMeasured(bench, work.cohortId, 'final'));
  log(`throughput: ${throughput.cohortIds.length} final claims at concurrency ${SETTINGS.concurrency}`);
  const finalStage = await payClaimsConcurrently(
    bench,
    throughput.cohortIds,
    'final',
    SETTINGS.concurrency,
    retried,
  );
  const draftToPaid = casesDraftToPaid({
    cohortIds: throughput.cohortIds,
    apprentices: APPRENTICES,
    concurrency: SETTINGS.concurrency,
    filing: {
      wallMs: throughput.wallMs,
      calls:
        Object.values(throughput.stages).reduce((sum, stage) => sum + stage.requests, 0) +
        FILING_PARTIES.stages.length,
    },
    advance: advanceStage,
    outcomes: outcomesStage,
    final: finalStage,
    retried: retried.count,
  });
  // Last: the district's first contribution import makes every later filing and payment of it checked.
  const importRows = quick ? 2_000 : 50_000;
  log(
    `employment verification: a contribution file of ${importRows.toLocaleString('en')} rows, then the check's reads`,
  );
  const employment = await measureEmployment(bench, importRows);
  const watchCohorts = quick ? 1_000 : 10_000;
  log(
    `what the bureau watches: the four reports of a district with ${watchCohorts.toLocaleString('en')} filed cohorts`,
  );
  const watch = await measureWatchReports(bench, watchCohorts, quick ? 20 : 200);
  const priced = (cases: CaseWork[]) => {
    const work = workPerCase(cases);
    return { work, cost: caseCost(work) };
  };
  const whole = priced(
    works.map((work, index) => wholeCase([work, advances[index]!, outcomes[index]!, finals[index]!])),
  );

  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    wallSeconds: (performance.now() - started) / 1000,
    machine: machine(),
    prices: { region: PRICES.region, asOf: PRICES.asOf, currency: PRICES.currency },
    bundles: {
      budgetBytes: BUNDLE_BUDGET_BYTES,
      importRuns: SETTINGS.importRuns,
      importParallel: imports.parallel,
      baselineImportP50Ms: imports.baseline.p50Ms,
      functions,
    },
    api: {
      concurrency: SETTINGS.concurrency,
      cohortRead: loadFigures(`GET /cohorts/{cohortId} (${APPRENTICES} apprentices, FILED)`, cohortRead),
      taskList: loadFigures(`GET /tasks (${SETTINGS.steadyInbox} open tasks)`, taskList),
      decision: throughput.decisions,
    },
    throughput: {
      cohortFiled: {
        cases: throughput.cases,
        apprenticesPerCase: throughput.apprenticesPerCase,
        concurrency: throughput.concurrency,
        wallMs: throughput.wallMs,
        casesPerMinute: throughput.casesPerMinute,
        apprenticesPerMinute: throughput.apprenticesPerMinute,
        decisions: throughput.decisions,
      },
      draftToPaid,
    },
    workPerCase: {
      cohortFiled: { work: filingWork, cost: filingCost },
      advancePaid: priced(advances),
      outcomesRecorded: priced(outcomes),
      finalPaid: priced(finals),
      wholeCase: whole,
    },
    fixedMonthly: fixedMonthlyCost(whole.cost.logGbPer1000Apprentices, scheduled),
    scheduled,
    growth,
    employment,
    watch,
  };
  const file = join(import.meta.dirname, 'results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(
    `${renderTable(results)}\n\n${renderEmployment(employment)}\n\n${renderWatch(watch)}\n\nThe same figures as JSON: ${file}\n`,
  );
} finally {
  await bench.stop();
}

function machine(): BenchResults['machine'] {
  const cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  let memory = 'unknown';
  try {
    memory = /Mem:\s+(\S+)/.exec(execFileSync('free', ['-h'], { encoding: 'utf8' }))?.[1] ?? memory;
  } catch {
    // no `free` (macOS): leave it unknown
  }
  return { nproc: availableParallelism(), memory, cpu, node: process.version };
}
