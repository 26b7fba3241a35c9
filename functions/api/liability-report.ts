import { readModelDeps } from '../../shared/adapters/deps/read-models.ts';
import { liabilityReport } from '../../shared/domain/use-cases/watch-reports.ts';
import { liabilityCsv } from '../../shared/domain/use-cases/watch-reports-csv.ts';
import { csvReply } from '../../shared/http/csv-reply.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { WatchReportQuery } from '../../shared/schemas/reports.ts';

/** `GET /reports/liability`: filed entitlement − paid − recoveries, by the month each remaining claim is expected. */
export const handler = httpHandler(
  { roles: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin', 'city.admin'], query: WatchReportQuery },
  async (request) => {
    const report = await liabilityReport(
      readModelDeps(),
      request.principal,
      request.query.year,
      request.query.districtCode,
    );
    return request.query.format === 'json'
      ? report
      : csvReply(liabilityCsv(report), `liability-${report.districtCode}-${report.year}.csv`);
  },
);
