/**
 * CSV a spreadsheet opens correctly (Excel and WPS as a bureau has them): UTF-8 with a BOM, CRLF
 * line ends, a cell quoted when it holds a quote, a comma or a line end, amounts in yuan with two
 * decimals. The subsidy report and the watch reports download through it.
 */

/** Fen as yuan with two decimals (`-12.05`). */
export const yuan = (fen: number): string =>
  `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;

const cell = (value: string | number | null): string => {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** The rows as one CSV text (null is an empty cell). */
export const spreadsheetCsv = (rows: readonly (readonly (string | number | null)[])[]): string =>
  `\uFEFF${rows.map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
