/**
 * The roster as `text/csv` (what HR keeps in a spreadsheet): a header row, then one apprentice a
 * row. Turned into the same objects the JSON body carries, so one schema validates both and the
 * error paths name the same rows (`3.idNumber` is the fourth data row).
 */
export const ROSTER_COLUMNS = [
  'name',
  'idNumber',
  'phone',
  'hireType',
  'contractStartDate',
  'contractEndDate',
  'enterpriseMentorKey',
] as const;

export function parseRosterCsv(text: string): unknown {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  if (rows.length === 0) return [];
  const header = rows[0]!.map((cell) => cell.trim());
  const missing = ROSTER_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    // Let the schema report it against row 0 rather than guessing columns.
    return [{ __missingColumns: missing.join(', ') }];
  }
  return rows
    .slice(1)
    .filter((row) => row.some((cell) => cell.trim() !== ''))
    .map((row) => {
      const cell = (column: (typeof ROSTER_COLUMNS)[number]) => (row[header.indexOf(column)] ?? '').trim();
      const endDate = cell('contractEndDate');
      return {
        name: cell('name'),
        idNumber: cell('idNumber'),
        phone: cell('phone'),
        hireType: cell('hireType'),
        contract: { startDate: cell('contractStartDate'), endDate: endDate === '' ? null : endDate },
        enterpriseMentorKey: cell('enterpriseMentorKey'),
      };
    });
}

/** RFC 4180: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
