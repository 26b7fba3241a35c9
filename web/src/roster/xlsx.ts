/**
 * Just enough of Office Open XML spreadsheets for a roster: read the first sheet of an `.xlsx`
 * into rows of text, and write the template (a header row, every column formatted as text so
 * Excel keeps 18-digit ID numbers as typed). fflate does the zip; the XML is machine-written, so
 * a few regular expressions read it — no DOM needed, so this also runs in Node for the tests.
 * Loaded on demand (its own chunk): only people who upload or download Excel files pay for it.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';

export class NotASpreadsheet extends Error {
  override name = 'NotASpreadsheet';
}

function unescapeXml(text: string): string {
  return text
    .replace(/_x([0-9A-Fa-f]{4})_/g, (_whole, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/&(#x[0-9A-Fa-f]+|#\d+|lt|gt|amp|quot|apos);/g, (_whole, entity: string) => {
      if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
      if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
      return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[entity] ?? '';
    });
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"]/g,
    (character) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[character]!,
  );
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? unescapeXml(match[1]!) : undefined;
}

/** The text of every `<t>` inside, phonetic runs (`<rPh>`) left out. */
function textOf(xml: string): string {
  const withoutPhonetics = xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '');
  let text = '';
  for (const match of withoutPhonetics.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g))
    text += unescapeXml(match[1]!);
  return text;
}

/** `BC12` → column 54 (0-based 54 = BC). */
function columnIndex(reference: string): number {
  const letters = /^[A-Z]+/.exec(reference)?.[0] ?? 'A';
  let index = 0;
  for (const letter of letters) index = index * 26 + (letter.charCodeAt(0) - 64);
  return index - 1;
}

const BUILTIN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58,
]);

/** Which cell styles (`s` index) show a number as a date. */
function dateStyles(stylesXml: string | undefined): Set<number> {
  const styles = new Set<number>();
  if (!stylesXml) return styles;
  const customDate = new Set<number>();
  for (const match of stylesXml.matchAll(/<numFmt\b[^>]*>/g)) {
    const id = Number(attribute(match[0], 'numFmtId'));
    const code = (attribute(match[0], 'formatCode') ?? '').replace(/"[^"]*"|\[[^\]]*\]/g, '');
    if (/[ymd]/i.test(code)) customDate.add(id);
  }
  const cellXfs = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(stylesXml)?.[1] ?? '';
  let index = 0;
  for (const match of cellXfs.matchAll(/<xf\b[^>]*>/g)) {
    const id = Number(attribute(match[0], 'numFmtId') ?? 0);
    if (BUILTIN_DATE_FORMATS.has(id) || customDate.has(id)) styles.add(index);
    index++;
  }
  return styles;
}

function serialToIsoDate(serial: number, date1904: boolean): string {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  return new Date(epoch + Math.floor(serial) * 86_400_000).toISOString().slice(0, 10);
}

function resolveTarget(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  return `xl/${target.replace(/^\.\//, '')}`;
}

