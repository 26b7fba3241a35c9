/** A report as a CSV download (the body is already UTF-8 with BOM). */
export function csvReply(body: string, fileName: string) {
  return {
    status: 200,
    raw: body,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName}"`,
    },
  };
}
