/**
 * Filters through relations over HTTP: `company: CompanyFilter` on a to-one,
 * `people: PersonListRelationFilter` (some / every / none) on the inverse and on
 * many-to-many links, in root and nested lists, as one statement; errors with the
 * client's paths; and two workspaces with identical types never see each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;
type Names = { edges: Array<{ node: { name?: string; firstName?: string } }> };

const SETUP = [
  'mutation { createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName } }',
  'mutation { createField(objectType: "company", input: { apiName: "name", type: TEXT }) { apiName } }',
  'mutation { createField(objectType: "company", input: { apiName: "employees", type: INTEGER }) { apiName } }',
  'mutation { createField(objectType: "company", input: { apiName: "founded", type: DATE }) { apiName } }',
  'mutation { createObjectType(input: { apiName: "person", pluralApiName: "people" }) { apiName } }',
  'mutation { createField(objectType: "person", input: { apiName: "firstName", type: TEXT }) { apiName } }',
  'mutation { createField(objectType: "person", input: { apiName: "company", type: RELATION, options: { target: "company" } }) { apiName } }',
  'mutation { createObjectType(input: { apiName: "opportunity", pluralApiName: "opportunities" }) { apiName } }',
  'mutation { createField(objectType: "opportunity", input: { apiName: "name", type: TEXT }) { apiName } }',
  `mutation { createField(objectType: "opportunity", input: { apiName: "contacts", type: RELATION,
      options: { target: "person", kind: "MANY_TO_MANY", inverseApiName: "opportunities" } }) { apiName } }`,
  'mutation { createObjectType(input: { apiName: "note", pluralApiName: "notes" }) { apiName } }',
  'mutation { createField(objectType: "note", input: { apiName: "name", type: TEXT }) { apiName } }',
  'mutation { createField(objectType: "note", input: { apiName: "parent", type: RELATION, options: { targets: ["company", "person"] } }) { apiName } }',
  'mutation { createObjectType(input: { apiName: "tag", pluralApiName: "tags" }) { apiName } }',
  'mutation { createField(objectType: "tag", input: { apiName: "name", type: TEXT }) { apiName } }',
];

describe('filters through relations over GraphQL', () => {
  let server: Server;
  let a: Workspace;
  let b: Workspace;
  const idsOf = new Map<Workspace, Record<string, string>>();

  /** The same types and the same data in each workspace. */
  async function seed(ws: Workspace) {
    for (const q of SETUP) ok(await ws.gql(q));
    const ids: Record<string, string> = {};
    const companies = ok(
      await ws.gql<{ createCompanies: Array<{ id: string; name: string }> }>(
        'mutation { createCompanies(inputs: [{ name: "Acme", employees: 500 }, { name: "Globex", employees: 50 }, { name: "Empty", employees: 5 }]) { id name } }',
      ),
    ).createCompanies;
    for (const c of companies) ids[c.name] = c.id;
    const people = ok(
      await ws.gql<{ createPeople: Array<{ id: string; firstName: string }> }>(
        `mutation { createPeople(inputs: [
          { firstName: "Ann", companyId: "${ids.Acme}" }, { firstName: "Bob", companyId: "${ids.Acme}" },
          { firstName: "Cy", companyId: "${ids.Globex}" }, { firstName: "Zed", companyId: "${ids.Globex}" }, { firstName: "Eve" }]) { id firstName } }`,
      ),
    ).createPeople;
    for (const p of people) ids[p.firstName] = p.id;
    const opportunities = ok(
      await ws.gql<{ createOpportunities: Array<{ id: string; name: string }> }>(
        'mutation { createOpportunities(inputs: [{ name: "Big" }, { name: "Small" }, { name: "Lonely" }]) { id name } }',
      ),
    ).createOpportunities;
    for (const o of opportunities) ids[o.name] = o.id;
    ok(await ws.gql(`mutation { createNote(input: { name: "About Ann", parentId: "${ids.Ann}" }) { id } }`));
    // opportunity.contacts links (the owning side), as the connect input will write them.
    const metadata = await server.engine.metadata.snapshot(ws.workspaceId);
    const contacts = metadata.get('opportunity').fields.find((f) => f.apiName === 'contacts')!;
    for (const [o, p] of [['Big', 'Ann'], ['Big', 'Cy'], ['Small', 'Bob'], ['Small', 'Zed']] as const) {
      await server.engine.db.sql.query('INSERT INTO "record_link" ("workspace_id","field_id","from_id","to_id") VALUES ($1,$2,$3,$4)', [
        ws.workspaceId, contacts.id, ids[o], ids[p],
      ]);
    }
    ok(await ws.gql(`mutation { deletePerson(id: "${ids.Zed}") { id } }`));
    idsOf.set(ws, ids);
  }

  /** The names of the `field` list under `filter` (GraphQL input text), sorted. */
  async function list(ws: Workspace, field: string, filter: string): Promise<string[]> {
    const key = field === 'people' ? 'firstName' : 'name';
    const data = ok(await ws.gql<Record<string, Names>>(`{ ${field}(filter: ${filter}) { edges { node { ${key} } } } }`));
    return data[field]!.edges.map((e) => String(e.node[key as 'name'])).sort();
  }

  beforeAll(async () => {
    server = await startTestServer();
    a = await server.workspace('A');
    b = await server.workspace('B');
    await seed(a);
    await seed(b);
  });
  afterAll(() => server.close());

  it('filters people by their company, next to companyId', async () => {
    expect(await list(a, 'people', '{ company: { employees: { gt: 100 } } }')).toEqual(['Ann', 'Bob']);
    expect(await list(a, 'people', '{ company: { or: [{ name: { eq: "Globex" } }, { employees: { gt: 100 } }] }, not: { firstName: { eq: "Ann" } } }')).toEqual([
      'Bob',
      'Cy',
    ]);
    expect(await list(a, 'people', `{ companyId: { eq: "${idsOf.get(a)!.Acme}" } }`)).toEqual(['Ann', 'Bob']);
  });

  it('filters companies by some, every and none of their people (deleted ones never count)', async () => {
    expect(await list(a, 'companies', '{ people: { some: { firstName: { eq: "Ann" } } } }')).toEqual(['Acme']);
    expect(await list(a, 'companies', '{ people: { every: { firstName: { eq: "Cy" } } } }')).toEqual(['Empty', 'Globex']);
    expect(await list(a, 'companies', '{ people: { none: { firstName: { in: ["Ann", "Zed"] } } } }')).toEqual(['Empty', 'Globex']);
  });

  it('filters through many-to-many links, from both sides', async () => {
    expect(await list(a, 'opportunities', '{ contacts: { some: { company: { employees: { gt: 100 } } } } }')).toEqual(['Big', 'Small']);
    expect(await list(a, 'opportunities', '{ contacts: { every: { company: { name: { eq: "Acme" } } } } }')).toEqual(['Lonely', 'Small']);
    expect(await list(a, 'opportunities', '{ contacts: { none: {} } }')).toEqual(['Lonely']);
    expect(await list(a, 'people', '{ opportunities: { some: { name: { eq: "Big" } } } }')).toEqual(['Ann', 'Cy']);
    expect(await list(a, 'people', '{ opportunities: { none: {} } }')).toEqual(['Eve']);
  });

  it('filters nested lists', async () => {
    const data = ok(
      await a.gql<{ companies: { edges: Array<{ node: { name: string; people: { totalCount: number } & Names } }> } }>(
        `{ companies(orderBy: [{ name: ASC }], filter: { people: { some: {} } }) { edges { node { name
            people(filter: { opportunities: { some: { name: { eq: "Small" } } } }) { totalCount edges { node { firstName } } } } } } }`,
      ),
    );
    expect(data.companies.edges.map((e) => [e.node.name, e.node.people.totalCount, e.node.people.edges.map((p) => p.node.firstName)])).toEqual([
      ['Acme', 1, ['Bob']],
      ['Globex', 0, []],
    ]);
  });

  it('runs a list with relation filters as one statement', async () => {
    const statements: string[] = [];
    const stop = server.engine.db.observe((text) => statements.push(text));
    const data = ok(
      await a.gql<{ companies: Names }>(
        '{ companies(filter: { people: { some: { opportunities: { some: { name: { eq: "Big" } } } }, none: { firstName: { eq: "Bob" } } } }) { edges { node { name } } } }',
      ),
    );
    stop();
    expect(data.companies.edges.map((e) => e.node.name)).toEqual(['Globex']);
    expect(statements.filter((s) => s.includes('"record"'))).toHaveLength(1);
  });

  it('never matches records of another workspace with identically named types', async () => {
    const idsA = idsOf.get(a)!;
    const idsB = idsOf.get(b)!;
    // Point B's Eve at A's Acme, and A's Eve at B's Globex, behind the engine's back:
    // neither relation may reach across workspaces.
    const point = (ws: Workspace, person: string, company: string) =>
      server.engine.db.sql.query(`UPDATE "record" SET "data" = "data" || jsonb_build_object('company', $3::text) WHERE "workspace_id" = $1 AND "id" = $2`, [
        ws.workspaceId, person, company,
      ]);
    await point(b, idsB.Eve!, idsA.Acme!);
    await point(a, idsA.Eve!, idsB.Globex!);
    try {
      expect(await list(b, 'people', '{ company: { name: { eq: "Acme" } } }')).toEqual(['Ann', 'Bob']);
      expect(await list(a, 'people', '{ company: {} }')).toEqual(['Ann', 'Bob', 'Cy']);
      expect(await list(a, 'companies', '{ people: { some: { firstName: { eq: "Eve" } } } }')).toEqual([]);
      expect(await list(b, 'companies', '{ people: { some: { firstName: { eq: "Eve" } } } }')).toEqual([]);
      expect(await list(a, 'companies', '{ people: { every: { firstName: { neq: "Eve" } } } }')).toEqual(['Acme', 'Empty', 'Globex']);
      // Each workspace sees its own matches once, never the other's identical records.
      expect(await list(b, 'opportunities', '{ contacts: { some: { firstName: { eq: "Ann" } } } }')).toEqual(['Big']);
      expect(await list(b, 'people', '{ opportunities: { some: {} } }')).toEqual(['Ann', 'Bob', 'Cy']);
    } finally {
      await server.engine.db.sql.query(`UPDATE "record" SET "data" = "data" - 'company' WHERE "id" = ANY($1::uuid[])`, [[idsA.Eve, idsB.Eve]]);
    }
  });

  it('reports bad values inside relation filters with the nested path', async () => {
    const toOne = await a.gql('{ people(filter: { company: { founded: { gt: "soon" } } }) { totalCount } }');
    expect(toOne.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'filter.company.founded.gt', code: 'INVALID_FORMAT' }],
    });
    const toMany = await a.gql('{ companies(filter: { people: { some: { firstName: { startsWith: "a\\u0000b" } }, every: { company: { founded: { lt: "x" } } } } }) { totalCount } }');
    expect(toMany.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [
        { field: 'filter.people.some.firstName.startsWith', code: 'INVALID_FORMAT' },
        { field: 'filter.people.every.company.founded.lt', code: 'INVALID_FORMAT' },
      ],
    });
  });

  it('refuses more than 3 relations in a row', async () => {
    const three = '{ company: { people: { some: { opportunities: { some: { name: { eq: "Big" } } } } } } }';
    expect(await list(a, 'people', three)).toEqual(['Ann', 'Bob', 'Cy']);
    const four = '{ company: { people: { some: { opportunities: { some: { contacts: { some: {} } } } } } } }';
    const refused = await a.gql(`{ people(filter: ${four}) { totalCount } }`);
    expect(refused.errors?.[0]).toMatchObject({
      message: 'Filter goes through too many relations in a row (at most 3)',
      extensions: { code: 'BAD_REQUEST' },
    });
  });

  it('has a list relation filter for the targets of to-many relations, and no filter through a polymorphic relation', async () => {
    type InputType = { name: string; inputFields: Array<{ name: string; type: { name: string | null } }> } | null;
    const { person, note, tag, noteFilter, companyFilter } = ok(
      await a.gql<Record<string, InputType>>(`{
        person: __type(name: "PersonListRelationFilter") { ...F }
        note: __type(name: "NoteListRelationFilter") { ...F }
        tag: __type(name: "TagListRelationFilter") { ...F }
        noteFilter: __type(name: "NoteFilter") { ...F }
        companyFilter: __type(name: "CompanyFilter") { ...F }
      } fragment F on __Type { name inputFields { name type { name } } }`),
    );
    expect(person?.inputFields).toEqual([
      { name: 'some', type: { name: 'PersonFilter' } },
      { name: 'every', type: { name: 'PersonFilter' } },
      { name: 'none', type: { name: 'PersonFilter' } },
    ]);
    // company.notes and person.notes, the inverses of the polymorphic note.parent.
    expect(note?.name).toBe('NoteListRelationFilter');
    expect(tag).toBeNull();
    const noteKeys = noteFilter?.inputFields.map((f) => f.name);
    expect(noteKeys).toContain('parentId');
    expect(noteKeys).not.toContain('parent');
    expect(companyFilter?.inputFields.find((f) => f.name === 'people')?.type.name).toBe('PersonListRelationFilter');
    expect(companyFilter?.inputFields.find((f) => f.name === 'notes')?.type.name).toBe('NoteListRelationFilter');

    const polymorphic = await a.gql('{ notes(filter: { parent: { name: { eq: "Acme" } } }) { totalCount } }');
    expect(polymorphic.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(await list(a, 'notes', `{ parentId: { eq: "${idsOf.get(a)!.Ann}" } }`)).toEqual(['About Ann']);
    expect(await list(a, 'people', '{ notes: { some: {} } }')).toEqual(['Ann']);
  });
});
