import type { ClaimStore, PaymentRecord } from '../claim-ports.ts';
import { says } from '../error-codes.ts';
import { Forbidden, fieldError, ValidationFailed } from '../errors.ts';
import type { ReferenceData } from '../ports.ts';
import { districtInCity, orgKindOf, type Principal } from '../principal.ts';
import { spreadsheetCsv, yuan } from '../spreadsheet-csv.ts';

/**
 * `GET /reports/subsidies`: what a bureau paid in a year (by the China date of payment), with
 * totals by occupation, target level, enterprise and school. Amounts are integer fen; the CSV
 * shows yuan with two decimals. A district bureau reports its own district; the municipal bureau
 * one district of its city (`districtCode`) or the whole city, with totals by district.
 */
export interface SubsidyReport {
  year: number;
  /** The district reported, or the city's code for the whole city. */
  districtCode: string;
  totals: Totals;
  /** The whole city only: one row per district of the register (a district with no payment shows zeros). */
  byDistrict?: (Totals & { districtCode: string })[];
  byOccupation: (Totals & { occupationCode: string })[];
  byLevel: (Totals & { targetLevel: number })[];
  byEnterprise: (Totals & { enterpriseId: string })[];
  bySchool: (Totals & { schoolId: string })[];
}

interface Totals {
  claims: number;
  paidFen: number;
  recoveryFen: number;
}

const MAX_PAGES = 200;

export async function subsidyReport(
  deps: { claims: ClaimStore; reference: Pick<ReferenceData, 'districtsOf'> },
  principal: Principal,
  year: number,
  asked?: string,
): Promise<SubsidyReport> {
  const kind = orgKindOf(principal.role);
  // The municipal bureau's own code names the whole city.
  const districtCode = kind === 'city' && asked === principal.orgId ? undefined : asked;
  if (kind !== 'bureau' && kind !== 'city') throw new Forbidden(says('reports.bureau_only'));
  // A district reports itself; the municipal bureau itself or any district of its city.
  const mine = (code: string) =>
    code === principal.orgId || (kind === 'city' && districtInCity(principal.orgId, code));
  if (districtCode !== undefined && !mine(districtCode))
    throw new ValidationFailed([fieldError('query.districtCode', says('reports.district_not_yours'))]);
  const districts =
    kind === 'city' && districtCode === undefined
      ? await deps.reference.districtsOf(principal.orgId)
      : [districtCode ?? principal.orgId];
  const paid: PaymentRecord[] = [];
  for (const district of districts) {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await deps.claims.payments(district, year, { limit: 1000, cursor });
      paid.push(...result.items);
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
  }
  const group = <K extends string>(key: (claim: PaymentRecord) => string, name: K) => {
    const totals = new Map<string, Totals>();
    for (const claim of paid) {
      const entry = totals.get(key(claim)) ?? { claims: 0, paidFen: 0, recoveryFen: 0 };
      entry.claims += 1;
      entry.paidFen += claim.amountFen;
      entry.recoveryFen += claim.recoveryFen;
      totals.set(key(claim), entry);
    }
    return [...totals.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([value, entry]) => ({ [name]: value, ...entry }) as Totals & Record<K, string>);
  };
  const wholeCity = kind === 'city' && districtCode === undefined;
  const byDistrict = group((claim) => claim.districtCode, 'districtCode');
  return {
    year,
    districtCode: districtCode ?? principal.orgId,
    totals: paid.reduce(
      (sum, claim) => ({
        claims: sum.claims + 1,
        paidFen: sum.paidFen + claim.amountFen,
        recoveryFen: sum.recoveryFen + claim.recoveryFen,
      }),
      {
        claims: 0,
        paidFen: 0,
        recoveryFen: 0,
      },
    ),
    ...(wholeCity
      ? {
          byDistrict: districts.map(
            (code) =>
              byDistrict.find((row) => row.districtCode === code) ?? {
                districtCode: code,
                claims: 0,
                paidFen: 0,
                recoveryFen: 0,
              },
          ),
        }
      : {}),
    byOccupation: group((claim) => claim.occupationCode, 'occupationCode'),
    byLevel: group((claim) => String(claim.targetLevel), 'targetLevel').map((row) => ({
      ...row,
      targetLevel: Number(row.targetLevel),
    })),
    byEnterprise: group((claim) => claim.enterpriseId, 'enterpriseId'),
    bySchool: group((claim) => claim.schoolId, 'schoolId'),
  };
}

/** The report as CSV a spreadsheet opens correctly: UTF-8 with BOM, CRLF, amounts in yuan with two decimals. */
export function reportCsv(report: SubsidyReport): string {
  const rows: string[][] = [
    ['维度 dimension', '代码 key', '笔数 claims', '拨付金额(元) paid (yuan)', '应追回(元) recovery (yuan)'],
  ];
  const add = (dimension: string, key: string, totals: Totals) =>
    rows.push([dimension, key, String(totals.claims), yuan(totals.paidFen), yuan(totals.recoveryFen)]);
  add('合计 total', `${report.districtCode} ${report.year}`, report.totals);
  for (const row of report.byDistrict ?? []) add('区 district', row.districtCode, row);
  for (const row of report.byOccupation) add('职业 occupation', row.occupationCode, row);
  for (const row of report.byLevel) add('等级 level', String(row.targetLevel), row);
  for (const row of report.byEnterprise) add('企业 enterprise', row.enterpriseId, row);
  for (const row of report.bySchool) add('院校 school', row.schoolId, row);
  return spreadsheetCsv(rows);
}
