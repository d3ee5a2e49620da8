/**
 * `search` over GraphQL: hits of every type through the Record interface, ranked,
 * filtered by types, paged with cursors; deleted records, non-searchable fields and
 * other workspaces never show; bad input answers with the contract's codes; any
 * text is a valid query; one statement per search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type GraphQLResponse } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;

interface Hit {
  score: number;
  type: string;
  record: { __typename: string; id: string; name?: string; email?: string; domain?: string };
}
interface SearchPage {
  edges: Array<{ cursor: string; node: Hit }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const SEARCH = `query($query: String!, $types: [String!], $first: Int, $after: String) {
  search(query: $query, types: $types, first: $first, after: $after) {
    edges { cursor node { score type record { __typename id
      ... on Company { name domain }
      ... on Person { name email } } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

/** Creates the types and records of one workspace over GraphQL; returns record ids by name. */
async function seed(ws: Workspace) {
  const mutations = [
    'createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName }',
    'createField(objectType: "company", input: { apiName: "name", type: TEXT, searchable: true }) { apiName }',
    'createField(objectType: "company", input: { apiName: "domain", type: URL, searchable: true }) { apiName }',
    'createField(objectType: "company", input: { apiName: "notes", type: LONG_TEXT }) { apiName }',
    'createObjectType(input: { apiName: "person", pluralApiName: "people" }) { apiName }',
    'createField(objectType: "person", input: { apiName: "name", type: TEXT, searchable: true }) { apiName }',
    'createField(objectType: "person", input: { apiName: "email", type: EMAIL, searchable: true }) { apiName }',
  ];
  for (const m of mutations) ok(await ws.gql(`mutation { ${m} }`));
  const create = async (type: 'Company' | 'Person', input: string) =>
    (ok(await ws.gql<Record<string, { id: string }>>(`mutation { create${type}(input: ${input}) { id } }`))[`create${type}`]!).id;
  const ids = {
    acme: await create('Company', '{ name: "Acme", domain: "https://acme.com", notes: "zebra" }'),
    acmeRockets: await create('Company', '{ name: "Acme Rockets" }'),
    acmeville: await create('Company', '{ name: "Acmeville" }'),
    umbrella: await create('Company', '{ name: "Umbrella Corporation" }'),
    gone: await create('Company', '{ name: "Acme Gone" }'),
    ann: await create('Person', '{ name: "Ann Lee", email: "ann@acme.com" }'),
  };
  ok(await ws.gql(`mutation($id: ID!) { deleteCompany(id: $id) { id } }`, { id: ids.gone }));
  const people: string[] = [];
  for (let i = 0; i < 12; i++) people.push(await create('Person', `{ name: "Pat Page ${i}", email: "pat${i}@example.com" }`));
  return { ids, people };
}

