import { httpHandler } from '../../shared/http/handler.ts';

/** `GET /health`: the deployed API answers; the embedded runtime adds its endpoints. */
export const handler = httpHandler({ public: true }, async () => ({ status: 'ok' }));
