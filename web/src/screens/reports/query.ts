/**
 * The dashboard's view and filters live in the address (`/app/budget?view=pipeline&year=2027&
 * occupation=4-04-05-05&school=…`), so a link or a reload opens the same figures. No Preact here,
 * so the tests read it in Node (the hook that changes the address is `useReportQuery`, parts.tsx).
 */

export const REPORT_VIEWS = ['overview', 'liability', 'pipeline', 'stageTimes', 'demand'] as const;
export type ReportView = (typeof REPORT_VIEWS)[number];

/** The filters a view may carry in the address; an empty value is no filter. */
export interface ReportQuery {
  view: ReportView;
  year?: number | undefined;
  /** The municipal bureau's choice of district; none is the whole city. */
  district?: string | undefined;
  occupation?: string | undefined;
  school?: string | undefined;
  /** The demand list's period: `2027-Q1` or `2027-03`. */
  period?: string | undefined;
}

const PERIOD = /^\d{4}-(Q[1-4]|0[1-9]|1[0-2])$/;

export function parseReportQuery(search: string): ReportQuery {
  const params = new URLSearchParams(search);
  const view = params.get('view') ?? '';
  const year = Number(params.get('year'));
  const period = params.get('period') ?? '';
  const text = (name: string) => params.get(name)?.trim() || undefined;
  return {
    view: (REPORT_VIEWS as readonly string[]).includes(view) ? (view as ReportView) : 'overview',
    year: Number.isInteger(year) && year >= 2000 && year <= 2100 ? year : undefined,
    district: text('district'),
    occupation: text('occupation'),
    school: text('school'),
    period: PERIOD.test(period) ? period : undefined,
  };
}

export function reportSearch(query: ReportQuery): string {
  const params = new URLSearchParams();
  if (query.view !== 'overview') params.set('view', query.view);
  if (query.year !== undefined) params.set('year', String(query.year));
  for (const name of ['district', 'occupation', 'school', 'period'] as const) {
    const value = query[name];
    if (value) params.set(name, value);
  }
  const search = params.toString();
  return search ? `?${search}` : '';
}

/** The address of the dashboard showing `query`. */
export function reportHref(query: ReportQuery): string {
  return `/app/budget${reportSearch(query)}`;
}

/** The API's query string for a report: only the parameters that have a value. */
export function apiQuery(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(name, String(value));
  return search.toString();
}

/**
 * The demand view's period in `year`: the one in the address when it is of that year, else the
 * same quarter or month of `year` (the year was changed), else the quarter `now` is in.
 */
export function periodOf(year: number, period: string | undefined, now: Date): string {
  if (period?.startsWith(`${year}-`)) return period;
  if (period) return `${year}${period.slice(4)}`;
  const month = new Date(now.getTime() + 8 * 3600_000).getUTCMonth();
  return `${year}-Q${Math.floor(month / 3) + 1}`;
}

/** The periods a demand list may be imported for in `year`: its four quarters, then its twelve months. */
export function periodsOf(year: number): string[] {
  return [
    ...[1, 2, 3, 4].map((quarter) => `${year}-Q${quarter}`),
    ...Array.from({ length: 12 }, (_, index) => `${year}-${String(index + 1).padStart(2, '0')}`),
  ];
}
