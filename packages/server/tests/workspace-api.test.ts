import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer } from './helpers.ts';

describe('members and API keys (admin)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('lists keys without their secrets, and revokes one so that its next request is 401', async () => {
    const a = await server.workspace('A');
    const b = await server.workspace('B');
    const { apiKeys } = ok(await a.gql<{ apiKeys: Array<Record<string, unknown>> }>('{ apiKeys { id name prefix role revokedAt } members { id } }'));
    expect(apiKeys).toEqual([{ id: a.apiKeyId, name: 'default', prefix: a.apiKey.slice(0, 7), role: 'admin', revokedAt: null }]);
    expect(JSON.stringify(apiKeys)).not.toContain(a.apiKey);

    // Another workspace's key id is not found, and stays valid.
    const foreign = await a.gql('mutation($id: ID!) { revokeApiKey(id: $id) }', { id: b.apiKeyId });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await b.gql('{ __typename }')).status).toBe(200);

    ok(await b.gql('mutation($id: ID!) { revokeApiKey(id: $id) }', { id: b.apiKeyId }));
    const after = await b.gql('{ __typename }');
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
