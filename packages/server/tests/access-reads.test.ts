/**
 * Roles on every read path, for each kind of credential: a record the actor may
 * not read does not exist for them (absent from lists, null by id, not counted,
 * not found through relations, filters or search); a hidden field or type is
 * absent from their schema, so no query, filter, ordering or search reaches it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { code, setUpAccess, type AccessFixture } from './access-fixture.ts';
import { ok } from './helpers.ts';

type Page = { totalCount: number; edges: Array<{ node: { id: string; name: string } }> };
const names = (page: Page) => page.edges.map((e) => e.node.name).sort();

describe('roles on reads', () => {
  let f: AccessFixture;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    f = await setUpAccess();
    const { ann, bob, admin } = f.clients;
    const created = async (client: typeof admin, mutation: string) => Object.values(ok(await client<Record<string, { id: string }>>(mutation)))[0]!.id;
    ids.acme = await created(admin, 'mutation { createCompany(input: { name: "Acme", revenue: 5000000, rating: 4, secretNotes: "zanzibar deal" }) { id } }');
    ids.globex = await created(admin, 'mutation { createCompany(input: { name: "Globex", revenue: 10 }) { id } }');
    ids.annPerson = await created(ann, `mutation { createPerson(input: { name: "Ann Lead", companyId: "${ids.acme}" }) { id } }`);
    ids.bobPerson = await created(bob, `mutation { createPerson(input: { name: "Bob Lead", companyId: "${ids.acme}" }) { id } }`);
    ids.bobPerson2 = await created(bob, `mutation { createPerson(input: { name: "Bob Prospect", companyId: "${ids.globex}" }) { id } }`);
    ids.contract = await created(admin, `mutation { createContract(input: { title: "Master agreement", companyId: "${ids.acme}" }) { id } }`);
  });
  afterAll(() => f.close());

  it('lists, counts and gets only the records a role may read (own), with the JWT of each member', async () => {
    const query = '{ people(orderBy: [{ name: ASC }]) { totalCount edges { node { id name } } } }';
    expect(names(ok(await f.clients.ann<{ people: Page }>(query)).people)).toEqual(['Ann Lead']);
    expect(ok(await f.clients.ann<{ people: Page }>(query)).people.totalCount).toBe(1);
    expect(names(ok(await f.clients.bob<{ people: Page }>(query)).people)).toEqual(['Bob Lead', 'Bob Prospect']);
    expect(ok(await f.clients.admin<{ people: Page }>(query)).people.totalCount).toBe(3);
    // By id: someone else's record is null, exactly like one that never existed.
    expect(ok(await f.clients.ann(`{ person(id: "${ids.bobPerson}") { id } }`))).toEqual({ person: null });
    expect(ok(await f.clients.ann(`{ person(id: "${ids.annPerson}") { name } }`))).toEqual({ person: { name: 'Ann Lead' } });
    // Filters on the id find nothing either, and count nothing.
    const byId = ok(await f.clients.ann<{ people: Page }>(`{ people(filter: { id: { in: ["${ids.bobPerson}"] } }) { totalCount edges { node { id name } } } }`));
    expect(byId.people).toEqual({ totalCount: 0, edges: [] });
  });

  it('an API key with a role limited to own records owns nothing: it reads none of them', async () => {
    const res = ok(await f.clients.salesKey<{ people: Page; companies: Page }>('{ people { totalCount edges { node { id name } } } companies { totalCount } }'));
    expect(res.people).toEqual({ totalCount: 0, edges: [] });
    expect(res.companies.totalCount).toBe(2);
  });

  it('applies to nested lists, to-one relations and relation filters: nothing counts or matches that the actor may not read', async () => {
    const nested = ok(
      await f.clients.ann<{ company: { people: Page } }>(`{ company(id: "${ids.acme}") { people { totalCount edges { node { id name } } } } }`),
    );
    expect(names(nested.company.people)).toEqual(['Ann Lead']);
    expect(nested.company.people.totalCount).toBe(1);
    // Companies having a person named "Bob Lead": Bob's record must not reveal Acme to Ann.
    const filter = '{ companies(filter: { people: { some: { name: { eq: "Bob Lead" } } } }) { totalCount } }';
    expect(ok(await f.clients.ann<{ companies: Page }>(filter)).companies.totalCount).toBe(0);
    expect(ok(await f.clients.bob<{ companies: Page }>(filter)).companies.totalCount).toBe(1);
    // `none` and `every` see only readable records too: for Ann, Globex has no people at all.
    const none = '{ companies(filter: { people: { none: {} } }) { edges { node { name } } } }';
    expect(ok(await f.clients.ann<{ companies: { edges: Array<{ node: { name: string } }> } }>(none)).companies.edges.map((e) => e.node.name)).toEqual(['Globex']);
  });

  it('hides fields and types from the schema: a query, filter or ordering naming them is refused before it runs', async () => {
    expect(code(await f.clients.ann(`{ company(id: "${ids.acme}") { revenue } }`))).toBe('BAD_REQUEST');
    expect(code(await f.clients.ann('{ companies(filter: { revenue: { gt: 1000 } }) { totalCount } }'))).toBe('BAD_REQUEST');
    expect(code(await f.clients.ann('{ companies(orderBy: [{ revenue: DESC }]) { totalCount } }'))).toBe('BAD_REQUEST');
    expect(code(await f.clients.ann('{ contracts { totalCount } }'))).toBe('BAD_REQUEST');
    // The inverse relation to a type the role may not read is gone too.
    expect(code(await f.clients.ann(`{ company(id: "${ids.acme}") { contracts { totalCount } } }`))).toBe('BAD_REQUEST');
    // What the role may read is there, read-only fields included.
    expect(ok(await f.clients.ann(`{ company(id: "${ids.acme}") { name rating } }`))).toEqual({ company: { name: 'Acme', rating: 4 } });
    // Introspection shows the same: the schema is the role's.
    const fields = ok(await f.clients.ann<{ __type: { fields: Array<{ name: string }> } }>('{ __type(name: "Company") { fields { name } } }'));
    expect(fields.__type.fields.map((x) => x.name)).toEqual(expect.arrayContaining(['name', 'rating', 'people']));
    expect(fields.__type.fields.map((x) => x.name)).not.toEqual(expect.arrayContaining(['revenue']));
    expect(ok(await f.clients.ann('{ __type(name: "Contract") { name } }'))).toEqual({ __type: null });
    expect(ok(await f.clients.admin('{ __type(name: "Contract") { name } }'))).toEqual({ __type: { name: 'Contract' } });
  });

  it('searches only readable records of readable types, and never by the words of a hidden field', async () => {
    const search = (client: typeof f.clients.ann, query: string) =>
      client<{ search: { edges: Array<{ node: { type: string; record: { id: string } } }> } }>(
        `{ search(query: "${query}") { edges { node { type record { id } } } } }`,
      ).then((res) => ok(res).search.edges.map((e) => e.node.record.id));
    expect(await search(f.clients.ann, 'lead')).toEqual([ids.annPerson]);
    expect(await search(f.clients.admin, 'lead')).toHaveLength(2);
    // "zanzibar" is only in Acme's hidden secretNotes; "master" only in a contract.
    expect(await search(f.clients.ann, 'zanzibar')).toEqual([]);
    expect(await search(f.clients.admin, 'zanzibar')).toEqual([ids.acme]);
    expect(await search(f.clients.ann, 'acme')).toEqual([ids.acme]);
    expect(await search(f.clients.ann, 'master')).toEqual([]);
    expect(await search(f.clients.admin, 'master')).toEqual([ids.contract]);
    expect(code(await f.clients.ann('{ search(query: "master", types: ["contract"]) { edges { cursor } } }'))).toBe('VALIDATION_FAILED');
    // A typo goes through the trigram fallback (where pg_trgm is installed): the same rules hold there.
    expect(await search(f.clients.ann, 'zanzibr')).toEqual([]);
    expect(await search(f.clients.ann, 'Prospct')).toEqual([]);
    if (await f.server.engine.search.typoTolerant()) {
      expect(await search(f.clients.admin, 'zanzibr')).toEqual([ids.acme]);
      expect(await search(f.clients.bob, 'Prospct')).toEqual([ids.bobPerson2]);
    }
  });

  it('gives viewers every record and no mutation of them, with an API key and with a JWT', async () => {
    for (const viewer of [f.clients.viewerKey, f.clients.viewerJwt]) {
      expect(ok(await viewer<{ people: Page }>('{ people { totalCount } }')).people.totalCount).toBe(3);
      expect(ok(await viewer(`{ company(id: "${ids.acme}") { revenue } }`))).toEqual({ company: { revenue: 5000000 } });
      expect(code(await viewer('mutation { createCompany(input: { name: "Nope" }) { id } }'))).toBe('BAD_REQUEST');
      expect(code(await viewer(`mutation { deleteCompany(id: "${ids.acme}") { id } }`))).toBe('BAD_REQUEST');
    }
  });

  it('shows each record’s owner: the member who created it, none for API keys', async () => {
    const res = ok(
      await f.clients.admin<{ person: { ownerId: string; owner: { userId: string } }; company: { ownerId: null; owner: null } }>(
        `{ person(id: "${ids.bobPerson}") { ownerId owner { userId } } company(id: "${ids.acme}") { ownerId owner { userId } } }`,
      ),
    );
    expect(res.person).toEqual({ ownerId: f.memberId('bob'), owner: { userId: 'bob' } });
    expect(res.company).toEqual({ ownerId: null, owner: null });
    const mine = ok(await f.clients.admin<{ people: Page }>(`{ people(filter: { ownerId: { eq: "${f.memberId('bob')}" } }) { totalCount edges { node { id name } } } }`));
    expect(names(mine.people)).toEqual(['Bob Lead', 'Bob Prospect']);
  });
});
