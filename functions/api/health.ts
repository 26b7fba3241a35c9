import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { health } from '../../shared/domain/use-cases/health.ts';
import { httpHandler } from '../../shared/http/handler.ts';

/**
 * `GET /health` on AWS: the API answers and the table can be read (a 503 when it cannot). The
 * embedded runtime answers the same route itself, adding its endpoints and the moved clock.
 */
export const handler = httpHandler({ public: true }, async () => health(baseDeps()));
