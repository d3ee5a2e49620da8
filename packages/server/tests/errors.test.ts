/**
 * What clients see when things go wrong: internal errors as a generic message
 * with an error id (never SQL or a stack), malformed requests as BAD_REQUEST,
 * admin-only operations as FORBIDDEN for other roles, and the plain HTTP routes.
 */
import { systemActor } from '@relata/core';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type GraphQLResponse } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;

const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;

/** A key in Relata's format: `rk_` and 32 alphanumerics. */
function newKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `rk_${[...randomBytes(32)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

/** Words that would mean a database or runtime detail reached the client. */
const LEAKS = [/select /i, /insert /i, /update "/i, /"record"/i, /column "/i, /relation "/i, /data_renamed|key_hash_renamed/i, /\.ts:\d+/, /\bat \S+ \(/, /stack/i, /postgres|pglite|prisma/i];

function expectNoLeak(body: GraphQLResponse) {
  // Locations (line, column) are GraphQL's own; everything else is checked.
  const text = JSON.stringify({ ...body, errors: body.errors?.map(({ message, extensions, path }) => ({ message, extensions, path })) });
  for (const pattern of LEAKS) expect(text, `leaks ${pattern}`).not.toMatch(pattern);
}

describe('errors', () => {
  let server: Server;
  let ws: Workspace;
  let itemId: string;

  beforeAll(async () => {
    server = await startTestServer();
    ws = await server.workspace('Errors');
    ok(await ws.gql(`mutation { createObjectType(input: { apiName: "item", pluralApiName: "items" }) { apiName } }`));
    ok(await ws.gql(`mutation { createField(objectType: "item", input: { apiName: "name", type: TEXT }) { apiName } }`));
    itemId = ok(await ws.gql<{ createItem: { id: string } }>(`mutation { createItem(input: { name: "one" }) { id } }`)).createItem.id;
  });
  afterAll(() => server.close());

  describe('internal errors', () => {
    it('answer INTERNAL_SERVER_ERROR with a generic message and an error id, never SQL or a stack', async () => {
      const logged = server.loggedErrors.length;
      await server.engine.db.sql.exec('ALTER TABLE "record" RENAME COLUMN "data" TO "data_renamed"');
      const ids: string[] = [];
      try {
        for (const [query, variables] of [
          ['{ items { edges { node { id name } } } }', {}],
          ['query($id: ID!) { item(id: $id) { id name } }', { id: itemId }],
          ['mutation { createItem(input: { name: "two" }) { id } }', {}],
          ['mutation($id: ID!) { updateItem(id: $id, input: { name: "uno" }) { id } }', { id: itemId }],
        ] as const) {
          const res = await ws.gql(query, variables);
          expect(code(res), query).toBe('INTERNAL_SERVER_ERROR');
          const error = res.errors![0]!;
          expect(error.message).toMatch(/^Unexpected error \(id [0-9a-f-]{36}\)$/);
          expect(error.message).toContain(String(error.extensions?.errorId));
          expect(Object.keys(error.extensions ?? {}).sort()).toEqual(['code', 'errorId']);
          expectNoLeak(res);
          ids.push(String(error.extensions?.errorId));
        }
      } finally {
        await server.engine.db.sql.exec('ALTER TABLE "record" RENAME COLUMN "data_renamed" TO "data"');
      }
      expect(new Set(ids).size).toBe(ids.length);
      // The details are logged on the server, under that id's message.
      const details = server.loggedErrors.slice(logged).map((e) => String((e as Error)?.message ?? e));
      expect(details.length).toBeGreaterThanOrEqual(ids.length);
      expect(details.some((m) => /data/.test(m))).toBe(true);
      // And the server works again.
      expect(ok(await ws.gql<{ item: { name: string } }>('query($id: ID!) { item(id: $id) { name } }', { id: itemId })).item.name).toBe('one');
    });

    it('outside GraphQL (while authenticating) answer HTTP 500 the same way', async () => {
      await server.engine.db.sql.exec('ALTER TABLE "api_key" RENAME COLUMN "key_hash" TO "key_hash_renamed"');
      let res: GraphQLResponse;
      try {
        res = await ws.gql('{ __typename }');
      } finally {
        await server.engine.db.sql.exec('ALTER TABLE "api_key" RENAME COLUMN "key_hash_renamed" TO "key_hash"');
      }
      expect(res.status).toBe(500);
      expect(code(res)).toBe('INTERNAL_SERVER_ERROR');
      expect(res.errors?.[0]?.message).toMatch(/^Unexpected error \(id [0-9a-f-]{36}\)$/);
      expectNoLeak(res);
      ok(await ws.gql('{ __typename }'));
    });
  });

  describe('malformed requests → BAD_REQUEST', () => {
    const CASES: Array<{ name: string; query: string; variables?: Record<string, unknown>; mentions?: RegExp }> = [
      { name: 'a syntax error', query: '{ items { edges ', mentions: /Syntax Error/i },
      { name: 'an unknown field', query: '{ items { edges { node { nope } } } }', mentions: /nope/ },
      { name: 'an unknown root field', query: '{ invoices { totalCount } }', mentions: /invoices/ },
      { name: 'an unknown argument', query: '{ items(size: 3) { totalCount } }', mentions: /size/ },
      { name: 'an unknown input field', query: 'mutation { createItem(input: { nope: "x" }) { id } }', mentions: /nope/ },
      { name: 'a variable of the wrong type', query: 'query($n: Int) { items(first: $n) { totalCount } }', variables: { n: 'ten' }, mentions: /\$n/ },
      { name: 'a literal of the wrong type', query: '{ items(first: "ten") { totalCount } }', mentions: /Int/ },
      { name: 'a missing required variable', query: 'query($id: ID!) { item(id: $id) { id } }', mentions: /\$id/ },
      { name: 'a missing selection', query: '{ items }', mentions: /items/ },
      { name: 'an undeclared variable', query: '{ items(first: $n) { totalCount } }', mentions: /\$n/ },
    ];
    it.each(CASES)('$name', async ({ query, variables, mentions }) => {
      const res = await ws.gql(query, variables);
      expect(code(res), JSON.stringify(res.errors)).toBe('BAD_REQUEST');
      expect(res.data ?? null).toBeNull();
      if (mentions) expect(res.errors?.[0]?.message).toMatch(mentions);
      expectNoLeak(res);
    });

    it('a body that is not JSON, or has no query', async () => {
      for (const body of ['not json', '{}', '{"query": 42}']) {
        const res = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.apiKey}` },
          body,
        });
        const json = (await res.json()) as GraphQLResponse;
        // application/json answers keep 200 for GraphQL request errors (yoga's legacy mode); never a 5xx.
        expect(res.status, body).toBeLessThan(500);
        expect(code(json), body).toBe('BAD_REQUEST');
        expectNoLeak(json);
      }
    });
  });

  describe('roles', () => {
    let member: string;
    const asMember = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => server.request<T>(member, query, variables);

    beforeAll(async () => {
      member = newKey();
      await server.engine.db.prisma.apiKey.create({
        data: {
          id: randomUUID(),
          workspaceId: ws.workspaceId,
          name: 'member key',
          keyHash: createHash('sha256').update(member).digest('hex'),
          prefix: member.slice(0, 7),
          role: 'member',
        },
      });
    });

    it('a member may create, read, update, delete and restore records', async () => {
      const created = ok(await asMember<{ createItem: { id: string; name: string } }>(`mutation { createItem(input: { name: "by member" }) { id name } }`)).createItem;
      expect(created.name).toBe('by member');
      const id = created.id;
      expect(ok(await asMember<{ item: { name: string } }>(`query($id: ID!) { item(id: $id) { name } }`, { id })).item.name).toBe('by member');
      const list = ok(await asMember<{ items: { totalCount: number } }>(`{ items { totalCount } }`)).items;
      expect(list.totalCount).toBeGreaterThanOrEqual(2);
      ok(await asMember(`mutation($id: ID!) { updateItem(id: $id, input: { name: "renamed" }) { id } }`, { id }));
      ok(await asMember(`mutation($id: ID!) { deleteItem(id: $id) { id } }`, { id }));
      ok(await asMember(`mutation($id: ID!) { restoreItem(id: $id) { id } }`, { id }));
    });

    it('metadata queries and mutations answer FORBIDDEN to a member, and change nothing', async () => {
      const metadata = async () => ok(await ws.gql(`{ objectTypes { apiName pluralApiName label fields { apiName label type required } } }`));
      const before = await metadata();
      for (const query of [
        '{ objectTypes { apiName } }',
        '{ objectType(apiName: "item") { apiName } }',
        'mutation { createObjectType(input: { apiName: "secret", pluralApiName: "secrets" }) { apiName } }',
        'mutation { updateObjectType(apiName: "item", input: { label: "Mine" }) { apiName } }',
        'mutation { deleteObjectType(apiName: "item", force: true) }',
        'mutation { createField(objectType: "item", input: { apiName: "extra", type: TEXT }) { apiName } }',
        'mutation { updateField(objectType: "item", apiName: "name", input: { required: true }) { apiName } }',
        'mutation { deleteField(objectType: "item", apiName: "name", force: true) }',
      ]) {
        const res = await asMember(query);
        expect(code(res), query).toBe('FORBIDDEN');
        expect(res.status, query).toBe(200);
        expectNoLeak(res);
      }
      expect(await metadata()).toEqual(before);
    });

    it('destroy answers FORBIDDEN to a member, and the record stays', async () => {
      const res = await asMember(`mutation($id: ID!) { destroyItem(id: $id) }`, { id: itemId });
      expect(code(res)).toBe('FORBIDDEN');
      expect(ok(await ws.gql<{ item: { id: string } }>(`query($id: ID!) { item(id: $id) { id } }`, { id: itemId })).item.id).toBe(itemId);
    });

    it('a revoked key answers 401', async () => {
      const extra = newKey();
      const id = randomUUID();
      await server.engine.db.prisma.apiKey.create({
        data: { id, workspaceId: ws.workspaceId, name: 'revoked', keyHash: createHash('sha256').update(extra).digest('hex'), prefix: extra.slice(0, 7), role: 'admin' },
      });
      ok(await server.request(extra, '{ __typename }'));
      expect(await server.engine.workspaces.revokeApiKey(systemActor(ws.workspaceId), id)).toBe(true);
      const res = await server.request(extra, '{ __typename }');
      expect(res.status).toBe(401);
      expect(code(res)).toBe('UNAUTHENTICATED');
    });
  });

  describe('HTTP routes', () => {
    it('/health answers 200 JSON without credentials', async () => {
      const res = await fetch(`${server.url}/health`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ status: 'ok', database: server.engine.db.engine });
    });

    it('GET /graphql in a browser serves GraphiQL, bundled (no CDN), without credentials', async () => {
      const res = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toMatch(/graphiql/i);
      // The default page loads GraphiQL from unpkg.com, which an offline machine cannot reach.
      expect(html).not.toMatch(/unpkg\.com|jsdelivr|esm\.sh/);
    });

    it('an unknown path answers 404', async () => {
      for (const [method, path] of [['GET', '/'], ['GET', '/nope'], ['POST', '/graphql/extra'], ['GET', '/healthz']] as const) {
        const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${ws.apiKey}` } });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        await res.json();
      }
    });
  });
});
