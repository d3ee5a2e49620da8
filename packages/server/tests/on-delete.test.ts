/**
 * onDelete of to-one relations over HTTP: what deleteX, restoreX and destroyX do to
 * the records that link to X, and what a client sees when a RESTRICT link blocks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;

/** company ← person.company (CASCADE) ← note.person (CASCADE); invoice.person (RESTRICT); deal.company (SET_NULL). */
async function model(ws: Workspace) {
  for (const q of [
    'mutation { createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName } }',
    'mutation { createField(objectType: "company", input: { apiName: "name", type: TEXT }) { apiName } }',
    'mutation { createObjectType(input: { apiName: "person", pluralApiName: "people" }) { apiName } }',
    'mutation { createField(objectType: "person", input: { apiName: "name", type: TEXT }) { apiName } }',
    'mutation { createField(objectType: "person", input: { apiName: "email", type: TEXT, unique: true }) { apiName } }',
    'mutation { createField(objectType: "person", input: { apiName: "company", type: RELATION, options: { target: "company", onDelete: "CASCADE" } }) { apiName } }',
    'mutation { createObjectType(input: { apiName: "note", pluralApiName: "notes" }) { apiName } }',
    'mutation { createField(objectType: "note", input: { apiName: "body", type: TEXT }) { apiName } }',
    'mutation { createField(objectType: "note", input: { apiName: "person", type: RELATION, options: { target: "person", onDelete: "CASCADE" } }) { apiName } }',
    'mutation { createObjectType(input: { apiName: "invoice", pluralApiName: "invoices" }) { apiName } }',
    'mutation { createField(objectType: "invoice", input: { apiName: "number", type: TEXT }) { apiName } }',
    'mutation { createField(objectType: "invoice", input: { apiName: "person", type: RELATION, options: { target: "person", onDelete: "RESTRICT" } }) { apiName } }',
    'mutation { createObjectType(input: { apiName: "deal", pluralApiName: "deals" }) { apiName } }',
    'mutation { createField(objectType: "deal", input: { apiName: "title", type: TEXT }) { apiName } }',
    'mutation { createField(objectType: "deal", input: { apiName: "company", type: RELATION, options: { target: "company" } }) { apiName } }',
  ]) {
    ok(await ws.gql(q));
  }
  const create = async (type: string, input: Record<string, unknown>) => {
    const name = `create${type[0]!.toUpperCase()}${type.slice(1)}`;
    const input$ = `${type[0]!.toUpperCase()}${type.slice(1)}CreateInput!`;
    return ok(await ws.gql<Record<string, { id: string }>>(`mutation($input: ${input$}) { ${name}(input: $input) { id } }`, { input }))[name]!.id;
  };
  return { create };
}

