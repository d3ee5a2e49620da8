/**
 * `@relata/sdk/testing`: createTestServer runs a plugin on a real HTTP server and
 * a fresh in-memory database, as a plugin author's test would use it: GraphQL
 * with the admin key (the plugin's hooks and GraphQL in effect), records as the
 * admin, settle() for the plugin's handlers, runDueJobs() for its jobs, a
 * workspace without the plugin when asked, and a bad plugin list refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../src/index.ts';
import { createTestServer, type TestServer } from '../src/testing.ts';
import { counter } from './fixtures/counter-plugin.ts';

describe('createTestServer', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ plugins: [counter] });
  });
  afterAll(() => server?.close());

  it('serves the plugin in a workspace that has it installed; settle() runs its handlers', async () => {
    const created = await server.gql<{ createTask: { id: string; title: string } }>('mutation { createTask(input: { title: "  Write docs  " }) { id title } }');
    expect(created).toEqual({ data: { createTask: { id: expect.any(String), title: 'Write docs' } } });
    expect((await server.gql('{ openTaskCount }')).data).toEqual({ openTaskCount: 1 });

    await server.records.update('task', created.data!.createTask.id, { done: true });
    await server.settle();
    const tallies = await server.records.list('tally');
    expect(tallies.edges.map((e) => e.node.data)).toEqual([{ name: 'done', count: 1 }]);

    // The url is the GraphQL endpoint, for the SDK's own client too.
    const client = createClient({ url: server.url, token: server.apiKey });
    expect(await client.request('{ openTaskCount }')).toEqual({ openTaskCount: 0 });
    await expect(client.request('mutation { createTask(input: { title: "" }) { id } }')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await server.engine.plugins.installed(server.records.actor)).toEqual([expect.objectContaining({ plugin: 'counter', version: '1.0.0' })]);
  });

  it("runs the plugin's due jobs when asked", async () => {
    const runs = await server.runDueJobs(new Date(Date.now() + 86_400_000));
    expect(runs.length).toBeGreaterThan(0);
    const daily = await server.records.list('tally', { filter: { name: { eq: 'daily' } } });
    expect(daily.edges[0]?.node.data.count).toBeGreaterThan(0);
  });

  it('leaves the plugin uninstalled with install: false, and refuses a plugin list that cannot run', async () => {
    const bare = await createTestServer({ plugins: [counter], install: false });
    try {
      expect((await bare.gql('{ openTaskCount }')).errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expect(await bare.engine.plugins.installed(bare.records.actor)).toEqual([]);
    } finally {
      await bare.close();
    }
    await expect(createTestServer({ plugins: [counter, counter] })).rejects.toThrow(/another plugin is named "counter"/);
    await expect(
      createTestServer({ plugins: [{ ...counter, name: 'broken', graphql: { typeDefs: 'extend type Query {', resolvers: {} } }] }),
    ).rejects.toThrow(/plugin "broken": graphql\.typeDefs: Syntax Error/);
  });
});
