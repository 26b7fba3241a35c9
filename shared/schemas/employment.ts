import { zodSays } from '../domain/error-codes.ts';
import { ResidentIdNumber } from './cohort.ts';
import { Flag, IsoDate, list, text, typeMessage, Uscc } from './primitives.ts';
import * as z from './zod.ts';

/** The columns of a contribution file (社保缴费记录), in this order in the CSV header. */
export const CONTRIBUTION_COLUMNS = ['idNumber', 'enterpriseId', 'districtCode', 'month', 'insured'] as const;

/** At most this many rows in one file (a district's month; 50,000 rows of CSV are about 2.8 MB). */
export const MAX_CONTRIBUTION_ROWS = 100_000;

/** One row: a person insured (or not) by an enterprise in a district in a month. */
export const ContributionRow = z.strictObject(
  {
    idNumber: ResidentIdNumber,
    enterpriseId: Uscc,
    districtCode: z
      .string({ error: typeMessage('field.not_text') })
      .check(z.trim(), z.regex(/^[1-8]\d{3}(?!00)\d{2}$/, zodSays('district.code_shape'))),
    month: z
      .string({ error: typeMessage('field.not_text') })
      .check(z.trim(), z.regex(/^20\d{2}-(0[1-9]|1[0-2])$/, zodSays('month.shape'))),
    insured: Flag,
  },
  { error: typeMessage('field.not_object') },
);
export type ContributionRow = z.output<typeof ContributionRow>;

/**
 * `POST /employment-records/imports` as JSON: `{"rows":[…]}`. Each row is validated by the use
 * case (`ContributionRow`), so a file with many bad rows answers its first errors, not megabytes.
 */
export const ContributionImportBody = z.strictObject({
  rows: list(z.unknown(), MAX_CONTRIBUTION_ROWS, 1),
  /** The file's name as the administrator chose it (kept with the stored file). */
  fileName: z.optional(text(200)),
});
export type ContributionImportBody = z.output<typeof ContributionImportBody>;

const INSURED: Record<string, boolean> = {
  true: true,
  '1': true,
  yes: true,
  y: true,
  是: true,
  false: false,
  '0': false,
  no: false,
  n: false,
  否: false,
};

/**
 * The file as `text/csv`: a header naming the columns (any order), then one row a line. Read line
 * by line into the rows the JSON body carries (no table of cells in between), so 50,000 rows are
 * one pass; a quoted field is read as RFC 4180 says. `insured` is 1/0, true/false, yes/no or 是/否.
 */
export function parseContributionCsv(text: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  let start = 0;
  let header: string[] | undefined;
  const rows: unknown[] = [];
  while (start < body.length) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    const line = body.slice(start, body[end - 1] === '\r' ? end - 1 : end);
    start = end + 1;
    if (line.trim() === '') continue;
    const cells = line.includes('"') ? quotedCells(line) : line.split(',');
    if (!header) {
      header = cells.map((cell) => cell.trim());
      const missing = CONTRIBUTION_COLUMNS.filter((column) => !header!.includes(column));
      if (missing.length > 0) return { rows: [{ __missingColumns: missing.join(', ') }] };
      continue;
    }
    const cell = (column: (typeof CONTRIBUTION_COLUMNS)[number]) =>
      (cells[header!.indexOf(column)] ?? '').trim();
    const insured = cell('insured');
    rows.push({
      idNumber: cell('idNumber'),
      enterpriseId: cell('enterpriseId'),
      districtCode: cell('districtCode'),
      month: cell('month'),
      insured: INSURED[insured.toLowerCase()] ?? insured,
    });
  }
  return { rows };
}

function quotedCells(line: string): string[] {
  const cells: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(field);
      field = '';
    } else field += char;
  }
  cells.push(field);
  return cells;
}

/** `POST /overrides`. */
export const OverrideBody = z.strictObject({
  caseId: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, zodSays('id.not_issued'))),
  apprenticeIds: list(
    z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, zodSays('id.not_issued'))),
    200,
    1,
  ),
  check: z.literal('employment'),
  reason: text(1000),
  caseReference: text(100),
  expiresOn: IsoDate,
});
export type OverrideBody = z.output<typeof OverrideBody>;

export const OverridePath = z.strictObject({
  overrideId: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, zodSays('id.not_issued'))),
});

export const OverrideListQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
  caseId: z.optional(z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, zodSays('id.not_issued')))),
  status: z.optional(z.enum(['PENDING', 'ACTIVE', 'EXPIRED'])),
});