describe('onDelete over GraphQL', () => {
  let server: Server;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('deletes with CASCADE, keeps SET_NULL links reading null, and restores both', async () => {
    const ws = await server.workspace();
    const { create } = await model(ws);
    const acme = await create('company', { name: 'Acme' });
    const ann = await create('person', { name: 'Ann', companyId: acme });
    const note = await create('note', { body: 'hello', personId: ann });
    const deal = await create('deal', { title: 'Big', companyId: acme });
    const read = async () =>
      ok(
        await ws.gql<{ person: { name: string } | null; note: { id: string } | null; deal: { company: { name: string } | null }; people: { totalCount: number } }>(
          'query($p: ID!, $n: ID!, $d: ID!) { person(id: $p) { name } note(id: $n) { id } deal(id: $d) { company { name } } people { totalCount } }',
          { p: ann, n: note, d: deal },
        ),
      );

    const deleted = ok(await ws.gql<{ deleteCompany: { id: string; deletedAt: string | null } }>(
      'mutation($id: ID!) { deleteCompany(id: $id) { id deletedAt } }', { id: acme },
    )).deleteCompany;
    expect(deleted.deletedAt).not.toBeNull();
    expect(await read()).toEqual({ person: null, note: null, deal: { company: null }, people: { totalCount: 0 } });
    const trash = ok(await ws.gql<{ people: { edges: Array<{ node: { id: string; deletedAt: string } }> } }>(
      '{ people(includeDeleted: true) { edges { node { id deletedAt } } } }',
    ));
    expect(trash.people.edges.map((e) => e.node.id)).toEqual([ann]);

    ok(await ws.gql('mutation($id: ID!) { restoreCompany(id: $id) { id } }', { id: acme }));
    expect(await read()).toEqual({ person: { name: 'Ann' }, note: { id: note }, deal: { company: { name: 'Acme' } }, people: { totalCount: 1 } });
  });

  it('answers a delete blocked by RESTRICT with CONFLICT, the relation and the count, and changes nothing', async () => {
    const ws = await server.workspace();
    const { create } = await model(ws);
    const acme = await create('company', { name: 'Acme' });
    const ann = await create('person', { name: 'Ann', companyId: acme });
    const bob = await create('person', { name: 'Bob', companyId: acme });
    await create('invoice', { number: '1', personId: ann });
    await create('invoice', { number: '2', personId: ann });
    await create('invoice', { number: '3', personId: bob });

    const direct = await ws.gql('mutation($id: ID!) { deletePerson(id: $id) { id } }', { id: ann });
    expect(direct.errors?.[0]?.extensions).toEqual({ code: 'CONFLICT', reason: 'RESTRICTED', relation: 'invoice.person', blockingCount: 2 });
    expect(direct.errors?.[0]?.message).toMatch(/invoice\.person/);

    // Through the cascade: the company's people are referenced.
    const cascaded = await ws.gql('mutation($id: ID!) { deleteCompany(id: $id) { id } }', { id: acme });
    expect(cascaded.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', relation: 'invoice.person', blockingCount: 3 });
    const destroyed = await ws.gql('mutation($id: ID!) { destroyCompany(id: $id) }', { id: acme });
    expect(destroyed.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', relation: 'invoice.person', blockingCount: 3 });

    const after = ok(await ws.gql<{ company: { version: number } | null; people: { totalCount: number } }>(
      'query($id: ID!) { company(id: $id) { version } people { totalCount } }', { id: acme },
    ));
    expect(after).toEqual({ company: { version: 1 }, people: { totalCount: 2 } });
  });

  it('answers a restore whose taken-along record lost its unique value with CONFLICT, restoring nothing', async () => {
    const ws = await server.workspace();
    const { create } = await model(ws);
    const acme = await create('company', { name: 'Acme' });
    await create('person', { name: 'Ann', email: 'ann@acme.test', companyId: acme });
    ok(await ws.gql('mutation($id: ID!) { deleteCompany(id: $id) { id } }', { id: acme }));
    await create('person', { name: 'Other Ann', email: 'ann@acme.test' });

    const res = await ws.gql('mutation($id: ID!) { restoreCompany(id: $id) { id } }', { id: acme });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', type: 'person', fields: [{ field: 'email', code: 'UNIQUE' }] });
    expect(ok(await ws.gql<{ company: unknown }>('query($id: ID!) { company(id: $id) { id } }', { id: acme })).company).toBeNull();
  });

  it('destroys CASCADE dependents and clears SET_NULL links', async () => {
    const ws = await server.workspace();
    const { create } = await model(ws);
    const acme = await create('company', { name: 'Acme' });
    const ann = await create('person', { name: 'Ann', companyId: acme });
    const note = await create('note', { body: 'x', personId: ann });
    const deal = await create('deal', { title: 'Big', companyId: acme });
    expect(ok(await ws.gql<{ destroyCompany: boolean }>('mutation($id: ID!) { destroyCompany(id: $id) }', { id: acme })).destroyCompany).toBe(true);
    const all = ok(await ws.gql<{ people: { totalCount: number }; notes: { totalCount: number }; deal: { version: number; company: null } }>(
      'query($d: ID!) { people(includeDeleted: true) { totalCount } notes(includeDeleted: true) { totalCount } deal(id: $d) { version company { id } } }',
      { d: deal },
    ));
    expect(all).toEqual({ people: { totalCount: 0 }, notes: { totalCount: 0 }, deal: { version: 2, company: null } });
    expect(ok(await ws.gql<{ note: unknown }>('query($id: ID!) { note(id: $id) { id } }', { id: note })).note).toBeNull();
  });

  it('never touches another workspace, whatever the names', async () => {
    const a = await server.workspace('A');
    const b = await server.workspace('B');
    const ma = await model(a);
    const mb = await model(b);
    const acmeA = await ma.create('company', { name: 'Acme' });
    const acmeB = await mb.create('company', { name: 'Acme' });
    await ma.create('person', { name: 'Ann', companyId: acmeA });
    const annB = await mb.create('person', { name: 'Ann', companyId: acmeB });
    await mb.create('invoice', { number: '1', personId: annB });

    // A's delete cascades in A only; B's RESTRICT link does not block it.
    ok(await a.gql('mutation($id: ID!) { deleteCompany(id: $id) { id } }', { id: acmeA }));
    const inB = ok(await b.gql<{ company: { name: string } | null; people: { totalCount: number } }>(
      'query($id: ID!) { company(id: $id) { name } people { totalCount } }', { id: acmeB },
    ));
    expect(inB).toEqual({ company: { name: 'Acme' }, people: { totalCount: 1 } });
    // B's records are not A's to delete, restore or destroy.
    for (const op of ['deleteCompany(id: $id) { id }', 'restoreCompany(id: $id) { id }', 'destroyCompany(id: $id)']) {
      const res = await a.gql(`mutation($id: ID!) { ${op} }`, { id: acmeB });
      expect(res.errors?.[0]?.extensions?.code, op).toBe('NOT_FOUND');
    }
    ok(await a.gql('mutation($id: ID!) { restoreCompany(id: $id) { id } }', { id: acmeA }));
    expect(ok(await a.gql<{ people: { totalCount: number } }>('{ people { totalCount } }')).people.totalCount).toBe(1);
  });
});
