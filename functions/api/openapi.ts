import { httpHandler } from '../../shared/http/handler.ts';
import { openApiDocument } from '../../shared/http/openapi.ts';

/** `GET /openapi.json`: generated from the same zod schemas that validate the requests. */
export const handler = httpHandler({ public: true }, async () => openApiDocument());
