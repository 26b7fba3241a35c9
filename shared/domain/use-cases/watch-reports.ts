import { WATCH_MESSAGES } from '../error-codes/watch.ts';
import { says, withRoom } from '../error-codes.ts';
import { Conflict, type FieldError, Forbidden, fieldError, ValidationFailed } from '../errors.ts';
import type { Occupation } from '../occupations.ts';
import type { ReferenceData } from '../ports.ts';
import { actorOf, districtInCity, orgKindOf, type Principal } from '../principal.ts';
import {
  cellKeys,
  percentilesOf,
  WITHDRAWAL_REASONS,
  WORKFLOW_STAGES,
  type Workflow,
} from '../read-models/cells.ts';
import type { DemandList, ReadModelStore, ReportRow } from '../read-models/ports.ts';

withRoom(WATCH_MESSAGES);

/**
 * What the bureau watches (domain.md; issue 15): liability by expected month, the pipeline by
 * occupation, level and school, stage times, demand beside training. Each report reads the read
 * models the projector keeps (`read-models/`): one Query of one partition per district.
 */
export interface WatchDeps {
  readModels: ReadModelStore;
  reference: Pick<ReferenceData, 'districtsOf' | 'listOccupations' | 'occupation'>;
  clock: { now(): Date };
}

/** The districts a report covers: the bureau's own; the municipal bureau one of its city's or all of them. */
export async function reportDistricts(
  deps: { reference: Pick<ReferenceData, 'districtsOf'> },
  principal: Principal,
  asked: string | undefined,
): Promise<{ districtCode: string; districts: string[] }> {
  const kind = orgKindOf(principal.role);
  if (kind !== 'bureau' && kind !== 'city') throw new Forbidden(says('reports.bureau_only'));
  const districtCode = kind === 'city' && asked === principal.orgId ? undefined : asked;
  const mine = (code: string) =>
    code === principal.orgId || (kind === 'city' && districtInCity(principal.orgId, code));
  if (districtCode !== undefined && !mine(districtCode))
    throw new ValidationFailed([fieldError('query.districtCode', says('reports.district_not_yours'))]);
  const districts =
    kind === 'city' && districtCode === undefined
      ? await deps.reference.districtsOf(principal.orgId)
      : [districtCode ?? principal.orgId];
  return { districtCode: districtCode ?? principal.orgId, districts };
}

const sumInto = (into: Record<string, number>, fields: Record<string, number>) => {
  for (const [field, value] of Object.entries(fields))
    if (typeof value === 'number') into[field] = (into[field] ?? 0) + value;
  return into;
};

