/**
 * The webhooks admin API over GraphQL: create (secret generated or given, filters
 * normalised, every problem reported at once), list, change, delete; admins only;
 * one workspace never sees, changes or replays another's webhooks; with private
 * addresses off (production), URLs of the server's own network are refused.
 */
import { createEngine } from '@relata/core';
import { createTestDatabase } from '@relata/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type GraphQLResponse } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;

interface WebhookRow {
  id: string;
  url: string;
  types: string[];
  kinds: string[];
  secret: string;
  active: boolean;
  state: string;
  failingSince: string | null;
}

const FIELDS = 'id url types kinds secret active state failingSince';
const CREATE = `mutation($input: WebhookInput!) { createWebhook(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: WebhookUpdateInput!) { updateWebhook(id: $id, input: $input) { ${FIELDS} } }`;
const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;

describe('webhooks API', () => {
  let server: Server;
  let a: Workspace;
  let b: Workspace;

  beforeAll(async () => {
    server = await startTestServer();
    a = await server.workspace('A');
    b = await server.workspace('B');
    for (const ws of [a, b]) {
      ok(await ws.gql('mutation { createObjectType(input: { apiName: "deal", pluralApiName: "deals" }) { apiName } }'));
      ok(await ws.gql('mutation { createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName } }'));
    }
  });
  afterAll(() => server.close());

  it('creates a webhook with a generated secret, or the one given; filters are normalised', async () => {
    const plain = ok(await a.gql<{ createWebhook: WebhookRow }>(CREATE, { input: { url: 'https://hooks.example.com/relata' } })).createWebhook;
    expect(plain).toEqual({
      id: expect.any(String),
      url: 'https://hooks.example.com/relata',
      types: [],
      kinds: [],
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{32}$/),
      active: true,
      state: 'ACTIVE',
      failingSince: null,
    });
    const input = { url: 'http://127.0.0.1:9/x', types: ['deal', 'company', 'deal'], kinds: ['DELETED', 'CREATED'], secret: 's'.repeat(24), active: false };
    const custom = ok(await a.gql<{ createWebhook: WebhookRow }>(CREATE, { input })).createWebhook;
    expect(custom).toMatchObject({ types: ['company', 'deal'], kinds: ['CREATED', 'DELETED'], secret: 's'.repeat(24), active: false });
    const listed = ok(await a.gql<{ webhooks: WebhookRow[] }>(`{ webhooks { ${FIELDS} } }`)).webhooks;
    expect(listed.map((w) => w.id)).toEqual([plain.id, custom.id]);
  });

  it('reports every problem of the input at once', async () => {
    const res = await a.gql(CREATE, { input: { url: 'ftp://example.com', types: ['deal', 'invoice'], kinds: [], secret: 'too short' } });
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [
        { field: 'url', code: 'INVALID_FORMAT' },
        { field: 'types.1', code: 'UNKNOWN_VALUE' },
        { field: 'kinds', code: 'EMPTY' },
        { field: 'secret', code: 'INVALID_FORMAT' },
      ],
    });
    for (const url of ['', 'not a url', 'https://user:pass@example.com/hook', `https://example.com/${'x'.repeat(2100)}`]) {
      expect(code(await a.gql(CREATE, { input: { url } })), url).toBe('VALIDATION_FAILED');
    }
    expect(code(await a.gql(CREATE, { input: { url: 'https://example.com', kinds: ['CREATED', 'EXPLODED'] } }))).toBe('BAD_REQUEST');
  });

  it('changes what it is given, and only that', async () => {
    const hook = ok(await a.gql<{ createWebhook: WebhookRow }>(CREATE, { input: { url: 'https://example.com/a', types: ['deal'], kinds: ['CREATED'] } })).createWebhook;
    const moved = ok(await a.gql<{ updateWebhook: WebhookRow }>(UPDATE, { id: hook.id, input: { url: 'https://example.com/b' } })).updateWebhook;
    expect(moved).toEqual({ ...hook, url: 'https://example.com/b' });
    const widened = ok(await a.gql<{ updateWebhook: WebhookRow }>(UPDATE, { id: hook.id, input: { types: null, kinds: null, active: false, secret: 'n'.repeat(30) } })).updateWebhook;
    expect(widened).toEqual({ ...moved, types: [], kinds: [], active: false, secret: 'n'.repeat(30) });
    expect(code(await a.gql(UPDATE, { id: hook.id, input: { url: null } }))).toBe('VALIDATION_FAILED');
    expect(code(await a.gql(UPDATE, { id: '01a20000-0000-7000-8000-000000000000', input: { active: true } }))).toBe('NOT_FOUND');
    expect(ok(await a.gql<{ deleteWebhook: boolean }>('mutation($id: ID!) { deleteWebhook(id: $id) }', { id: hook.id })).deleteWebhook).toBe(true);
    expect(code(await a.gql('mutation($id: ID!) { deleteWebhook(id: $id) }', { id: hook.id }))).toBe('NOT_FOUND');
    expect(ok(await a.gql<{ webhook: null }>('query($id: ID!) { webhook(id: $id) { id } }', { id: hook.id })).webhook).toBeNull();
  });

  it('is for admins only', async () => {
    const hook = ok(await a.gql<{ createWebhook: WebhookRow }>(CREATE, { input: { url: 'https://example.com/admin' } })).createWebhook;
    const { key } = ok(await a.gql<{ createApiKey: { key: string } }>('mutation { createApiKey(input: { name: "m", role: "member" }) { key } }')).createApiKey;
    const operations: Array<[string, Record<string, unknown>]> = [
      [`{ webhooks { id } }`, {}],
      ['query($id: ID!) { webhook(id: $id) { id } }', { id: hook.id }],
      ['query($id: ID!) { webhookDeliveries(webhookId: $id) { edges { cursor } } }', { id: hook.id }],
      [CREATE, { input: { url: 'https://example.com/member' } }],
      [UPDATE, { id: hook.id, input: { active: false } }],
      ['mutation($id: ID!) { replayWebhook(id: $id) { id } }', { id: hook.id }],
      ['mutation($id: ID!) { deleteWebhook(id: $id) }', { id: hook.id }],
    ];
    for (const [query, variables] of operations) expect(code(await server.request(key, query, variables)), query).toBe('FORBIDDEN');
    expect(ok(await a.gql<{ webhook: WebhookRow }>(`query($id: ID!) { webhook(id: $id) { ${FIELDS} } }`, { id: hook.id })).webhook).toEqual(hook);
  });

  it("never shows, changes, replays or deletes another workspace's webhook", async () => {
    const hook = ok(await a.gql<{ createWebhook: WebhookRow }>(CREATE, { input: { url: 'https://example.com/private' } })).createWebhook;
    expect(ok(await b.gql<{ webhooks: WebhookRow[] }>('{ webhooks { id } }')).webhooks).toEqual([]);
    expect(ok(await b.gql<{ webhook: null }>('query($id: ID!) { webhook(id: $id) { id } }', { id: hook.id })).webhook).toBeNull();
    const attempts: Array<[string, Record<string, unknown>]> = [
      [UPDATE, { id: hook.id, input: { url: 'https://evil.example.com' } }],
      ['mutation($id: ID!) { replayWebhook(id: $id) { id } }', { id: hook.id }],
      ['mutation($id: ID!) { deleteWebhook(id: $id) }', { id: hook.id }],
      ['query($id: ID!) { webhookDeliveries(webhookId: $id) { edges { cursor } } }', { id: hook.id }],
    ];
    for (const [query, variables] of attempts) {
      const theirs = await b.gql(query, variables);
      const nobodys = await b.gql(query, { ...variables, id: '01a20000-0000-7000-8000-000000000000' });
      expect(code(theirs), query).toBe('NOT_FOUND');
      expect(theirs.errors?.[0]?.message.replace(hook.id, 'ID')).toBe(nobodys.errors?.[0]?.message.replace('01a20000-0000-7000-8000-000000000000', 'ID'));
    }
    // A cursor of A's events is no cursor for B.
    const { createDeal } = ok(await a.gql<{ createDeal: { id: string } }>('mutation { createDeal(input: {}) { id } }'));
    expect(createDeal.id).toBeTruthy();
    await server.engine.events.settled();
    const events = await server.engine.events.tail({ txid: '0', seq: '0' }, 1000);
    const cursor = Buffer.from(`${events.at(-1)!.txid}.${events.at(-1)!.seq}`).toString('base64url');
    const bHook = ok(await b.gql<{ createWebhook: WebhookRow }>(CREATE, { input: { url: 'https://example.com/b' } })).createWebhook;
    const replay = await b.gql('mutation($id: ID!, $after: String) { replayWebhook(id: $id, after: $after) { id } }', { id: bHook.id, after: cursor });
    expect(replay.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', reason: 'CURSOR_UNKNOWN' });
    const ownReplay = await a.gql<{ replayWebhook: { id: string } }>('mutation($id: ID!, $after: String) { replayWebhook(id: $id, after: $after) { id } }', { id: hook.id, after: cursor });
    expect(ok(ownReplay).replayWebhook.id).toBe(hook.id);
  });

  it('pages deliveries and checks the page arguments', async () => {
    const hook = ok(await a.gql<{ createWebhook: WebhookRow }>(CREATE, { input: { url: 'https://example.com/pages' } })).createWebhook;
    const page = ok(await a.gql<{ webhookDeliveries: unknown }>('query($id: ID!) { webhookDeliveries(webhookId: $id, first: 5) { edges { cursor } pageInfo { hasNextPage endCursor } } }', { id: hook.id }));
    expect(page.webhookDeliveries).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    const big = await a.gql('query($id: ID!) { webhookDeliveries(webhookId: $id, first: 101) { edges { cursor } } }', { id: hook.id });
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', argument: 'first' });
    const bad = await a.gql('query($id: ID!) { webhookDeliveries(webhookId: $id, after: "nope") { edges { cursor } } }', { id: hook.id });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', argument: 'after' });
  });

  it('refuses private and loopback addresses when they are not allowed (production)', async () => {
    const db = await createTestDatabase();
    const production = await startTestServer({ engine: createEngine(db, { webhooks: { allowPrivateAddresses: false } }) });
    try {
      const ws = await production.workspace('Prod');
      for (const url of [
        'http://localhost:3000/hook',
        'http://api.localhost/hook',
        'http://127.0.0.1/hook',
        'http://10.0.0.8/hook',
        'http://172.20.1.1/hook',
        'http://192.168.1.1/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]/hook',
        'http://[fd00::1]/hook',
        'http://[::ffff:127.0.0.1]/hook',
        'http://0.0.0.0/hook',
      ]) {
        const res = await ws.gql(CREATE, { input: { url } });
        expect(res.errors?.[0]?.extensions, url).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'url', code: 'PRIVATE_ADDRESS' }] });
      }
      expect(ok(await ws.gql<{ createWebhook: WebhookRow }>(CREATE, { input: { url: 'https://93.184.215.14/hook' } })).createWebhook.url).toBe('https://93.184.215.14/hook');
    } finally {
      await production.close();
      await db.close();
    }
  });
});
