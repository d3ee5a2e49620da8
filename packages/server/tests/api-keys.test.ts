/**
 * API keys over GraphQL and HTTP: created with a name, a role and an expiry,
 * shown once, listed without their secret, refused after expiry (EXPIRED) or
 * revocation (INVALID, like an unknown key), and their last use recorded by
 * the authenticating statement itself.
 */
import { createEngine } from '@relata/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type GraphQLResponse } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;

interface Created {
  createApiKey: { key: string; apiKey: { id: string; name: string; role: string; expiresAt: string | null; prefix: string } };
}
interface KeyRow {
  id: string;
  name: string;
  role: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const CREATE = `mutation($input: ApiKeyInput!) { createApiKey(input: $input) { key apiKey { id name role expiresAt prefix } } }`;
const LIST = '{ apiKeys { id name role expiresAt lastUsedAt revokedAt } }';

const reason = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.reason;

describe('API keys', () => {
  let server: Server;
  let ws: Workspace;

  async function createKey(input: Record<string, unknown>) {
    return ok(await ws.gql<Created>(CREATE, { input })).createApiKey;
  }
  async function keyRow(id: string): Promise<KeyRow> {
    return ok(await ws.gql<{ apiKeys: KeyRow[] }>(LIST)).apiKeys.find((k) => k.id === id)!;
  }

  beforeAll(async () => {
    server = await startTestServer();
    ws = await server.workspace('Keys');
  });
  afterAll(() => server.close());

  it('createApiKey returns the key once, with its name, role and expiry; the list never shows it', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const created = await createKey({ name: '  CI deploys ', role: 'member', expiresAt: expiresAt.replace('Z', '+00:00') });
    expect(created.key).toMatch(/^rk_[A-Za-z0-9]{32}$/);
    expect(created.apiKey).toEqual({ id: expect.any(String), name: 'CI deploys', role: 'member', expiresAt, prefix: created.key.slice(0, 7) });

    // A custom role must exist before a key can act with it.
    const unknown = await ws.gql(CREATE, { input: { name: 'Sales ops', role: 'salesOps' } });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'role', code: 'UNKNOWN_ROLE' }] });
    ok(await ws.gql('mutation { createRole(input: { name: "salesOps", rules: [{ type: "*", read: ALL }] }) { name } }'));
    const custom = await createKey({ name: 'Sales ops', role: 'salesOps' });
    expect(custom.apiKey).toMatchObject({ role: 'salesOps', expiresAt: null });

    const listed = ok(await ws.gql<{ apiKeys: KeyRow[] }>(LIST)).apiKeys;
    expect(listed.map((k) => [k.name, k.role])).toEqual([['default', 'admin'], ['CI deploys', 'member'], ['Sales ops', 'salesOps']]);
    const text = JSON.stringify(ok(await ws.gql('{ apiKeys { id name prefix role createdAt expiresAt lastUsedAt revokedAt } }')));
    expect(text).not.toContain(created.key);
    expect(text).not.toContain(custom.key);
  });

  it('a new key acts with its role: a member key is refused admin operations', async () => {
    const { key } = await createKey({ name: 'member', role: 'member' });
    expect(ok(await server.request(key, '{ __typename }'))).toEqual({ __typename: 'Query' });
    for (const query of [LIST, `mutation { createApiKey(input: { name: "escalate", role: "admin" }) { key } }`]) {
      const res = await server.request(key, query);
      expect(res.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
    }
    expect(ok(await ws.gql<{ apiKeys: KeyRow[] }>(LIST)).apiKeys.map((k) => k.name)).not.toContain('escalate');
  });

  it('refuses a missing name, a malformed role and a past expiry, all at once', async () => {
    const res = await ws.gql(CREATE, { input: { name: ' ', role: 'sales ops!', expiresAt: '2020-01-01T00:00:00Z' } });
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [
        { field: 'name', code: 'REQUIRED' },
        { field: 'role', code: 'INVALID_FORMAT' },
        { field: 'expiresAt', code: 'NOT_IN_FUTURE' },
      ],
    });
    const notADate = await ws.gql(CREATE, { input: { name: 'x', role: 'viewer', expiresAt: 'tomorrow' } });
    expect(notADate.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'expiresAt', code: 'INVALID_FORMAT' }] });
  });

  it('an expired key answers 401 UNAUTHENTICATED with reason EXPIRED', async () => {
    const { key } = await createKey({ name: 'short-lived', role: 'viewer', expiresAt: new Date(Date.now() + 1_500).toISOString() });
    ok(await server.request(key, '{ __typename }'));
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const res = await server.request(key, '{ __typename }');
    expect(res.status).toBe(401);
    expect(res.errors).toEqual([{ message: 'The credentials have expired', extensions: { code: 'UNAUTHENTICATED', reason: 'EXPIRED' } }]);
    expect(res.data).toBeUndefined();
  });

  it('a revoked key answers 401 exactly like a key that never existed', async () => {
    const { key, apiKey } = await createKey({ name: 'to revoke', role: 'member' });
    ok(await server.request(key, '{ __typename }'));
    expect(ok(await ws.gql<{ revokeApiKey: boolean }>('mutation($id: ID!) { revokeApiKey(id: $id) }', { id: apiKey.id })).revokeApiKey).toBe(true);
    const revoked = await server.request(key, '{ __typename }');
    const unknown = await server.request(`rk_${'x'.repeat(32)}`, '{ __typename }');
    expect(revoked.status).toBe(401);
    expect(reason(revoked)).toBe('INVALID');
    expect(revoked).toEqual(unknown);
    expect((await keyRow(apiKey.id)).revokedAt).not.toBeNull();
  });

  it('records the last use, at most once a minute, without a statement of its own', async () => {
    const { key, apiKey } = await createKey({ name: 'watched', role: 'member' });
    expect((await keyRow(apiKey.id)).lastUsedAt).toBeNull();

    const statements: string[] = [];
    const stop = server.engine.db.observe((text) => statements.push(text));
    const before = Date.now();
    ok(await server.request(key, '{ __typename }'));
    stop();
    expect(statements.filter((s) => s.includes('"api_key"'))).toHaveLength(1);

    const first = (await keyRow(apiKey.id)).lastUsedAt;
    expect(first).not.toBeNull();
    expect(Date.parse(first!)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(first!)).toBeLessThanOrEqual(Date.now() + 1_000);

    // Within the minute, later requests leave it as it is.
    ok(await server.request(key, '{ __typename }'));
    ok(await server.request(key, '{ __typename }'));
    expect((await keyRow(apiKey.id)).lastUsedAt).toBe(first);

    // Another server process on the same database leaves a fresh last use alone, and moves one
    // that is over a minute old (as it is once a minute has passed), in its one lookup statement.
    const other = createEngine(server.engine.db);
    await other.workspaces.authenticate(key);
    expect((await keyRow(apiKey.id)).lastUsedAt).toBe(first);
    await server.engine.db.sql.query(`UPDATE "api_key" SET "last_used_at" = CURRENT_TIMESTAMP - interval '61 seconds' WHERE "id" = $1`, [apiKey.id]);
    const stale = (await keyRow(apiKey.id)).lastUsedAt!;
    const another = createEngine(server.engine.db);
    const seen: string[] = [];
    const stopAgain = server.engine.db.observe((text) => seen.push(text));
    await another.workspaces.authenticate(key);
    stopAgain();
    expect(seen).toHaveLength(1);
    expect(Date.parse((await keyRow(apiKey.id)).lastUsedAt!)).toBeGreaterThan(Date.parse(stale) + 60_000);
  });

  it('answers 401 with www-authenticate: Bearer, and says whether credentials were missing or invalid', async () => {
    const cases: Array<[string | undefined, string]> = [
      [undefined, 'MISSING'],
      ['Basic dXNlcjpwYXNz', 'MISSING'],
      ['Bearer rk_short', 'INVALID'],
      ['Bearer not-a-token', 'INVALID'],
      ['Bearer a.b.c', 'INVALID'],
      [`Bearer ${'a'.repeat(13_000)}`, 'INVALID'],
    ];
    for (const [authorization, expected] of cases) {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      const body = (await res.json()) as GraphQLResponse;
      expect(body.errors?.[0]?.extensions, authorization).toEqual({ code: 'UNAUTHENTICATED', reason: expected });
    }
  });
});
