import { readModelDeps } from '../../shared/adapters/deps/read-models.ts';
import { demandReport } from '../../shared/domain/use-cases/watch-reports.ts';
import { demandCsv } from '../../shared/domain/use-cases/watch-reports-csv.ts';
import { csvReply } from '../../shared/http/csv-reply.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { DemandQuery } from '../../shared/schemas/reports.ts';

/** `GET /reports/demand`: apprentices in training beside the period's demand list, per digital occupation. */
export const handler = httpHandler(
  { roles: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin', 'city.admin'], query: DemandQuery },
  async (request) => {
    const report = await demandReport(
      readModelDeps(),
      request.principal,
      request.query.period,
      request.query.districtCode,
    );
    return request.query.format === 'json'
      ? report
      : csvReply(demandCsv(report), `demand-${report.districtCode}-${report.period}.csv`);
  },
);