describe('search over GraphQL', () => {
  let server: Server;
  let a: Workspace;
  let b: Workspace;
  let ids: Awaited<ReturnType<typeof seed>>['ids'];
  let people: string[];

  const search = (variables: Record<string, unknown>, ws = a) => ws.gql<{ search: SearchPage }>(SEARCH, variables);
  const hits = async (variables: Record<string, unknown>, ws = a) => ok(await search(variables, ws)).search.edges.map((e) => e.node);
  const hitIds = async (variables: Record<string, unknown>, ws = a) => (await hits(variables, ws)).map((h) => h.record.id);
  const errorOf = (res: GraphQLResponse) => {
    expect(res.data).toBeNull();
    return res.errors?.[0]?.extensions;
  };

  beforeAll(async () => {
    server = await startTestServer();
    a = await server.workspace('A');
    b = await server.workspace('B');
    ({ ids, people } = await seed(a));
    await seed(b);
  });
  afterAll(() => server.close());

  it('finds records of every type by word prefixes, through the Record interface', async () => {
    const found = await hits({ query: 'acm' });
    expect(found[0]).toEqual({
      score: expect.any(Number),
      type: 'company',
      record: { __typename: 'Company', id: ids.acme, name: 'Acme', domain: 'https://acme.com/' },
    });
    expect(found.map((h) => h.record.id).sort()).toEqual([ids.acme, ids.acmeRockets, ids.acmeville, ids.ann].sort());
    expect(found.find((h) => h.record.id === ids.ann)).toMatchObject({
      type: 'person',
      record: { __typename: 'Person', name: 'Ann Lee', email: 'ann@acme.com' },
    });
    expect(await hitIds({ query: 'Acm Rock' })).toEqual([ids.acmeRockets]);
  });

  it('ranks more matching fields and whole words higher', async () => {
    const found = await hits({ query: 'acme', types: ['company'] });
    expect(found.map((h) => h.record.id)).toEqual([ids.acme, ids.acmeRockets, ids.acmeville]);
    expect(found[0]!.score).toBeGreaterThan(found[1]!.score);
    expect(found[1]!.score).toBeGreaterThan(found[2]!.score);
  });

  it('searches only the given types, live records and searchable fields', async () => {
    expect(await hitIds({ query: 'acme', types: ['person'] })).toEqual([ids.ann]);
    expect(await hitIds({ query: 'gone' })).toEqual([]);
    expect(await hitIds({ query: 'zebra' })).toEqual([]);
  });

  it('pages through every hit once with first and after', async () => {
    const all = await hitIds({ query: 'pat page', first: 100 });
    expect(all.sort()).toEqual([...people].sort());
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: SearchPage = ok(await search({ query: 'pat page', first: 5, after })).search;
      pages++;
      seen.push(...page.edges.map((e) => e.node.record.id));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...people].sort());
  });

  it('answers bad input with the codes of the contract', async () => {
    expect(errorOf(await search({ query: '  ' }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'query', code: 'REQUIRED', message: expect.any(String) }],
    });
    expect(errorOf(await search({ query: 'acme', types: ['company', 'invoice'] }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'types.1', code: 'UNKNOWN_TYPE' }],
    });
    expect(errorOf(await search({ query: 'acme', first: 101 }))).toMatchObject({ code: 'BAD_REQUEST', argument: 'first' });
    expect(errorOf(await search({ query: 'acme', after: 'not-a-cursor' }))).toMatchObject({ code: 'BAD_REQUEST', argument: 'after' });
    const cursor = ok(await search({ query: 'acme', first: 1 })).search.pageInfo.endCursor;
    expect(errorOf(await search({ query: 'umbrella', after: cursor }))).toMatchObject({ code: 'BAD_REQUEST', argument: 'after' });
    // query is required by the schema itself.
    const missing = await a.gql('{ search { edges { cursor } } }');
    expect(missing.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(server.loggedErrors).toEqual([]);
  });

  it("never shows another workspace's records, nor takes its cursors", async () => {
    const inA = await hitIds({ query: 'acme', first: 100 });
    const inB = await hitIds({ query: 'acme', first: 100 }, b);
    expect(inB).toHaveLength(inA.length);
    expect(inA.filter((id) => inB.includes(id))).toEqual([]);
    const cursorOfB = ok(await search({ query: 'acme', first: 1 }, b)).search.pageInfo.endCursor;
    expect(errorOf(await search({ query: 'acme', after: cursorOfB }))).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('tolerates typos where pg_trgm is available', async () => {
    if (!(await server.engine.search.typoTolerant())) {
      expect(await hitIds({ query: 'umbrela' })).toEqual([]);
      return;
    }
    expect(await hitIds({ query: 'umbrela' })).toEqual([ids.umbrella]);
    expect((await hitIds({ query: 'acmee', types: ['company'] }))[0]).toBe(ids.acme);
  });

  it('takes any text as a query', async () => {
    for (const query of ['&', '|', '!', ':', "'", '(', 'acme & umbrella', 'acme | x', '!acme', 'acme:*', "'acme'", '(acme', 'a\\b', '<->']) {
      const res = await search({ query });
      expect(res.errors, query).toBeUndefined();
    }
    expect(await hitIds({ query: '(acme)!', types: ['company'] })).toContain(ids.acme);
    expect(server.loggedErrors).toEqual([]);
  });

  it('answers an empty workspace with no hits', async () => {
    const empty = await server.workspace('Empty');
    const res = await empty.gql<{ search: SearchPage }>(
      '{ search(query: "acme") { edges { cursor node { score type record { id } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }',
    );
    expect(ok(res).search).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it('costs one statement per search, whatever the page size', async () => {
    await search({ query: 'pat' });
    for (const first of [1, 12]) {
      const statements: string[] = [];
      const stop = server.engine.db.observe((text) => statements.push(text));
      try {
        expect(await hitIds({ query: 'pat', first })).toHaveLength(first);
      } finally {
        stop();
      }
      expect(statements.filter((s) => s.includes('"record"'))).toHaveLength(1);
    }
  });
});
