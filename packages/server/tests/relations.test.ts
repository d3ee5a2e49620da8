import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe('relations and their inverse', () => {
  let server: Server;
  let ws: Awaited<ReturnType<Server['workspace']>>;

  beforeAll(async () => {
    // A 3-level query 100 wide asks for a million rows: far past the default cost limit,
    // which is what protects real servers. This test is about statements, so it lifts it.
    server = await startTestServer({ queryLimits: { maxCost: 10_000_000 } });
    ws = await server.workspace();
    for (const q of [
      'mutation { createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName } }',
      'mutation { createField(objectType: "company", input: { apiName: "name", type: TEXT }) { apiName } }',
      'mutation { createObjectType(input: { apiName: "person", pluralApiName: "people" }) { apiName } }',
      'mutation { createField(objectType: "person", input: { apiName: "firstName", type: TEXT }) { apiName } }',
      'mutation { createField(objectType: "person", input: { apiName: "company", type: RELATION, options: { target: "company" } }) { apiName options } }',
      'mutation { createObjectType(input: { apiName: "note", pluralApiName: "notes" }) { apiName } }',
      'mutation { createField(objectType: "note", input: { apiName: "body", type: TEXT }) { apiName } }',
      'mutation { createField(objectType: "note", input: { apiName: "person", type: RELATION, options: { target: "person", inverseApiName: "notes" } }) { apiName } }',
    ]) {
      ok(await ws.gql(q));
    }
    const companies = ok(
      await ws.gql<{ createCompanies: Array<{ id: string }> }>(
        'mutation { createCompanies(inputs: [{ name: "Acme" }, { name: "Globex" }, { name: "Initech" }]) { id } }',
      ),
    ).createCompanies;
    for (const [c, company] of companies.entries()) {
      const people = ok(
        await ws.gql<{ createPeople: Array<{ id: string }> }>(
          'mutation($c: ID) { createPeople(inputs: [{ firstName: "Ann", companyId: $c }, { firstName: "Bob", companyId: $c }, { firstName: "Cy", companyId: $c }]) { id } }',
          { c: company.id },
        ),
      ).createPeople;
      for (const person of people) {
        ok(await ws.gql('mutation($p: ID) { createNotes(inputs: [{ body: "one", personId: $p }, { body: "two", personId: $p }]) { id } }', { p: person.id }));
      }
      if (c === 2) break;
    }
  });
  afterAll(() => server.close());

  it('creates the inverse on the target, named after the source type or as asked', async () => {
    const { objectType } = ok(
      await ws.gql<{ objectType: { fields: Array<{ apiName: string; options: Record<string, unknown> }> } }>(
        '{ objectType(apiName: "company") { fields { apiName options } } }',
      ),
    );
    expect(objectType.fields.find((f) => f.apiName === 'people')?.options).toEqual({
      target: 'person',
      kind: 'ONE_TO_MANY',
      inverseApiName: 'company',
      onDelete: 'SET_NULL',
    });
  });

  it('pages, filters, orders and counts the inverse per parent', async () => {
    const { companies } = ok(
      await ws.gql<{ companies: { edges: Array<{ node: { name: string; people: { totalCount: number; edges: Array<{ node: { firstName: string } }>; pageInfo: { hasNextPage: boolean } } } }> } }>(
        `{ companies(orderBy: [{ name: ASC }]) { edges { node { name
            people(first: 2, orderBy: [{ firstName: DESC }], filter: { firstName: { neq: "Cy" } }) {
              totalCount pageInfo { hasNextPage } edges { node { firstName } } } } } } }`,
      ),
    );
    expect(companies.edges.map((e) => [e.node.name, e.node.people.totalCount, e.node.people.edges.map((p) => p.node.firstName)])).toEqual([
      ['Acme', 2, ['Bob', 'Ann']],
      ['Globex', 2, ['Bob', 'Ann']],
      ['Initech', 2, ['Bob', 'Ann']],
    ]);
    expect(companies.edges[0]?.node.people.pageInfo.hasNextPage).toBe(false);
  });

  it('costs the same number of SQL statements for a 3-level query at page sizes 1, 10 and 100', async () => {
    const counts: number[] = [];
    for (const n of [1, 10, 100]) {
      const statements: string[] = [];
      const stop = server.engine.db.observe((text) => statements.push(text));
      const data = ok(
        await ws.gql<{ companies: { edges: unknown[] } }>(
          `query($n: Int) { companies(first: $n) { edges { node { name
              people(first: $n) { totalCount edges { node { firstName company { name }
                notes(first: $n) { edges { node { body } } } } } } } } } }`,
          { n },
        ),
      );
      stop();
      expect(data.companies.edges.length).toBe(Math.min(n, 3));
      counts.push(statements.filter((s) => s.includes('"record"')).length);
    }
    // The root list, the people of every company, their count, the company of every person, the notes of every person.
    expect(counts).toEqual([5, 5, 5]);
  });

  it('refuses a ONE_TO_MANY created on its own, an inverse name already taken, and changes to a relation', async () => {
    const direct = await ws.gql('mutation { createField(objectType: "company", input: { apiName: "staff", type: RELATION, options: { target: "person", kind: ONE_TO_MANY } }) { apiName } }'.replace('ONE_TO_MANY', '"ONE_TO_MANY"'));
    expect(direct.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'input.options.kind', code: 'UNSUPPORTED' }] });
    const taken = await ws.gql('mutation { createField(objectType: "person", input: { apiName: "employer", type: RELATION, options: { target: "company" } }) { apiName } }');
    expect(taken.errors?.[0]?.extensions).toMatchObject({ fields: [{ field: 'input.options.inverseApiName', code: 'ALREADY_EXISTS' }] });
    const retarget = await ws.gql('mutation { updateField(objectType: "person", apiName: "company", input: { options: { target: "note" } }) { apiName } }');
    expect(retarget.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'input.options', code: 'UNSUPPORTED' }] });
  });

  it('deletes both sides together', async () => {
    ok(await ws.gql('mutation { deleteField(objectType: "company", apiName: "people", force: true) }'));
    const { objectTypes } = ok(await ws.gql<{ objectTypes: Array<{ apiName: string; fields: Array<{ apiName: string }> }> }>('{ objectTypes { apiName fields { apiName } } }'));
    const fieldsOf = (t: string) => objectTypes.find((o) => o.apiName === t)?.fields.map((f) => f.apiName);
    expect(fieldsOf('company')).toEqual(['name']);
    expect(fieldsOf('person')).toEqual(['firstName', 'notes']);
  });
});
