import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { reportCsv, subsidyReport } from '../../shared/domain/use-cases/reports.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { ReportQuery } from '../../shared/schemas/claim.ts';

export const handler = httpHandler(
  { roles: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin', 'city.admin'], query: ReportQuery },
  async (request) => {
    const { year, districtCode } = request.query;
    const report = await subsidyReport(baseDeps(), request.principal, year, districtCode);
    if (request.query.format === 'json') return report;
    return {
      status: 200,
      raw: reportCsv(report),
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="subsidies-${report.districtCode}-${report.year}.csv"`,
      },
    };
  },
);
