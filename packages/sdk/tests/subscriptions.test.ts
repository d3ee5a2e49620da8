/**
 * Resumable subscriptions against a real server: live events; a connection cut
 * mid-stream (a TCP proxy between client and server, cut and stopped while
 * records are written) loses and repeats nothing; resuming from a saved cursor;
 * close and abort; errors of the operation and refused credentials end the
 * iteration with the contract's error instead of retrying forever.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RelataApiError, RelataNetworkError } from '../src/errors.ts';
import { createSubscriber, type SubscriberOptions } from '../src/subscriptions/index.ts';
import { createTestServer, type TestServer } from '../src/testing.ts';

interface NoteEvent {
  cursor: string;
  kind: string;
  recordId: string;
  record: { title: string } | null;
}
type Data = { recordEvents: NoteEvent };

const NOTES = `subscription($after: String) {
  recordEvents(after: $after, types: ["note"]) { cursor kind recordId record { ... on Note { title } } }
}`;

/**
 * A TCP proxy in front of the server: `cut()` drops every connection, `stop()`
 * refuses new ones until `start()`, `freeze()` stops forwarding on the open
 * ones without closing them (a dead network).
 */
async function startProxy(target: number) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const proxy = {
    connections: 0,
    get port() {
      return port;
    },
    async start() {
      server = net.createServer((client) => {
        proxy.connections++;
        const upstream = net.connect(target, '127.0.0.1');
        for (const [a, b] of [
          [client, upstream],
          [upstream, client],
        ] as const) {
          sockets.add(a);
          a.pipe(b);
          a.on('error', () => b.destroy());
          a.on('close', () => {
            sockets.delete(a);
            b.destroy();
          });
        }
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
      port = (server.address() as net.AddressInfo).port;
    },
    cut() {
      for (const socket of sockets) socket.destroy();
    },
    freeze() {
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
      proxy.cut();
      await closed;
    },
  };
  await proxy.start();
  return proxy;
}

/** Collects a subscription's events in the background. */
function collect<T>(iterable: AsyncIterable<T>) {
  const events: T[] = [];
  let error: unknown;
  let finished = false;
  const done = (async () => {
    try {
      for await (const event of iterable) events.push(event);
    } catch (e) {
      error = e;
    } finally {
      finished = true;
    }
  })();
  return {
    events,
    done,
    get error() {
      return error;
    },
    get finished() {
      return finished;
    },
    async waitFor(n: number, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        if (finished) throw new Error(`the subscription ended after ${events.length} of ${n} events: ${String(error)}`);
        if (Date.now() > deadline) throw new Error(`expected ${n} events, got ${events.length}`);
        await sleep(20);
      }
      return events;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('resumable subscriptions', () => {
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let wsUrl: string;
  const subscriber = (options: Partial<SubscriberOptions> = {}) =>
    createSubscriber({ url: wsUrl, getToken: async () => server.apiKey, webSocketImpl: WebSocket, ...options });
  const createNote = async (title: string) => {
    const { data, errors } = await server.gql<{ createNote: { id: string } }>('mutation($t: String) { createNote(input: { title: $t }) { id } }', { t: title });
    if (errors) throw new Error(JSON.stringify(errors));
    return data!.createNote.id;
  };
  /** A cursor at the log's end now (of the last marker note written): notes written later come after it. */
  const logEnd = async () => {
    const s = subscriber();
    const sub = s.subscribe<Data>(NOTES, {});
    let received: IteratorResult<Data> | undefined;
    void sub.next().then((r) => (received = r));
    // Subscribed from "about now": markers until one arrives, then read up to the last one.
    let last = '';
    while (!received) {
      last = await createNote('marker');
      await sleep(150);
    }
    let event = received.value!.recordEvents;
    while (event.recordId !== last) event = (await sub.next()).value!.recordEvents;
    await s.close();
    return event.cursor;
  };
  const titles = (events: Data[], prefix: string) => events.map((e) => e.recordEvents.record?.title ?? '').filter((t) => t.startsWith(prefix));

  beforeAll(async () => {
    server = await createTestServer({ plugins: [] });
    const ok = async (query: string) => {
      const { errors } = await server.gql(query);
      if (errors) throw new Error(JSON.stringify(errors));
    };
    await ok('mutation { createObjectType(input: { apiName: "note", pluralApiName: "notes" }) { apiName } }');
    await ok('mutation { createField(objectType: "note", input: { apiName: "title", type: TEXT }) { apiName } }');
    proxy = await startProxy(Number(new URL(server.url).port));
    wsUrl = `ws://127.0.0.1:${proxy.port}/graphql`;
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.close();
  });

  it('delivers events live, in order, with the record as of each, and tracks the cursor delivered', async () => {
    const statuses: string[] = [];
    const s = subscriber({ onStatus: (status) => statuses.push(status) });
    const after = await logEnd();
    const sub = s.subscribe<Data>(NOTES, {}, { after });
    expect(sub.cursor).toBe(after);
    const a = await createNote('live-a');
    await createNote('live-b');
    const first = await sub.next();
    expect(first.value!.recordEvents).toMatchObject({ kind: 'CREATED', recordId: a, record: { title: 'live-a' } });
    expect(sub.cursor).toBe(first.value!.recordEvents.cursor);
    const second = await sub.next();
    expect(second.value!.recordEvents.record?.title).toBe('live-b');
    expect(sub.cursor).toBe(second.value!.recordEvents.cursor);
    await s.close();
    expect(await sub.next()).toEqual({ value: undefined, done: true });
    expect(statuses).toEqual(['connecting', 'connected', 'closed']);
  });

  it('loses and repeats nothing when the connection drops mid-stream, or the server cannot be reached for a while', async () => {
    let tokens = 0;
    const statuses: string[] = [];
    const s = subscriber({
      getToken: async () => {
        tokens++;
        return server.apiKey;
      },
      onStatus: (status) => statuses.push(status),
    });
    const after = await logEnd();
    const events = collect(s.subscribe<Data>(NOTES, {}, { after }));
    const written: string[] = [];
    for (let i = 0; i < 45; i++) {
      written.push(`drop-${i}`);
      await createNote(`drop-${i}`);
      if (i === 10 || i === 25) proxy.cut(); // dropped: reconnects at once
      if (i === 35) {
        // Unreachable: the reconnection attempts fail until the proxy listens again.
        await proxy.stop();
        setTimeout(() => void proxy.start(), 1_200);
      }
      await sleep(15);
    }
    await events.waitFor(written.length);
    await sleep(500);
    expect(titles(events.events, 'drop-')).toEqual(written);
    expect(events.events).toHaveLength(written.length);
    const cursors = events.events.map((e) => e.recordEvents.cursor);
    expect(new Set(cursors).size).toBe(cursors.length);
    // Reconnected after the drops, each connection with a token asked for it. (A cut can land on a
    // connection still being made, before it was accepted, so count three, not four.)
    expect(statuses.filter((x) => x === 'connected').length).toBeGreaterThanOrEqual(3);
    expect(tokens).toBeGreaterThanOrEqual(3);
    await s.close();
    await events.done;
    expect(events.error).toBeUndefined();
  });

  it('drops a connection that stops answering (no close, no data) and resumes on a new one', async () => {
    const statuses: string[] = [];
    const s = subscriber({ keepAliveMs: 300, onStatus: (status) => statuses.push(status) });
    const after = await logEnd();
    const events = collect(s.subscribe<Data>(NOTES, {}, { after }));
    await createNote('frozen-0');
    await events.waitFor(1);
    proxy.freeze();
    const written = ['frozen-0'];
    for (let i = 1; i < 8; i++) {
      written.push(`frozen-${i}`);
      await createNote(`frozen-${i}`);
      await sleep(100);
    }
    await events.waitFor(written.length);
    await sleep(300);
    expect(titles(events.events, 'frozen-')).toEqual(written);
    expect(events.events).toHaveLength(written.length);
    expect(statuses.filter((x) => x === 'connected')).toHaveLength(2);
    await s.close();
    proxy.cut();
  });

  it('resumes from a saved cursor: exactly the events since, then live ones', async () => {
    const s = subscriber();
    const after = await logEnd();
    const first = s.subscribe<Data>(NOTES, {}, { after });
    await createNote('resume-1');
    await first.next();
    const saved = first.cursor;
    await first.close();
    await createNote('resume-2');
    await createNote('resume-3');
    const resumed = collect(s.subscribe<Data>(NOTES, {}, { after: saved }));
    await resumed.waitFor(2);
    await createNote('resume-4');
    await resumed.waitFor(3);
    await sleep(300);
    expect(titles(resumed.events, 'resume-')).toEqual(['resume-2', 'resume-3', 'resume-4']);
    await s.close();
  });

  it('ends iteration cleanly on close, on abort and on break, and closes the connection when none is left', async () => {
    const statuses: string[] = [];
    const s = subscriber({ onStatus: (status) => statuses.push(status) });
    const after = await logEnd();
    // close() while a next() waits.
    const closed = s.subscribe<Data>(NOTES, {}, { after });
    const waiting = closed.next();
    await sleep(100);
    await closed.close();
    expect(await waiting).toEqual({ value: undefined, done: true });
    // abort while iterating.
    const abort = new AbortController();
    const aborted = collect(s.subscribe<Data>(NOTES, {}, { after, signal: abort.signal }));
    await createNote('abort-1');
    await aborted.waitFor(1);
    abort.abort();
    await aborted.done;
    expect(aborted.error).toBeUndefined();
    await createNote('abort-2');
    await sleep(300);
    expect(titles(aborted.events, 'abort-')).toEqual(['abort-1']);
    // A signal aborted already: nothing starts.
    const never = s.subscribe<Data>(NOTES, {}, { signal: AbortSignal.abort() });
    expect(await never.next()).toEqual({ value: undefined, done: true });
    // break ends the subscription; the last one gone, the connection closes.
    for await (const event of s.subscribe<Data>(NOTES, {}, { after })) {
      expect(event.recordEvents.kind).toBe('CREATED');
      break;
    }
    await sleep(200);
    expect(statuses.at(-1)).toBe('closed');
    await s.close();
  });

  it("ends with the server's error for the operation (a bad cursor), leaving the connection's other subscriptions running", async () => {
    const s = subscriber();
    const after = await logEnd();
    const good = collect(s.subscribe<Data>(NOTES, {}, { after }));
    const bad = collect(s.subscribe<Data>(NOTES, {}, { after: 'bm90LWEtY3Vyc29y' }));
    await bad.done;
    expect(bad.error).toBeInstanceOf(RelataApiError);
    expect(bad.error).toMatchObject({ code: 'BAD_REQUEST', name: 'BadRequestError' });
    await createNote('still-1');
    await good.waitFor(1);
    expect(titles(good.events, 'still-')).toEqual(['still-1']);
    await s.close();
  });

  it('a query without $after cannot resume and is refused', () => {
    const s = subscriber();
    expect(() => s.subscribe('subscription { recordEvents { cursor } }')).toThrow(/\$after/);
  });

  it('ends with UNAUTHENTICATED for a bad token, without retrying forever', async () => {
    let tokens = 0;
    const s = subscriber({
      getToken: async () => {
        tokens++;
        return 'rk_00000000000000000000000000000000';
      },
    });
    const sub = collect(s.subscribe<Data>(NOTES, {}));
    await sub.done;
    expect(sub.error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401, name: 'UnauthenticatedError' });
    expect((sub.error as RelataApiError).errors[0]!.extensions).toMatchObject({ reason: 'INVALID' });
    await sleep(500);
    expect(tokens).toBe(1);
    await s.close();
  });

  it('gets a fresh token when the server refuses one it had accepted, and ends once getToken has no valid one left', async () => {
    const key = async (name: string) => {
      const { data, errors } = await server.gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
        'mutation($i: ApiKeyInput!) { createApiKey(input: $i) { key apiKey { id } } }',
        { i: { name, role: 'admin' } },
      );
      if (errors) throw new Error(JSON.stringify(errors));
      return data!.createApiKey;
    };
    const revoke = async (id: string) => expect((await server.gql(`mutation { revokeApiKey(id: "${id}") }`)).errors).toBeUndefined();
    const first = await key('rotating-1');
    const second = await key('rotating-2');
    let token = first.key;
    const s = subscriber({ getToken: async () => token });
    const after = await logEnd();
    const events = collect(s.subscribe<Data>(NOTES, {}, { after }));
    await createNote('rotate-1');
    await events.waitFor(1);
    // The key is revoked while connected, the app has a new one: the next operation on the
    // connection is refused (4401), the subscriptions reconnect with the new key and resume.
    token = second.key;
    await revoke(first.apiKey.id);
    await createNote('rotate-2');
    const other = collect(s.subscribe<Data>(NOTES, {}, { after }));
    await createNote('rotate-3');
    await events.waitFor(3);
    await other.waitFor(3);
    expect(titles(events.events, 'rotate-')).toEqual(['rotate-1', 'rotate-2', 'rotate-3']);
    expect(titles(other.events, 'rotate-')).toEqual(['rotate-1', 'rotate-2', 'rotate-3']);
    // Revoked too, and the connection drops: the reconnection is refused, the subscriptions end.
    await revoke(second.apiKey.id);
    proxy.cut();
    await events.done;
    await other.done;
    expect(events.error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    expect(other.error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    await s.close();
  });

  it('fails with a RelataNetworkError once the retries run out', async () => {
    const s = createSubscriber({ url: 'ws://127.0.0.1:9/graphql', getToken: async () => 'x', webSocketImpl: WebSocket, retryAttempts: 2 });
    const sub = collect(s.subscribe<Data>(NOTES, {}));
    await sub.done;
    expect(sub.error).toBeInstanceOf(RelataNetworkError);
    await s.close();
  });

  it('closes cleanly while it is still trying to reach the server', async () => {
    const s = createSubscriber({ url: 'ws://127.0.0.1:9/graphql', getToken: async () => 'x', webSocketImpl: WebSocket });
    const sub = s.subscribe<Data>(NOTES, {});
    const next = sub.next();
    await sleep(600); // a failed attempt or two, and a wait before the next
    await sub.close();
    await expect(next).resolves.toEqual({ value: undefined, done: true });
    await expect(s.close()).resolves.toBeUndefined();
  });

  it('needs a WebSocket implementation where there is no global one', () => {
    expect(() => createSubscriber({ url: wsUrl, getToken: async () => undefined })).toThrow(/webSocketImpl/);
  });
});
