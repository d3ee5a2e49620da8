/**
 * Roles on change events: a subscriber gets only events of records it may read
 * (as of each event), without fields hidden from it, and no event for a change
 * of hidden fields only; history follows the same rules, and costs one
 * statement for a whole page of records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpAccess, type AccessFixture } from './access-fixture.ts';
import { ok } from './helpers.ts';
import { subscribeWs, wsClient } from './subscription-client.ts';

type Event = { kind: string; recordId: string; changedFields: string[]; record: Record<string, unknown> };

describe('roles on change events', () => {
  let f: AccessFixture;
  beforeAll(async () => {
    f = await setUpAccess();
  });
  afterAll(() => f.close());

  it('sends each subscriber only the events of records it may read, without hidden fields', async () => {
    const annClient = wsClient(f.server.url, f.tokens.ann);
    const adminClient = wsClient(f.server.url, f.tokens.admin);
    const query = 'subscription { recordEvents { kind recordId changedFields record { ... on Person { name } ... on Company { name } } } }';
    const ann = subscribeWs<Event>(annClient, query);
    const admin = subscribeWs<Event>(adminClient, query);
    await new Promise((r) => setTimeout(r, 400));

    const bobPerson = ok(await f.clients.bob<{ createPerson: { id: string } }>('mutation { createPerson(input: { name: "Bob only" }) { id } }')).createPerson.id;
    const annPerson = ok(await f.clients.ann<{ createPerson: { id: string } }>('mutation { createPerson(input: { name: "Ann only" }) { id } }')).createPerson.id;
    const company = ok(await f.clients.admin<{ createCompany: { id: string } }>('mutation { createCompany(input: { name: "Visible", revenue: 5 }) { id } }')).createCompany.id;
    // Only a field hidden from Ann changes: nothing to tell her.
    ok(await f.clients.admin(`mutation { updateCompany(id: "${company}", input: { revenue: 6 }) { id } }`));
    ok(await f.clients.admin(`mutation { updateCompany(id: "${company}", input: { name: "Visible Inc" }) { id } }`));

    const adminEvents = await admin.waitFor(5);
    expect(adminEvents.map((e) => [e.kind, e.recordId])).toEqual([
      ['CREATED', bobPerson],
      ['CREATED', annPerson],
      ['CREATED', company],
      ['UPDATED', company],
      ['UPDATED', company],
    ]);
    const annEvents = await ann.waitFor(3);
    await new Promise((r) => setTimeout(r, 400));
    expect(ann.events.map((e) => [e.kind, e.recordId, e.changedFields])).toEqual([
      ['CREATED', annPerson, ['name']],
      ['CREATED', company, ['name']],
      ['UPDATED', company, ['name']],
    ]);
    expect(annEvents[1]!.record).toEqual({ name: 'Visible' });
    expect(adminEvents[2]!.changedFields).toEqual(['name', 'revenue']);
    for (const s of [ann, admin]) await s.stop();
    await annClient.dispose();
    await adminClient.dispose();
  });

  it('shows history without hidden fields, in one statement for a page of records', async () => {
    const id = ok(await f.clients.admin<{ createCompany: { id: string } }>('mutation { createCompany(input: { name: "Hist", revenue: 1 }) { id } }')).createCompany.id;
    ok(await f.clients.admin(`mutation { updateCompany(id: "${id}", input: { revenue: 2 }) { id } }`));
    ok(await f.clients.admin(`mutation { updateCompany(id: "${id}", input: { name: "Hist 2" }) { id } }`));
    type H = { company: { history: { edges: Array<{ node: { kind: string; actor: { kind: string }; changes: Array<{ field: string; old: unknown; new: unknown }> } }> } } };
    const query = `{ company(id: "${id}") { history { edges { node { kind actor { kind } changes { field old new } } } } } }`;
    const seenByAdmin = ok(await f.clients.admin<H>(query)).company.history.edges.map((e) => e.node);
    expect(seenByAdmin.map((n) => [n.kind, n.changes.map((c) => c.field)])).toEqual([
      ['UPDATED', ['name']],
      ['UPDATED', ['revenue']],
      ['CREATED', ['name', 'revenue']],
    ]);
    expect(seenByAdmin[0]!.actor).toEqual({ kind: 'apiKey' });
    const seenByAnn = ok(await f.clients.ann<H>(query)).company.history.edges.map((e) => e.node);
    expect(seenByAnn.map((n) => [n.kind, n.changes])).toEqual([
      ['UPDATED', [{ field: 'name', old: 'Hist', new: 'Hist 2' }]],
      ['CREATED', [{ field: 'name', old: null, new: 'Hist' }]],
    ]);

    // Nested in a list: one statement for every record's history.
    const statements: string[] = [];
    const stop = f.server.engine.db.observe((text) => statements.push(text));
    const page = ok(await f.clients.admin<{ companies: { edges: Array<{ node: { history: { edges: unknown[] } } }> } }>(
      '{ companies(first: 50) { edges { node { name history(first: 2) { edges { node { kind } } } } } } }',
    ));
    stop();
    expect(page.companies.edges.length).toBeGreaterThan(1);
    expect(statements.filter((s) => s.includes('"record_event"'))).toHaveLength(1);
  });
});
