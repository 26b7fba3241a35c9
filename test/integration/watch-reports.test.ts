import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../infra/local/runtime.ts';
import type { ApiClient } from '../../scripts/lib/api-client.ts';
import { dynamoDb } from '../../shared/adapters/dynamodb/client.ts';
import { rebuildReadModels } from '../../shared/adapters/dynamodb/maintenance/rebuild-read-models.ts';
import { DynamoReferenceData } from '../../shared/adapters/dynamodb/reference-data.ts';
import { Table } from '../../shared/adapters/dynamodb/table.ts';
import { fileCohort } from '../support/cohorts.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * What the bureau watches (issue 15): after the demo's cases (one 30-apprentice cohort filed,
 * returned once, advance paid, a withdrawal, outcomes, final settlement through public notice to
 * PAID) and a second cohort left FILED, every figure of the four reports equals the same figure
 * recomputed here from the cases as the API shows them — with code of this file, not the
 * projector's — and a rebuild from the cases finds nothing to change.
 */
let runtime: RunningRuntime;
let api: ApiClient;
const ROOT = join(import.meta.dirname, '..', '..');

beforeAll(async () => {
  ({ runtime, api } = await startTestRuntime());
  // Filed before the demo imports the district's contribution file (which brings the employment checks).
  await fileCohort(api, 5);
  // The demo is a client of the runtime this process serves: run it beside, never blocking.
  const demo = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/demo.ts'], {
    cwd: ROOT,
    env: { ...process.env, API_URL: runtime.url },
  });
  let output = '';
  demo.stdout.on('data', (chunk) => (output += chunk));
  demo.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => demo.on('close', resolve));
  if (code !== 0) throw new Error(`demo failed (${code}): ${output}`);
  await runtime.settleEvents(60_000);
}, 300_000);
afterAll(async () => {
  await runtime?.stop();
});

const reviewer = () => api.as('bureau-reviewer');

