/**
 * Problems of the request as a whole: the `code` of a problem+json answer that has no more precise
 * one (`request.*`), and the precise ones of the HTTP layer — the token, the headers, the body, the
 * idempotency of a retry — and of the store when a write lost a race with another one.
 */
export const REQUEST_MESSAGES = {
  'request.invalid': 'The request has invalid fields',
  // The detail of a 5xx, which says nothing about internals.
  'request.unavailable': 'A dependency did not answer; retry with the same Idempotency-Key.',
  'request.internal': 'Something went wrong on our side.',
  // The caller (shared/http/principal.ts, handler.ts).
  'auth.no_token': 'No verified token',
  'auth.token_incomplete': 'The token lacks a subject, an organisation or exactly one role',
  'auth.role_not_allowed': 'The role {role} may not do this',
  'auth.city_reads_only':
    'The municipal bureau reads the districts’ cases and reports; it does not decide them or open their evidence',
  // Headers, body and query (shared/http/handler.ts, the store's cursors).
  'idempotency.key_shape': 'must be 1–128 letters, digits or - _ : .',
  'body.too_large': 'The body exceeds {maxBytes} bytes',
  'body.required': 'a JSON body is required',
  'body.not_json': 'the body is not valid JSON',
  'body.too_deep': 'the body is nested deeper than {maxDepth} levels',
  'media_type.not_json': 'Send the body as application/json (got {contentType})',
  'media_type.not_json_or_csv': 'Send the body as application/json or text/csv (got {contentType})',
  'media_type.missing_json': 'Send the body as application/json (got no content type)',
  'media_type.missing_json_or_csv': 'Send the body as application/json or text/csv (got no content type)',
  'cursor.invalid': 'is not a cursor this API gave out',
  // A dependency did not answer (503; the caller retries with the same Idempotency-Key).
  'workflow.start_failed': 'The workflow could not be started; retry with the same Idempotency-Key',
  'workflow.callback_unacknowledged':
    'The decision is recorded but the workflow did not acknowledge it yet; retry',
  // A write lost a race with another one (409): reload and try again.
  'change.conflicts': 'The change conflicts with another one; try again',
  'task.already_closed': 'This task was already decided or closed',
  'claim.changed_by_someone_else': 'The claim was changed by someone else; reload it and try again',
  'cohort.changed_by_someone_else': 'The cohort was changed by someone else; reload it and try again',
  'cohort.changed_meanwhile': 'The cohort changed meanwhile; try again',
  'mentor.load_changed_meanwhile': 'A mentor’s load changed meanwhile; try again',
  'document.changed_meanwhile': 'The document changed meanwhile; try again',
  'policy.version_taken': 'Policy version {policyVersion} exists',
  'budget.changed_meanwhile': 'The budget changed meanwhile, or is below what is already reserved and paid',
} as const satisfies Record<string, string>;
