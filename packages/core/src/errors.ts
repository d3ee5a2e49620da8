/**
 * Errors a user can cause. Each carries a stable `code` that reaches GraphQL
 * clients as `extensions.code`; anything that is not a RelataError is internal
 * and is logged, never shown.
 */

/** The stable error codes of the API contract. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'CONFLICT'
  | 'BAD_REQUEST'
  | 'RATE_LIMITED';

/** One failing field of a validation error. `field` is a path such as `price` or `choices.2.value`. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** Base of every error a user can cause. */
export class RelataError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'RelataError';
    this.code = code;
    this.details = details;
  }
}

/** Input failed validation; `fields` lists every failing field at once. */
export class ValidationError extends RelataError {
  readonly fields: FieldError[];

  constructor(fields: FieldError[], message?: string) {
    super(
      'VALIDATION_FAILED',
      message ?? `Validation failed: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
      { fields },
    );
    this.name = 'ValidationError';
    this.fields = fields;
  }
}

/** The thing asked for does not exist (or does not exist for this caller). */
export class NotFoundError extends RelataError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('NOT_FOUND', message, details);
    this.name = 'NotFoundError';
  }
}

/** The write collides with the current state: a stale version, a unique value taken. */
export class ConflictError extends RelataError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONFLICT', message, details);
    this.name = 'ConflictError';
  }
}

/** The request itself is malformed or too large: a bad cursor, a page too big. */
export class BadRequestError extends RelataError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('BAD_REQUEST', message, details);
    this.name = 'BadRequestError';
  }
}

/** The caller is known but may not do this. */
export class ForbiddenError extends RelataError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('FORBIDDEN', message, details);
    this.name = 'ForbiddenError';
  }
}

/**
 * Why credentials were refused, as clients see it in `extensions.reason`. Only
 * what a caller can act on: whether a key exists, was revoked, or failed its
 * signature check are all `INVALID`. `EXPIRED` and `NOT_YET_VALID` are decided
 * only after the signature (or the key's hash) matched.
 */
export type UnauthenticatedReason = 'MISSING' | 'INVALID' | 'EXPIRED' | 'NOT_YET_VALID';

const UNAUTHENTICATED_MESSAGES: Record<UnauthenticatedReason, string> = {
  MISSING: 'Missing credentials: send an API key or a token as "Authorization: Bearer <token>"',
  INVALID: 'Invalid credentials',
  EXPIRED: 'The credentials have expired',
  NOT_YET_VALID: 'The token is not valid yet',
};

/** No valid credentials; `reason` says which kind of failure (see UnauthenticatedReason). */
export class UnauthenticatedError extends RelataError {
  readonly reason: UnauthenticatedReason;

  constructor(reason: UnauthenticatedReason = 'INVALID', message: string = UNAUTHENTICATED_MESSAGES[reason]) {
    super('UNAUTHENTICATED', message, { reason });
    this.name = 'UnauthenticatedError';
    this.reason = reason;
  }
}

/**
 * Collects field errors so that a validation reports every failing field at once.
 */
export class FieldErrorCollector {
  readonly errors: FieldError[] = [];

  add(field: string, code: string, message: string): void {
    this.errors.push({ field, code, message });
  }

  get hasErrors(): boolean {
    return this.errors.length > 0;
  }

  /** Throws a ValidationError if any field failed. */
  throwIfAny(): void {
    if (this.errors.length > 0) throw new ValidationError(this.errors);
  }
}
