/**
 * The limits a client meets, through a real listening server: rate limits per
 * API key and per user (429, Retry-After, RATE_LIMITED, before GraphQL runs),
 * failed authentications per client address, the request body size (413 for a
 * declared length and for a chunked body, without reading it all), introspection
 * off, and persisted operations (only those of the manifest, by hash or id).
 * The rate limiters run on a clock the tests move: nothing sleeps.
 */
import { createEngine, systemActor, type Engine } from '@relata/core';
import { createTestDatabase } from '@relata/core/testing';
import { SignJWT } from 'jose';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_JWT_CLAIMS, type JwtConfig } from '../src/config.ts';
import { ok, startTestServer, type GraphQLResponse } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;

const SECRET = 'relata-limits-test-secret-0123456789-abc';
const JWT: JwtConfig = { secret: SECRET, clockToleranceSeconds: 30, claims: DEFAULT_JWT_CLAIMS };
const UNKNOWN_KEY = `rk_${'0'.repeat(32)}`;

/** The answer of one request, headers included. */
interface Answer extends GraphQLResponse {
  headers: Headers;
}

/** POSTs a GraphQL request body as JSON. */
async function post(server: Server, token: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { ...((await res.json()) as GraphQLResponse), status: res.status, headers: res.headers };
}

/** A request's answer over a raw connection, and whether the server closed that connection afterwards. */
interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  json: GraphQLResponse;
  /** True once the server ends the connection (its FIN), false if it keeps it open for a second. */
  closedByServer: Promise<boolean>;
}

/**
 * Sends a POST to /graphql over a plain TCP connection: the head, then `chunks`
 * one by one (framed when the head says chunked), and never ends the request: a
 * server that waited for the rest of a body would never answer.
 */
function sendUnfinished(server: Server, head: Record<string, string | number>, chunks: string[], localAddress?: string): Promise<RawAnswer> {
  const chunked = head['transfer-encoding'] === 'chunked';
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: Number(new URL(server.url).port), localAddress });
    const closedByServer = new Promise<boolean>((done) => {
      socket.once('end', () => done(true));
      setTimeout(() => done(false), 1000).unref();
    }).finally(() => socket.destroy());
    let received = '';
    let answered = false;
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (data: string) => {
      received += data;
      const split = received.indexOf('\r\n\r\n');
      if (answered || split < 0) return;
      const [statusLine = '', ...lines] = received.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const body = received.slice(split + 4);
      if (Buffer.byteLength(body) < Number(headers['content-length'])) return;
      answered = true;
      resolve({ status: Number(statusLine.split(' ')[1]), headers, json: JSON.parse(body) as GraphQLResponse, closedByServer });
    });
    socket.write(`POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\n${Object.entries(head).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`);
    for (const chunk of chunks) socket.write(chunked ? `${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n` : chunk);
  });
}

