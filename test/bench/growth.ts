import { type CaseCost, caseCost, type WorkPerCase, workPerCase } from './cost.ts';
import type { BenchRuntime } from './embedded.ts';
import { type CaseWork, FILING_PARTIES, fileCohortMeasured, orgOf } from './filing.ts';
import type { LoadResult } from './load.ts';
import { percentile } from './stats.ts';
import { readLatency, STEADY_INBOX_USER } from './throughput.ts';

/**
 * Growth: the work and cost of filing a cohort, and the latency of the reads, at one point of
 * the grid — cohorts of 10, 30, 100, 200 apprentices; 1,000 and 10,000 cases already in the
 * table. Flat means: cost per apprentice and read latency about the same at every point.
 */
export interface GrowthPoint {
  label: string;
  apprenticesPerCohort: number;
  /** Cohorts in the table when the point was measured (filed, waiting and seeded). */
  cohortsInTable: number;
  work: WorkPerCase;
  cost: CaseCost;
  reads: { cohort: LoadResult; tasks: LoadResult; list: LoadResult };
  /**
   * The list's own Query sent straight to DynamoDB Local (no API, no Lambda), one at a time: how
   * much of the list's latency is the emulator's (it reads more of a partition than DynamoDB does).
   */
  listQueryP50Ms: number;
}

export async function measureGrowthPoint(
  bench: BenchRuntime,
  options: {
    label: string;
    apprentices: number;
    cohortsInTable: number;
    cases: number;
    concurrency: number;
    readMs: number;
    /** Cases already measured on this table (section 4's), instead of filing new ones. */
    measured?: CaseWork[];
  },
): Promise<GrowthPoint> {
  const works = options.measured ? [...options.measured] : [];
  while (works.length < (options.measured ? 1 : options.cases)) {
    works.push(await fileCohortMeasured(bench, options.apprentices));
  }
  const work = workPerCase(works);
  const read = (user: string, path: string) =>
    readLatency(bench, { user, paths: [path], concurrency: options.concurrency, durationMs: options.readMs });
  const listQueryMs: number[] = [];
  for (let index = 0; index < 20; index++) {
    const sent = performance.now();
    await bench.table.query({
      index: 'GSI1',
      pk: `ENT#${orgOf(FILING_PARTIES.clerk)}`,
      skPrefix: 'COHORT#',
      limit: 25,
      newestFirst: true,
    });
    listQueryMs.push(performance.now() - sent);
  }
  return {
    label: options.label,
    apprenticesPerCohort: options.apprentices,
    cohortsInTable: options.cohortsInTable + (options.measured ? 0 : works.length),
    work,
    cost: caseCost(work),
    reads: {
      cohort: await read(FILING_PARTIES.clerk, `/cohorts/${works[0]!.cohortId}`),
      tasks: await read(STEADY_INBOX_USER, '/tasks'),
      list: await read(FILING_PARTIES.clerk, '/cohorts?limit=25'),
    },
    listQueryP50Ms: percentile(listQueryMs, 50),
  };
}
