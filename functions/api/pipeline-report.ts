import { readModelDeps } from '../../shared/adapters/deps/read-models.ts';
import { pipelineReport } from '../../shared/domain/use-cases/watch-reports.ts';
import { pipelineCsv } from '../../shared/domain/use-cases/watch-reports-csv.ts';
import { csvReply } from '../../shared/http/csv-reply.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { PipelineQuery } from '../../shared/schemas/reports.ts';

/** `GET /reports/pipeline`: apprentices by occupation, level and school of the cohorts starting in a year. */
export const handler = httpHandler(
  { roles: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin', 'city.admin'], query: PipelineQuery },
  async (request) => {
    const report = await pipelineReport(readModelDeps(), request.principal, request.query);
    return request.query.format === 'json'
      ? report
      : csvReply(pipelineCsv(report), `pipeline-${report.districtCode}-${report.year}.csv`);
  },
);