/** A GraphQL request with the body of the given length, padded with spaces inside the JSON. */
function bodyOfLength(bytes: number): string {
  const base = JSON.stringify({ query: '{ __typename }' });
  return base.slice(0, -1) + ' '.repeat(bytes - base.length) + '}';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

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

describe('request body size', () => {
  const LIMIT = 4096;
  let server: Server;
  let ws: Workspace;

  beforeAll(async () => {
    server = await startTestServer({ engine, maxBodyBytes: LIMIT });
    ws = await server.workspace();
  });
  afterAll(() => server.close());

  const TOO_LARGE = {
    errors: [{ message: `Request body too large: at most ${LIMIT} bytes`, extensions: { code: 'BAD_REQUEST', reason: 'PAYLOAD_TOO_LARGE', maxBytes: LIMIT } }],
  };

  it('runs a body of exactly the limit, sent with a length or chunked, and keeps the connection', async () => {
    const body = bodyOfLength(LIMIT);
    expect(Buffer.byteLength(body)).toBe(LIMIT);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${ws.apiKey}`, connection: 'keep-alive' };
    const answer = await sendUnfinished(server, { ...headers, 'content-length': LIMIT }, [body]);
    expect(answer.json).toEqual({ data: { __typename: 'Query' } });
    expect(await answer.closedByServer).toBe(false);
    const chunked = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.apiKey}` },
      body: new Blob([body]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(200);
    expect(await chunked.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('answers 413 to a declared Content-Length over the limit at once, without reading the body, and closes the connection', async () => {
    // Ten megabytes announced, none sent: the answer cannot have waited for them.
    const answer = await sendUnfinished(server, { 'content-type': 'application/json', 'content-length': 10_000_000, origin: 'https://app.example' }, []);
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual(TOO_LARGE);
    // Sent before authentication (no credentials here), readable by a page on another origin.
    expect(answer.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(answer.headers.connection).toBe('close');
    expect(await answer.closedByServer).toBe(true);

    // A client that asks before sending (Expect: 100-continue) gets the 413 instead of a go-ahead.
    const asked = await sendUnfinished(server, { 'content-type': 'application/json', 'content-length': 10_000_000, expect: '100-continue' }, []);
    expect(asked.status).toBe(413);
    expect(asked.json).toEqual(TOO_LARGE);
  });

  it('answers 413 to a chunked body as soon as it passes the limit, and closes the connection', async () => {
    const chunks = Array.from({ length: 6 }, () => 'x'.repeat(1024));
    const answer = await sendUnfinished(server, { 'content-type': 'application/json', authorization: `Bearer ${ws.apiKey}`, 'transfer-encoding': 'chunked' }, chunks);
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual(TOO_LARGE);
    expect(answer.headers.connection).toBe('close');
    expect(await answer.closedByServer).toBe(true);

    // The server goes on serving.
    expect(ok(await ws.gql('{ __typename }'))).toEqual({ __typename: 'Query' });
  });
});

describe('the default body limit (2 MiB)', () => {
  let server: Server;
  let ws: Workspace;

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ws = await server.workspace();
    ok(await ws.gql(`mutation { createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName } }`));
    for (const apiName of ['name', 'domain', 'description', 'notes']) {
      ok(await ws.gql(`mutation($apiName: String!) { createField(objectType: "company", input: { apiName: $apiName, type: TEXT }) { apiName } }`, { apiName }));
    }
  });
  afterAll(() => server.close());

  it('takes a bulk create of 1,000 records of 1.5 KB each, and refuses a body over 2 MiB', async () => {
    const inputs = Array.from({ length: 1000 }, (_, i) => ({ name: `Company ${i}`, domain: `company-${i}.example`, description: 'x'.repeat(1000), notes: 'y'.repeat(500) }));
    const body = JSON.stringify({ query: 'mutation($inputs: [CompanyCreateInput!]!) { createCompanies(inputs: $inputs) { id } }', variables: { inputs } });
    expect(Buffer.byteLength(body)).toBeGreaterThan(1.5e6);
    expect((ok(await post(server, ws.apiKey, body)).createCompanies as unknown[]).length).toBe(1000);

    const over = await sendUnfinished(server, { 'content-type': 'application/json', 'content-length': 2 * 1024 * 1024 + 1 }, []);
    expect(over.status).toBe(413);
    expect(over.json.errors?.[0]?.extensions).toMatchObject({ reason: 'PAYLOAD_TOO_LARGE', maxBytes: 2 * 1024 * 1024 });
  });
});

describe('introspection off', () => {
  let server: Server;
  let ws: Workspace;

  beforeAll(async () => {
    server = await startTestServer({ engine, introspection: false });
    ws = await server.workspace();
    ok(await ws.gql(`mutation { createObjectType(input: { apiName: "note", pluralApiName: "notes" }) { apiName } }`));
  });
  afterAll(() => server.close());

  it('refuses __schema and __type with BAD_REQUEST', async () => {
    for (const query of ['{ __schema { queryType { name } } }', '{ __type(name: "Note") { fields { name } } }', '{ notes { totalCount } s: __schema { types { name } } }']) {
      const res = await ws.gql(query);
      expect(res.data ?? null, query).toBeNull();
      expect(res.errors?.[0]?.extensions?.code, query).toBe('BAD_REQUEST');
      expect(res.errors?.[0]?.message, query).toMatch(/introspection has been disabled/);
    }
  });

  it('still answers __typename and every other query, compiled or not', async () => {
    // graphql-jit compiles an operation on its second run: three runs take both paths.
    for (let i = 0; i < 3; i++) {
      expect(ok(await ws.gql('{ __typename notes { __typename totalCount } }'))).toEqual({ __typename: 'Query', notes: { __typename: 'NoteConnection', totalCount: 0 } });
    }
  });
});

describe('persisted operations', () => {
  const NOTES = 'query Notes($first: Int) { notes(first: $first) { totalCount edges { node { id } } } }';
  const CREATE = 'mutation { createNote(input: {}) { id } }';
  const INTROSPECT = '{ __schema { queryType { name } } }';
  const operations = { [sha256(NOTES)]: NOTES, [sha256(CREATE)]: CREATE, [sha256(INTROSPECT)]: INTROSPECT };
  const apq = (query: string, variables?: Record<string, unknown>) => ({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });

  describe('only', () => {
    let server: Server;
    let ws: Workspace;
    const count = async () => ok(await post(server, ws.apiKey, apq(NOTES))).notes as { totalCount: number };

    beforeAll(async () => {
      server = await startTestServer({ engine, persistedOperations: { operations, only: true } });
      ws = await server.workspace();
      // Metadata is set up with the engine: the admin API's documents are not in the manifest.
      await server.engine.metadata.createObjectType(systemActor(ws.workspaceId), { apiName: 'note', pluralApiName: 'notes' });
    });
    afterAll(() => server.close());

    it('runs an operation sent by its sha256 hash (APQ) or documentId, with variables, again and again', async () => {
      ok(await post(server, ws.apiKey, apq(CREATE)));
      ok(await post(server, ws.apiKey, { documentId: `sha256:${sha256(CREATE)}` }));
      ok(await post(server, ws.apiKey, { documentId: sha256(CREATE) }));
      // Three runs: graphql-jit compiles the operation on its second.
      for (let i = 0; i < 3; i++) {
        const notes = ok(await post(server, ws.apiKey, apq(NOTES, { first: 2 }))).notes as { totalCount: number; edges: unknown[] };
        expect(notes.totalCount).toBe(3);
        expect(notes.edges).toHaveLength(2);
      }
    });

    it('refuses a document of its own and an unknown id with PERSISTED_ONLY, running nothing', async () => {
      const before = (await count()).totalCount;
      const attempts: Array<[string, unknown]> = [
        ['text', { query: 'mutation { createNote(input: {}) { id } }  ' }],
        ['unknown hash', { query: undefined, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ __typename }') } } }],
        ['unknown documentId', { documentId: 'sha256:0000' }],
      ];
      for (const [name, body] of attempts) {
        const res = await post(server, ws.apiKey, body);
        expect(res.data ?? null, name).toBeNull();
        expect(res.errors?.[0]?.extensions, name).toEqual({ code: 'BAD_REQUEST', reason: 'PERSISTED_ONLY' });
      }
      expect((await count()).totalCount).toBe(before);
    });

    it('accepts the exact text of a manifest operation', async () => {
      expect(ok(await post(server, ws.apiKey, { query: NOTES, variables: { first: 1 } })).notes).toMatchObject({ edges: [{ node: { id: expect.any(String) } }] });
    });

    it('still asks for credentials first', async () => {
      expect((await post(server, undefined, apq(NOTES))).status).toBe(401);
    });

    it('leaves introspection on by default', async () => {
      expect(ok(await post(server, ws.apiKey, apq(INTROSPECT)))).toEqual({ __schema: { queryType: { name: 'Query' } } });
    });
  });

  describe('alongside documents of the client', () => {
    let server: Server;
    let ws: Workspace;

    beforeAll(async () => {
      server = await startTestServer({ engine, persistedOperations: { operations } });
      ws = await server.workspace();
    });
    afterAll(() => server.close());

    it('runs both, and answers an unknown hash so that an APQ client sends the text', async () => {
      ok(await ws.gql(`mutation { createObjectType(input: { apiName: "note", pluralApiName: "notes" }) { apiName } }`));
      expect(ok(await post(server, ws.apiKey, apq(NOTES))).notes).toMatchObject({ totalCount: 0 });
      const unknown = await post(server, ws.apiKey, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ __typename }') } } });
      expect(unknown.errors).toEqual([{ message: 'PersistedQueryNotFound', extensions: { code: 'BAD_REQUEST', reason: 'PERSISTED_QUERY_NOT_FOUND' } }]);
      // Apollo's APQ link then sends the text along with the hash.
      expect(ok(await post(server, ws.apiKey, { query: '{ __typename }', ...apq('{ __typename }') }))).toEqual({ __typename: 'Query' });
    });
  });
});
