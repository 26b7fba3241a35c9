/**
 * The roster as people keep it: a table with a header row, one apprentice a row, columns named in
 * Chinese (the template) or by the API's own keys (`ROSTER_COLUMNS`, what `text/csv` takes).
 * Rows stay text while people edit them; `toApprenticeInput` turns a row into the JSON the API and
 * the shared zod schema read, and `cellOfPath` finds the cell an API error path points at.
 */
import { parseCsv, ROSTER_COLUMNS } from '../../../shared/schemas/roster-csv.ts';

export type RosterField = (typeof ROSTER_COLUMNS)[number];
export const ROSTER_FIELDS: readonly RosterField[] = ROSTER_COLUMNS;

export type RosterRow = Record<RosterField, string> & { key: string };

/** Header names accepted for each column (compared without spaces, `*` and case). */
const HEADER_NAMES: Record<RosterField, string[]> = {
  name: ['name', '姓名', '学徒姓名'],
  idNumber: ['idNumber', '身份证号码', '身份证号', '居民身份证号码'],
  phone: ['phone', '手机号码', '手机号', '联系电话', '手机'],
  hireType: ['hireType', '招用类型', '招用方式'],
  contractStartDate: ['contractStartDate', '劳动合同开始日期', '合同开始日期'],
  contractEndDate: ['contractEndDate', '劳动合同结束日期', '合同结束日期'],
  enterpriseMentorKey: ['enterpriseMentorKey', '企业导师编号', '企业导师'],
};

/** The template's header row in each language. */
export const TEMPLATE_HEADERS: Record<'zh-CN' | 'en', string[]> = {
  'zh-CN': [
    '姓名',
    '身份证号码',
    '手机号码',
    '招用类型',
    '劳动合同开始日期',
    '劳动合同结束日期',
    '企业导师编号',
  ],
  en: [...ROSTER_COLUMNS],
};

const normaliseHeader = (text: string) => text.replace(/[\s*＊:：]/g, '').toLowerCase();

const HIRE_TYPES: Record<string, string> = {
  新招用: 'new_hire',
  新招: 'new_hire',
  新招聘: 'new_hire',
  new_hire: 'new_hire',
  转岗: 'transfer',
  transfer: 'transfer',
};

const OPEN_ENDED = new Set(['无固定期限', '无', 'open-ended', 'openended', 'none']);

let nextKey = 0;
export function newRowKey(): string {
  nextKey += 1;
  return `r${nextKey}`;
}

export function emptyRow(mentorKey = ''): RosterRow {
  return {
    key: newRowKey(),
    name: '',
    idNumber: '',
    phone: '',
    hireType: 'new_hire',
    contractStartDate: '',
    contractEndDate: '',
    enterpriseMentorKey: mentorKey,
  };
}

/** `138 0013 8000`, `138-0013-8000` → `13800138000`: spaces and dashes (half or full width) go. */
export function normalisePhone(value: string): string {
  return value.replace(/[\s\-－—‐]/g, '');
}

