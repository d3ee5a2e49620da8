/**
 * The client's retry policy against real servers: Relata's own rate limiter
 * (429 with Retry-After), and small node:http servers that drop connections or
 * answer 503, to show what is retried, what is not (a mutation whose answer
 * was lost), and that an AbortSignal stops a request or a wait at once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../server/tests/helpers.ts';
import { createClient, RateLimitedError, RelataNetworkError, type TypedDocumentString } from '../src/index.ts';

/** The real fetch, recording the status of every attempt ('error' when it threw). */
function countingFetch() {
  const attempts: Array<number | 'error'> = [];
  const fetchFn: typeof fetch = async (input, init) => {
    try {
      const response = await fetch(input, init);
      attempts.push(response.status);
      return response;
    } catch (error) {
      attempts.push('error');
      throw error;
    }
  };
  return { attempts, fetch: fetchFn };
}

/** A plain HTTP server answering each request with `handle(n)` (n counts from 1). */
async function scriptedServer(handle: (n: number, req: http.IncomingMessage, res: http.ServerResponse) => void) {
  let n = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(++n, req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    requests: () => n,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

describe('retries on 429 from Relata', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let apiKey: string;
  beforeAll(async () => {
    server = await startTestServer({ rateLimits: { perActor: { perSecond: 1, burst: 1 } } });
    apiKey = (await server.workspace()).apiKey;
  });
  afterAll(() => server.close());

  it('waits what Retry-After says, then succeeds', async () => {
    const counted = countingFetch();
    const client = createClient({ url: `${server.url}/graphql`, token: apiKey, fetch: counted.fetch });
    await client.request('{ __typename }');
    const started = Date.now();
    const data = await client.request<{ __typename: string }>('mutation { __typename }');
    expect(data.__typename).toBe('Mutation');
    expect(counted.attempts).toEqual([200, 429, 200]);
    // Retry-After was 1 (second): the retry did not come before it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('throws RateLimitedError with the wait when retries are off or the wait is longer than allowed', async () => {
    const client = createClient({ url: `${server.url}/graphql`, token: apiKey, retry: false });
    await client.request('{ __typename }').catch(() => undefined);
    const error = await client.request('{ __typename }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterSeconds: 1 });

    const impatient = createClient({ url: `${server.url}/graphql`, token: apiKey, retry: { maxDelayMs: 100 } });
    await impatient.request('{ __typename }').catch(() => undefined);
    await expect(impatient.request('{ __typename }')).rejects.toBeInstanceOf(RateLimitedError);
  });
});

describe('retries on network errors and 503', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const fast = { retries: 3, baseDelayMs: 5, maxDelayMs: 20 };

  it('retries a query whose connection dropped, but not a mutation (it may have been applied)', async () => {
    const flaky = await scriptedServer((n, req, res) => (n <= 2 ? req.socket.destroy() : json(res, 200, { data: { __typename: 'Query' } })));
    servers.push(flaky);
    const client = createClient({ url: flaky.url, retry: fast });
    await expect(client.request('{ __typename }')).resolves.toEqual({ __typename: 'Query' });
    expect(flaky.requests()).toBe(3);

    const dropping = await scriptedServer((_n, req) => req.socket.destroy());
    servers.push(dropping);
    const error = await createClient({ url: dropping.url, retry: fast }).request('mutation { createThing { id } }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelataNetworkError);
    expect(dropping.requests()).toBe(1);
  });

  it('retries a mutation the server never received (connection refused), then gives up with RelataNetworkError', async () => {
    const closed = await scriptedServer(() => undefined);
    const url = closed.url;
    await closed.close();
    const counted = countingFetch();
    const error = await createClient({ url, retry: fast, fetch: counted.fetch }).request('mutation { createThing { id } }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelataNetworkError);
    expect((error as Error).message).toContain(url);
    expect(counted.attempts).toEqual(['error', 'error', 'error', 'error']);
  });

  it('retries 503 for mutations too (nothing ran)', async () => {
    const busy = await scriptedServer((n, _req, res) => (n === 1 ? json(res, 503, { errors: [{ message: 'busy' }] }) : json(res, 200, { data: { ok: true } })));
    servers.push(busy);
    await expect(createClient({ url: busy.url, retry: fast }).request('mutation { ok }')).resolves.toEqual({ ok: true });
    expect(busy.requests()).toBe(2);
  });

  it('stops at once when aborted, during a wait and during a request', async () => {
    const limited = await scriptedServer((_n, _req, res) => json(res, 429, { errors: [{ message: 'slow down', extensions: { code: 'RATE_LIMITED' } }] }, { 'retry-after': '5' }));
    servers.push(limited);
    const waiting = new AbortController();
    const started = Date.now();
    setTimeout(() => waiting.abort(), 100);
    const error = await createClient({ url: limited.url }).request('{ x }', {}, { signal: waiting.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(4000);

    const silent = await scriptedServer(() => undefined);
    servers.push(silent);
    const inFlight = new AbortController();
    setTimeout(() => inFlight.abort(new Error('user left the page')), 50);
    await expect(createClient({ url: silent.url }).request('{ x }', {}, { signal: inFlight.signal })).rejects.toThrow('user left the page');
  });
});

describe('documents', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let apiKey: string;
  beforeAll(async () => {
    server = await startTestServer();
    apiKey = (await server.workspace()).apiKey;
  });
  afterAll(() => server.close());

  it('sends strings, TypedDocumentNodes and TypedDocumentStrings, and refuses a subscription', async () => {
    const client = createClient({ url: `${server.url}/graphql`, token: apiKey });
    const node = parse('query Types { objectTypes { apiName } }') as TypedDocumentNode<{ objectTypes: Array<{ apiName: string }> }, Record<string, never>>;
    expect((await client.request(node)).objectTypes).toEqual([]);
    const text = new String('# a comment\n mutation Make($n: String!) { createObjectType(input: { apiName: $n, pluralApiName: "things" }) { apiName } }') as TypedDocumentString<
      { createObjectType: { apiName: string } },
      { n: string }
    >;
    expect((await client.request(text, { n: 'thing' })).createObjectType.apiName).toBe('thing');
    await expect(client.request('subscription { recordEvents { cursor } }')).rejects.toThrow(/client.subscribe/);
  });
});