async function rowsOf(deps: WatchDeps, pks: string[]): Promise<ReportRow[]> {
  const rows: ReportRow[] = [];
  for (const pk of pks) rows.push(...(await deps.readModels.rows(pk)));
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Liability

const MONEY = ['advanceFen', 'interimFen', 'finalFen', 'liabilityFen'] as const;
type MonthFigures = { claims: number } & Record<(typeof MONEY)[number], number>;

export interface LiabilityReport {
  year: number;
  districtCode: string;
  summary: {
    cohorts: number;
    entitlementFen: number;
    paidFen: number;
    recoveryFen: number;
    liabilityFen: number;
  };
  byMonth: ({ month: string } & MonthFigures)[];
  totals: MonthFigures;
  beforeYear: { claims: number; liabilityFen: number };
  afterYear: { claims: number; liabilityFen: number };
}

const zeroMonth = (): MonthFigures => ({
  claims: 0,
  advanceFen: 0,
  interimFen: 0,
  finalFen: 0,
  liabilityFen: 0,
});

export async function liabilityReport(
  deps: WatchDeps,
  principal: Principal,
  year: number,
  asked?: string,
): Promise<LiabilityReport> {
  const scope = await reportDistricts(deps, principal, asked);
  const rows = await rowsOf(deps, scope.districts.map(cellKeys.liability));
  const summary = { cohorts: 0, entitlementFen: 0, paidFen: 0, recoveryFen: 0, liabilityFen: 0 };
  const months = new Map<string, MonthFigures>();
  for (let month = 1; month <= 12; month++)
    months.set(`${year}-${String(month).padStart(2, '0')}`, zeroMonth());
  const totals = zeroMonth();
  const beforeYear = { claims: 0, liabilityFen: 0 };
  const afterYear = { claims: 0, liabilityFen: 0 };
  for (const row of rows) {
    if (row.sk === 'SUMMARY') {
      sumInto(summary, pick(row.fields, Object.keys(summary)));
      continue;
    }
    if (!row.sk.startsWith('MONTH#')) continue;
    const month = row.sk.slice('MONTH#'.length);
    const figures = pick(row.fields, ['claims', ...MONEY]);
    const target = months.get(month);
    if (target) {
      sumInto(target, figures);
      sumInto(totals, figures);
    } else {
      const side = month < `${year}-01` ? beforeYear : afterYear;
      side.claims += figures.claims ?? 0;
      side.liabilityFen += figures.liabilityFen ?? 0;
    }
  }
  return {
    year,
    districtCode: scope.districtCode,
    summary,
    byMonth: [...months.entries()].map(([month, figures]) => ({ month, ...figures })),
    totals,
    beforeYear,
    afterYear,
  };
}

function pick(fields: Record<string, number>, names: readonly string[]): Record<string, number> {
  return Object.fromEntries(names.map((name) => [name, fields[name] ?? 0]));
}

// ---------------------------------------------------------------------------------------------
// Pipeline

const PIPELINE = [
  'cohorts',
  'enrolled',
  'inTraining',
  'completed',
  'certified',
  'notCertified',
  'withdrawn',
] as const;

export interface PipelineFigures {
  cohorts: number;
  enrolled: number;
  inTraining: number;
  completed: number;
  certified: number;
  notCertified: number;
  withdrawn: number;
  withdrawalsByReason: Record<(typeof WITHDRAWAL_REASONS)[number], number>;
  /** Certified of those with an outcome (certified, not certified, completed without a certificate). */
  certificationRate: number | null;
  /** Withdrawn of those enrolled. */
  withdrawalRate: number | null;
}

export interface PipelineReport {
  year: number;
  districtCode: string;
  totals: PipelineFigures;
  rows: ({
    occupationCode: string;
    occupationName: string;
    targetLevel: number;
    schoolId: string;
  } & PipelineFigures)[];
  expectedCompletions: {
    month: string;
    occupationCode: string;
    targetLevel: number;
    schoolId: string;
    apprentices: number;
  }[];
}

function figuresOf(sum: Record<string, number>): PipelineFigures {
  const value = (name: string) => sum[name] ?? 0;
  const outcomes = value('certified') + value('notCertified') + value('completed');
  return {
    ...(Object.fromEntries(PIPELINE.map((name) => [name, value(name)])) as Record<
      (typeof PIPELINE)[number],
      number
    >),
    withdrawalsByReason: Object.fromEntries(
      WITHDRAWAL_REASONS.map((reason) => [reason, value(`w_${reason}`)]),
    ) as PipelineFigures['withdrawalsByReason'],
    certificationRate: outcomes > 0 ? round4(value('certified') / outcomes) : null,
    withdrawalRate: value('enrolled') > 0 ? round4(value('withdrawn') / value('enrolled')) : null,
  };
}

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

/** The occupation catalogue is reference data of a few hundred rows: read once a few minutes per process. */
let catalogue: { at: number; items: Occupation[] } | undefined;
async function occupations(deps: WatchDeps): Promise<Occupation[]> {
  const now = Date.now();
  if (catalogue && now - catalogue.at < 300_000) return catalogue.items;
  const items: Occupation[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const result = await deps.reference.listOccupations({ limit: 1000, cursor });
    items.push(...result.items);
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  catalogue = { at: now, items };
  return items;
}

export async function pipelineReport(
  deps: WatchDeps,
  principal: Principal,
  query: {
    year: number;
    districtCode?: string | undefined;
    occupationCode?: string | undefined;
    schoolId?: string | undefined;
  },
): Promise<PipelineReport> {
  const scope = await reportDistricts(deps, principal, query.districtCode);
  const rows = await rowsOf(
    deps,
    scope.districts.map((district) => cellKeys.pipeline(district, query.year)),
  );
  const names = new Map((await occupations(deps)).map((occupation) => [occupation.code, occupation.name]));
  const wanted = (occupationCode: string, schoolId: string) =>
    (!query.occupationCode || query.occupationCode === occupationCode) &&
    (!query.schoolId || query.schoolId === schoolId);
  const byRow = new Map<string, Record<string, number>>();
  const due = new Map<string, number>();
  const total: Record<string, number> = {};
  for (const row of rows) {
    const parts = row.sk.split('#');
    if (parts[0] === 'ROW') {
      const [, occupationCode, level, schoolId] = parts as [string, string, string, string];
      if (!wanted(occupationCode, schoolId)) continue;
      const key = `${occupationCode}#${level}#${schoolId}`;
      byRow.set(key, sumInto(byRow.get(key) ?? {}, row.fields));
      sumInto(total, row.fields);
    } else if (parts[0] === 'DUE') {
      const [, month, occupationCode, level, schoolId] = parts as [string, string, string, string, string];
      if (!wanted(occupationCode, schoolId)) continue;
      const key = `${month}#${occupationCode}#${level}#${schoolId}`;
      due.set(key, (due.get(key) ?? 0) + (row.fields.apprentices ?? 0));
    }
  }
  return {
    year: query.year,
    districtCode: scope.districtCode,
    totals: figuresOf(total),
    rows: [...byRow.entries()]
      .filter(([, sum]) => (sum.cohorts ?? 0) > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, sum]) => {
        const [occupationCode, level, schoolId] = key.split('#') as [string, string, string];
        return {
          occupationCode,
          occupationName: names.get(occupationCode) ?? occupationCode,
          targetLevel: Number(level),
          schoolId,
          ...figuresOf(sum),
        };
      }),
    expectedCompletions: [...due.entries()]
      .filter(([, apprentices]) => apprentices > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, apprentices]) => {
        const [month, occupationCode, level, schoolId] = key.split('#') as [string, string, string, string];
        return { month, occupationCode, targetLevel: Number(level), schoolId, apprentices };
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Stage times

export interface StageFigures {
  workflow: Workflow;
  stage: string;
  count: number;
  medianDays: number | null;
  p90Days: number | null;
  overdue: number;
}

export interface StageTimesReport {
  year: number;
  districtCode: string;
  byStage: StageFigures[];
  rows: (StageFigures & { month: string })[];
}

export async function stageTimesReport(
  deps: WatchDeps,
  principal: Principal,
  year: number,
  asked?: string,
): Promise<StageTimesReport> {
  const scope = await reportDistricts(deps, principal, asked);
  const rows = await rowsOf(
    deps,
    scope.districts.map((district) => cellKeys.stages(district, year)),
  );
  const byMonth = new Map<string, Record<string, number>>();
  const byStage = new Map<string, Record<string, number>>();
  for (const [workflow, stages] of Object.entries(WORKFLOW_STAGES))
    for (const stage of stages) byStage.set(`${workflow}#${stage}`, {});
  for (const row of rows) {
    const [workflow, stage, month] = row.sk.split('#') as [string, string, string];
    const key = `${workflow}#${stage}#${month}`;
    byMonth.set(key, sumInto(byMonth.get(key) ?? {}, row.fields));
    byStage.set(`${workflow}#${stage}`, sumInto(byStage.get(`${workflow}#${stage}`) ?? {}, row.fields));
  }
  const figures = (key: string, sum: Record<string, number>): StageFigures => {
    const [workflow, stage] = key.split('#') as [Workflow, string];
    return { workflow, stage, count: sum.count ?? 0, ...percentilesOf(sum), overdue: sum.overdue ?? 0 };
  };
  return {
    year,
    districtCode: scope.districtCode,
    byStage: [...byStage.entries()].map(([key, sum]) => figures(key, sum)),
    rows: [...byMonth.entries()]
      .filter(([, sum]) => (sum.count ?? 0) > 0 || (sum.overdue ?? 0) > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, sum]) => ({ ...figures(key, sum), month: key.split('#')[2]! })),
  };
}

