import { contributionImportDeps } from '../../shared/adapters/deps/employment.ts';
import { importContributions } from '../../shared/domain/use-cases/employment-records.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { ContributionImportBody, parseContributionCsv } from '../../shared/schemas/employment.ts';

/** Lambda takes 6 MB; 50,000 rows of CSV are about 2.8 MB. */
export const CONTRIBUTION_FILE_MAX_BYTES = 5 * 1024 * 1024;

/** The district's contribution file (社保缴费记录), as `text/csv` or JSON rows: all rows or none. */
export const handler = httpHandler(
  {
    roles: ['bureau.admin'],
    body: ContributionImportBody,
    csv: parseContributionCsv,
    maxBodyBytes: CONTRIBUTION_FILE_MAX_BYTES,
  },
  (request) => {
    const type = (request.event.headers?.['content-type'] ?? request.event.headers?.['Content-Type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    return importContributions(
      contributionImportDeps(),
      request.principal,
      {
        rows: request.body.rows,
        fileName: request.body.fileName,
        raw: Buffer.from(request.rawBody, 'utf8'),
        contentType: type === 'text/csv' ? 'text/csv' : 'application/json',
      },
      request,
    );
  },
);
