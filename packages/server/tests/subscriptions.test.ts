/**
 * Subscriptions over graphql-ws and server-sent events: live events with the
 * record as of each one, replay after a cursor with no gap and no duplicate,
 * filters, kinds, permissions and workspace isolation, and the same
 * authentication as HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer } from './helpers.ts';
import { subscribeSse, subscribeWs, wsClient } from './subscription-client.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;
interface Event {
  cursor: string;
  kind: string;
  type: string;
  recordId: string;
  changedFields: string[];
  record: { name?: string; version?: number } | null;
}

const EVENTS = `subscription($after: String, $kinds: [EventKind!]) {
  recordEvents(after: $after, kinds: $kinds) { cursor kind type recordId changedFields record { version ... on Company { name } } }
}`;

describe('subscriptions', () => {
  let server: Server;
  let ws: Workspace;
  let other: Workspace;
  const create = async (w: Workspace, name: string) =>
    ok(await w.gql<{ createCompany: { id: string } }>(`mutation { createCompany(input: { name: "${name}" }) { id } }`)).createCompany.id;

  beforeAll(async () => {
    server = await startTestServer({ events: { pollMs: 100 } });
    ws = await server.workspace('Events');
    other = await server.workspace('Other');
    for (const w of [ws, other]) {
      ok(await w.gql('mutation { createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName } }'));
      ok(await w.gql('mutation { createField(objectType: "company", input: { apiName: "name", type: TEXT }) { apiName } }'));
    }
  });
  afterAll(() => server.close());

  it('delivers each change live over graphql-ws, with the record as of the change, and nothing of other workspaces', async () => {
    const client = wsClient(server.url, ws.apiKey);
    const sub = subscribeWs<Event>(client, EVENTS);
    await new Promise((r) => setTimeout(r, 300));
    const id = await create(ws, 'Acme');
    await create(other, 'Elsewhere');
    ok(await ws.gql(`mutation { updateCompany(id: "${id}", input: { name: "Acme Inc" }) { id } }`));
    ok(await ws.gql(`mutation { deleteCompany(id: "${id}") { id } }`));
    const events = await sub.waitFor(3);
    expect(events.map((e) => [e.kind, e.type, e.recordId, e.changedFields, e.record])).toEqual([
      ['CREATED', 'company', id, ['name'], { version: 1, name: 'Acme' }],
      ['UPDATED', 'company', id, ['name'], { version: 2, name: 'Acme Inc' }],
      ['DELETED', 'company', id, [], { version: 3, name: 'Acme Inc' }],
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(sub.events).toHaveLength(3);
    await sub.stop();
    await client.dispose();
  });

  it('resumes after the last cursor seen: exactly the missed events, then live ones, with no gap and no duplicate', async () => {
    const client = wsClient(server.url, ws.apiKey);
    const first = subscribeWs<Event>(client, EVENTS);
    await new Promise((r) => setTimeout(r, 300));
    const a = await create(ws, 'A1');
    const [seen] = await first.waitFor(1);
    await first.stop();
    // Missed while disconnected.
    const b = await create(ws, 'B1');
    const c = await create(ws, 'C1');
    const resumed = subscribeWs<Event>(client, EVENTS, { after: seen!.cursor });
    const replayed = await resumed.waitFor(2);
    expect(replayed.map((e) => e.recordId)).toEqual([b, c]);
    const d = await create(ws, 'D1');
    await resumed.waitFor(3);
    await new Promise((r) => setTimeout(r, 300));
    expect(resumed.events.map((e) => e.recordId)).toEqual([b, c, d]);
    expect(a).not.toBe(b);
    // Cursors increase with the log.
    expect(new Set(resumed.events.map((e) => e.cursor)).size).toBe(3);
    await resumed.stop();
    await client.dispose();
  });

  it('refuses cursors that are not this workspace’s, and filters by kind and per-type filter', async () => {
    const client = wsClient(server.url, ws.apiKey);
    const otherClient = wsClient(server.url, other.apiKey);
    const theirs = subscribeWs<Event>(otherClient, EVENTS);
    // Same metadata as the first workspace, so the same cached schema: its per-type subscription must still be its own.
    const theirCompanies = subscribeWs<Event>(otherClient, 'subscription { companyEvents { recordId } }');
    await new Promise((r) => setTimeout(r, 300));
    const theirId = await create(other, 'Theirs');
    const [foreign] = await theirs.waitFor(1);
    expect((await theirCompanies.waitFor(1)).map((e) => e.recordId)).toEqual([theirId]);
    await theirCompanies.stop();
    const stolen = subscribeWs<Event>(client, EVENTS, { after: foreign!.cursor });
    await expect(stolen.waitFor(1, 3000)).rejects.toThrow(/not a cursor of this workspace/);
    const garbage = subscribeWs<Event>(client, EVENTS, { after: 'nope' });
    await expect(garbage.waitFor(1, 3000)).rejects.toThrow(/not an event cursor/);

    const deletes = subscribeWs<Event>(client, EVENTS, { kinds: ['DELETED'] });
    const named = subscribeWs<{ record: { name: string } }>(
      client,
      'subscription { companyEvents(filter: { name: { startsWith: "Z" } }) { kind record { name } } }',
    );
    await new Promise((r) => setTimeout(r, 300));
    const y = await create(ws, 'Yonder');
    await create(ws, 'Zenith');
    ok(await ws.gql(`mutation { deleteCompany(id: "${y}") { id } }`));
    expect((await deletes.waitFor(1)).map((e) => e.recordId)).toEqual([y]);
    expect((await named.waitFor(1)).map((e) => e.record.name)).toEqual(['Zenith']);
    await new Promise((r) => setTimeout(r, 300));
    expect(named.events).toHaveLength(1);
    for (const s of [theirs, deletes, named]) await s.stop();
    await client.dispose();
    await otherClient.dispose();
  });

  it('closes a WebSocket without valid credentials with 4401, like an HTTP 401', async () => {
    const closes: Array<[number, string]> = [];
    const client = wsClient(server.url, 'rk_00000000000000000000000000000000', { onClose: (code, reason) => closes.push([code, reason]) });
    const sub = subscribeWs<Event>(client, EVENTS);
    await expect(sub.waitFor(1, 3000)).rejects.toThrow();
    expect(closes[0]).toEqual([4401, 'UNAUTHENTICATED: INVALID']);
    await client.dispose();
  });

  it('serves the same subscription over server-sent events', async () => {
    const sub = subscribeSse<Event>(server.url, ws.apiKey, EVENTS);
    await new Promise((r) => setTimeout(r, 300));
    const id = await create(ws, 'Streamed');
    const [event] = await sub.waitFor(1);
    expect(event).toMatchObject({ kind: 'CREATED', recordId: id, record: { name: 'Streamed' } });
    await sub.stop();
  });
});
