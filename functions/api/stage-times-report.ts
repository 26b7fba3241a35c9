import { readModelDeps } from '../../shared/adapters/deps/read-models.ts';
import { stageTimesReport } from '../../shared/domain/use-cases/watch-reports.ts';
import { stageTimesCsv } from '../../shared/domain/use-cases/watch-reports-csv.ts';
import { csvReply } from '../../shared/http/csv-reply.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { WatchReportQuery } from '../../shared/schemas/reports.ts';

/** `GET /reports/stage-times`: days cases spent in each stage (median, 90th percentile) and overdue marks. */
export const handler = httpHandler(
  { roles: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin', 'city.admin'], query: WatchReportQuery },
  async (request) => {
    const report = await stageTimesReport(
      readModelDeps(),
      request.principal,
      request.query.year,
      request.query.districtCode,
    );
    return request.query.format === 'json'
      ? report
      : csvReply(stageTimesCsv(report), `stage-times-${report.districtCode}-${report.year}.csv`);
  },
);
