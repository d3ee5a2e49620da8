/**
 * Tenant isolation end to end, over HTTP: workspaces A and B have identical types
 * and identically named records (B has a few more, some with words only B holds).
 * With B's record, key and type ids, B's list and search cursors and B's values,
 * A (by its admin API key, an admin JWT and a member key) reads nothing of B,
 * writes nothing to B, links nothing to B, and learns nothing: each answer naming
 * a B id is the answer for an id that never existed. B is checked through B's own
 * key first, so every check can fail. The last test reads back every answer A got:
 * none names B's ids or B-only words.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type GraphQLResponse } from './helpers.ts';
import { B_ONLY_WORDS, codeOf, JWT, nodeIds, seed, seedOnlyB, STATE, uuidsIn, type Connection, type Ids, type Server, type Vars, type Workspace } from './tenant-fixture.ts';

describe('tenant isolation', () => {
  let server: Server;
  let a: Workspace;
  let b: Workspace;
  let A: Ids;
  let B: Ids & Awaited<ReturnType<typeof seedOnlyB>>;
  /** Every id of B: records, types, fields, API keys, members. */
  const bIds = new Set<string>();
  let bKeyId: string;
  let bKey: string;
  /** A's admin credentials: its API key, and a JWT of a user who is also in B. */
  let clientsOfA: Array<[label: string, token: string]>;
  /** The same and a member's API key, whose role may do less (and must learn no more). */
  let readersOfA: Array<[label: string, token: string]>;
  /** Every request A made and the answer it got, for the final check. */
  const answersToA: Array<{ sent: string; answer: string }> = [];

  /** An admin JWT of user-1 for `workspaceId`, as a product's backend signs it. */
  const sign = (workspaceId: string) =>
    new SignJWT({ sub: 'user-1', workspaceId, roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(JWT.issuer!)
      .setAudience(JWT.audience!)
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(JWT.secret));

  async function asA<T = Vars>(query: string, variables: Vars = {}, token = a.apiKey): Promise<GraphQLResponse<T>> {
    const res = await server.request<T>(token, query, variables);
    answersToA.push({ sent: JSON.stringify(variables), answer: JSON.stringify(res) });
    return res;
  }

  /** A's answer when `vars` names B's `id`, checked equal (but for the id) to its answer for an id that never existed. */
  async function probe<T = Vars>(token: string, query: string, id: string, vars: (id: string) => Vars = (v) => ({ v })) {
    const unknown = randomUUID();
    const theirs = await asA<T>(query, vars(id), token);
    const nobodys = await asA<T>(query, vars(unknown), token);
    const masked = (res: GraphQLResponse<T>, x: string) => JSON.parse(JSON.stringify(res).replaceAll(x, '<id>')) as unknown;
    expect(masked(theirs, id), query).toEqual(masked(nobodys, unknown));
    return theirs;
  }

  const stateOf = async (token: string) => ok(await server.request(token, STATE));

  beforeAll(async () => {
    server = await startTestServer({ auth: { jwt: JWT } });
    a = await server.workspace('A');
    b = await server.workspace('B');
    A = await seed(a);
    B = { ...(await seed(b)), ...(await seedOnlyB(b)) };
    clientsOfA = [['API key', a.apiKey], ['JWT', await sign(a.workspaceId)]];
    ok(await server.request(clientsOfA[1]![1], '{ __typename }'));
    const member = ok(await a.gql<{ createApiKey: { key: string } }>('mutation { createApiKey(input: { name: "a-member", role: "member" }) { key } }'));
    readersOfA = [...clientsOfA, ['member key', member.createApiKey.key]];
    // user-1 is a member of B too.
    ok(await server.request(await sign(b.workspaceId), '{ __typename }'));
    ({ key: bKey, apiKey: { id: bKeyId } } = ok(
      await b.gql<{ createApiKey: { key: string; apiKey: { id: string } } }>('mutation { createApiKey(input: { name: "b-ci", role: "member" }) { key apiKey { id } } }'),
    ).createApiKey);
    const everything = ok(await b.gql(`{ objectTypes { id fields { id } } apiKeys { id } members { id } ${STATE.slice(1)}`));
    for (const id of [b.workspaceId, ...uuidsIn(everything)]) bIds.add(id);
  });
  afterAll(() => server.close());

  describe('reads', () => {
    it("reads B's records by id as null, as it reads an id that never existed", async () => {
      const ofB = [['company', B.acme], ['company', B.zorblax], ['person', B.ann], ['opportunity', B.renewal], ['note', B.note]] as const;
      for (const [type, id] of ofB) {
        const query = `query($v: ID!) { ${type}(id: $v) { id } }`;
        expect(ok(await b.gql<Record<string, unknown>>(query, { v: id }))[type]).toEqual({ id });
        for (const [label, token] of readersOfA) {
          expect(ok(await probe<Record<string, unknown>>(token, query, id))[type], `${label} ${type}`).toBeNull();
        }
      }
    });

    it("finds nothing by B's ids or B-only values, in lists, filters through relations and counts", async () => {
      const cases: Array<[list: string, args: string, type: string, value: unknown]> = [
        ['companies', 'includeDeleted: true, filter: { id: { in: $v } }', '[ID!]', [B.acme, B.gone, B.zorblax]],
        ['companies', 'filter: { id: { eq: $v } }', 'ID', B.acme],
        ['people', 'filter: { id: { in: $v } }', '[ID!]', [B.ann, B.zedekiah]],
        ['people', 'filter: { companyId: { in: $v } }', '[ID!]', [B.acme, B.zorblax]],
        ['notes', 'filter: { parentId: { in: $v } }', '[ID!]', [B.acme, B.zedekiah]],
        ['opportunities', 'filter: { id: { eq: $v } }', 'ID', B.renewal],
        ['companies', 'filter: { people: { some: { id: { in: $v } } } }', '[ID!]', [B.ann, B.zedekiah]],
        ['opportunities', 'filter: { contacts: { some: { id: { eq: $v } } } }', 'ID', B.ann],
        ['people', 'filter: { opportunities: { some: { id: { eq: $v } } } }', 'ID', B.renewal],
        ['companies', 'filter: { notes: { some: { id: { eq: $v } } } }', 'ID', B.note],
        ['companies', 'filter: { people: { some: { name: { eq: $v } } } }', 'String', 'Zedekiah'],
        ['people', 'filter: { company: { tagline: { eq: $v } } }', 'String', 'hyperdrive'],
        ['companies', 'filter: { name: { in: $v } }', '[String!]', ['Zorblax', 'Quasar Ltd', 'Nimbus']],
      ];
      for (const [list, args, type, value] of cases) {
        const query = `query($v: ${type}) { ${list}(${args}) { totalCount edges { node { id } } } }`;
        expect(ok(await b.gql<Record<string, Connection>>(query, { v: value }))[list]!.totalCount, `B: ${args}`).toBeGreaterThan(0);
        for (const [label, token] of readersOfA) {
          expect(ok(await asA<Record<string, Connection>>(query, { v: value }, token))[list], `${label}: ${args}`).toEqual({ totalCount: 0, edges: [] });
        }
      }
    });

    it('filters through relations by shared names and counts only its own records', async () => {
      const query = `{
        people(filter: { company: { name: { eq: "Acme" } } }) { totalCount edges { node { id } } }
        companies(filter: { people: { some: { name: { eq: "Ann" } } } }) { totalCount edges { node { id } } }
        opportunities(filter: { contacts: { some: { name: { in: ["Ann", "Bob"] } } } }) { totalCount edges { node { id } } }
        withNotes: companies(filter: { notes: { some: {} } }) { totalCount edges { node { id } } }
        live: companies { totalCount } all: companies(includeDeleted: true) { totalCount } everyone: people { totalCount } notes { totalCount }
      }`;
      type Answer = Record<'people' | 'companies' | 'opportunities' | 'withNotes', Connection> & Record<'live' | 'all' | 'everyone' | 'notes', { totalCount: number }>;
      const summary = (d: Answer) => ({
        matched: [d.people, d.companies, d.opportunities, d.withNotes].map((c) => [c.totalCount, ...nodeIds(c)]),
        counts: [d.live, d.all, d.everyone, d.notes].map((c) => c.totalCount),
      });
      const expected = (ids: Ids, counts: number[]) => ({ matched: [[1, ids.ann], [1, ids.acme], [1, ids.renewal], [1, ids.acme]], counts });
      expect(summary(ok(await b.gql<Answer>(query)))).toEqual(expected(B, [8, 9, 3, 2]));
      for (const [label, token] of readersOfA) expect(summary(ok(await asA<Answer>(query, {}, token))), label).toEqual(expected(A, [2, 3, 2, 1]));
    });

    it("takes B's list cursors as a BAD_REQUEST or a page of A's own records", async () => {
      type Page = { edges: Array<{ cursor: string; node: { id: string } }> };
      const pages = ok(
        await b.gql<{ byId: Page; byName: Page; opportunity: { contacts: Page } }>(
          `query($o: ID!) { byId: companies(first: 2, includeDeleted: true) { edges { cursor node { id } } }
             byName: companies(first: 2, orderBy: [{ name: DESC }]) { edges { cursor node { id } } }
             opportunity(id: $o) { contacts(first: 1) { edges { cursor node { id } } } } }`,
          { o: B.renewal },
        ),
      );
      const [byId, byName, nested] = [pages.byId, pages.byName, pages.opportunity.contacts].map((p) => p.edges[0]!.cursor);
      // The cursors are real: B pages on with them.
      expect(uuidsIn(ok(await b.gql('query($c: String) { companies(first: 10, after: $c) { edges { node { id } } } }', { c: byId }))).length).toBeGreaterThan(0);
      const attempts: Array<[string, string]> = [
        ['query($c: String) { companies(first: 10, after: $c) { edges { node { id } } } }', byId!],
        ['query($c: String) { companies(last: 10, before: $c, includeDeleted: true) { edges { node { id } } } }', byId!],
        ['query($c: String) { companies(first: 10, after: $c, orderBy: [{ name: DESC }]) { edges { node { id name } } } }', byName!],
        ['query($c: String) { companies(first: 10, after: $c) { edges { node { id } } } }', nested!],
        [`query($c: String) { opportunity(id: "${A.renewal}") { contacts(first: 10, after: $c) { edges { node { id } } } } }`, nested!],
        [`query($c: String) { company(id: "${A.acme}") { people(last: 10, before: $c) { edges { node { id } } } } }`, byName!],
      ];
      for (const [query, c] of attempts) {
        for (const [label, token] of readersOfA) {
          const res = await asA(query, { c }, token);
          if (res.errors) expect(codeOf(res), `${label}: ${query}`).toBe('BAD_REQUEST');
          else expect(uuidsIn(res.data).filter((id) => bIds.has(id)), `${label}: ${query}`).toEqual([]);
        }
      }
    });

    it("finds none of B's records by search, and takes B's search cursors as a BAD_REQUEST or A's own hits", async () => {
      const SEARCH = 'query($q: String!, $after: String) { search(query: $q, first: 10, after: $after) { edges { node { type record { id } } } pageInfo { endCursor } } }';
      type Hits = { search: { edges: Array<{ node: { type: string; record: { id: string } } }>; pageInfo: { endCursor: string | null } } };
      const found = (res: GraphQLResponse<Hits>) => ok(res).search.edges.map((e) => e.node.record.id);
      expect(found(await b.gql<Hits>(SEARCH, { q: 'hyperdrive' }))).toEqual([B.zorblax]);
      expect(found(await b.gql<Hits>(SEARCH, { q: 'zedek' }))).toEqual([B.zedekiah]);
      expect(found(await b.gql<Hits>(SEARCH, { q: 'acme' }))).toEqual([B.acme]);
      for (const [label, token] of readersOfA) {
        // zorblx and zedekia find nothing by words, so they go through the typo-tolerant match too.
        for (const q of ['hyperdrive', 'zorblax', 'zedek', 'zorblx', 'zedekia', 'quasar']) expect(found(await asA<Hits>(SEARCH, { q }, token)), `${label}: ${q}`).toEqual([]);
        expect(found(await asA<Hits>(SEARCH, { q: 'acme' }, token)), label).toEqual([A.acme]);
      }
      const cursor = ok(await b.gql<Hits>('{ search(query: "a", first: 1) { edges { node { type } } pageInfo { endCursor } } }')).search.pageInfo.endCursor;
      for (const [label, token] of readersOfA) {
        const res = await asA<Hits>(SEARCH, { q: 'a', after: cursor }, token);
        if (res.errors) expect(codeOf(res), label).toBe('BAD_REQUEST');
        else expect(found(res).filter((id) => bIds.has(id)), label).toEqual([]);
      }
    });

    it('answers interleaved concurrent requests of A and B (identical metadata: one cached schema) with their own records', async () => {
      const query = '{ people(orderBy: [{ name: ASC }]) { edges { node { id company { id } opportunities { edges { node { id } } } } } } }';
      const [mine, theirs] = [[A.ann, A.acme, A.renewal, A.bob, A.globex, A.renewal], [B.ann, B.acme, B.renewal, B.bob, B.globex, B.renewal, B.zedekiah, B.zorblax]];
      const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? b.gql(query) : asA(query))));
      answers.forEach((res, i) => expect(uuidsIn(ok(res)), String(i)).toEqual(i % 2 ? theirs : mine));
    });
  });

  describe('the admin API', () => {
    it("lists only A's API keys and members; B's key cannot be revoked from A and keeps working", async () => {
      type Admin = { apiKeys: Array<{ id: string; name: string }>; members: Array<{ id: string; userId: string }> };
      const ofB = ok(await b.gql<Admin>('{ apiKeys { id name } members { id userId } }'));
      expect(ofB.apiKeys.map((k) => k.name)).toEqual(['default', 'b-ci']);
      expect(ofB.members.map((m) => m.userId)).toEqual(['user-1']);
      for (const [label, token] of clientsOfA) {
        const ofA = ok(await asA<Admin>('{ apiKeys { id name } members { id userId } }', {}, token));
        expect(ofA.apiKeys.map((k) => k.name), label).toEqual(['default', 'a-member']);
        // The same user is a member of both workspaces: two members, one in each.
        expect(ofA.members.map((m) => m.userId), label).toEqual(['user-1']);
        expect(uuidsIn(ofA).filter((id) => bIds.has(id)), label).toEqual([]);

        const revoked = await probe(token, 'mutation($v: ID!) { revokeApiKey(id: $v) }', bKeyId);
        expect(codeOf(revoked), label).toBe('NOT_FOUND');
      }
      expect(ok(await server.request<{ companies: { totalCount: number } }>(bKey, '{ companies { totalCount } }')).companies.totalCount).toBe(8);
    });
  });

  describe('writes', () => {
    let stateOfA: unknown;
    let stateOfB: unknown;
    beforeAll(async () => {
      stateOfA = await stateOf(a.apiKey);
      stateOfB = await stateOf(b.apiKey);
    });

    /** A's and B's records are exactly as they were: no value, version, deletion or link changed. */
    async function nothingWritten() {
      expect(await stateOf(b.apiKey)).toEqual(stateOfB);
      expect(await stateOf(a.apiKey)).toEqual(stateOfA);
    }

    it("refuses to-one and polymorphic ids of B's records: VALIDATION_FAILED naming the field, nothing written", async () => {
      const cases: Array<[query: string, field: string, id: string]> = [
        ['mutation($v: ID) { createPerson(input: { name: "Eve", companyId: $v }) { id } }', 'input.companyId', B.acme],
        [`mutation($v: ID) { updatePerson(id: "${A.bob}", input: { name: "Bobby", companyId: $v }) { id } }`, 'input.companyId', B.globex],
        ['mutation($v: ID) { createPeople(inputs: [{ name: "Eve" }, { name: "Eve", companyId: $v }]) { id } }', 'inputs.1.companyId', B.zorblax],
        [`mutation($v: ID) { updatePeople(updates: [{ id: "${A.ann}", input: { companyId: $v } }]) { id } }`, 'updates.0.input.companyId', B.acme],
        ['mutation($v: ID) { createNote(input: { body: "x", parentId: $v }) { id } }', 'input.parentId', B.acme],
        ['mutation($v: ID) { createNote(input: { body: "x", parentId: $v }) { id } }', 'input.parentId', B.zedekiah],
        [`mutation($v: ID) { updateNote(id: "${A.note}", input: { parentId: $v }) { id } }`, 'input.parentId', B.ann],
        [`mutation($v: ID) { updateNotes(updates: [{ id: "${A.note}", input: { parentId: $v } }]) { id } }`, 'updates.0.input.parentId', B.acme],
      ];
      for (const [label, token] of clientsOfA) {
        for (const [query, field, id] of cases) {
          const res = await probe(token, query, id);
          expect(res.errors?.[0]?.extensions, `${label}: ${query}`).toEqual({ code: 'VALIDATION_FAILED', fields: [{ field, code: 'INVALID_REFERENCE', message: expect.any(String) }] });
        }
      }
      await nothingWritten();
    });

    it("refuses to connect or set B's records in to-many relations, in single and bulk writes; nothing written", async () => {
      const cases: Array<[query: string, field: string, vars: (id: string) => Vars, id: string]> = [
        ['mutation($v: [ID!]) { createOpportunity(input: { title: "X", contacts: { connect: $v } }) { id } }', 'input.contacts.connect.1', (v) => ({ v: [A.ann, v] }), B.ann],
        ['mutation($v: [ID!]) { createOpportunity(input: { title: "X", contacts: { set: $v } }) { id } }', 'input.contacts.set.0', (v) => ({ v: [v] }), B.bob],
        [`mutation($v: [ID!]) { updateOpportunity(id: "${A.renewal}", input: { contacts: { connect: $v } }) { id } }`, 'input.contacts.connect.0', (v) => ({ v: [v] }), B.zedekiah],
        [`mutation($v: [ID!]) { updateOpportunity(id: "${A.renewal}", input: { contacts: { set: $v } }) { id } }`, 'input.contacts.set.1', (v) => ({ v: [A.ann, v] }), B.ann],
        [`mutation($v: [ID!]) { updatePerson(id: "${A.ann}", input: { opportunities: { connect: $v } }) { id } }`, 'input.opportunities.connect.0', (v) => ({ v: [v] }), B.renewal],
        ['mutation($v: [ID!]) { createCompany(input: { name: "New", people: { connect: $v } }) { id } }', 'input.people.connect.0', (v) => ({ v: [v] }), B.zedekiah],
        [`mutation($v: [ID!]) { updateCompany(id: "${A.acme}", input: { people: { set: $v } }) { id } }`, 'input.people.set.0', (v) => ({ v: [v] }), B.ann],
        ['mutation($v: [ID!]) { upsertCompany(match: { name: "Acme" }, input: { people: { connect: $v } }) { id } }', 'input.people.connect.0', (v) => ({ v: [v] }), B.bob],
        ['mutation($v: [ID!]) { createOpportunities(inputs: [{ title: "1", contacts: { connect: [] } }, { title: "2", contacts: { connect: $v } }]) { id } }', 'inputs.1.contacts.connect.0', (v) => ({ v: [v] }), B.bob],
        [`mutation($v: [ID!]) { updateOpportunities(updates: [{ id: "${A.renewal}", input: { contacts: { connect: $v } } }]) { id } }`, 'updates.0.input.contacts.connect.0', (v) => ({ v: [v] }), B.ann],
        [`mutation($v: [ID!]) { updateCompanies(updates: [{ id: "${A.globex}", input: { people: { connect: $v } } }]) { id } }`, 'updates.0.input.people.connect.0', (v) => ({ v: [v] }), B.zedekiah],
      ];
      for (const [label, token] of clientsOfA) {
        for (const [query, field, vars, id] of cases) {
          const res = await probe(token, query, id, vars);
          expect(res.errors?.[0]?.extensions, `${label}: ${query}`).toEqual({ code: 'VALIDATION_FAILED', fields: [{ field, code: 'INVALID_REFERENCE', message: expect.any(String) }] });
        }
      }
      await nothingWritten();
    });

    it("disconnecting B's records changes none of B's links, nor A's", async () => {
      const cases: Array<[string, string]> = [
        [`mutation($v: [ID!]) { updateOpportunity(id: "${A.renewal}", input: { contacts: { disconnect: $v } }) { id } }`, B.ann],
        [`mutation($v: [ID!]) { updateCompany(id: "${A.acme}", input: { people: { disconnect: $v } }) { id } }`, B.ann],
        [`mutation($v: [ID!]) { updatePerson(id: "${A.ann}", input: { opportunities: { disconnect: $v } }) { id } }`, B.renewal],
      ];
      for (const [query, id] of cases) {
        // Ids that are not linked are ignored, as the docs say; a refusal would do too.
        const res = await probe(a.apiKey, query, id, (v) => ({ v: [v] }));
        if (res.errors) expect(codeOf(res), query).toBe('VALIDATION_FAILED');
      }
      const links = `{ opportunity(id: "${A.renewal}") { contacts { totalCount } } company(id: "${A.acme}") { people { totalCount } }
        person(id: "${A.ann}") { opportunities { totalCount } } }`;
      expect(ok(await asA(links))).toEqual({ opportunity: { contacts: { totalCount: 2 } }, company: { people: { totalCount: 1 } }, person: { opportunities: { totalCount: 1 } } });
      expect(await stateOf(b.apiKey)).toEqual(stateOfB);
      stateOfA = await stateOf(a.apiKey);
    });

    it("updates, deletes, restores and destroys none of B's records: NOT_FOUND, as for an id that never existed", async () => {
      const cases = [
        'mutation($v: ID!) { updateCompany(id: $v, input: { name: "Hijacked" }) { id } }',
        'mutation($v: ID!) { updateCompany(id: $v, input: { name: "Hijacked" }, expectedVersion: 1) { id } }',
        'mutation($v: ID!) { updateCompany(id: $v, input: { tagline: "x" }, expectedVersion: 99) { id } }',
        'mutation($v: ID!) { deleteCompany(id: $v) { id } }',
        'mutation($v: ID!) { destroyCompany(id: $v) }',
        `mutation($v: ID!) { updateCompanies(updates: [{ id: "${A.globex}", input: { tagline: "x" } }, { id: $v, input: { tagline: "x" } }]) { id } }`,
      ].map((q) => [q, B.acme] as [string, string]);
      cases.push(
        ['mutation($v: ID!) { restoreCompany(id: $v) { id } }', B.gone],
        ['mutation($v: ID!) { destroyCompany(id: $v) }', B.gone],
        ['mutation($v: ID!) { deletePerson(id: $v) { id } }', B.zedekiah],
        ['mutation($v: ID!) { destroyNote(id: $v) }', B.zNote],
        [`mutation($v: ID!) { updateOpportunity(id: $v, input: { contacts: { set: ["${A.ann}"] } }) { id } }`, B.renewal],
        [`mutation($v: ID!) { updatePerson(id: $v, input: { companyId: "${A.acme}" }) { id } }`, B.ann],
      );
      for (const [label, token] of readersOfA) {
        for (const [query, id] of cases) {
          const res = await probe(token, query, id);
          // A member may be refused what only admins may do (destroy), as it is for an id that never existed.
          expect(codeOf(res), `${label}: ${query}`).toMatch(label === 'member key' ? /^(NOT_FOUND|FORBIDDEN)$/ : /^NOT_FOUND$/);
          expect(res.data ?? null, `${label}: ${query}`).toBeNull();
        }
      }
      await nothingWritten();
    });

    it("uses unique values taken only in B for its own records; upsert matches only A's", async () => {
      type Company = { id: string; name: string; tagline: string | null; version: number };
      const upsert = 'mutation($name: String!, $t: String) { upsertCompany(match: { name: $name }, input: { tagline: $t }) { id name tagline version } }';
      const quasar = ok(await asA<{ upsertCompany: Company }>(upsert, { name: 'Quasar Ltd', t: 'ours' })).upsertCompany;
      expect(bIds.has(quasar.id)).toBe(false);
      expect(quasar).toMatchObject({ name: 'Quasar Ltd', tagline: 'ours', version: 1 });
      expect(ok(await asA<{ upsertCompany: Company }>(upsert, { name: 'Acme', t: 'upserted' })).upsertCompany).toMatchObject({ id: A.acme, name: 'Acme', tagline: 'upserted' });

      ok(await asA('mutation { createCompany(input: { name: "Nimbus" }) { id } }'));
      ok(await asA('mutation { createCompanies(inputs: [{ name: "Cirrus" }]) { id } }'));
      ok(await asA(`mutation { updateCompanies(updates: [{ id: "${A.globex}", input: { name: "Stratus" } }]) { id } }`));
      // B has a live "Gone" of its own; A's deleted one comes back regardless.
      ok(await asA(`mutation { restoreCompany(id: "${A.gone}") { id } }`));
      const names = ok(await asA<{ companies: { edges: Array<{ node: { name: string } }> } }>('{ companies(orderBy: [{ name: ASC }]) { edges { node { name } } } }'));
      expect(names.companies.edges.map((e) => e.node.name)).toEqual(['Acme', 'Cirrus', 'Gone', 'Nimbus', 'Quasar Ltd', 'Stratus']);
      // Within A the values are unique as ever.
      expect(codeOf(await asA('mutation { createCompany(input: { name: "Nimbus" }) { id } }'))).toBe('CONFLICT');
      expect(await stateOf(b.apiKey)).toEqual(stateOfB);
    });
  });

  describe('metadata', () => {
    it("shows only A's types and fields, and none of a type only B has", async () => {
      type Types = { objectTypes: Array<{ id: string; apiName: string; label: string; fields: Array<{ id: string; apiName: string }> }> };
      const TYPES = '{ objectTypes { id apiName label fields { id apiName } } }';
      const shape = (t: Types) => t.objectTypes.map((o) => [o.apiName, o.label, o.fields.map((f) => f.apiName)]);
      ok(await b.gql('mutation { createObjectType(input: { apiName: "ledger", pluralApiName: "ledgers" }) { id } }'));
      ok(await b.gql('mutation { createField(objectType: "ledger", input: { apiName: "amount", type: NUMBER }) { id } }'));
      const ofB = ok(await b.gql<Types>(TYPES));
      expect(ofB.objectTypes.map((o) => o.apiName)).toContain('ledger');
      for (const [label, token] of clientsOfA) {
        const ofA = ok(await asA<Types>(TYPES, {}, token));
        expect(shape(ofA), label).toEqual(shape(ofB).filter(([name]) => name !== 'ledger'));
        expect(uuidsIn(ofA).filter((id) => bIds.has(id) || uuidsIn(ofB).includes(id)), label).toEqual([]);
        expect(ok(await asA(`{ objectType(apiName: "ledger") { id } company: objectType(apiName: "company") { id } }`, {}, token)), label).toEqual({
          objectType: null,
          company: { id: ofA.objectTypes.find((o) => o.apiName === 'company')!.id },
        });
        for (const query of [
          '{ ledgers { totalCount } }',
          'mutation { createField(objectType: "ledger", input: { apiName: "owner", type: TEXT }) { id } }',
          'mutation { deleteObjectType(apiName: "ledger", force: true) }',
          'mutation { updateObjectType(apiName: "ledger", input: { label: "Mine" }) { id } }',
          '{ search(query: "x", types: ["ledger"]) { edges { cursor } } }',
        ]) {
          expect(codeOf(await asA(query, {}, token)), `${label}: ${query}`).toMatch(/^(BAD_REQUEST|NOT_FOUND|VALIDATION_FAILED)$/);
        }
      }
      expect(shape(ok(await b.gql<Types>(TYPES)))).toEqual(shape(ofB));
    });
  });

  it("never names B's ids or B-only words in any answer to A, errors included", async () => {
    const errors = answersToA.filter((x) => x.answer.includes('"errors"'));
    expect(errors.length).toBeGreaterThan(100);
    for (const { sent, answer } of answersToA) {
      const leaked = [...bIds, ...B_ONLY_WORDS].filter((x) => answer.includes(x) && !sent.includes(x));
      expect(leaked, `${sent} -> ${answer}`).toEqual([]);
    }
  });
});
