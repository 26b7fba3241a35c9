import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { objectStorage } from '../../shared/adapters/deps/documents.ts';
import { getDocument } from '../../shared/domain/use-cases/documents.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { DocumentPath } from '../../shared/schemas/document.ts';

export const handler = httpHandler({ params: DocumentPath }, (request) =>
  getDocument({ ...baseDeps(), objects: objectStorage() }, request.principal, request.params.documentId),
);
