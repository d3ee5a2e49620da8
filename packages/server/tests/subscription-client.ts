/** Test clients of subscriptions: graphql-ws over a real WebSocket, and server-sent events over fetch. */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A subscription's received events, and how to wait for more and stop it. */
export interface Subscription<T> {
  events: T[];
  errors: unknown[];
  /** Resolves when at least `n` events arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<T[]>;
  stop(): Promise<void>;
}

/** A graphql-ws client of `url` (http://...) sending `token` in connectionParams. */
export function wsClient(url: string, token: string | undefined, options: { onClose?: (code: number, reason: string) => void } = {}): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => options.onClose?.((event as { code: number }).code, String((event as { reason?: string }).reason ?? '')) },
  });
}

function collector<T>(stop: () => Promise<void> | void): Subscription<T> & { push(value: T): void; fail(error: unknown): void } {
  const events: T[] = [];
  const errors: unknown[] = [];
  let waiters: Array<() => void> = [];
  const notify = () => {
    for (const w of waiters) w();
    waiters = [];
  };
  return {
    events,
    errors,
    push(value) {
      events.push(value);
      notify();
    },
    fail(error) {
      errors.push(error);
      notify();
    },
    async waitFor(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors[0])}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${n} events, got ${events.length}: ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, Math.min(left, 200));
        });
      }
      return events;
    },
    async stop() {
      await stop();
    },
  };
}

/** Subscribes over graphql-ws; each event's `data[field]` is collected. */
export function subscribeWs<T = Record<string, unknown>>(client: Client, query: string, variables: Record<string, unknown> = {}): Subscription<T> {
  let dispose: () => void = () => {};
  const sub = collector<T>(() => dispose());
  dispose = client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors?.length) sub.fail(result.errors);
        else if (result.data) sub.push(Object.values(result.data)[0] as T);
      },
      error: (error) => sub.fail(error),
      complete: () => {},
    },
  );
  return sub;
}

/** Subscribes over server-sent events (POST with Accept: text/event-stream). */
export function subscribeSse<T = Record<string, unknown>>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Subscription<T> {
  const abort = new AbortController();
  const sub = collector<T>(() => abort.abort());
  void (async () => {
    try {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
        signal: abort.signal,
      });
      if (!res.ok || !res.body) return sub.fail({ status: res.status, body: await res.text() });
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trim())
            .join('\n');
          if (!data) continue;
          const result = JSON.parse(data) as { data?: Record<string, T>; errors?: unknown[] };
          if (result.errors?.length) sub.fail(result.errors);
          else if (result.data) sub.push(Object.values(result.data)[0] as T);
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) sub.fail(error);
    }
  })();
  return sub;
}
