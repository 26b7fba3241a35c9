import { ERROR_MESSAGES, type ErrorCode, withRoom } from '../error-codes.ts';
import { WATCH_MESSAGES } from './watch.ts';

withRoom(WATCH_MESSAGES);

/** The whole catalogue, every room (the API description, the console's words, the tests). */
export const ALL_ERROR_MESSAGES: Record<ErrorCode, string> = { ...ERROR_MESSAGES, ...WATCH_MESSAGES };
