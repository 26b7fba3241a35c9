/**
 * One error hierarchy for the whole domain; `shared/http` maps each to problem+json in one place.
 * Messages of 4xx errors are shown to the caller, so they never carry personal information.
 */
import { type ErrorCode, type ErrorParams, type Said, says } from './error-codes.ts';

export interface FieldError {
  /** Dotted path of the bad field, e.g. `apprentices.3.idNumber`. */
  path: string;
  /** Stable code the client translates by (`shared/domain/error-codes.ts`). */
  code: ErrorCode;
  /** What the message names (a limit, a row); absent when it names nothing. */
  params?: ErrorParams;
  /** The same in English. */
  message: string;
}

/** A field error from a code: `fieldError('apprentices.3.idNumber', says('id_number.check_character'))`. */
export function fieldError(path: string, said: Said): FieldError {
  return Object.keys(said.params).length > 0
    ? { path, code: said.code, params: said.params, message: said.message }
    : { path, code: said.code, message: said.message };
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  /** The problem's own code (`claim.advance_already_claimed`) and what it names. */
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  constructor(reason: Said, options?: { cause?: unknown }) {
    super(reason.message, options);
    this.name = new.target.name;
    this.code = reason.code;
    this.params = reason.params;
  }
}

export class ValidationFailed extends DomainError {
  readonly status = 400;
  readonly title = 'Invalid input';
  constructor(
    readonly errors: FieldError[],
    reason: Said = says('request.invalid'),
  ) {
    super(reason);
  }
}

export class Unauthenticated extends DomainError {
  readonly status = 401;
  readonly title = 'Not signed in';
}

export class Forbidden extends DomainError {
  readonly status = 403;
  readonly title = 'Not allowed';
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly title = 'Not found';
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly title = 'Conflict';
  constructor(
    reason: Said,
    readonly current?: { status?: string; version?: number },
    /** The records that stand in the way (a rule broken by the case's state, not by the request). */
    readonly errors?: FieldError[],
  ) {
    super(reason);
  }
}

/** Too many requests of one kind from one address (the public objections, issue 14). */
export class Throttled extends DomainError {
  readonly status = 429;
  readonly title = 'Too many requests';
}

export class PayloadTooLarge extends DomainError {
  readonly status = 413;
  readonly title = 'Payload too large';
}

export class UnsupportedMediaType extends DomainError {
  readonly status = 415;
  readonly title = 'Unsupported media type';
}

export class IdempotencyKeyReused extends DomainError {
  readonly status = 422;
  readonly title = 'Idempotency key reused';
}

/** A dependency (callback, emulator, AWS) failed; the caller may retry. Details stay in the logs. */
export class ServiceUnavailable extends DomainError {
  readonly status = 503;
  readonly title = 'Service unavailable';
}
