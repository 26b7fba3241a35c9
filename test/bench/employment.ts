import { marshall } from '@aws-sdk/util-dynamodb';
import {
  type ContributionLine,
  contributionCsv,
  importContributions,
} from '../../scripts/lib/contributions.ts';
import { idNumber } from '../../scripts/lib/roster.ts';
import { employmentChecks } from '../../shared/adapters/deps/employment-checks.ts';
import { personalData } from '../../shared/adapters/deps/personal-data.ts';
import { dynamoDbRequests } from '../../shared/adapters/dynamodb/request-counter.ts';
import { type CheckRun, employmentRules, filingChecks } from '../../shared/domain/employment.ts';
import { usccCheckCharacter } from '../../shared/domain/identifiers.ts';
import { requestsSince } from './attribution.ts';
import { type BilledRequest, dynamoDbWork, itemSize } from './capacity.ts';
import type { BenchRuntime } from './embedded.ts';

/**
 * Employment verification (issue 13): one district's contribution file of `rows` rows imported in
 * one request (time and DynamoDB work), and what the check costs per apprentice (its share of the
 * check's reads, and of the run's record in the decision's transaction). Runs last in the bench: the district's
 * first import makes every later filing and payment of it checked.
 */
export interface EmploymentFigures {
  import: {
    rows: number;
    enterprises: number;
    csvBytes: number;
    wallMs: number;
    rowsPerSecond: number;
    requests: Record<string, number>;
    /** Write units as AWS bills them (each row is one item under each crypto suite's look-up hash). */
    writeUnits: number;
    readUnits: number;
  };
  check: {
    apprentices: number;
    /**
     * Per decision: the register's head and the enterprise's pointer (GetItem), the policy (Query),
     * then one BatchGetItem of the window's months of the enterprise (all its persons at once).
     */
    perDecision: { requests: number; monthReadRequests: number; monthReadUnits: number };
    /** Per apprentice: its share of those reads, and of the run's record in the decision's transaction. */
    perApprentice: { readUnits: number; runRecordWriteUnits: number };
  };
}

const DISTRICT = '110108';
const CHECKED = 30;

/** 100 enterprises of the district, valid USCCs (91 110108 MA0 + a number + the check character). */
function enterprises(count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const first17 = `91${DISTRICT}MA0${String(900_000 + index).padStart(6, '0')}`;
    return first17 + usccCheckCharacter(first17);
  });
}

