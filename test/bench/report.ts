import type { DraftToPaidThroughput } from './claims.ts';
import type { CaseCost, FixedMonthlyCost, WorkPerCase } from './cost.ts';
import type { EmploymentFigures } from './employment.ts';
import type { GrowthPoint } from './growth.ts';
import type { LoadResult } from './load.ts';
import { PRICES } from './prices.ts';
import type { ScheduledWork } from './scheduled.ts';
import type { FilingThroughput } from './throughput.ts';
import type { WatchFigures } from './watch.ts';

/** What one `npm run bench` measured; printed as one table and written as results.json. */
export interface BenchResults {
  /** Employment verification (issue 13): the 50,000-row import and the check per apprentice. */
  employment?: EmploymentFigures;
  watch?: WatchFigures;
  generatedAt: string;
  mode: 'full' | 'quick';
  wallSeconds: number;
  machine: { nproc: number; memory: string; cpu: string; node: string };
  prices: { region: string; asOf: string; currency: string };
  bundles: {
    budgetBytes: number;
    importRuns: number;
    /** Probe processes at once (one per core at most). */
    importParallel: number;
    baselineImportP50Ms: number;
    functions: FunctionFigures[];
  };
  api: {
    concurrency: number;
    cohortRead: LoadFigures;
    taskList: LoadFigures;
    decision: { requests: number; errors: number; p50Ms: number; p99Ms: number };
  };
  throughput: {
    cohortFiled: Omit<FilingThroughput, 'stages' | 'cohortIds'>;
    draftToPaid: DraftToPaidThroughput;
  };
  workPerCase: {
    cohortFiled: PricedWork;
    advancePaid: PricedWork;
    /** The school recording every apprentice's assessment result (one call each), which a final claim needs. */
    outcomesRecorded: PricedWork;
    finalPaid: PricedWork;
    /** Filed, advance paid, outcomes, final paid: one cohort's whole case. */
    wholeCase: PricedWork;
  };
  fixedMonthly: FixedMonthlyCost;
  scheduled: ScheduledWork[];
  growth: GrowthFigures[];
}

export interface PricedWork {
  work: WorkPerCase;
  cost: CaseCost;
}

export interface FunctionFigures {
  name: string;
  minifiedBytes: number;
  gzippedBytes: number;
  withinBudget: boolean;
  importP50Ms: number;
  importP95Ms: number;
  sample: { minifiedBytes: number; gzippedBytes: number; importP50Ms: number; importP95Ms: number };
  /** Both styles built the same bytes (no SDK, no zod: health): no ratio to speak of. */
  sameAsSample: boolean;
  /** Sample-style p50 import time ÷ this build's p50 import time; null when the builds are the same. */
  importSpeedup: number | null;
}

export type LoadFigures = Omit<LoadResult, 'latenciesMs'> & { what: string };

export interface GrowthFigures {
  label: string;
  apprenticesPerCohort: number;
  cohortsInTable: number;
  costPerApprenticeUsd: number;
  writeUnitsPerApprentice: number;
  readUnitsPerApprentice: number;
  dynamoDbRequestsPerCase: number;
  reads: Record<'cohort' | 'tasks' | 'list', { p50Ms: number; p99Ms: number; requests: number }>;
  /** The list's Query straight to DynamoDB Local, p50. */
  listQueryP50Ms: number;
}

export function loadFigures(what: string, result: LoadResult): LoadFigures {
  const { latenciesMs: _latencies, ...rest } = result;
  return { what, ...rest };
}

