/**
 * One GraphQL request over HTTP, with Relata's retry policy:
 *
 * - `429 RATE_LIMITED`: waits what `Retry-After` says (seconds or a date), then
 *   retries; the server refused the request before running it, so this is safe
 *   for mutations too. A wait longer than `maxDelayMs` is not waited: the
 *   RateLimitedError is thrown with `retryAfterSeconds`.
 * - `503`: retried for every operation (nothing ran). `502`/`504`: queries only.
 * - A network error: queries are retried; a mutation only when the connection
 *   was refused or the host not found (Node says so: the request never left),
 *   because a mutation whose answer was lost may have been applied.
 *
 * Waits grow exponentially with jitter (`baseDelayMs * 2^attempt`, at most
 * `maxDelayMs`). Aborting the signal stops the request or the wait at once and
 * rejects with the signal's reason.
 */
import { apiError, RelataNetworkError, type ApiErrorEntry } from '../errors.ts';
import type { OperationKind } from './documents.ts';

/** How the client retries (see the module comment). */
export interface RetryOptions {
  /** Retries after the first attempt. @default 3 */
  retries?: number;
  /** @default 250 */
  baseDelayMs?: number;
  /** The longest wait, also for a `Retry-After`. @default 10000 */
  maxDelayMs?: number;
}

/** What an HTTP transport needs. */
export interface HttpOptions {
  url: string;
  token?: string;
  getToken?: () => string | undefined | Promise<string | undefined>;
  fetch?: typeof fetch;
  headers?: Record<string, string>;
  retry?: RetryOptions | false;
}

/** Options of one request. */
export interface RequestOptions {
  /** Cancels the request (and any wait before a retry). */
  signal?: AbortSignal;
}

interface GraphQLBody<TData> {
  data?: TData | null;
  errors?: ApiErrorEntry[];
}

// Node's fetch puts the socket error in `cause`: these mean the request was never sent.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** `Retry-After` in seconds (a number of seconds or an HTTP date), when present. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A function that sends one GraphQL request with retries and returns its `data`. */
export function createHttpTransport(options: HttpOptions) {
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const retry = options.retry === false ? { retries: 0 } : options.retry ?? {};
  const retries = retry.retries ?? 3;
  const baseDelayMs = retry.baseDelayMs ?? 250;
  const maxDelayMs = retry.maxDelayMs ?? 10_000;
  const backoff = (attempt: number) => {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  };

  async function attempt<TData>(body: string, signal: AbortSignal | undefined): Promise<{ response: Response; body?: GraphQLBody<TData> }> {
    const token = options.getToken ? await options.getToken() : options.token;
    const response = await doFetch(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...options.headers,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body,
      signal,
    });
    try {
      return { response, body: (await response.json()) as GraphQLBody<TData> };
    } catch {
      if (signal?.aborted) throw signal.reason;
      return { response };
    }
  }

  return async function send<TData>(query: string, variables: unknown, kind: OperationKind, { signal }: RequestOptions = {}): Promise<TData> {
    const body = JSON.stringify({ query, variables });
    for (let tries = 0; ; tries++) {
      const last = tries >= retries;
      let result: Awaited<ReturnType<typeof attempt<TData>>>;
      try {
        result = await attempt<TData>(body, signal);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const retryable = kind === 'query' || NOT_SENT.has(errorCode(error) ?? '');
        if (last || !retryable) {
          throw new RelataNetworkError(`Cannot reach Relata at ${options.url}: ${(error as Error).message}`, undefined, { cause: error });
        }
        await sleep(backoff(tries), signal);
        continue;
      }
      const { response, body: answer } = result;
      const status = response.status;
      if (status === 429) {
        const wait = retryAfterSeconds(response.headers.get('retry-after'));
        const waitMs = wait === undefined ? backoff(tries) : wait * 1000;
        if (last || waitMs > maxDelayMs) throw apiError(answer?.errors ?? [], status, wait);
        await sleep(waitMs, signal);
        continue;
      }
      if ((status === 503 || (kind === 'query' && (status === 502 || status === 504))) && !last) {
        await sleep(backoff(tries), signal);
        continue;
      }
      if (answer?.errors?.length) throw apiError(answer.errors, status);
      if (!answer) throw new RelataNetworkError(`Unexpected answer from ${options.url} (HTTP ${status}): not a GraphQL response`, status);
      if (!response.ok || answer.data == null) throw apiError([{ message: `Request failed with HTTP ${status}` }], status);
      return answer.data;
    }
  };
}

/** Sends one request: see createHttpTransport. */
export type HttpTransport = ReturnType<typeof createHttpTransport>;
