/**
 * Tenant isolation over GraphQL: two workspaces with identically named types and
 * records never see, change or reference each other's records, and workspaces
 * with identical metadata share one cached schema until one of them changes.
 */
import type { GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type GraphQLResponse } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;

interface Tenant {
  ws: Workspace;
  companyId: string;
  personId: string;
  /** A company soft-deleted by its own workspace. */
  deletedCompanyId: string;
}

async function setUp(ws: Workspace, personName: string): Promise<Tenant> {
  ok(await ws.gql(`mutation { createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName } }`));
  ok(await ws.gql(`mutation { createField(objectType: "company", input: { apiName: "name", type: TEXT }) { apiName } }`));
  ok(await ws.gql(`mutation { createObjectType(input: { apiName: "person", pluralApiName: "people" }) { apiName } }`));
  ok(await ws.gql(`mutation { createField(objectType: "person", input: { apiName: "name", type: TEXT }) { apiName } }`));
  ok(await ws.gql(`mutation { createField(objectType: "person", input: { apiName: "company", type: RELATION, options: { target: "company" } }) { apiName } }`));
  const company = ok(await ws.gql<{ createCompany: { id: string } }>(`mutation { createCompany(input: { name: "Acme" }) { id } }`)).createCompany;
  const person = ok(
    await ws.gql<{ createPerson: { id: string } }>(`mutation($c: ID) { createPerson(input: { name: "${personName}", companyId: $c }) { id } }`, { c: company.id }),
  ).createPerson;
  const gone = ok(await ws.gql<{ createCompany: { id: string } }>(`mutation { createCompany(input: { name: "Gone" }) { id } }`)).createCompany;
  ok(await ws.gql(`mutation($id: ID!) { deleteCompany(id: $id) { id } }`, { id: gone.id }));
  return { ws, companyId: company.id, personId: person.id, deletedCompanyId: gone.id };
}

const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;

