/**
 * The dead-letter list of plugin handlers over GraphQL, through a real HTTP
 * server: admins only; one workspace never sees or retries another's; newest
 * first, page by page; a retry runs the handler again and resolves the letter
 * once the handler succeeds.
 */
import { createEngine, definePlugin, defineRecordType, field, startPluginWorkers, type Engine, type PluginWorkers } from '@relata/core';
import { createTestDatabase } from '@relata/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type GraphQLResponse } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;

interface Letter {
  id: string;
  plugin: string;
  handler: string;
  eventCursor: string;
  event: { kind: string; type: string; recordId: string; cursor: string; record: { data: Record<string, unknown> } };
  error: string;
  attempts: number;
  status: 'DEAD' | 'RESOLVED';
  createdAt: string;
  resolvedAt: string | null;
}
interface Page {
  pluginDeadLetters: { edges: Array<{ cursor: string; node: Letter }>; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null } };
}

const FIELDS = 'id plugin handler eventCursor event error attempts status createdAt resolvedAt';
const LIST = `query($plugin: String, $first: Int, $after: String) {
  pluginDeadLetters(plugin: $plugin, first: $first, after: $after) { edges { cursor node { ${FIELDS} } } pageInfo { hasNextPage hasPreviousPage endCursor } }
}`;
const RETRY = `mutation($id: ID!) { retryPluginDeadLetter(id: $id) { ${FIELDS} } }`;
const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;

describe('plugin dead letters API', () => {
  let fixed = false;
  const handled: string[] = [];
  const invoice = defineRecordType({ apiName: 'invoice', pluralApiName: 'invoices', fields: { number: field.text({ required: true }) } });
  const plugin = definePlugin({
    name: 'billing',
    version: '1.0.0',
    recordTypes: [invoice],
    handlers: {
      sync: {
        types: ['invoice'],
        kinds: ['CREATED'],
        handle(event) {
          if (!fixed) throw new Error(`ledger refused ${String(event.record.data.number)}`);
          handled.push(event.recordId);
        },
      },
    },
  });

  let engine: Engine;
  let server: Server;
  let workers: PluginWorkers;
  let a: Workspace;
  let b: Workspace;
  const ids: string[] = [];

  beforeAll(async () => {
    engine = createEngine(await createTestDatabase(), { plugins: [plugin] });
    server = await startTestServer({ engine });
    a = await server.workspace('A');
    b = await server.workspace('B');
    for (const ws of [a, b]) {
      const { actor } = await engine.workspaces.authenticate(ws.apiKey);
      await engine.plugins.install(actor, 'billing');
    }
    workers = await startPluginWorkers(engine, { auto: false, retry: { maxAttempts: 2, baseDelayMs: 5 }, log: () => {} });
    for (const number of ['INV-1', 'INV-2', 'INV-3']) {
      const created = ok(await a.gql<{ createInvoice: { id: string } }>('mutation($n: String!) { createInvoice(input: { number: $n }) { id } }', { n: number }));
      ids.push(created.createInvoice.id);
    }
    await workers.drain();
  });
  afterAll(async () => {
    await workers?.stop();
    await server?.close();
    await engine?.close();
  });

  it('lists dead letters to admins, newest first, page by page', async () => {
    const all = ok(await a.gql<Page>(LIST)).pluginDeadLetters;
    expect(all.edges.map((e) => e.node.event.recordId)).toEqual([...ids].reverse());
    expect(all.edges[2]!.node).toMatchObject({
      plugin: 'billing',
      handler: 'sync',
      error: 'ledger refused INV-1',
      attempts: 2,
      status: 'DEAD',
      resolvedAt: null,
      event: { kind: 'CREATED', type: 'invoice', recordId: ids[0], record: { data: { number: 'INV-1' } } },
    });
    expect(all.edges[2]!.node.eventCursor).toBe(all.edges[2]!.node.event.cursor);

    const first = ok(await a.gql<Page>(LIST, { first: 2 })).pluginDeadLetters;
    expect(first.edges.map((e) => e.node.id)).toEqual(all.edges.slice(0, 2).map((e) => e.node.id));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = ok(await a.gql<Page>(LIST, { first: 2, after: first.pageInfo.endCursor })).pluginDeadLetters;
    expect(second.edges.map((e) => e.node.id)).toEqual([all.edges[2]!.node.id]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    expect(ok(await a.gql<Page>(LIST, { plugin: 'other' })).pluginDeadLetters.edges).toEqual([]);
    expect(code(await a.gql(LIST, { first: 101 }))).toBe('BAD_REQUEST');
    expect(code(await a.gql(LIST, { after: 'nonsense' }))).toBe('BAD_REQUEST');
  });

  it('is for admins of the workspace only', async () => {
    const { key } = ok(await a.gql<{ createApiKey: { key: string } }>('mutation { createApiKey(input: { name: "m", role: "member" }) { key } }')).createApiKey;
    const [letter] = ok(await a.gql<Page>(LIST, { first: 1 })).pluginDeadLetters.edges;
    expect(code(await server.request(key, LIST))).toBe('FORBIDDEN');
    expect(code(await server.request(key, RETRY, { id: letter!.node.id }))).toBe('FORBIDDEN');
    // Another workspace sees none of them, and cannot retry them.
    expect(ok(await b.gql<Page>(LIST)).pluginDeadLetters.edges).toEqual([]);
    expect(code(await b.gql(RETRY, { id: letter!.node.id }))).toBe('NOT_FOUND');
    expect(code(await a.gql(RETRY, { id: '01a2055d-e9aa-772d-be28-0f866ef3305f' }))).toBe('NOT_FOUND');
  });

  it('retries a dead letter: it stays dead while the handler fails, and is resolved once it succeeds', async () => {
    const letter = ok(await a.gql<Page>(LIST)).pluginDeadLetters.edges[2]!.node;
    const again = ok(await a.gql<{ retryPluginDeadLetter: Letter }>(RETRY, { id: letter.id })).retryPluginDeadLetter;
    expect(again).toMatchObject({ id: letter.id, status: 'DEAD', attempts: 3, error: 'ledger refused INV-1', resolvedAt: null });

    fixed = true;
    const resolved = ok(await a.gql<{ retryPluginDeadLetter: Letter }>(RETRY, { id: letter.id })).retryPluginDeadLetter;
    expect(resolved).toMatchObject({ id: letter.id, status: 'RESOLVED', attempts: 4 });
    expect(new Date(resolved.resolvedAt!).getTime()).not.toBeNaN();
    expect(handled).toEqual([ids[0]]);

    const listed = ok(await a.gql<Page>(LIST)).pluginDeadLetters.edges.map((e) => [e.node.id, e.node.status]);
    expect(listed).toEqual([
      [expect.any(String), 'DEAD'],
      [expect.any(String), 'DEAD'],
      [letter.id, 'RESOLVED'],
    ]);
    expect(server.loggedErrors).toEqual([]);
  });
});
