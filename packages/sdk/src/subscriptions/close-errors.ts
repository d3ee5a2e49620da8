/**
 * What ends a subscription, as the SDK's errors: GraphQL errors the server sent
 * for the operation become the RelataApiError of their code; a WebSocket closed
 * by the server with a protocol code (4401: the credential was refused) becomes
 * the RelataApiError of that code; a connection that could not be made (after
 * the retries) becomes a RelataNetworkError. Browser-safe.
 */
import { apiError, RelataNetworkError, type ApiErrorEntry, type RelataApiError } from '../errors.ts';

/** A WebSocket close event, as browsers and `ws` give it. */
export interface CloseLike {
  code: number;
  reason: string;
}

/** True for a close event (graphql-ws hands those to a subscription when it gives up). */
export function isCloseLike(value: unknown): value is CloseLike {
  return typeof value === 'object' && value !== null && typeof (value as CloseLike).code === 'number' && 'reason' in value;
}

/** Close codes of graphql-transport-ws the server uses for a refusal, with the contract's code and HTTP status. */
const REFUSALS: Record<number, { code: string; status: number }> = {
  4400: { code: 'BAD_REQUEST', status: 400 },
  4401: { code: 'UNAUTHENTICATED', status: 401 },
  4403: { code: 'FORBIDDEN', status: 403 },
  4429: { code: 'RATE_LIMITED', status: 429 },
  4500: { code: 'INTERNAL_SERVER_ERROR', status: 500 },
};

/** The error for GraphQL errors the server sent for an operation. */
export function operationError(errors: readonly ApiErrorEntry[]): RelataApiError {
  return apiError([...errors], 200);
}

/**
 * The error for a refusing close: Relata closes a connection whose credential
 * fails with 4401 and a reason like `UNAUTHENTICATED: EXPIRED`; the part after
 * the colon becomes `extensions.reason`.
 */
export function closeError(event: CloseLike, url: string): Error {
  const refusal = REFUSALS[event.code];
  const reason = String(event.reason ?? '');
  if (refusal) {
    const detail = reason.startsWith(`${refusal.code}:`) ? reason.slice(refusal.code.length + 1).trim() : undefined;
    const message = reason || `The server closed the subscription's connection (${event.code})`;
    return apiError([{ message, extensions: { code: refusal.code, ...(detail ? { reason: detail } : {}) } }], refusal.status);
  }
  return new RelataNetworkError(`The WebSocket connection to ${url} closed (${event.code}${reason ? `: ${reason}` : ''})`, undefined, { cause: event });
}

/** The error for what graphql-ws gave up on: GraphQL errors, a close event, an error event, or an Error (a failing getToken). */
export function subscriptionError(value: unknown, url: string): Error {
  if (Array.isArray(value)) return operationError(value as ApiErrorEntry[]);
  if (isCloseLike(value)) return closeError(value, url);
  if (value instanceof Error) return value;
  // A WebSocket `error` event (browsers say nothing more; `ws` has a message).
  const message = typeof (value as { message?: unknown })?.message === 'string' ? (value as { message: string }).message : 'connection failed';
  return new RelataNetworkError(`Cannot reach ${url} over WebSocket: ${message}`, undefined, { cause: value });
}
