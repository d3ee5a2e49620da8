/**
 * Errors the client raises. Every answer the server refuses becomes a
 * RelataApiError carrying the contract's stable `code` (API.md, Errors) and,
 * for VALIDATION_FAILED, every failing field; each code has its own subclass, so
 * `catch (e) { if (e instanceof ValidationError) ... }` reads as it should. A
 * server that cannot be reached (after the retries) is a RelataNetworkError.
 */

/** The codes of the contract; a newer server may send others, hence `string`. */
export type RelataErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'CONFLICT'
  | 'BAD_REQUEST'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR'
  | (string & {});

/** A failing field of a VALIDATION_FAILED (or FORBIDDEN) error: `input.email`, `inputs.3.amount`. */
export interface ApiFieldError {
  field: string;
  code: string;
  message: string;
}

/** One error of a GraphQL response, as Relata sends it. */
export interface ApiErrorEntry {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; fields?: ApiFieldError[]; [key: string]: unknown };
}

/** The server answered with an error: `code` is the contract's `extensions.code`. */
export class RelataApiError extends Error {
  /** `UNAUTHENTICATED`, `FORBIDDEN`, `NOT_FOUND`, `VALIDATION_FAILED`, `CONFLICT`, `BAD_REQUEST`, `RATE_LIMITED`, ... */
  readonly code: RelataErrorCode;
  /** Every failing field, for VALIDATION_FAILED (and the refused fields of FORBIDDEN). */
  readonly fields: ApiFieldError[];
  /** HTTP status of the response (200 for GraphQL errors of a well-formed request). */
  readonly status: number;
  /** All errors of the response (the first one names this error). */
  readonly errors: ApiErrorEntry[];

  constructor(errors: ApiErrorEntry[], status: number) {
    const first = errors[0];
    super(first?.message ?? `Request failed with HTTP ${status}`);
    this.name = new.target.name;
    this.code = first?.extensions?.code ?? defaultCode(status);
    this.fields = first?.extensions?.fields ?? [];
    this.status = status;
    this.errors = errors;
  }
}

/** `VALIDATION_FAILED`: `fields` lists every failing field at once. */
export class ValidationError extends RelataApiError {}
/** `CONFLICT`: a stale `expectedVersion`, a unique value taken, or a restricted delete. */
export class ConflictError extends RelataApiError {}
/** `NOT_FOUND`: no such record (or one the credential may not read: the two look the same). */
export class NotFoundError extends RelataApiError {}
/** `FORBIDDEN`: the role may not do this; `fields` names each refused field. */
export class ForbiddenError extends RelataApiError {}
/** `UNAUTHENTICATED`: no credential, or one the server does not accept (expired, revoked, forged). */
export class UnauthenticatedError extends RelataApiError {}
/** `BAD_REQUEST`: a page too large, a bad cursor, a query too costly. */
export class BadRequestError extends RelataApiError {}
/** `RATE_LIMITED` after the retries ran out; `retryAfterSeconds` is the server's `Retry-After`. */
export class RateLimitedError extends RelataApiError {
  constructor(
    errors: ApiErrorEntry[],
    status: number,
    /** Seconds the server asked to wait, when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(errors, status);
  }
}

/** The server could not be reached, or answered with something that is not a GraphQL response. */
export class RelataNetworkError extends Error {
  constructor(
    message: string,
    /** HTTP status, when there was a response. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RelataNetworkError';
  }
}

function defaultCode(status: number): RelataErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 413 || status === 400) return 'BAD_REQUEST';
  return 'INTERNAL_SERVER_ERROR';
}

const BY_CODE: Record<string, new (errors: ApiErrorEntry[], status: number) => RelataApiError> = {
  VALIDATION_FAILED: ValidationError,
  CONFLICT: ConflictError,
  NOT_FOUND: NotFoundError,
  FORBIDDEN: ForbiddenError,
  UNAUTHENTICATED: UnauthenticatedError,
  BAD_REQUEST: BadRequestError,
  RATE_LIMITED: RateLimitedError,
};

/** The error for a refused response: the subclass of its first error's code. */
export function apiError(errors: ApiErrorEntry[], status: number, retryAfterSeconds?: number): RelataApiError {
  const code = errors[0]?.extensions?.code ?? defaultCode(status);
  if (code === 'RATE_LIMITED') return new RateLimitedError(errors, status, retryAfterSeconds);
  const Type = BY_CODE[code] ?? RelataApiError;
  return new Type(errors, status);
}

/** True when `error` is a RelataApiError, with this `code` when given. */
export function isRelataError(error: unknown, code?: RelataErrorCode): error is RelataApiError {
  return error instanceof RelataApiError && (code === undefined || error.code === code);
}