/** `2027/3/1`, `2027.3.1`, `2027年3月1日` → `2027-03-01`; anything else unchanged (the schema judges it). */
export function normaliseDate(value: string): string {
  const text = value.trim();
  const match = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text);
  if (!match) return text;
  return `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
}

function normaliseCell(field: RosterField, value: string): string {
  const text = value.trim();
  switch (field) {
    case 'hireType':
      return HIRE_TYPES[text] ?? HIRE_TYPES[text.toLowerCase()] ?? text;
    case 'contractStartDate':
      return normaliseDate(text);
    case 'contractEndDate':
      return OPEN_ENDED.has(text.toLowerCase()) ? '' : normaliseDate(text);
    case 'idNumber':
      return text.toUpperCase();
    case 'phone':
      return normalisePhone(text);
    default:
      return text;
  }
}

export interface TableImport {
  rows: RosterRow[];
  /** Columns the header lacks (nothing is imported then). */
  missing: RosterField[];
}

/** Rows of a table whose first non-empty row is the header; blank rows are skipped. */
export function rowsFromTable(table: readonly (readonly string[])[]): TableImport {
  const nonEmpty = table.filter((row) => row.some((cell) => cell.trim() !== ''));
  const header = nonEmpty[0];
  if (!header) return { rows: [], missing: [] };
  const names = header.map(normaliseHeader);
  const columnOf = {} as Record<RosterField, number>;
  const missing: RosterField[] = [];
  for (const field of ROSTER_FIELDS) {
    const aliases = new Set(HEADER_NAMES[field].map(normaliseHeader));
    const index = names.findIndex((name) => aliases.has(name));
    if (index === -1) missing.push(field);
    columnOf[field] = index;
  }
  if (missing.length > 0) return { rows: [], missing };
  const rows = nonEmpty.slice(1).map((cells) => {
    const row = { key: newRowKey() } as RosterRow;
    for (const field of ROSTER_FIELDS) row[field] = normaliseCell(field, cells[columnOf[field]] ?? '');
    return row;
  });
  return { rows, missing: [] };
}

/** CSV bytes as Excel on a Chinese Windows writes them (GB18030) or as UTF-8 (with or without BOM). */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

export function rowsFromCsv(text: string): TableImport {
  return rowsFromTable(parseCsv(text.replace(/^\uFEFF/, '')));
}

/** The row as the API takes it (`POST /cohorts` `apprentices[]`, `POST …/apprentices`). */
export function toApprenticeInput(row: RosterRow) {
  // An empty cell is left out, so the schema answers "is required" for it.
  const filled = (text: string) => (text.trim() === '' ? undefined : text.trim());
  return {
    name: filled(row.name),
    // As typed into the grid too: the x of an ID number upper-cased, a phone without spaces or dashes.
    idNumber: filled(row.idNumber)?.toUpperCase(),
    phone: filled(normalisePhone(row.phone)),
    hireType: filled(row.hireType),
    contract: {
      startDate: filled(row.contractStartDate),
      // No end date: an open-ended contract (无固定期限).
      endDate: filled(row.contractEndDate) ?? null,
    },
    enterpriseMentorKey: filled(row.enterpriseMentorKey),
  };
}

const PATH_FIELDS: Record<string, RosterField> = {
  name: 'name',
  idNumber: 'idNumber',
  phone: 'phone',
  hireType: 'hireType',
  'contract.startDate': 'contractStartDate',
  'contract.endDate': 'contractEndDate',
  'contract.openEnded': 'contractEndDate',
  contract: 'contractStartDate',
  enterpriseMentorKey: 'enterpriseMentorKey',
};

/**
 * The cell an error path names: `apprentices.3.contract.startDate` (or `3.idNumber` for a bare
 * list) → row 3, column contractStartDate; a path naming the row alone gives no field.
 */
export function cellOfPath(
  path: string,
  prefix = 'apprentices',
): { row: number; field: RosterField | undefined } | undefined {
  const rest = prefix ? (path.startsWith(`${prefix}.`) ? path.slice(prefix.length + 1) : undefined) : path;
  if (rest === undefined) return undefined;
  const match = /^(\d+)(?:\.(.+))?$/.exec(rest);
  if (!match) return undefined;
  const row = Number(match[1]);
  if (!match[2]) return { row, field: undefined };
  return { row, field: PATH_FIELDS[match[2]] ?? PATH_FIELDS[match[2].split('.')[0]!] };
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The downloadable CSV template: a BOM (so Excel reads it as UTF-8) and the header row. */
export function templateCsv(lang: 'zh-CN' | 'en'): string {
  return `\uFEFF${TEMPLATE_HEADERS[lang].map(csvCell).join(',')}\r\n`;
}

/** Rows back to CSV (the API's own column keys), e.g. to keep a corrected copy. */
export function rowsToCsv(rows: readonly RosterRow[]): string {
  const lines = [ROSTER_FIELDS.join(',')];
  for (const row of rows) lines.push(ROSTER_FIELDS.map((field) => csvCell(row[field])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** An ID number that went through a spreadsheet as a number (`1.10108E+17`). */
export function looksLikeNumberMangledId(value: string): boolean {
  return /^\d(\.\d+)?E\+\d+$/i.test(value.trim());
}
