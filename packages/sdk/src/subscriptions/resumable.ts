/**
 * One resumable subscription: a graphql-ws operation seen as an async iterator
 * that survives dropped connections. Every event received moves the operation's
 * `after` variable to that event's cursor, in the very payload graphql-ws sends
 * again when it re-subscribes after a reconnect, so the server replays exactly
 * the events after the last one received: none missed, none twice. Events wait
 * in order in a buffer until the consumer asks for them. Browser-safe.
 */
import type { Client, ExecutionResult } from 'graphql-ws';
import type { ApiErrorEntry } from '../errors.ts';
import { isCloseLike, operationError, subscriptionError } from './close-errors.ts';

/** Options of one subscription. */
export interface SubscribeOptions<T> {
  /** Start after this event cursor (one you saved): the server first replays every event since. */
  after?: string;
  /** Ends the subscription (iteration ends cleanly) when aborted. */
  signal?: AbortSignal;
  /** The cursor of an event. @default the first root field's `cursor` */
  cursorOf?: (data: T) => string | undefined;
}

/** An async iterator of a subscription's events that resumes after a dropped connection. */
export interface ResumableSubscription<T> extends AsyncIterableIterator<T> {
  /** The cursor of the last event iteration returned (or `after`): save it to resume there later. */
  readonly cursor: string | undefined;
  /** Ends the subscription; iteration ends (`done`), events not yet taken are dropped. */
  close(): Promise<void>;
}

/** What a subscription needs from its subscriber (subscriber.ts). */
export interface SubscriptionHost {
  client: Client;
  /** The WebSocket URL, for error messages. */
  url: string;
  /** Whether the connection whose close is being reported had been accepted (connection_ack). */
  closedAfterAck(): boolean;
  /** Called once when the subscription ends. */
  release(subscription: { close(): Promise<void> }): void;
}

/** The default cursorOf: `data.<first root field>.cursor`. */
export function firstFieldCursor(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const first = Object.values(data)[0] as { cursor?: unknown } | null | undefined;
  return typeof first?.cursor === 'string' ? first.cursor : undefined;
}

// A credential refused on a connection the server had accepted (a token that expired or
// was revoked while connected) is retried with a fresh getToken() once; not again this soon.
const UNAUTHENTICATED_RETRY_MS = 10_000;

/** Starts a subscription on `host`'s connection. */
export function resumableSubscription<T>(
  host: SubscriptionHost,
  query: string,
  variables: Record<string, unknown>,
  options: SubscribeOptions<T>,
): ResumableSubscription<T> {
  if (!/\$after\b/.test(query)) {
    throw new TypeError('A resumable subscription declares `$after: String` and passes it to its field (`recordEvents(after: $after)`)');
  }
  const cursorOf = options.cursorOf ?? (firstFieldCursor as (data: T) => string | undefined);
  const after = options.after ?? (variables.after as string | undefined);
  // graphql-ws sends this very object again on every re-subscription: `after` follows the events.
  const payload = { query, variables: { ...variables, ...(after != null ? { after } : {}) } as Record<string, unknown> };

  const queue: Array<{ data: T; cursor: string | undefined }> = [];
  let waiters: Array<() => void> = [];
  let delivered = after ?? undefined;
  let failure: Error | undefined;
  let ended = false;
  let dispose: () => void = () => {};
  let generation = 0;
  let lastUnauthenticatedRetry = -Infinity;

  const wake = () => {
    const list = waiters;
    waiters = [];
    for (const resolve of list) resolve();
  };

  /** Ends the subscription: with `error` after the buffered events, or at once. */
  const end = (error?: Error) => {
    if (ended) return;
    ended = true;
    generation++;
    if (error) failure = error;
    else queue.length = 0;
    options.signal?.removeEventListener('abort', onAbort);
    dispose();
    host.release(subscription);
    wake();
  };
  const onAbort = () => end();

  /** Subscribes (again, after a refused credential) with the payload as it is now. */
  const start = () => {
    const mine = ++generation;
    const current = () => mine === generation && !ended;
    dispose = host.client.subscribe<T>(payload, {
      next(result: ExecutionResult<T>) {
        if (!current()) return;
        if (result.errors?.length) return end(operationError(result.errors as unknown as ApiErrorEntry[]));
        const data = result.data as T;
        const cursor = cursorOf(data);
        if (cursor !== undefined) payload.variables.after = cursor;
        queue.push({ data, cursor });
        wake();
      },
      error(error: unknown) {
        if (!current()) return;
        dispose(); // graphql-ws keeps counting an operation it gave up on until it is disposed
        if (isCloseLike(error) && error.code === 4401 && host.closedAfterAck() && Date.now() - lastUnauthenticatedRetry > UNAUTHENTICATED_RETRY_MS) {
          lastUnauthenticatedRetry = Date.now();
          return start();
        }
        end(subscriptionError(error, host.url));
      },
      complete() {
        // The server ended the operation (or graphql-ws did, after dispose).
        if (current()) end();
      },
    });
  };

  const subscription: ResumableSubscription<T> = {
    get cursor() {
      return delivered;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        const item = queue.shift();
        if (item) {
          if (item.cursor !== undefined) delivered = item.cursor;
          return { value: item.data, done: false };
        }
        if (failure) {
          const error = failure;
          failure = undefined;
          throw error;
        }
        if (ended) return { value: undefined, done: true };
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    async return(): Promise<IteratorResult<T>> {
      end();
      return { value: undefined, done: true };
    },
    async close() {
      end();
    },
  };

  if (options.signal?.aborted) {
    ended = true;
    host.release(subscription);
    return subscription;
  }
  options.signal?.addEventListener('abort', onAbort, { once: true });
  start();
  return subscription;
}

/**
 * The same subscription with each event mapped by `fn` (`data => data.recordEvents`):
 * cursor and close are the original's.
 */
export function mapSubscription<T, U>(source: ResumableSubscription<T>, fn: (data: T) => U): ResumableSubscription<U> {
  return {
    get cursor() {
      return source.cursor;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<U>> {
      const next = await source.next();
      return next.done ? { value: undefined, done: true } : { value: fn(next.value), done: false };
    },
    async return(): Promise<IteratorResult<U>> {
      await source.close();
      return { value: undefined, done: true };
    },
    close: () => source.close(),
  };
}
