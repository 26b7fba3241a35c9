import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { objectStorage } from '../../shared/adapters/deps/documents.ts';
import { says } from '../../shared/domain/error-codes.ts';
import { CASE_ROLES } from '../../shared/domain/principal.ts';
import { getDocument } from '../../shared/domain/use-cases/documents.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { DocumentPath } from '../../shared/schemas/document.ts';

// Evidence carries full ID numbers (certificates, sign-in sheets): the parties of the case read it,
// the municipal bureau does not (domain.md gives full identities to the district's reviewer only).
export const handler = httpHandler(
  { roles: CASE_ROLES, refused: says('auth.city_reads_only'), params: DocumentPath },
  (request) =>
    getDocument({ ...baseDeps(), objects: objectStorage() }, request.principal, request.params.documentId),
);