describe('workspaces', () => {
  let server: Server;
  let a: Tenant;
  let b: Tenant;
  const used: GraphQLSchema[] = [];

  /** The schema object the server answered this workspace's next request with. */
  async function schemaOf(ws: Workspace): Promise<GraphQLSchema> {
    used.length = 0;
    ok(await ws.gql('{ __typename }'));
    expect(used).toHaveLength(1);
    return used[0]!;
  }

  beforeAll(async () => {
    server = await startTestServer();
    // Watch which cached schema each request gets.
    const schemas = server.http.schemas;
    const get = schemas.get.bind(schemas);
    schemas.get = (metadata, actor) => {
      const schema = get(metadata, actor);
      used.push(schema);
      return schema;
    };
    a = await setUp(await server.workspace('A'), 'Ann');
    b = await setUp(await server.workspace('B'), 'Bob');
  });
  afterAll(() => server.close());

  describe('records of another workspace', () => {
    it('cannot be read by id: null', async () => {
      for (const [type, id] of [['company', a.companyId], ['person', a.personId], ['company', a.deletedCompanyId]] as const) {
        const res = ok(await b.ws.gql<Record<string, unknown>>(`query($id: ID!) { ${type}(id: $id) { id } }`, { id }));
        expect(res[type], `${type} ${id}`).toBeNull();
      }
      // The owner still reads its own.
      expect(ok(await a.ws.gql<{ company: { name: string } }>(`query($id: ID!) { company(id: $id) { name } }`, { id: a.companyId })).company).toEqual({ name: 'Acme' });
    });

    it('cannot be updated, deleted, restored or destroyed: NOT_FOUND, and stay as they were', async () => {
      const mutations: Array<[string, Record<string, unknown>]> = [
        ['mutation($id: ID!) { updateCompany(id: $id, input: { name: "Hijacked" }) { id } }', { id: a.companyId }],
        ['mutation($id: ID!) { updateCompany(id: $id, input: { name: "Hijacked" }, expectedVersion: 1) { id } }', { id: a.companyId }],
        ['mutation($id: ID!) { deleteCompany(id: $id) { id } }', { id: a.companyId }],
        ['mutation($id: ID!) { restoreCompany(id: $id) { id } }', { id: a.deletedCompanyId }],
        ['mutation($id: ID!) { destroyCompany(id: $id) }', { id: a.companyId }],
        ['mutation($id: ID!) { destroyCompany(id: $id) }', { id: a.deletedCompanyId }],
        ['mutation($id: ID!) { destroyPerson(id: $id) }', { id: a.personId }],
      ];
      for (const [query, variables] of mutations) {
        const res = await b.ws.gql(query, variables);
        expect(code(res), query).toBe('NOT_FOUND');
        expect(res.data ?? null, query).toBeNull();
      }
      type Companies = { companies: { edges: Array<{ node: { id: string; name: string; version: number; deletedAt: string | null } }> } };
      const mine = ok(await a.ws.gql<Companies>(`{ companies(includeDeleted: true) { edges { node { id name version deletedAt } } } }`)).companies.edges.map((e) => e.node);
      expect(mine.find((c) => c.id === a.companyId)).toMatchObject({ name: 'Acme', version: 1, deletedAt: null });
      expect(mine.find((c) => c.id === a.deletedCompanyId)?.deletedAt).not.toBeNull();
      const person = ok(await a.ws.gql<{ person: { name: string; company: { id: string } } }>(`query($id: ID!) { person(id: $id) { name company { id } } }`, { id: a.personId })).person;
      expect(person).toEqual({ name: 'Ann', company: { id: a.companyId } });
    });

    it('cannot be referenced from a relation field: VALIDATION_FAILED, nothing written', async () => {
      const count = async () => ok(await b.ws.gql<{ people: { totalCount: number } }>(`{ people(includeDeleted: true) { totalCount } }`)).people.totalCount;
      const before = await count();
      const created = await b.ws.gql(`mutation($c: ID) { createPerson(input: { name: "Eve", companyId: $c }) { id } }`, { c: a.companyId });
      expect(code(created)).toBe('VALIDATION_FAILED');
      const fields = created.errors?.[0]?.extensions?.fields as Array<{ field: string; code: string }>;
      // The path's exact form (companyId vs company) is asserted in field-types.test.ts.
      expect(fields).toEqual([expect.objectContaining({ field: expect.stringMatching(/^input\.company(Id)?$/), code: 'INVALID_REFERENCE' })]);
      expect(await count()).toBe(before);

      const updated = await b.ws.gql(`mutation($id: ID!, $c: ID) { updatePerson(id: $id, input: { companyId: $c }) { id } }`, { id: b.personId, c: a.companyId });
      expect(code(updated)).toBe('VALIDATION_FAILED');
      const bob = ok(await b.ws.gql<{ person: { version: number; company: { id: string } } }>(`query($id: ID!) { person(id: $id) { version company { id } } }`, { id: b.personId })).person;
      expect(bob).toEqual({ version: 1, company: { id: b.companyId } });
    });

    it('never appear in lists, counts or filters', async () => {
      type Companies = { companies: { totalCount: number; edges: Array<{ node: { id: string } }> } };
      for (const [mine, theirs] of [[a, b], [b, a]] as const) {
        for (const args of ['', '(includeDeleted: true)', '(filter: { name: { eq: "Acme" } })', '(orderBy: [{ name: DESC }], first: 200)']) {
          const list = ok(await mine.ws.gql<Companies>(`{ companies${args} { totalCount edges { node { id } } } }`)).companies;
          const ids = list.edges.map((e) => e.node.id);
          expect(ids, args).not.toContain(theirs.companyId);
          expect(ids, args).not.toContain(theirs.deletedCompanyId);
          expect(list.totalCount, args).toBe(ids.length);
        }
        const all = ok(await mine.ws.gql<Companies>(`{ companies(includeDeleted: true) { totalCount edges { node { id } } } }`)).companies;
        expect(all.edges.map((e) => e.node.id).sort()).toEqual([mine.companyId, mine.deletedCompanyId].sort());
        const filtered = ok(
          await mine.ws.gql<{ people: { totalCount: number } }>(`query($c: ID) { people(filter: { companyId: { eq: $c } }) { totalCount } }`, { c: theirs.companyId }),
        );
        expect(filtered.people.totalCount).toBe(0);
        const byId = ok(await mine.ws.gql<Companies>(`query($id: ID) { companies(filter: { id: { eq: $id } }) { totalCount edges { node { id } } } }`, { id: theirs.companyId }));
        expect(byId.companies.totalCount).toBe(0);
      }
    });

    it("a cursor from A used in B returns nothing of A's", async () => {
      type Companies = { companies: { edges: Array<{ cursor: string; node: { id: string } }> } };
      const aPage = ok(await a.ws.gql<Companies>(`{ companies(first: 1, includeDeleted: true) { edges { cursor node { id } } } }`)).companies;
      const cursor = aPage.edges[0]!.cursor;
      for (const args of [`first: 10, after: $c`, `last: 10, before: $c`, `first: 10, after: $c, includeDeleted: true`]) {
        const res = await b.ws.gql<Companies>(`query($c: String) { companies(${args}) { edges { node { id } } } }`, { c: cursor });
        // A cursor is a position in an ordering, not a record: B gets B's records from there on, or a BAD_REQUEST.
        if (res.errors) expect(code(res)).toBe('BAD_REQUEST');
        else {
          const ids = res.data!.companies.edges.map((e) => e.node.id);
          expect(ids).not.toContain(a.companyId);
          expect(ids).not.toContain(a.deletedCompanyId);
        }
      }
    });

    it('keeps metadata apart too', async () => {
      type Types = { objectTypes: Array<{ id: string; apiName: string; fields: Array<{ id: string }> }> };
      const aTypes = ok(await a.ws.gql<Types>(`{ objectTypes { id apiName fields { id } } }`)).objectTypes;
      const bTypes = ok(await b.ws.gql<Types>(`{ objectTypes { id apiName fields { id } } }`)).objectTypes;
      expect(aTypes.map((t) => t.apiName)).toEqual(bTypes.map((t) => t.apiName));
      const aIds = new Set(aTypes.flatMap((t) => [t.id, ...t.fields.map((f) => f.id)]));
      expect(bTypes.flatMap((t) => [t.id, ...t.fields.map((f) => f.id)]).filter((id) => aIds.has(id))).toEqual([]);
    });
  });

  describe('schema cache', () => {
    it('serves workspaces with identical metadata from one schema object; a change in one gives it a new one only', async () => {
      const shared = await schemaOf(a.ws);
      expect(await schemaOf(b.ws)).toBe(shared);
      // Sharing the object shares no data.
      const names = async (t: Tenant) =>
        ok(await t.ws.gql<{ people: { edges: Array<{ node: { name: string } }> } }>(`{ people { edges { node { name } } } }`)).people.edges.map((e) => e.node.name);
      expect(await names(a)).toEqual(['Ann']);
      expect(await names(b)).toEqual(['Bob']);

      ok(await a.ws.gql(`mutation { createField(objectType: "person", input: { apiName: "email", type: EMAIL }) { apiName } }`));
      const changed = await schemaOf(a.ws);
      expect(changed).not.toBe(shared);
      expect(await schemaOf(b.ws)).toBe(shared);
      ok(await a.ws.gql(`{ people { edges { node { email } } } }`));
      const inB = await b.ws.gql(`{ people { edges { node { email } } } }`);
      expect(code(inB)).toBe('BAD_REQUEST');
      expect(inB.errors?.[0]?.message).toMatch(/email/);

      // The same change in B makes their metadata identical again: one schema.
      ok(await b.ws.gql(`mutation { createField(objectType: "person", input: { apiName: "email", type: EMAIL }) { apiName } }`));
      expect(await schemaOf(b.ws)).toBe(changed);
      expect(await schemaOf(a.ws)).toBe(changed);
    });
  });
});
