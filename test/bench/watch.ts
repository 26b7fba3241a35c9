import { dynamoDbRequests } from '../../shared/adapters/dynamodb/request-counter.ts';
import type { Write } from '../../shared/adapters/dynamodb/table.ts';
import type { AuditRecord } from '../../shared/domain/audit.ts';
import type { CohortRecord } from '../../shared/domain/cohort.ts';
import { addDays, addMonths } from '../../shared/domain/dates.ts';
import { type Cells, cohortCells, sumCells } from '../../shared/domain/read-models/cells.ts';
import type { BilledRequest } from './capacity.ts';
import { dynamoDbWork } from './capacity.ts';
import type { BenchRuntime } from './embedded.ts';
import { percentile, round } from './stats.ts';

/**
 * What the bureau watches (issue 15): the four report calls of a district holding `cohorts` FILED
 * cohorts, each call timed (p50/p99 over `calls` calls) and its DynamoDB requests and read units
 * counted. The district's read models are what projecting that many cohorts gives: synthetic
 * cohorts (5 digital occupations, 2 levels, 3 schools, starts over 24 months, 20 apprentices,
 * some withdrawn, half with the advance paid, audit trails through the three filing stages) are
 * put through the projector's own `cohortCells` and summed into the district's rows — filing ten
 * thousand cohorts through the workflows would take the bench hours and measure nothing more.
 */
export interface WatchFigures {
  cohorts: number;
  rowsSeeded: number;
  calls: number;
  reports: Record<
    string,
    {
      p50Ms: number;
      p99Ms: number;
      requestsPerCall: number;
      readUnitsPerCall: number;
      requests: Record<string, number>;
    }
  >;
}

const DISTRICT = '110108';
const OCCUPATIONS = ['4-04-05-05', '2-02-38-13', '4-04-04-06', '4-04-04-02', '4-01-02-07'];
const SCHOOLS = ['52110108MJ0AA1000A', '52110105MJ0BB2000G', '52110108MJ0CC3000X'];

function syntheticCohort(index: number): { cohort: CohortRecord; audit: AuditRecord[] } {
  const startDate = addMonths('2027-01-01', index % 24);
  const endDate = addDays(addMonths(startDate, 12), -1);
  const apprentices = Array.from({ length: 20 }, (_, n) => ({
    apprenticeId: `A${index}-${n}`,
    status: n === 0 && index % 3 === 0 ? 'withdrawn' : 'enrolled',
    ...(n === 0 && index % 3 === 0
      ? { withdrawal: { date: startDate, reason: 'resigned', recordedBy: 'bench' } }
      : {}),
  }));
  const filedAt = `${addDays(startDate, -20)}T02:00:00.000Z`;
  const advanced = index % 2 === 0;
  const cohort = {
    cohortId: `BENCH${index}`,
    status: 'FILED',
    districtCode: DISTRICT,
    occupationCode: OCCUPATIONS[index % OCCUPATIONS.length]!,
    targetLevel: 3 + (index % 2),
    schoolId: SCHOOLS[index % SCHOOLS.length]!,
    startDate,
    endDate,
    filedAt,
    entitlementFen: 20 * 500_000,
    apprentices,
    ledger: {
      advancePaidFen: advanced ? 2_500_000 : 0,
      interimPaidFen: 0,
      finalPaidFen: 0,
      recoveryOwedFen: 0,
      claims: advanced ? [{ claimId: `C${index}`, kind: 'advance', status: 'PAID' }] : [],
    },
  } as unknown as CohortRecord;
  const at = (days: number) => new Date(Date.parse(filedAt) - (10 - days) * 86_400_000).toISOString();
  const step = (seq: number, from: string, to: string, days: number) =>
    ({
      caseId: cohort.cohortId,
      seq,
      at: at(days),
      from,
      to,
      action: 'x',
      actor: { system: 'bench' },
    }) as AuditRecord;
  const audit = [
    step(1, 'DRAFT', 'COMPANY_REVIEW', 0),
    step(2, 'COMPANY_REVIEW', 'SCHOOL_REVIEW', 1 + (index % 3)),
    step(3, 'SCHOOL_REVIEW', 'BUREAU_REVIEW', 5),
    step(4, 'BUREAU_REVIEW', 'FILED', 10),
  ];
  return { cohort, audit };
}

export async function measureWatchReports(
  bench: BenchRuntime,
  cohorts: number,
  calls: number,
): Promise<WatchFigures> {
  const summed: Cells = {};
  for (let index = 0; index < cohorts; index++) {
    const { cohort, audit } = syntheticCohort(index);
    sumCells(
      summed,
      cohortCells(cohort, audit, {
        advanceShareBasisPoints: 5000,
        interimClaims: true,
        advanceOnFirstYear: true,
      }),
    );
  }
  const writes: Write[] = Object.entries(summed).map(([cell, fields]) => {
    const [pk, sk] = cell.split('|') as [string, string];
    const names: Record<string, string> = { '#t': 'entityType' };
    const values: Record<string, unknown> = { ':t': 'ReadModel' };
    const adds = Object.entries(fields).map(([field, value], n) => {
      names[`#f${n}`] = field;
      values[`:f${n}`] = value;
      return `#f${n} :f${n}`;
    });
    return { update: { pk, sk }, set: `SET #t = :t ADD ${adds.join(', ')}`, names, values };
  });
  for (let start = 0; start < writes.length; start += 100)
    await bench.table.transact(writes.slice(start, start + 100));

  const reviewer = bench.api.as('bureau-reviewer');
  const paths = {
    liability: '/reports/liability?year=2028',
    pipeline: '/reports/pipeline?year=2027',
    stageTimes: '/reports/stage-times?year=2027',
    demand: '/reports/demand?period=2027-Q1',
  };
  const reports: WatchFigures['reports'] = {};
  for (const [name, path] of Object.entries(paths)) {
    // One warm-up call: the function's first call reads the occupation catalogue it keeps.
    const warm = await reviewer.get(path);
    if (warm.status !== 200) throw new Error(`${path}: ${warm.status} ${JSON.stringify(warm.body)}`);
    const times: number[] = [];
    const mark = dynamoDbRequests.mark();
    for (let call = 0; call < calls; call++) {
      const started = performance.now();
      const response = await reviewer.get(path);
      times.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    }
    const work = dynamoDbWork(dynamoDbRequests.since(mark) as BilledRequest[]);
    reports[name] = {
      p50Ms: round(percentile(times, 50)),
      p99Ms: round(percentile(times, 99)),
      requestsPerCall: round((work.readRequests + work.writeRequests) / calls, 2),
      readUnitsPerCall: round(work.readUnits / calls, 2),
      requests: Object.fromEntries(
        Object.entries(work.requests).map(([command, count]) => [command, count / calls]),
      ),
    };
  }
  return { cohorts, rowsSeeded: writes.length, calls, reports };
}

export function renderWatch(figures: WatchFigures): string {
  const lines = [
    `What the bureau watches: ${figures.cohorts.toLocaleString('en')} FILED cohorts in one district (${figures.rowsSeeded} read-model rows), ${figures.calls} calls per report`,
    'report       p50 ms   p99 ms   requests/call   read units/call',
  ];
  for (const [name, row] of Object.entries(figures.reports))
    lines.push(
      `${name.padEnd(12)} ${String(row.p50Ms).padStart(6)}   ${String(row.p99Ms).padStart(6)}   ${String(row.requestsPerCall).padStart(13)}   ${String(row.readUnitsPerCall).padStart(15)}`,
    );
  return lines.join('\n');
}
