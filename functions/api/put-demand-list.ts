import { readModelDeps } from '../../shared/adapters/deps/read-models.ts';
import { putDemandList } from '../../shared/domain/use-cases/watch-reports.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { DemandListBody, DemandPath, parseDemandCsv } from '../../shared/schemas/reports.ts';

/** `PUT /demand-lists/{period}` (bureau.admin): the district's demand list of a period, replaced whole. */
export const handler = httpHandler(
  { roles: ['bureau.admin'], params: DemandPath, body: DemandListBody, csv: parseDemandCsv },
  (request) => putDemandList(readModelDeps(), request.principal, request.params.period, request.body.rows),
);