export async function measureEmployment(bench: BenchRuntime, rows: number): Promise<EmploymentFigures> {
  const { api, runtime } = bench;
  const now = await api.now();
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  const companies = enterprises(100);
  const lines: ContributionLine[] = Array.from({ length: rows }, (_, index) => {
    const birth = new Date(Date.UTC(1985, 0, 1) + Math.floor(index / 1000) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    return {
      idNumber: idNumber(birth, index % 1000),
      enterpriseId: companies[index % companies.length]!,
      districtCode: DISTRICT,
      month,
      insured: index % 50 !== 0,
    };
  });
  const csvBytes = Buffer.byteLength(contributionCsv(lines));
  await runtime.idle();
  const mark = dynamoDbRequests.mark();
  const started = performance.now();
  const response = await importContributions(api, lines, 'bureau-admin', `bench-import-${Date.now()}`);
  const wallMs = performance.now() - started;
  if (response.status !== 201) {
    throw new Error(
      `import of ${rows} rows: ${response.status} ${JSON.stringify(response.body).slice(0, 500)}`,
    );
  }
  const imported = dynamoDbWork(requestsSince(mark).api as BilledRequest[]);

  // The check's reads for CHECKED persons of one enterprise, through the functions' own client.
  const checks = employmentChecks();
  const enterpriseId = companies[0]!;
  const persons = lines.filter((line) => line.enterpriseId === enterpriseId).slice(0, CHECKED);
  const hashes = await Promise.all(
    persons.map(async (line) => (await personalData().lookupHashes(line.idNumber))[0]!),
  );
  const decisionMark = dynamoDbRequests.mark();
  const state = await checks.register(DISTRICT, enterpriseId);
  const decisionReads = dynamoDbRequests.since(decisionMark).length + 1; // + the policy in force (a Query)
  // A filing's window is a few months; the bench file has one: the check reads that month's chunks.
  const perPersonMark = dynamoDbRequests.mark();
  const people = await checks.insuredMonths(DISTRICT, enterpriseId, state.pointer?.months ?? {}, [month]);
  const perPerson = dynamoDbWork(dynamoDbRequests.since(perPersonMark) as BilledRequest[]);
  const months = hashes.map((hash) => people.get(hash) ?? new Map<string, boolean>());
  // The run a filing of these persons records (new hires: two results each), in the decision's transaction.
  const rules = employmentRules({});
  const run: CheckRun = {
    runId: '01J00000000000000000000000',
    cohortId: '01J00000000000000000000000',
    at: new Date().toISOString(),
    results: persons.flatMap((_, row) =>
      filingChecks(
        {
          apprenticeId: `01J0000000000000000000${String(row).padStart(4, '0')}`,
          hireType: 'new_hire',
          contract: { startDate: `${month}-01`, endDate: null },
          status: 'enrolled',
        },
        row,
        months[row]!,
        rules,
      ).map((draft) => ({
        ...draft,
        checkId: '01J00000000000000000000000',
        at: new Date().toISOString(),
        stage: 'BUREAU_REVIEW' as const,
        caseId: '01J00000000000000000000000',
        overrideId: null,
      })),
    ),
  };
  const runItem = marshall(
    {
      pk: `COHORT#${run.cohortId}`,
      sk: `EMPCHECK#${run.at}#${run.runId}`,
      entityType: 'EmploymentCheck',
      ...run,
    },
    { removeUndefinedValues: true },
  );
  const runUnits = 2 * Math.max(1, Math.ceil(itemSize(runItem) / 1024));
  return {
    import: {
      rows,
      enterprises: companies.length,
      csvBytes,
      wallMs,
      rowsPerSecond: rows / (wallMs / 1000),
      requests: imported.requests,
      writeUnits: imported.writeUnits,
      readUnits: imported.readUnits,
    },
    check: {
      apprentices: persons.length,
      perDecision: {
        requests: decisionReads,
        monthReadRequests: perPerson.readRequests,
        monthReadUnits: perPerson.readUnits,
      },
      perApprentice: {
        readUnits: perPerson.readUnits / persons.length,
        runRecordWriteUnits: runUnits / persons.length,
      },
    },
  };
}

export function renderEmployment(figures: EmploymentFigures): string {
  const { import: imported, check } = figures;
  const requests = Object.entries(imported.requests)
    .map(([command, count]) => `${count} ${command}`)
    .join(', ');
  return [
    'Employment verification (社保 check)',
    `  import of ${imported.rows.toLocaleString('en')} rows (${imported.enterprises} enterprises, ${(imported.csvBytes / 1_048_576).toFixed(2)} MB of CSV) in one request: ${(imported.wallMs / 1000).toFixed(1)} s (${Math.round(imported.rowsPerSecond).toLocaleString('en')} rows/s on DynamoDB Local)`,
    `    DynamoDB: ${requests}; ${imported.writeUnits.toLocaleString('en')} WRU, ${imported.readUnits.toLocaleString('en')} RRU`,
    `  check (${check.apprentices} apprentices, one month): ${check.perDecision.requests} reads per decision, then ${check.perDecision.monthReadRequests} BatchGetItem of the month (${check.perDecision.monthReadUnits} RRU, the enterprise's persons at once)`,
    `    per apprentice: ${check.perApprentice.readUnits.toFixed(2)} RRU of the month's records, ${check.perApprentice.runRecordWriteUnits.toFixed(2)} WRU of the run's record in the decision's transaction`,
  ].join('\n');
}
