/**
 * The server runs operations compiled by graphql-jit (http/use-graphql-jit.ts).
 * What clients rely on: the answers, errors included, are those of yoga's own
 * executor; a compiled operation is specific to the schema it was compiled for
 * (workspaces with other metadata share no compiled query); filters passed as
 * variables (a recursive input type) are answered.
 */
import { createEngine, type Engine } from '@relata/core';
import { createTestDatabase } from '@relata/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../src/index.ts';
import { ok, startTestServer, type GraphQLResponse } from './helpers.ts';

type Body = GraphQLResponse & { errors?: Array<{ locations?: Array<{ line: number; column: number }> }> };

/** Error ids differ between two requests by design; everything else must not. */
const withoutErrorIds = (body: unknown) =>
  JSON.parse(JSON.stringify(body).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)/g, '<id>)').replace(/"errorId":"[^"]+"/g, '"errorId":"<id>"'));

describe('compiled execution (graphql-jit)', () => {
  describe('answers as the regular executor does', () => {
    let engine: Engine;
    let compiled: HttpServer;
    let regular: HttpServer;
    let urls: { compiled: string; regular: string };
    let apiKey: string;
    const loggedErrors: unknown[] = [];

    async function post(url: string, query: string, variables?: Record<string, unknown>, operationName?: string): Promise<Body> {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query, variables, operationName }),
      });
      return { ...((await res.json()) as Body), status: res.status };
    }
    /** The same request to both servers (to the compiled one twice: it compiles an operation on its second run): the same answer. */
    async function same(query: string, variables?: Record<string, unknown>, operationName?: string): Promise<Body> {
      const expected = await post(urls.regular, query, variables, operationName);
      for (let i = 0; i < 2; i++) {
        const actual = await post(urls.compiled, query, variables, operationName);
        expect(withoutErrorIds(actual), `${query} ${JSON.stringify(variables)}`).toEqual(withoutErrorIds(expected));
      }
      return expected;
    }

    beforeAll(async () => {
      engine = createEngine(await createTestDatabase());
      const logError = (_message: string, error: unknown) => loggedErrors.push(error);
      const queryLimits = { maxCost: 1_000_000 };
      compiled = createHttpServer({ engine, logError, queryLimits });
      regular = createHttpServer({ engine, logError, queryLimits, jit: false });
      urls = { compiled: (await compiled.listen(0)).url, regular: (await regular.listen(0)).url };
      ({ apiKey } = await engine.workspaces.create({ name: 'Compiled' }));
      const setup = [
        'mutation { createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName } }',
        'mutation { createField(objectType: "company", input: { apiName: "name", type: TEXT, required: true, searchable: true }) { apiName } }',
        'mutation { createField(objectType: "company", input: { apiName: "size", type: INTEGER }) { apiName } }',
        'mutation { createField(objectType: "company", input: { apiName: "stage", type: SELECT, options: { choices: [{ value: "lead" }, { value: "won" }] } }) { apiName } }',
        'mutation { createField(objectType: "company", input: { apiName: "tags", type: MULTI_SELECT, options: { choices: [{ value: "a" }, { value: "b" }] } }) { apiName } }',
        'mutation { createField(objectType: "company", input: { apiName: "budget", type: CURRENCY }) { apiName } }',
        'mutation { createField(objectType: "company", input: { apiName: "founded", type: DATE }) { apiName } }',
        'mutation { createField(objectType: "company", input: { apiName: "meta", type: JSON }) { apiName } }',
        'mutation { createObjectType(input: { apiName: "person", pluralApiName: "people" }) { apiName } }',
        'mutation { createField(objectType: "person", input: { apiName: "firstName", type: TEXT }) { apiName } }',
        'mutation { createField(objectType: "person", input: { apiName: "company", type: RELATION, options: { target: "company" } }) { apiName } }',
      ];
      for (const q of setup) ok(await post(urls.compiled, q));
      const { createCompanies } = ok(
        await post(
          urls.compiled,
          `mutation($inputs: [CompanyCreateInput!]!) { createCompanies(inputs: $inputs) { id } }`,
          {
            inputs: [
              { name: 'Acme', size: 10, stage: 'lead', tags: ['a'], budget: { amount: '12.50', currency: 'EUR' }, founded: '2001-02-03', meta: { x: [1, 2] } },
              { name: 'Globex', size: 20, stage: 'won', tags: ['a', 'b'] },
              { name: 'Initech' },
            ],
          },
        ) as GraphQLResponse<{ createCompanies: Array<{ id: string }> }>,
      );
      for (const [i, c] of createCompanies.entries()) {
        for (const firstName of ['Ann', 'Bob'].slice(0, 2 - (i % 2))) {
          ok(await post(urls.compiled, 'mutation($c: ID) { createPerson(input: { firstName: "' + firstName + '", companyId: $c }) { id } }', { c: c.id }));
        }
      }
    });
    afterAll(async () => {
      await compiled?.close();
      await regular?.close();
      await engine?.close();
    });

    it('nested lists, relations both ways, fragments, aliases, __typename, every kind of field value', async () => {
      const body = await same(`
        query Tree {
          companies(orderBy: [{ name: ASC }]) {
            totalCount
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            edges { cursor node { __typename ...C people(first: 1) { edges { node { id firstName company { name } } } pageInfo { hasNextPage endCursor } } } }
          }
          first: companies(first: 1) { edges { node { id } } }
        }
        fragment C on Company { id name size stage tags budget { amount currency } founded meta version createdAt updatedAt deletedAt }`);
      expect(body.errors).toBeUndefined();
      expect(JSON.stringify(body.data)).toContain('"budget":{"amount":"12.50","currency":"EUR"}');
    });

    it('variables: filters nested through and/or/not, enums, lists, @include/@skip', async () => {
      const query = `query($filter: CompanyFilter, $orderBy: [CompanyOrderBy!], $first: Int, $withPeople: Boolean!, $noSize: Boolean!) {
        companies(filter: $filter, orderBy: $orderBy, first: $first) {
          edges { node { name size @skip(if: $noSize) people @include(if: $withPeople) { totalCount } } }
        } }`;
      const filter = { or: [{ stage: { eq: 'won' } }, { and: [{ size: { gte: 5 } }, { not: { tags: { containsAny: ['b'] } } }] }] };
      const body = await same(query, { filter, orderBy: [{ size: 'DESC' }], first: 10, withPeople: true, noSize: false });
      expect(ok(body as GraphQLResponse<{ companies: { edges: unknown[] } }>).companies.edges).toHaveLength(2);
      await same(query, { filter: { name: { in: ['Acme', 'Initech'] } }, withPeople: false, noSize: true });
      // The same filter as a literal.
      await same(`{ companies(filter: { or: [{ stage: { eq: won } }, { not: { size: { lt: 15 } } }] }) { edges { node { name } } } }`);
    });

    it('search results through the Record interface', async () => {
      await same(`{ search(query: "acm") { edges { node { type record { __typename id ... on Company { name } } } } } }`);
    });

    it('variables GraphQL refuses: the same BAD_REQUEST', async () => {
      const query = 'query($first: Int, $filter: CompanyFilter, $order: [CompanyOrderBy!]) { companies(first: $first, filter: $filter, orderBy: $order) { totalCount } }';
      for (const variables of [{ first: 'ten' }, { filter: { stage: { eq: 'nope' } } }, { filter: { nope: {} } }, { order: [{ size: 'SIDEWAYS' }] }]) {
        const body = await same(query, variables);
        expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      }
      await same('query($id: ID!) { company(id: $id) { id } }', {});
    });

    it("the engine's errors: code, path and locations, at the root and nested", async () => {
      const root = await same('{\n  companies(first: 500) { totalCount }\n}');
      expect(root.errors?.[0]).toMatchObject({ path: ['companies'], locations: [{ line: 2, column: 3 }], extensions: { code: 'BAD_REQUEST' } });
      const nested = await same('{ companies(first: 2) { edges { node { name people(first: 500) { totalCount } } } } }');
      expect(nested.errors?.[0]?.path).toEqual(['companies', 'edges', 0, 'node', 'people']);
      await same('{ companies(first: 1, after: "not a cursor") { totalCount } }');
    });

    it('a null in a non-null field: an internal error with an id, and the nulls propagate the same way', async () => {
      const { workspaceId } = await engine.workspaces.authenticate(apiKey).then((a) => a.actor);
      await engine.db.sql.query(`UPDATE "record" SET "data" = "data" - 'name' WHERE "workspace_id" = $1 AND "data"->>'name' = 'Initech'`, [workspaceId]);
      try {
        const body = await same('{ companies(orderBy: [{ size: ASC }]) { edges { node { size name } } } }');
        expect(body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
        expect(body.errors?.[0]?.message).toMatch(/^Unexpected error \(id [0-9a-f-]{36}\)$/);
      } finally {
        await engine.db.sql.query(`UPDATE "record" SET "data" = "data" || '{"name":"Initech"}' WHERE "workspace_id" = $1 AND NOT "data" ? 'name'`, [workspaceId]);
      }
    });

    it('operation names: the named one runs; an unknown or missing name is refused the same way', async () => {
      const doc = 'query A { companies(first: 1) { totalCount } } query B { people(first: 1) { totalCount } }';
      expect(ok((await same(doc, undefined, 'B')) as GraphQLResponse<{ people: unknown }>).people).toBeDefined();
      await same(doc, undefined, 'C');
      await same(doc);
    });

    it('mutations, run in order, with their errors', async () => {
      const created = await same(`mutation($a: String, $b: String) { a: createCompany(input: { name: $a }) { name } b: createCompany(input: { name: $b }) { name } }`, { a: 'One', b: 'Two' });
      expect(created.data).toEqual({ a: { name: 'One' }, b: { name: 'Two' } });
      const refused = await same('mutation { createCompany(input: { size: 3 }) { id } }');
      expect(refused.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
      // Both servers wrote: two of each name.
      const names = ok((await post(urls.compiled, '{ companies(filter: { name: { in: ["One", "Two"] } }) { totalCount } }')) as GraphQLResponse<{ companies: { totalCount: number } }>);
      expect(names.companies.totalCount).toBe(6);
    });

    it('introspection', async () => {
      await same('{ __type(name: "Company") { name kind interfaces { name } fields { name type { kind name ofType { kind name } } } } }');
    });
  });

  it('a query text compiled for one workspace is not reused for another whose metadata differs', async () => {
    const server = await startTestServer();
    try {
      const text = await server.workspace('Text');
      const number = await server.workspace('Number');
      for (const [ws, type] of [[text, 'TEXT'], [number, 'INTEGER']] as const) {
        ok(await ws.gql('mutation { createObjectType(input: { apiName: "item", pluralApiName: "items" }) { apiName } }'));
        ok(await ws.gql(`mutation { createField(objectType: "item", input: { apiName: "score", type: ${type} }) { apiName } }`));
      }
      ok(await text.gql('mutation { createItem(input: { score: "7" }) { id } }'));
      ok(await number.gql('mutation { createItem(input: { score: 7 }) { id } }'));
      const query = '{ items { edges { node { score } } } }';
      for (let i = 0; i < 2; i++) {
        expect(ok(await text.gql(query))).toEqual({ items: { edges: [{ node: { score: '7' } }] } });
        expect(ok(await number.gql(query))).toEqual({ items: { edges: [{ node: { score: 7 } }] } });
      }
      // A metadata change builds a new schema; the same text is compiled again for it.
      ok(await number.gql('mutation { createField(objectType: "item", input: { apiName: "label", type: TEXT }) { apiName } }'));
      expect(ok(await number.gql('{ items { edges { node { score label } } } }'))).toEqual({ items: { edges: [{ node: { score: 7, label: null } }] } });
      expect(ok(await number.gql(query))).toEqual({ items: { edges: [{ node: { score: 7 } }] } });
    } finally {
      await server.close();
    }
  });
});
