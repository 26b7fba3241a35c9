/**
 * Mentors added in bulk from a file: a table with a header row, one mentor a row — the enterprise's
 * (姓名, 工号, 技能等级) or the school's (姓名, 教师编号), as a CSV or the first sheet of an .xlsx,
 * read like the apprentice roster (`model.ts`, `xlsx.ts`). The mentors land in the form's table for
 * review; nothing is sent until the form is saved.
 */
import { parseCsv } from '../../../shared/schemas/roster-csv.ts';

export type MentorSide = 'enterprise' | 'school';
type MentorColumn = 'name' | 'number' | 'skillLevel';

export interface ImportedMentor {
  name: string;
  /** Employee number (enterprise) or teacher number (school). */
  number: string;
  /** `1`–`5` as the form's select keeps it; the enterprise's only. */
  skillLevel?: string;
}

const HEADER_NAMES: Record<MentorSide, Record<MentorColumn, string[]>> = {
  enterprise: {
    name: ['name', '姓名', '导师姓名', '企业导师姓名'],
    number: ['employeeNo', '工号', '职工编号', '员工编号', '企业导师工号'],
    skillLevel: ['skillLevel', '技能等级', '职业技能等级', '等级'],
  },
  school: {
    name: ['name', '姓名', '导师姓名', '学校导师姓名'],
    number: ['teacherNo', '教师编号', '教工号', '工号'],
    skillLevel: [],
  },
};

/** The columns each side's file needs. */
const REQUIRED: Record<MentorSide, MentorColumn[]> = {
  enterprise: ['name', 'number', 'skillLevel'],
  school: ['name', 'number'],
};

export const MENTOR_TEMPLATE_HEADERS: Record<MentorSide, Record<'zh-CN' | 'en', string[]>> = {
  enterprise: { 'zh-CN': ['姓名', '工号', '技能等级'], en: ['name', 'employeeNo', 'skillLevel'] },
  school: { 'zh-CN': ['姓名', '教师编号'], en: ['name', 'teacherNo'] },
};

/** 国家职业资格 levels as people write them: `2`, `二级`, `技师`, `二级/技师`. */
const LEVEL_WORDS: [string, string[]][] = [
  ['1', ['一级', '高级技师']],
  ['2', ['二级', '技师']],
  ['3', ['三级', '高级工']],
  ['4', ['四级', '中级工']],
  ['5', ['五级', '初级工']],
];

export function normaliseLevel(text: string): string {
  const value = text.replace(/\s/g, '');
  if (/^[1-5]$/.test(value)) return value;
  const level = /^level([1-5])$/i.exec(value)?.[1];
  if (level) return level;
  // In level order, so 高级技师 (1) is tried before 技师 (2).
  for (const [digit, words] of LEVEL_WORDS) if (words.some((word) => value.startsWith(word))) return digit;
  return value;
}

const normaliseHeader = (text: string) => text.replace(/[\s*＊:：]/g, '').toLowerCase();

export interface MentorImport {
  mentors: ImportedMentor[];
  /** Columns the header lacks (nothing is imported then). */
  missing: MentorColumn[];
}

/** Mentors of a table whose first non-empty row is the header; blank rows and repeats are skipped. */
export function mentorsFromTable(table: readonly (readonly string[])[], side: MentorSide): MentorImport {
  const nonEmpty = table.filter((row) => row.some((cell) => cell.trim() !== ''));
  const header = (nonEmpty[0] ?? []).map(normaliseHeader);
  const columnOf = (column: MentorColumn) => {
    const aliases = new Set(HEADER_NAMES[side][column].map(normaliseHeader));
    return header.findIndex((name) => aliases.has(name));
  };
  const columns = { name: columnOf('name'), number: columnOf('number'), skillLevel: columnOf('skillLevel') };
  const missing = REQUIRED[side].filter((column) => columns[column] === -1);
  if (missing.length > 0 || nonEmpty.length === 0) return { mentors: [], missing };
  const seen = new Set<string>();
  const mentors: ImportedMentor[] = [];
  for (const cells of nonEmpty.slice(1)) {
    const number = (cells[columns.number] ?? '').trim();
    const name = (cells[columns.name] ?? '').trim();
    if ((!number && !name) || seen.has(number)) continue;
    seen.add(number);
    mentors.push(
      side === 'enterprise'
        ? { name, number, skillLevel: normaliseLevel(cells[columns.skillLevel] ?? '') || '3' }
        : { name, number },
    );
  }
  return { mentors, missing: [] };
}

export function mentorsFromCsv(text: string, side: MentorSide): MentorImport {
  return mentorsFromTable(parseCsv(text.replace(/^\uFEFF/, '')), side);
}

export function mentorTemplateCsv(side: MentorSide, lang: 'zh-CN' | 'en'): string {
  return `\uFEFF${MENTOR_TEMPLATE_HEADERS[side][lang].join(',')}\r\n`;
}

/**
 * The form's mentor rows with the imported ones added: a number already in the table is kept as
 * it is (counted as skipped), empty rows are filled first, then rows are added with the next key.
 */
export function addImportedMentors<Row extends { key: string; name: string }>(
  rows: readonly Row[],
  imported: readonly ImportedMentor[],
  options: {
    numberOf: (row: Row) => string;
    make: (key: string, mentor: ImportedMentor) => Row;
    fill: (row: Row, mentor: ImportedMentor) => Row;
    keyPrefix: string;
  },
): { rows: Row[]; added: number; skipped: number } {
  const result = [...rows];
  const numbers = new Set(result.map((row) => options.numberOf(row).trim()).filter(Boolean));
  const used = new Set(result.map((row) => row.key));
  let added = 0;
  let skipped = 0;
  for (const mentor of imported) {
    if (numbers.has(mentor.number)) {
      skipped++;
      continue;
    }
    numbers.add(mentor.number);
    added++;
    const empty = result.findIndex((row) => !row.name.trim() && !options.numberOf(row).trim());
    if (empty >= 0) {
      result[empty] = options.fill(result[empty]!, mentor);
      continue;
    }
    let n = result.length + 1;
    while (used.has(`${options.keyPrefix}${n}`)) n++;
    used.add(`${options.keyPrefix}${n}`);
    result.push(options.make(`${options.keyPrefix}${n}`, mentor));
  }
  return { rows: result, added, skipped };
}
