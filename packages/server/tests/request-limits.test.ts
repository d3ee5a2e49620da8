/**
 * The other limits a client meets, through a real listening server: the request
 * body size (413 for a declared length and for a chunked body, without reading it
 * all), introspection off, and persisted operations (only those of the manifest,
 * by hash or id).
 */
import { createEngine, systemActor, type Engine } from '@relata/core';
import { createTestDatabase } from '@relata/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer } from './helpers.ts';
import { bodyOfLength, post, sendUnfinished, sha256, type Server, type Workspace } from './limits-fixture.ts';


// One database for every server of this file: each test works in workspaces of its own.
let engine: Engine;
beforeAll(async () => {
  engine = createEngine(await createTestDatabase());
});
afterAll(() => engine.close());

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