async function all<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = (
      await reviewer().get(
        `${path}${path.includes('?') ? '&' : '?'}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      )
    ).body;
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
}

/** The China month of an instant or a date. */
const chinaMonth = (value: string) =>
  value.length <= 10
    ? value.slice(0, 7)
    : new Date(Date.parse(value) + 8 * 3_600_000).toISOString().slice(0, 7);
const monthPlus = (month: string, add: number) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + add;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
};
const wholeMonths = (start: string, end: string) => {
  // Months of the training period, end date inclusive, as the filing counted them.
  const [sy, sm, sd] = start.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(...(end.split('-').map(Number) as [number, number, number])) + 86_400_000);
  return (next.getUTCFullYear() - sy) * 12 + (next.getUTCMonth() + 1 - sm) - (next.getUTCDate() < sd ? 1 : 0);
};

describe('the reports after the demo', () => {
  let cohorts: any[];
  let claims: any[];
  let histories: Map<string, any[]>;

  beforeAll(async () => {
    const listed = await all<any>('/cohorts');
    cohorts = await Promise.all(
      listed.map(async (row) => (await reviewer().get(`/cohorts/${row.cohortId}`)).body),
    );
    const claimRows = await all<any>('/claims');
    claims = await Promise.all(
      claimRows.map(async (row) => (await reviewer().get(`/claims/${row.claimId}`)).body),
    );
    histories = new Map();
    for (const cohort of cohorts)
      histories.set(cohort.cohortId, await all(`/cohorts/${cohort.cohortId}/history`));
    for (const claim of claims) histories.set(claim.claimId, await all(`/claims/${claim.claimId}/history`));
  }, 120_000);

  it('has cases to report on: a paid-out cohort and an open one', () => {
    expect(
      cohorts.filter((cohort) => cohort.status === 'FILED' || cohort.status === 'COMPLETED').length,
    ).toBe(2);
    expect(claims.filter((claim) => claim.status === 'PAID').length).toBeGreaterThanOrEqual(2);
  });

  it('liability: the remaining claims of each open cohort by expected month', async () => {
    const policy = (await reviewer().get('/policy')).body;
    const share: number = policy.settlement?.advanceShareBasisPoints ?? policy.advanceShareBasisPoints;
    const expected = new Map<
      string,
      { claims: number; advanceFen: number; interimFen: number; finalFen: number }
    >();
    const summary = { cohorts: 0, entitlementFen: 0, paidFen: 0, recoveryFen: 0, liabilityFen: 0 };
    for (const cohort of cohorts) {
      if (cohort.status !== 'FILED' && cohort.status !== 'COMPLETED') continue;
      const ledger = cohort.ledger ?? {
        advancePaidFen: 0,
        interimPaidFen: 0,
        finalPaidFen: 0,
        recoveryOwedFen: 0,
        claims: [],
      };
      const paidKinds = ledger.claims.filter((c: any) => c.status === 'PAID');
      if (paidKinds.some((c: any) => c.kind === 'final')) continue;
      const paid = ledger.advancePaidFen + (ledger.interimPaidFen ?? 0) + ledger.finalPaidFen;
      const remaining = Math.max(0, cohort.entitlementFen - paid - ledger.recoveryOwedFen);
      summary.cohorts += 1;
      summary.entitlementFen += cohort.entitlementFen;
      summary.paidFen += paid;
      summary.recoveryFen += ledger.recoveryOwedFen;
      summary.liabilityFen += remaining;
      const months = wholeMonths(cohort.startDate, cohort.endDate);
      const claimsToCome: { kind: string; month: string; amount: number }[] = [];
      let left = remaining;
      if (
        !paidKinds.some((c: any) => c.kind === 'advance') &&
        !ledger.claims.some((c: any) => c.kind !== 'advance')
      ) {
        const firstYear = Math.floor((cohort.entitlementFen * Math.min(12, months)) / months);
        const amount = Math.min(left, Math.floor((firstYear * share) / 10_000));
        claimsToCome.push({ kind: 'advance', month: monthPlus(chinaMonth(cohort.filedAt), 1), amount });
        left -= amount;
      }
      // This policy has interim claims; the demo's cohorts are 12 months or shorter, so none is due.
      expect(months).toBeLessThanOrEqual(12);
      const dayAfterEnd = new Date(Date.parse(`${cohort.endDate}T00:00:00Z`) + 86_400_000)
        .toISOString()
        .slice(0, 10);
      claimsToCome.push({ kind: 'final', month: chinaMonth(dayAfterEnd), amount: left });
      for (const claim of claimsToCome) {
        const row = expected.get(claim.month) ?? { claims: 0, advanceFen: 0, interimFen: 0, finalFen: 0 };
        row.claims += 1;
        (row as any)[`${claim.kind}Fen`] += claim.amount;
        expected.set(claim.month, row);
      }
    }
    expect(summary.liabilityFen).toBeGreaterThan(0);
    const years = new Set([...expected.keys()].map((month) => Number(month.slice(0, 4))));
    for (const year of years) {
      const report = (await reviewer().get(`/reports/liability?year=${year}`)).body;
      expect(report.summary).toEqual(summary);
      for (const row of report.byMonth) {
        const want = expected.get(row.month) ?? { claims: 0, advanceFen: 0, interimFen: 0, finalFen: 0 };
        expect(row).toEqual({
          month: row.month,
          ...want,
          liabilityFen: want.advanceFen + want.interimFen + want.finalFen,
        });
      }
      const outside = [...expected.entries()].filter(([month]) => !month.startsWith(`${year}-`));
      expect(report.beforeYear.claims + report.afterYear.claims).toBe(
        outside.reduce((n, [, row]) => n + row.claims, 0),
      );
    }
    const csv = await reviewer().get(`/reports/liability?year=${[...years][0]}&format=csv`);
    expect(csv.status).toBe(200);
  });

  it('pipeline: apprentices by occupation, level and school, with rates and withdrawals by reason', async () => {
    for (const year of new Set(cohorts.map((cohort) => Number(cohort.startDate.slice(0, 4))))) {
      const open = cohorts.filter(
        (cohort) =>
          (cohort.status === 'FILED' || cohort.status === 'COMPLETED') &&
          cohort.startDate.startsWith(`${year}-`),
      );
      const report = (await reviewer().get(`/reports/pipeline?year=${year}`)).body;
      const count = (status: string) =>
        open.flatMap((c) => c.apprentices).filter((a: any) => a.status === status).length;
      const enrolled = open.reduce((n, c) => n + c.apprentices.length, 0);
      const inTraining = open
        .filter((c) => c.status === 'FILED')
        .flatMap((c) => c.apprentices)
        .filter((a: any) => a.status === 'enrolled').length;
      const certified = count('certified');
      const outcomes = certified + count('not_certified') + count('completed');
      expect(report.totals).toMatchObject({
        cohorts: open.length,
        enrolled,
        inTraining,
        certified,
        notCertified: count('not_certified'),
        completed: count('completed'),
        withdrawn: count('withdrawn'),
        withdrawalsByReason: {
          resigned: open.flatMap((c) => c.apprentices).filter((a: any) => a.withdrawal?.reason === 'resigned')
            .length,
          dismissed: 0,
          transferred_out: 0,
          other: 0,
        },
      });
      expect(report.totals.certificationRate).toBe(
        outcomes > 0 ? Math.round((certified / outcomes) * 10_000) / 10_000 : null,
      );
      expect(report.totals.withdrawalRate).toBe(
        enrolled > 0 ? Math.round((count('withdrawn') / enrolled) * 10_000) / 10_000 : null,
      );
      const due = report.expectedCompletions.reduce((n: number, row: any) => n + row.apprentices, 0);
      expect(due).toBe(inTraining);
      // A filter narrows the rows to the occupation asked for.
      const code = open[0]?.occupationCode;
      if (code) {
        const narrowed = (await reviewer().get(`/reports/pipeline?year=${year}&occupationCode=${code}`)).body;
        expect(narrowed.rows.every((row: any) => row.occupationCode === code)).toBe(true);
      }
    }
  });

  it('stage times: median and 90th percentile days from the audit trails, per stage', async () => {
    const stages = {
      'cohort-filing': ['COMPANY_REVIEW', 'SCHOOL_REVIEW', 'BUREAU_REVIEW'],
      'subsidy-claim': ['SCHOOL_VERIFICATION', 'BUREAU_REVIEW', 'PUBLIC_NOTICE', 'PAYMENT'],
    } as const;
    const samples = new Map<string, number[]>();
    const cases = [
      ...cohorts.map((c) => ({ workflow: 'cohort-filing' as const, id: c.cohortId })),
      ...claims.map((c) => ({ workflow: 'subsidy-claim' as const, id: c.claimId })),
    ];
    for (const { workflow, id } of cases) {
      const since = new Map<string, string>();
      for (const record of histories.get(id) ?? []) {
        const inStage = (s: string | undefined) =>
          s !== undefined && (stages[workflow] as readonly string[]).includes(s);
        if (inStage(record.from) && since.has(record.from) && record.from !== record.to) {
          const days = (Date.parse(record.at) - Date.parse(since.get(record.from)!)) / 86_400_000;
          const key = `${workflow}#${record.from}#${chinaMonth(record.at).slice(0, 4)}`;
          samples.set(key, [...(samples.get(key) ?? []), Math.floor(days * 10) / 10]);
          since.delete(record.from);
        }
        if (inStage(record.to) && !since.has(record.to)) since.set(record.to, record.at);
      }
    }
    expect(samples.size).toBeGreaterThan(3);
    const nearestRank = (values: number[], share: number) =>
      [...values].sort((a, b) => a - b)[Math.max(1, Math.ceil(share * values.length)) - 1]!;
    for (const year of new Set([...samples.keys()].map((key) => key.split('#')[2]))) {
      const report = (await reviewer().get(`/reports/stage-times?year=${year}`)).body;
      for (const row of report.byStage) {
        const values = samples.get(`${row.workflow}#${row.stage}#${year}`) ?? [];
        expect({ stage: `${row.workflow} ${row.stage}`, count: row.count }).toEqual({
          stage: `${row.workflow} ${row.stage}`,
          count: values.length,
        });
        if (values.length === 0) continue;
        expect(row.medianDays).toBeCloseTo(nearestRank(values, 0.5), 5);
        expect(row.p90Days).toBeCloseTo(nearestRank(values, 0.9), 5);
      }
    }
  });

  it('demand: a bad list changes nothing; a good one stands beside the apprentices in training', async () => {
    const admin = api.as('bureau-admin');
    const badType = await admin.put('/demand-lists/2027-Q1', undefined, {
      raw: 'occupationCode,demandRatio,rank\n4-04-05-05,abc,\n4-04-05-06,1.234,0.5\n',
      contentType: 'text/csv',
    });
    expect(badType.status).toBe(400);
    expect(badType.body.errors.map((e: any) => [e.path, e.code])).toEqual([
      ['rows.0.demandRatio', 'field.not_number'],
      ['rows.1.demandRatio', 'demand.ratio_invalid'],
      ['rows.1.rank', 'demand.rank_invalid'],
    ]);
    const badRule = await admin.put('/demand-lists/2027-Q1', undefined, {
      raw: 'occupationCode,demandRatio,rank\n9-99-99-99,1.5,\n4-04-05-05,,\n4-04-05-05,2,\n',
      contentType: 'text/csv',
    });
    expect(badRule.status).toBe(400);
    expect(badRule.body.errors.map((e: any) => [e.path, e.code])).toEqual([
      ['rows.0.occupationCode', 'demand.occupation_unknown'],
      ['rows.1.demandRatio', 'demand.value_missing'],
      ['rows.2.occupationCode', 'demand.duplicate_occupation'],
    ]);
    expect((await reviewer().get('/reports/demand?period=2027-Q1')).body.list).toBeNull();
    const filed = cohorts.filter((c) => c.status === 'FILED');
    const code = filed[0].occupationCode;
    const good = await admin.put('/demand-lists/2027-Q1', undefined, {
      raw: `occupationCode,demandRatio,rank\n${code},2.35,1\n${code === '4-01-02-07' ? '4-04-04-02' : '4-01-02-07'},,3\n`,
      contentType: 'text/csv',
    });
    expect(good.status).toBe(200);
    const report = (await reviewer().get('/reports/demand?period=2027-Q1')).body;
    expect(report.list.rows).toBe(2);
    const row = report.rows.find((r: any) => r.occupationCode === code);
    expect(row).toMatchObject({ demandRatio: 2.35, rank: 1 });
    for (const entry of report.rows) {
      const training = filed.filter((c) => c.occupationCode === entry.occupationCode);
      expect(entry.inTraining).toBe(
        training.flatMap((c) => c.apprentices).filter((a: any) => a.status === 'enrolled').length,
      );
    }
    expect((await reviewer().put('/demand-lists/2027-Q1', { rows: [] })).status).toBe(403);
  });

  it('a rebuild from the cases finds the incremental read models exact', async () => {
    const table = new Table(dynamoDb(), runtime.tableName);
    const result = await rebuildReadModels(table, new DynamoReferenceData(table), { write: false });
    expect(result.cases).toBe(cohorts.length + claims.length);
    expect(result.differences).toEqual([]);
  });
});
