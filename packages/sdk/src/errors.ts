/** Errors the client raises, carrying the server's stable code and field errors. */

/** A failing field of a VALIDATION_FAILED error. */
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
  /** `UNAUTHENTICATED`, `FORBIDDEN`, `NOT_FOUND`, `VALIDATION_FAILED`, `CONFLICT`, `BAD_REQUEST`, ... */
  readonly code: string;
  /** Every failing field, for VALIDATION_FAILED. */
  readonly fields: ApiFieldError[];
  /** HTTP status of the response. */
  readonly status: number;
  /** All errors of the response (the first one names this error). */
  readonly errors: ApiErrorEntry[];

  constructor(errors: ApiErrorEntry[], status: number) {
    const first = errors[0];
    super(first?.message ?? `Request failed with HTTP ${status}`);
    this.name = 'RelataApiError';
    this.code = first?.extensions?.code ?? (status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL_SERVER_ERROR');
    this.fields = first?.extensions?.fields ?? [];
    this.status = status;
    this.errors = errors;
  }
}
