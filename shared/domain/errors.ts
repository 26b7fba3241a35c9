/**
 * One error hierarchy for the whole domain; `shared/http` maps each to problem+json in one place.
 * Messages of 4xx errors are shown to the caller, so they never carry personal information.
 */
export interface FieldError {
  /** Dotted path of the bad field, e.g. `apprentices.3.idNumber`. */
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  readonly status = 400;
  readonly title = 'Invalid input';
  constructor(
    readonly errors: FieldError[],
    message = 'The request has invalid fields',
  ) {
    super(message);
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
    message: string,
    readonly current?: { status?: string; version?: number },
    /** The records that stand in the way (a rule broken by the case's state, not by the request). */
    readonly errors?: FieldError[],
  ) {
    super(message);
  }
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
