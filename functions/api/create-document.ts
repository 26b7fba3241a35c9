import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { objectStorage } from '../../shared/adapters/deps/documents.ts';
import { requestDocumentUpload } from '../../shared/domain/use-cases/documents.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { CreateDocumentBody } from '../../shared/schemas/document.ts';
import { CohortPath } from '../../shared/schemas/http.ts';

export const handler = httpHandler(
  { roles: ['enterprise.clerk'], params: CohortPath, body: CreateDocumentBody },
  (request) =>
    requestDocumentUpload(
      { ...baseDeps(), objects: objectStorage() },
      request.principal,
      request.params.cohortId,
      request.body,
      request,
    ),
);