// ---------------------------------------------------------------------------------------------
// Demand

export interface DemandReport {
  period: string;
  districtCode: string;
  list: { importedAt: string; importedBy: string; rows: number } | null;
  rows: {
    occupationCode: string;
    occupationName: string;
    shortage: boolean;
    demandRatio: number | null;
    rank: number | null;
    inTraining: number;
    cohorts: number;
  }[];
}

/**
 * Apprentices in training beside the demand list of a period, one row per digital occupation of
 * the catalogue. A district reads its own list; the whole city (no `districtCode`) has no list of
 * its own in this release, so its rows show training only.
 */
export async function demandReport(
  deps: WatchDeps,
  principal: Principal,
  period: string,
  asked?: string,
): Promise<DemandReport> {
  const scope = await reportDistricts(deps, principal, asked);
  const training = await rowsOf(deps, scope.districts.map(cellKeys.training));
  const list =
    scope.districts.length === 1 ? await deps.readModels.demandList(scope.districts[0]!, period) : undefined;
  const inTraining = new Map<string, Record<string, number>>();
  for (const row of training) {
    const code = row.sk.slice('OCC#'.length);
    inTraining.set(code, sumInto(inTraining.get(code) ?? {}, row.fields));
  }
  const demand = new Map((list?.rows ?? []).map((row) => [row.occupationCode, row]));
  return {
    period,
    districtCode: scope.districtCode,
    list: list ? { importedAt: list.importedAt, importedBy: list.importedBy, rows: list.rows.length } : null,
    rows: (await occupations(deps))
      .filter((occupation) => occupation.digital)
      .sort((a, b) => (a.code < b.code ? -1 : 1))
      .map((occupation) => ({
        occupationCode: occupation.code,
        occupationName: occupation.name,
        shortage: occupation.shortage,
        demandRatio: demand.get(occupation.code)?.demandRatio ?? null,
        rank: demand.get(occupation.code)?.rank ?? null,
        inTraining: inTraining.get(occupation.code)?.inTraining ?? 0,
        cohorts: inTraining.get(occupation.code)?.cohorts ?? 0,
      })),
  };
}

