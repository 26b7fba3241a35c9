import { Conflict } from '../domain/errors.ts';

/**
 * Failures of a dependency that a retry may cure: throttling, a transaction that met another, a
 * timeout or a dropped connection. An HTTP caller gets 503 (retry with the same Idempotency-Key);
 * a workflow step rethrows them as `ServiceUnavailable`, which the state machines retry.
 */
const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'TransactionConflictException',
  'TransactionCanceledException',
  'TransactionInProgressException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return TRANSIENT_NAMES.has(error.name) || (typeof code === 'string' && TRANSIENT_CODES.has(code));
}

/** For a workflow step: a concurrent change (stale version) is worth another try as well. */
export function isRetryableInStep(error: unknown): boolean {
  return isTransient(error) || error instanceof Conflict;
}
