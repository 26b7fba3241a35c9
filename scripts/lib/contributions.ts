import type { ApiClient, ApiResponse } from './api-client.ts';

/**
 * Contribution records (社保缴费记录) for the demo, the tests and the benchmarks: the rows of a
 * district's monthly file, as `POST /employment-records/imports` takes them in CSV.
 */
export interface ContributionLine {
  idNumber: string;
  enterpriseId: string;
  districtCode: string;
  month: string;
  insured: boolean;
}

export function contributionCsv(lines: readonly ContributionLine[]): string {
  const body = lines.map(
    (line) =>
      `${line.idNumber},${line.enterpriseId},${line.districtCode},${line.month},${line.insured ? 1 : 0}`,
  );
  return `idNumber,enterpriseId,districtCode,month,insured\n${body.join('\n')}\n`;
}

/** `2027-11` … `2028-02`, both included. */
export function monthsFromTo(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  for (;;) {
    const text = `${year}-${String(month).padStart(2, '0')}`;
    if (text > to) return months;
    months.push(text);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

/** Every person insured by the enterprise in every month from `from` to `to`, but for the gaps asked. */
export function insuredThroughout(
  people: readonly { idNumber: string }[],
  at: { enterpriseId: string; districtCode: string },
  from: string,
  to: string,
  gap: (idNumber: string, month: string) => boolean = () => false,
): ContributionLine[] {
  return people.flatMap((person) =>
    monthsFromTo(from, to)
      .filter((month) => !gap(person.idNumber, month))
      .map((month) => ({ idNumber: person.idNumber, ...at, month, insured: true })),
  );
}

/** Imports the lines as the district's bureau admin (CSV); the response as the API answered. */
export function importContributions(
  api: ApiClient,
  lines: readonly ContributionLine[],
  user = 'bureau-admin',
  idempotencyKey?: string,
): Promise<ApiResponse> {
  return api.as(user).post('/employment-records/imports', undefined, {
    raw: contributionCsv(lines),
    contentType: 'text/csv',
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
}