/** `PUT /demand-lists/{period}`: the district's list for the period, replaced whole; every row checked. */
export async function putDemandList(
  deps: WatchDeps,
  principal: Principal,
  period: string,
  rows: {
    occupationCode: string;
    demandRatio?: number | null | undefined;
    rank?: number | null | undefined;
  }[],
): Promise<{ status: number; body: { period: string; districtCode: string; rows: number } }> {
  if (orgKindOf(principal.role) !== 'bureau') throw new Forbidden(says('reports.bureau_only'));
  const known = new Set((await occupations(deps)).map((occupation) => occupation.code));
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    if (!known.has(row.occupationCode))
      errors.push(
        fieldError(
          `rows.${index}.occupationCode`,
          says('demand.occupation_unknown', { code: row.occupationCode }),
        ),
      );
    else if (seen.has(row.occupationCode))
      errors.push(fieldError(`rows.${index}.occupationCode`, says('demand.duplicate_occupation')));
    seen.add(row.occupationCode);
    if ((row.demandRatio ?? null) === null && (row.rank ?? null) === null)
      errors.push(fieldError(`rows.${index}.demandRatio`, says('demand.value_missing')));
  });
  if (errors.length > 0) throw new ValidationFailed(errors.slice(0, 200));
  const list: DemandList = {
    districtCode: principal.orgId,
    period,
    rows: rows.map((row) => ({
      occupationCode: row.occupationCode,
      demandRatio: row.demandRatio ?? null,
      rank: row.rank ?? null,
    })),
    importedAt: deps.clock.now().toISOString(),
    importedBy: principal.username,
  };
  const outcome = await deps.readModels.putDemandList(
    list,
    { action: 'demand_list.imported', actor: actorOf(principal), details: { period, rows: rows.length } },
    deps.clock.now(),
  );
  if (outcome === 'changed_meanwhile') throw new Conflict(says('demand.changed_meanwhile'));
  return { status: 200, body: { period, districtCode: principal.orgId, rows: rows.length } };
}
