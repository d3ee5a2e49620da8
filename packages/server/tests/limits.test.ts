/**
 * The rate limits a client meets, through a real listening server: per API key
 * and per user (429, Retry-After, RATE_LIMITED, before GraphQL runs), and failed
 * authentications per client address. The rate limiters run on a clock the tests
 * move: nothing sleeps. (Body size, introspection and persisted operations:
 * request-limits.test.ts.)
 */
import { createEngine, systemActor, type Engine } from '@relata/core';
import { createTestDatabase } from '@relata/core/testing';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ok, startTestServer } from './helpers.ts';
import { JWT, post, SECRET, sendUnfinished, UNKNOWN_KEY, type Server, type Workspace } from './limits-fixture.ts';


// One database for every server of this file: each test works in workspaces of its own.
let engine: Engine;
beforeAll(async () => {
  engine = createEngine(await createTestDatabase());
});
afterAll(() => engine.close());

describe('rate limits per API key and per user', () => {
  let server: Server;
  let ws: Workspace;
  let other: Workspace;
  const clock = { ms: 0 };
  const sign = (userId: string, workspaceId: string) =>
    new SignJWT({ sub: userId, workspaceId, roles: ['member'] }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));

  beforeAll(async () => {
    server = await startTestServer({ engine, auth: { jwt: JWT }, rateLimits: { perActor: { perSecond: 1, burst: 3 }, authFailures: false, now: () => clock.ms } });
    ws = await server.workspace('Limited');
    other = await server.workspace('Other');
    ok(await ws.gql(`mutation { createObjectType(input: { apiName: "note", pluralApiName: "notes" }) { apiName } }`));
  });
  afterAll(() => server.close());
  // Every bucket starts full: a minute is far more than any of them needs to refill.
  beforeEach(() => void (clock.ms += 60_000));

  const typename = (token: string) => post(server, token, { query: '{ __typename }' });

  it('answers 429 with Retry-After and RATE_LIMITED after the burst, before GraphQL runs', async () => {
    for (let i = 0; i < 3; i++) expect((await typename(ws.apiKey)).status).toBe(200);
    const refused = await post(server, ws.apiKey, { query: 'mutation { createNote(input: {}) { id } }' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.errors).toEqual([{ message: expect.stringMatching(/^Rate limit exceeded for this API key/), extensions: { code: 'RATE_LIMITED', retryAfter: 1 } }]);
    expect(refused.data).toBeUndefined();

    clock.ms += 1000;
    // The refused mutation never ran.
    expect(ok(await ws.gql<{ notes: { totalCount: number } }>('{ notes { totalCount } }')).notes.totalCount).toBe(0);
  });

  it('lets a browser on another origin read the answer and its Retry-After', async () => {
    for (let i = 0; i < 3; i++) await typename(ws.apiKey);
    const refused = await post(server, ws.apiKey, { query: '{ __typename }' }, { origin: 'https://app.example' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(refused.headers.get('access-control-expose-headers')).toMatch(/retry-after/i);
  });

  it('refills one request per second as time passes', async () => {
    for (let i = 0; i < 3; i++) await typename(ws.apiKey);
    expect((await typename(ws.apiKey)).status).toBe(429);
    clock.ms += 999;
    expect((await typename(ws.apiKey)).status).toBe(429);
    clock.ms += 1;
    expect((await typename(ws.apiKey)).status).toBe(200);
    expect((await typename(ws.apiKey)).status).toBe(429);
    clock.ms += 3000;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await typename(ws.apiKey)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("leaves other keys, other workspaces' keys and other users alone", async () => {
    const second = (await server.engine.workspaces.createApiKey(systemActor(ws.workspaceId), { name: 'second', role: 'member' })).key;
    for (let i = 0; i < 3; i++) await typename(ws.apiKey);
    expect((await typename(ws.apiKey)).status).toBe(429);
    expect((await typename(second)).status).toBe(200);
    expect((await typename(other.apiKey)).status).toBe(200);

    // Users (members signed in with a JWT) each have their own bucket too.
    const ann = await sign('user-ann', ws.workspaceId);
    for (let i = 0; i < 3; i++) expect((await typename(ann)).status).toBe(200);
    const annRefused = await typename(await sign('user-ann', ws.workspaceId));
    expect(annRefused.status).toBe(429);
    expect(annRefused.errors?.[0]?.message).toMatch(/^Rate limit exceeded for this user/);
    expect((await typename(await sign('user-bob', ws.workspaceId))).status).toBe(200);
    // The same user id in another workspace is another member.
    expect((await typename(await sign('user-ann', other.workspaceId))).status).toBe(200);
  });
});

describe('failed authentications per client address', () => {
  let server: Server;
  let ws: Workspace;
  const clock = { ms: 0 };

  beforeAll(async () => {
    server = await startTestServer({ engine, rateLimits: { perActor: false, authFailures: { perSecond: 0.1, burst: 3 }, now: () => clock.ms } });
    ws = await server.workspace();
  });
  afterAll(() => server.close());
  beforeEach(() => void (clock.ms += 600_000));

  it('refuses every request from an address with 429 once its 401s used the bucket, until it refills', async () => {
    for (let i = 0; i < 3; i++) expect((await post(server, UNKNOWN_KEY, { query: '{ __typename }' })).status).toBe(401);
    const refused = await post(server, UNKNOWN_KEY, { query: '{ __typename }' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(refused.errors).toEqual([{ message: expect.stringMatching(/^Too many failed authentications from this address/), extensions: { code: 'RATE_LIMITED', retryAfter: 10 } }]);
    // Even a valid key is not looked at: a guess that happened to be right would be refused too.
    expect((await post(server, ws.apiKey, { query: '{ __typename }' })).status).toBe(429);
    expect((await post(server, undefined, { query: '{ __typename }' })).status).toBe(429);

    clock.ms += 9_000;
    expect((await post(server, ws.apiKey, { query: '{ __typename }' })).headers.get('retry-after')).toBe('1');
    clock.ms += 1_000;
    expect((await post(server, ws.apiKey, { query: '{ __typename }' })).status).toBe(200);
    // One failure's worth refilled: the next 401 empties the bucket again.
    expect((await post(server, UNKNOWN_KEY, { query: '{ __typename }' })).status).toBe(401);
    expect((await post(server, ws.apiKey, { query: '{ __typename }' })).status).toBe(429);
  });

  it('counts only 401 answers', async () => {
    for (let i = 0; i < 20; i++) expect((await post(server, ws.apiKey, { query: '{ __typename }' })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await post(server, undefined, { query: '{ __typename }' })).status).toBe(401);
    expect((await post(server, undefined, { query: '{ __typename }' })).status).toBe(429);
  });

  it('keeps a bucket per address', async () => {
    for (let i = 0; i < 4; i++) await post(server, UNKNOWN_KEY, { query: '{ __typename }' });
    expect((await post(server, ws.apiKey, { query: '{ __typename }' })).status).toBe(429);
    // 127.0.0.2 is another loopback address of this machine: another client.
    const body = JSON.stringify({ query: '{ __typename }' });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${ws.apiKey}`, 'content-length': Buffer.byteLength(body) };
    const elsewhere = await sendUnfinished(server, headers, [body], '127.0.0.2');
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.json.data).toEqual({ __typename: 'Query' });
  });

  it('ignores X-Forwarded-For unless told how many proxies to trust, then counts the address the proxy saw', async () => {
    // Without trustProxyHops, a client cannot escape its bucket by writing the header.
    for (let i = 0; i < 3; i++) await post(server, UNKNOWN_KEY, { query: '{ __typename }' }, { 'x-forwarded-for': `198.51.100.${i}` });
    expect((await post(server, UNKNOWN_KEY, { query: '{ __typename }' }, { 'x-forwarded-for': '198.51.100.99' })).status).toBe(429);

    const proxied = await startTestServer({ engine, rateLimits: { perActor: false, authFailures: { perSecond: 0.1, burst: 3 }, trustProxyHops: 1, now: () => clock.ms } });
    try {
      // The proxy appends the address it saw: whatever the client wrote before it does not count.
      const via = (client: string, forged = '203.0.113.1') => ({ 'x-forwarded-for': `${forged}, ${client}` });
      for (let i = 0; i < 3; i++) expect((await post(proxied, UNKNOWN_KEY, { query: '{ __typename }' }, via('198.51.100.7'))).status).toBe(401);
      expect((await post(proxied, UNKNOWN_KEY, { query: '{ __typename }' }, via('198.51.100.7', '203.0.113.2'))).status).toBe(429);
      expect((await post(proxied, UNKNOWN_KEY, { query: '{ __typename }' }, via('198.51.100.8'))).status).toBe(401);
      // An IPv6 client counts by its /64: another address in it is the same client.
      for (let i = 1; i <= 3; i++) await post(proxied, UNKNOWN_KEY, { query: '{ __typename }' }, via(`2001:db8:1:2::${i}`));
      expect((await post(proxied, UNKNOWN_KEY, { query: '{ __typename }' }, via('2001:db8:1:2:ffff::9'))).status).toBe(429);
      expect((await post(proxied, UNKNOWN_KEY, { query: '{ __typename }' }, via('2001:db8:1:3::1'))).status).toBe(401);
    } finally {
      await proxied.close();
    }
  });
});
