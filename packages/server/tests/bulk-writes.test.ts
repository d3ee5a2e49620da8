import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe('bulk writes and upsert over GraphQL', () => {
  let server: Server;
  let ws: Awaited<ReturnType<Server['workspace']>>;
  let companyId: string;

  beforeAll(async () => {
    server = await startTestServer();
    ws = await server.workspace();
    for (const q of [
      'mutation { createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName } }',
      'mutation { createField(objectType: "company", input: { apiName: "domain", type: TEXT, unique: true }) { apiName } }',
      'mutation { createObjectType(input: { apiName: "person", pluralApiName: "people" }) { apiName } }',
      'mutation { createField(objectType: "person", input: { apiName: "email", type: EMAIL, unique: true, required: true }) { apiName } }',
      'mutation { createField(objectType: "person", input: { apiName: "company", type: RELATION, options: { target: "company" } }) { apiName } }',
    ]) {
      ok(await ws.gql(q));
    }
    companyId = ok(await ws.gql<{ createCompany: { id: string } }>('mutation { createCompany(input: { domain: "acme.com" }) { id } }')).createCompany.id;
  });
  afterAll(() => server.close());

  it('creates many people at once, or none, naming the failing item by its GraphQL key', async () => {
    const created = ok(
      await ws.gql<{ createPeople: Array<{ email: string; company: { domain: string } | null }> }>(
        'mutation($c: ID) { createPeople(inputs: [{ email: "a@acme.com", companyId: $c }, { email: "b@acme.com" }]) { email company { domain } } }',
        { c: companyId },
      ),
    ).createPeople;
    expect(created).toEqual([
      { email: 'a@acme.com', company: { domain: 'acme.com' } },
      { email: 'b@acme.com', company: null },
    ]);
    const failed = await ws.gql('mutation { createPeople(inputs: [{ email: "c@acme.com" }, { email: "d@acme.com", companyId: "01900000-0000-7000-8000-000000000000" }]) { id } }');
    expect(failed.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'inputs.1.companyId', code: 'INVALID_REFERENCE' }] });
    const { people } = ok(await ws.gql<{ people: { totalCount: number } }>('{ people { totalCount } }'));
    expect(people.totalCount).toBe(2);
  });

  it('updates many at once, with versions', async () => {
    const { people } = ok(await ws.gql<{ people: { edges: Array<{ node: { id: string; version: number } }> } }>('{ people { edges { node { id version } } } }'));
    const updates = people.edges.map((e) => ({ id: e.node.id, input: { companyId }, expectedVersion: e.node.version }));
    const updated = ok(
      await ws.gql<{ updatePeople: Array<{ version: number; company: { domain: string } }> }>(
        'mutation($u: [PersonUpdateItem!]!) { updatePeople(updates: $u) { version company { domain } } }',
        { u: updates },
      ),
    ).updatePeople;
    expect(updated.every((p) => p.company.domain === 'acme.com')).toBe(true);
    const stale = await ws.gql('mutation($u: [PersonUpdateItem!]!) { updatePeople(updates: $u) { id } }', { u: updates });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', fields: [{ field: 'updates.0.expectedVersion', code: 'STALE' }, { field: 'updates.1.expectedVersion' }] });
  });

  it('upserts by a unique field: the second call updates the first call\'s record', async () => {
    const first = ok(await ws.gql<{ upsertCompany: { id: string; version: number } }>('mutation { upsertCompany(match: { domain: "new.io" }, input: {}) { id version } }'));
    const again = ok(await ws.gql<{ upsertCompany: { id: string; version: number } }>('mutation { upsertCompany(match: { domain: "new.io" }, input: {}) { id version } }'));
    expect(again.upsertCompany).toEqual({ id: first.upsertCompany.id, version: 2 });
    const bad = await ws.gql('mutation { upsertCompany(match: {}, input: {}) { id } }');
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'match' }] });
  });
});
