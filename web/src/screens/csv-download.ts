/**
 * A report's CSV (`format=csv` of the same query) saved as a file: fetched with the person's token
 * (a plain link would carry none), then handed to the browser as a download.
 */
import type { Api } from '../api.ts';

export async function downloadCsv(api: Api, path: string, filename: string): Promise<void> {
  const csv = await api.text(`${path}${path.includes('?') ? '&' : '?'}format=csv`, 'text/csv');
  // The API writes a BOM so Excel reads UTF-8; the browser's decoder drops it, so it goes back on.
  const blob = new Blob([csv.startsWith('\uFEFF') ? csv : `\uFEFF${csv}`], {
    type: 'text/csv;charset=utf-8',
  });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