/** The first worksheet as rows of text; dates as `YYYY-MM-DD`, numbers as Excel stored them. */
export function readXlsx(bytes: Uint8Array): string[][] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    throw new NotASpreadsheet(
      `not an .xlsx file (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const read = (path: string) => (files[path] ? strFromU8(files[path]) : undefined);
  const workbook = read('xl/workbook.xml');
  if (!workbook) throw new NotASpreadsheet('not an .xlsx file (no workbook)');
  const date1904 = /<workbookPr\b[^>]*\bdate1904="(1|true)"/.test(workbook);
  const firstSheet = /<sheet\b[^>]*>/.exec(workbook)?.[0];
  const relationId = firstSheet ? (attribute(firstSheet, 'r:id') ?? attribute(firstSheet, 'id')) : undefined;
  const relations = read('xl/_rels/workbook.xml.rels') ?? '';
  let sheetPath = 'xl/worksheets/sheet1.xml';
  for (const match of relations.matchAll(/<Relationship\b[^>]*>/g)) {
    if (attribute(match[0], 'Id') === relationId)
      sheetPath = resolveTarget(attribute(match[0], 'Target') ?? '');
  }
  const sheet = read(sheetPath);
  if (!sheet) throw new NotASpreadsheet('the workbook has no worksheet');

  const sharedXml = read('xl/sharedStrings.xml') ?? '';
  const shared = [...sharedXml.matchAll(/<si>([\s\S]*?)<\/si>|<si\/>/g)].map((match) =>
    textOf(match[1] ?? ''),
  );
  const dates = dateStyles(read('xl/styles.xml'));

  const rows: string[][] = [];
  let nextRow = 0;
  for (const rowMatch of sheet.matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const rowNumber = Number(attribute(`<row${rowMatch[1]}>`, 'r') ?? nextRow + 1) - 1;
    nextRow = rowNumber + 1;
    const cells: string[] = [];
    let nextColumn = 0;
    for (const cellMatch of (rowMatch[2] ?? '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const tag = `<c${cellMatch[1]}>`;
      const reference = attribute(tag, 'r');
      const column = reference ? columnIndex(reference) : nextColumn;
      nextColumn = column + 1;
      const body = cellMatch[2] ?? '';
      const type = attribute(tag, 't') ?? 'n';
      const raw = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
      let value = '';
      if (type === 's') value = shared[Number(raw)] ?? '';
      else if (type === 'inlineStr') value = textOf(/<is>([\s\S]*?)<\/is>/.exec(body)?.[1] ?? '');
      else if (type === 'b') value = raw === '1' ? 'TRUE' : 'FALSE';
      else if (raw !== undefined) {
        value = unescapeXml(raw);
        const style = Number(attribute(tag, 's') ?? 0);
        if (type === 'n' && dates.has(style) && value !== '' && Number.isFinite(Number(value))) {
          value = serialToIsoDate(Number(value), date1904);
        }
      }
      while (cells.length < column) cells.push('');
      cells[column] = value;
    }
    while (rows.length < rowNumber) rows.push([]);
    rows[rowNumber] = cells;
  }
  return rows;
}

function columnName(index: number): string {
  let name = '';
  for (let value = index + 1; value > 0; value = Math.floor((value - 1) / 26)) {
    name = String.fromCharCode(65 + ((value - 1) % 26)) + name;
  }
  return name;
}

/**
 * A one-sheet workbook: `header` in bold, then `rows`; every column styled as text (`@`), so Excel
 * keeps what is typed; a drop-down on the hire-type column when one is given.
 */
export function writeXlsx(options: {
  sheetName: string;
  header: string[];
  rows?: string[][];
  listColumn?: { index: number; values: string[] };
}): Uint8Array {
  const all = [options.header, ...(options.rows ?? [])];
  const lastColumn = columnName(options.header.length - 1);
  const sheetRows = all
    .map((cells, rowIndex) => {
      const style = rowIndex === 0 ? 2 : 1;
      const xmlCells = cells
        .map(
          (cell, column) =>
            `<c r="${columnName(column)}${rowIndex + 1}" t="inlineStr" s="${style}"><is><t xml:space="preserve">${escapeXml(cell)}</t></is></c>`,
        )
        .join('');
      return `<row r="${rowIndex + 1}">${xmlCells}</row>`;
    })
    .join('');
  const validation = options.listColumn
    ? `<dataValidations count="1"><dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="${columnName(options.listColumn.index)}2:${columnName(options.listColumn.index)}1001"><formula1>"${escapeXml(options.listColumn.values.join(','))}"</formula1></dataValidation></dataValidations>`
    : '';
  const worksheet =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
    `<dimension ref="A1:${lastColumn}${all.length}"/>` +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    `<cols><col min="1" max="${options.header.length}" width="22" style="1" customWidth="1"/></cols>` +
    `<sheetData>${sheetRows}</sheetData>${validation}</worksheet>`;
  const files = {
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${escapeXml(options.sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
    'xl/styles.xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/></cellXfs></styleSheet>',
    'xl/worksheets/sheet1.xml': worksheet,
  };
  return zipSync(Object.fromEntries(Object.entries(files).map(([path, xml]) => [path, strToU8(xml)])), {
    level: 6,
  });
}
