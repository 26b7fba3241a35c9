import { zodSays } from '../domain/error-codes.ts';
import { list, typeMessage, Uscc } from './primitives.ts';
import * as z from './zod.ts';

/** Queries and bodies of the reports of "what the bureau watches" (issue 15). */
const year = z.coerce.number().check(z.int(), z.gte(2000), z.lte(2100));
const format = z._default(z.enum(['json', 'csv']), 'json');
const districtCode = z.optional(z.string().check(z.regex(/^\d{6}$/, zodSays('district.code_shape'))));
const occupationCode = z.string().check(z.regex(/^\d-\d{2}-\d{2}-\d{2}$/, zodSays('occupation.code_shape')));
const period = z
  .string()
  .check(z.regex(/^20\d{2}-(Q[1-4]|0[1-9]|1[0-2])$/, zodSays('demand.period_invalid')));

export const WatchReportQuery = z.strictObject({ year, format, districtCode });

export const PipelineQuery = z.strictObject({
  year,
  format,
  districtCode,
  occupationCode: z.optional(occupationCode),
  schoolId: z.optional(Uscc),
});

export const DemandQuery = z.strictObject({ period, format, districtCode });
export const DemandPath = z.strictObject({ period });

const ratio = z.nullable(
  z.optional(
    z.number({ error: typeMessage('field.not_number') }).check(
      z.gt(0, zodSays('demand.ratio_invalid')),
      z.lte(100, zodSays('demand.ratio_invalid')),
      z.refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-9, {
        message: zodSays('demand.ratio_invalid'),
      }),
    ),
  ),
);
const rank = z.nullable(
  z.optional(
    z
      .number({ error: typeMessage('field.not_integer') })
      .check(
        z.int(zodSays('demand.rank_invalid')),
        z.gte(1, zodSays('demand.rank_invalid')),
        z.lte(10_000, zodSays('demand.rank_invalid')),
      ),
  ),
);

export const DemandRow = z.strictObject(
  { occupationCode, demandRatio: ratio, rank },
  { error: typeMessage('field.not_object') },
);

/** `PUT /demand-lists/{period}` as JSON, or the CSV below turned into it. */
export const DemandListBody = z.strictObject({ rows: list(DemandRow, 2000, 1) });
export type DemandListBody = z.output<typeof DemandListBody>;

export const DEMAND_COLUMNS = ['occupationCode', 'demandRatio', 'rank'] as const;

/** The list as `text/csv`: a header naming `occupationCode` and `demandRatio` and/or `rank`, a row a line. */
export function parseDemandCsv(text: string): unknown {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((cell) => cell.trim());
  const at = (cells: string[], column: string) => (cells[header.indexOf(column)] ?? '').trim();
  const number = (value: string) =>
    value === '' ? null : Number.isFinite(Number(value)) ? Number(value) : value;
  return {
    rows: lines.map((line) => {
      const cells = line.split(',');
      return {
        occupationCode: at(cells, 'occupationCode'),
        demandRatio: header.includes('demandRatio') ? number(at(cells, 'demandRatio')) : null,
        rank: header.includes('rank') ? number(at(cells, 'rank')) : null,
      };
    }),
  };
}

/** What the projector receives: EventBridge `case.changed`, naming the case's partition (keys only). */
export const CaseChangedEvent = z.object({
  detail: z.object({
    pk: z.string().check(z.regex(/^(COHORT|CLAIM)#[0-9A-HJKMNP-TV-Z]{26}$/)),
    sk: z.optional(z.string()),
  }),
});
