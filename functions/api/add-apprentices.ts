import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { personalData } from '../../shared/adapters/deps/personal-data.ts';
import { addApprentices } from '../../shared/domain/use-cases/cohort-drafts.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { AddApprenticesBody } from '../../shared/schemas/cohort.ts';
import { CohortPath } from '../../shared/schemas/http.ts';
import { parseRosterCsv } from '../../shared/schemas/roster-csv.ts';

export const handler = httpHandler(
  { roles: ['enterprise.clerk'], params: CohortPath, body: AddApprenticesBody, csv: parseRosterCsv },
  (request) =>
    addApprentices(
      { ...baseDeps(), pii: personalData() },
      request.principal,
      request.params.cohortId,
      request.body,
      request,
    ),
);