export function growthFigures(point: GrowthPoint): GrowthFigures {
  const { work } = point;
  const pick = (result: LoadResult) => ({
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    requests: result.requests,
  });
  return {
    label: point.label,
    apprenticesPerCohort: point.apprenticesPerCohort,
    cohortsInTable: point.cohortsInTable,
    costPerApprenticeUsd: point.cost.perApprenticeUsd,
    writeUnitsPerApprentice: work.dynamodb.writeUnits / work.apprentices,
    readUnitsPerApprentice: work.dynamodb.readUnits / work.apprentices,
    dynamoDbRequestsPerCase: work.dynamodb.readRequests + work.dynamodb.writeRequests,
    reads: { cohort: pick(point.reads.cohort), tasks: pick(point.reads.tasks), list: pick(point.reads.list) },
    listQueryP50Ms: point.listQueryP50Ms,
  };
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 100 ? 1 : 0)} ms` : 'n/a');
const usd = (value: number) => `$${value < 0.01 ? value.toPrecision(3) : value.toFixed(value < 10 ? 4 : 2)}`;
const num = (value: number, digits = 1) => (Number.isInteger(value) ? String(value) : value.toFixed(digits));

/** The one table: section, measure, figure. */
export function renderTable(results: BenchResults): string {
  const rows: [string, string, string][] = [];
  const add = (section: string, measure: string, figure: string) => rows.push([section, measure, figure]);
  const { bundles, api, throughput, workPerCase, fixedMonthly, growth } = results;

  const s1 = '1 bundles + import';
  add(
    s1,
    'how',
    `minified/gzipped bytes (budget ${kb(bundles.budgetBytes)} minified); import() in a fresh node, p50/p95 of ${bundles.importRuns} processes (${bundles.importParallel} at a time) minus an empty module (${ms(bundles.baselineImportP50Ms)}); sample style = SDK from node_modules + import { z }`,
  );
  for (const fn of bundles.functions) {
    add(
      s1,
      fn.name,
      `${kb(fn.minifiedBytes)} / ${kb(fn.gzippedBytes)}${fn.withinBudget ? '' : ' OVER BUDGET'} · import ${ms(fn.importP50Ms)} / ${ms(fn.importP95Ms)} · sample ${kb(fn.sample.minifiedBytes)}, ${ms(fn.sample.importP50Ms)} / ${ms(fn.sample.importP95Ms)} · ${fn.importSpeedup === null ? 'same bytes as the sample style (no SDK, no zod): no ratio' : `${num(fn.importSpeedup, 2)}× faster`}`,
    );
  }
  const compared = bundles.functions.filter((fn) => fn.importSpeedup !== null);
  const speedups = compared.map((fn) => fn.importSpeedup!);
  const largest = bundles.functions.reduce((a, b) => (b.minifiedBytes > a.minifiedBytes ? b : a));
  add(
    s1,
    'summary',
    `largest ${largest.name} ${kb(largest.minifiedBytes)} (budget ${kb(bundles.budgetBytes)}), ${bundles.functions.filter((fn) => !fn.withinBudget).length} over · import speed-up over the sample style ${num(Math.min(...speedups), 2)}–${num(Math.max(...speedups), 2)}× for the ${compared.length} functions whose builds differ, ${speedups.filter((x) => x < 1.5).length} below 1.5×`,
  );

  const s2 = `2 API latency (c=${api.concurrency})`;
  for (const load of [api.cohortRead, api.taskList]) {
    add(
      s2,
      load.what,
      `p50 ${ms(load.p50Ms)} · p99 ${ms(load.p99Ms)} · ${load.requests} requests, ${num(load.requestsPerSecond)}/s, ${load.errors} errors`,
    );
  }
  add(
    s2,
    'POST /tasks/{taskId}/decision (3 stages, 30 apprentices)',
    `p50 ${ms(api.decision.p50Ms)} · p99 ${ms(api.decision.p99Ms)} · ${api.decision.requests} requests, ${api.decision.errors} errors`,
  );

  const s3 = '3 throughput';
  const filed = throughput.cohortFiled;
  add(
    s3,
    `${filed.cases} cohorts × ${filed.apprenticesPerCase}, DRAFT → FILED (c=${filed.concurrency})`,
    `${num(filed.casesPerMinute)} cases/min · ${num(filed.apprenticesPerMinute, 0)} apprentices/min · ${num(filed.wallMs / 1000)} s`,
  );
  const paid = throughput.draftToPaid;
  const stageSeconds = (['filing', 'advance', 'outcomes', 'final'] as const)
    .map((stage) => `${stage} ${num(paid.stages[stage].wallMs / 1000)} s`)
    .join(' + ');
  add(
    s3,
    `the same ${paid.cases} cohorts × ${paid.apprenticesPerCase}, DRAFT → PAID (c=${paid.concurrency})`,
    `${num(paid.casesPerMinute)} cases/min · ${num(paid.apprenticesPerMinute, 0)} apprentices/min · ${num(paid.wallMs / 1000)} s = ${stageSeconds} · ${paid.calls} API calls, ${paid.retried} retried after a 409`,
  );

  const s4 = '4 work per case';
  const { work, cost } = workPerCase.cohortFiled;
  const commands = Object.entries(work.dynamodb.requests)
    .map(([command, count]) => `${num(count)} ${command}`)
    .join(', ');
  add(
    s4,
    `per cohort filed (${num(work.apprentices)} apprentices, mean of ${work.cases})`,
    `${num(work.apiRequests)} API requests · ${num(work.lambdaInvocations)} Lambda invocations (${num(work.stepInvocations)} workflow steps) · ${num(work.stateTransitions)} state transitions · ${num(work.kmsRequests)} KMS · ${num(work.eventsPut)} events`,
  );
  add(
    s4,
    'DynamoDB per cohort filed',
    `${num(work.dynamodb.readRequests + work.dynamodb.writeRequests)} requests (${commands}) · ${num(work.dynamodb.readUnits)} RRU · ${num(work.dynamodb.writeUnits)} WRU (DynamoDB Local reported ${num(work.dynamodb.writeUnitsReported)})`,
  );
  add(
    s4,
    `AWS cost per 1,000 apprentices filed (${PRICES.region} list prices ${PRICES.asOf})`,
    `${usd(cost.per1000ApprenticesUsd)} · per cohort ${usd(cost.perCaseUsd)} · per apprentice ${usd(cost.perApprenticeUsd)}`,
  );
  const top = [...cost.lines].sort((a, b) => b.usd - a.usd);
  add(
    s4,
    'of which (per 1,000 apprentices)',
    top.map((line) => `${line.service} ${usd((line.usd / work.apprentices) * 1000)}`).join(' · '),
  );
  for (const [label, priced] of [
    ['per advance claim paid', workPerCase.advancePaid],
    ['per final claim paid (through public notice)', workPerCase.finalPaid],
    ['outcomes of a cohort (one call per apprentice)', workPerCase.outcomesRecorded],
  ] as const) {
    const part = priced.work;
    add(
      s4,
      `${label} (${num(part.apprentices)} apprentices, mean of ${part.cases})`,
      `${num(part.apiRequests)} API requests · ${num(part.lambdaInvocations)} Lambda invocations (${num(part.stepInvocations)} workflow steps) · ${num(part.stateTransitions)} state transitions · ${num(part.kmsRequests)} KMS · ${num(part.eventsPut)} events · DynamoDB ${num(part.dynamodb.readRequests + part.dynamodb.writeRequests)} requests (${Object.entries(
        part.dynamodb.requests,
      )
        .map(([command, count]) => `${num(count)} ${command}`)
        .join(
          ', ',
        )}), ${num(part.dynamodb.readUnits)} RRU, ${num(part.dynamodb.writeUnits)} WRU · ${usd(priced.cost.perCaseUsd)}`,
    );
  }
  const whole = workPerCase.wholeCase;
  add(
    s4,
    'AWS cost per 1,000 apprentices, whole case (filed, advance, outcomes, final)',
    `${usd(whole.cost.per1000ApprenticesUsd)} · per cohort ${usd(whole.cost.perCaseUsd)} (filing ${usd(cost.perCaseUsd)}, advance ${usd(workPerCase.advancePaid.cost.perCaseUsd)}, outcomes ${usd(workPerCase.outcomesRecorded.cost.perCaseUsd)}, final ${usd(workPerCase.finalPaid.cost.perCaseUsd)}) · ${num(whole.work.apiRequests)} API requests, ${num(whole.work.lambdaInvocations)} Lambda invocations, ${num(whole.work.stateTransitions)} state transitions, ${num(whole.work.dynamodb.readRequests + whole.work.dynamodb.writeRequests)} DynamoDB requests per cohort`,
  );
  add(
    s4,
    'of which (per 1,000 apprentices, whole case)',
    [...whole.cost.lines]
      .sort((a, b) => b.usd - a.usd)
      .map((line) => `${line.service} ${usd((line.usd / whole.work.apprentices) * 1000)}`)
      .join(' · '),
  );
  for (const run of results.scheduled) {
    add(
      s4,
      `${run.name}, one run (every ${run.scheduleMinutes} min)`,
      `${ms(run.ms)} · ${num(run.dynamodb.readRequests + run.dynamodb.writeRequests)} DynamoDB requests (${Object.entries(
        run.dynamodb.requests,
      )
        .map(([command, count]) => `${num(count)} ${command}`)
        .join(', ')}) · ${num(run.dynamodb.readUnits)} RRU · ${num(run.dynamodb.writeUnits)} WRU`,
    );
  }
  add(
    s4,
    'fixed per month',
    `${fixedMonthly.lines.map((line) => `${line.service} (${line.quantity}) ${usd(line.usd)}`).join(' · ')} = ${usd(fixedMonthly.usd)} · log storage ${usd(fixedMonthly.logStoragePer1000ApprenticesUsd)} a month per 1,000 apprentices kept a year (${num(workPerCase.wholeCase.cost.logGbPer1000Apprentices * 1024, 2)} MB, whole cases)`,
  );

  const s5 = '5 growth';
  for (const point of growth) {
    add(
      s5,
      `${point.label} (${point.cohortsInTable} cohorts in table)`,
      `${usd(point.costPerApprenticeUsd)}/apprentice · ${num(point.writeUnitsPerApprentice)} WRU, ${num(point.readUnitsPerApprentice)} RRU per apprentice · ${num(point.dynamoDbRequestsPerCase)} requests/case · p50/p99 cohort ${ms(point.reads.cohort.p50Ms)}/${ms(point.reads.cohort.p99Ms)}, tasks ${ms(point.reads.tasks.p50Ms)}/${ms(point.reads.tasks.p99Ms)}, list ${ms(point.reads.list.p50Ms)}/${ms(point.reads.list.p99Ms)} (its Query alone on DynamoDB Local ${ms(point.listQueryP50Ms)})`,
    );
  }

  const machine = results.machine;
  add(
    'machine',
    `${results.mode} run, ${num(results.wallSeconds, 0)} s`,
    `${machine.cpu} · ${machine.nproc} cores · ${machine.memory} RAM · Node ${machine.node}`,
  );

  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: [string, string, string]) =>
    `${row[0].padEnd(widths[0]!)} │ ${row[1].padEnd(widths[1]!)} │ ${row[2]}`;
  const rule = `${'─'.repeat(widths[0]!)}─┼─${'─'.repeat(widths[1]!)}─┼─${'─'.repeat(40)}`;
  const out: string[] = [line(['section', 'measure', 'figure']), rule];
  let previous = '';
  for (const row of rows) {
    if (previous && row[0] !== previous) out.push(rule);
    out.push(line([row[0] === previous ? '' : row[0], row[1], row[2]]));
    previous = row[0];
  }
  return out.join('\n');
}
