/**
 * A subscriber: one graphql-ws connection (opened when the first subscription
 * starts, closed when the last ends) shared by every subscription it starts.
 * A dropped connection is made again with exponential backoff and a fresh
 * credential (`getToken` runs at every connection), and each subscription
 * re-subscribes after the last event it received (resumable.ts). A connection
 * the server refuses (4401: the credential) ends the subscriptions with an
 * UnauthenticatedError instead of retrying forever. A connection that answers
 * no ping for a while is dropped and made again.
 *
 * Browser-safe: the WebSocket is `webSocketImpl`, or the global one.
 */
import { createClient } from 'graphql-ws';
import { isCloseLike } from './close-errors.ts';
import { resumableSubscription, type ResumableSubscription, type SubscribeOptions } from './resumable.ts';

/** Options of createSubscriber. */
export interface SubscriberOptions {
  /** The WebSocket endpoint: `ws://localhost:4000/graphql` (`wss://` behind TLS). */
  url: string;
  /** The credential sent in `connectionParams` as `{ authorization: 'Bearer <token>' }`, asked at every (re)connection. */
  getToken: () => Promise<string | undefined>;
  /** A WebSocket class (in Node 20, `ws`'s default export). @default globalThis.WebSocket */
  webSocketImpl?: unknown;
  /** Reconnection attempts in a row before the subscriptions fail with a RelataNetworkError. @default Infinity */
  retryAttempts?: number;
  /**
   * A ping this often; a connection that has not answered within as long again
   * (a dead network that closed nothing) is dropped and made again. @default 15000
   */
  keepAliveMs?: number;
  /** Told when the connection is being made, is made (accepted), or closes. */
  onStatus?: (status: 'connecting' | 'connected' | 'closed') => void;
}

/** What createSubscriber returns. */
export interface Subscriber {
  /**
   * Starts a subscription; iterate it for its events' `data`. The document
   * declares `$after: String` and passes it to its field, whose result has a
   * `cursor` (or give `cursorOf`): after a dropped connection it resumes after
   * the last event received.
   */
  subscribe<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, options?: SubscribeOptions<T>): ResumableSubscription<T>;
  /** Ends every subscription and closes the connection. */
  close(): Promise<void>;
}

/** First reconnection wait, doubled at each attempt (with jitter) up to MAX_DELAY_MS. */
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 10_000;
/** The default keepAliveMs. */
const KEEP_ALIVE_MS = 15_000;
/** How long close() waits for the socket's close handshake. */
const CLOSE_WAIT_MS = 1_000;
/** Close codes not worth a reconnection (graphql-ws already gives up on 4400, 4401, 4500...). */
const GIVE_UP_CODES = new Set([4403]);

/** Creates a subscriber on `options.url`. */
export function createSubscriber(options: SubscriberOptions): Subscriber {
  const WebSocketImpl = options.webSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket;
  if (!WebSocketImpl) {
    throw new TypeError("No WebSocket here: pass webSocketImpl (in Node 20, `import WebSocket from 'ws'`)");
  }
  const keepAliveMs = options.keepAliveMs ?? KEEP_ALIVE_MS;
  const subscriptions = new Set<{ close(): Promise<void> }>();
  const waits = new Set<() => void>();
  let acknowledged = false;
  let lastCloseAfterAck = false;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  let socket: unknown;
  let closed = false;
  /** A socket exists (from `connecting` to `closed`), and who waits for its close. */
  let socketOpen = false;
  const onSocketClosed: Array<() => void> = [];

  /** Waits before a reconnection; the subscriber's close cuts it short. */
  const wait = (retries: number) =>
    new Promise<void>((resolve) => {
      const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** retries);
      const done = () => {
        clearTimeout(timer);
        waits.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ceiling / 2 + Math.random() * (ceiling / 2));
      waits.add(done);
    });

  const client = createClient({
    url: options.url,
    webSocketImpl: WebSocketImpl,
    lazy: true,
    connectionParams: async () => {
      const token = await options.getToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    retryAttempts: options.retryAttempts ?? Infinity,
    retryWait: wait,
    // Every dropped connection or failed attempt (an error event too) is retried, but a refusal.
    shouldRetry: (errorOrClose) => !(isCloseLike(errorOrClose) && GIVE_UP_CODES.has(errorOrClose.code)),
    keepAlive: keepAliveMs,
    on: {
      connecting: () => {
        socketOpen = true;
        acknowledged = false;
        options.onStatus?.('connecting');
      },
      connected: (connected) => {
        socket = connected;
        acknowledged = true;
        options.onStatus?.('connected');
      },
      closed: () => {
        lastCloseAfterAck = acknowledged;
        acknowledged = false;
        socketOpen = false;
        socket = undefined;
        clearTimeout(pongTimer);
        options.onStatus?.('closed');
        for (const resolve of onSocketClosed.splice(0)) resolve();
      },
      ping: (received) => {
        if (received) return;
        clearTimeout(pongTimer);
        pongTimer = setTimeout(() => {
          // `ws` can drop the socket at once (a reconnection follows); graphql-ws's terminate() only
          // forgets it, and a late message on it could arrive after the re-subscription.
          const dead = socket as { terminate?: () => void } | undefined;
          if (typeof dead?.terminate === 'function') dead.terminate();
          else client.terminate();
        }, keepAliveMs);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
    },
  });

  const host = {
    client,
    url: options.url,
    closedAfterAck: () => lastCloseAfterAck,
    release: (subscription: { close(): Promise<void> }) => {
      subscriptions.delete(subscription);
    },
  };

  return {
    subscribe<T>(query: string, variables: Record<string, unknown> = {}, subscribeOptions: SubscribeOptions<T> = {}) {
      if (closed) throw new Error('This subscriber is closed');
      const subscription = resumableSubscription<T>(host, query, variables, subscribeOptions);
      subscriptions.add(subscription);
      // Already aborted: it ended before it was added.
      if (subscribeOptions.signal?.aborted) subscriptions.delete(subscription);
      return subscription;
    },
    async close() {
      closed = true;
      const socketClosed = socketOpen ? new Promise<void>((resolve) => onSocketClosed.push(resolve)) : undefined;
      await Promise.all([...subscriptions].map((s) => s.close()));
      for (const done of [...waits]) done();
      clearTimeout(pongTimer);
      // While a connection is being retried, graphql-ws's dispose rejects with the close it makes itself
      // (1000 'All Subscriptions Gone'): that is the close asked for, not a failure.
      await Promise.resolve(client.dispose()).catch((error: unknown) => {
        if (!isCloseLike(error)) throw error;
      });
      // Resolves once the socket is closed (a server that never answers the close: not longer than a second).
      if (socketClosed) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([socketClosed, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
        clearTimeout(timer);
      }
    },
  };
}
