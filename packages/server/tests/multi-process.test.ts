/**
 * Several server processes on one PostgreSQL database: a metadata change made
 * through one is visible to the very next request on the other, and a change
 * written through one reaches a subscriber of the other, because each process
 * reads the shared change log (woken by NOTIFY). (PostgreSQL only: the embedded
 * database belongs to one process.)
 */
import { createEngine, migrate, openDatabase } from '@relata/core';
import { createPostgresTestDatabaseUrl } from '@relata/core/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../src/index.ts';
import { startServerProcess, stopAll, type ServerProcess } from './server-process.ts';
import { subscribeWs, wsClient } from './subscription-client.ts';

const adminUrl = process.env.RELATA_TEST_DATABASE_URL;

// Registered on the PostgreSQL pass only (the embedded database belongs to one process).
if (adminUrl) describe('two servers on one PostgreSQL database', () => {
  const servers: Array<{ url: string; close: () => Promise<void> }> = [];
  let key: string;

  beforeAll(async () => {
    const url = await createPostgresTestDatabaseUrl(adminUrl!);
    // Migrate once, then open two independent engines (pools, caches, schemas).
    await (await createTestDatabaseAt(url)).close();
    for (let i = 0; i < 2; i++) {
      const engine = createEngine(await openDatabase({ url, poolSize: 2 }));
      const http = createHttpServer({ engine, logError: () => {} });
      const { url: base } = await http.listen(0, '127.0.0.1');
      servers.push({ url: base, close: async () => (await http.close(), await engine.close()) });
      if (i === 0) key = (await engine.workspaces.create({ name: 'Shared' })).apiKey;
    }
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  const gql = async (server: number, query: string) => {
    const res = await fetch(`${servers[server]!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  };

  it('sees a new type and field on the other server at once', async () => {
    expect((await gql(1, '{ objectTypes { apiName } }')).data).toEqual({ objectTypes: [] });
    await gql(0, 'mutation { createObjectType(input: { apiName: "deal", pluralApiName: "deals" }) { apiName } }');
    await gql(0, 'mutation { createField(objectType: "deal", input: { apiName: "name", type: TEXT }) { apiName } }');
    const created = await gql(1, 'mutation { createDeal(input: { name: "Big" }) { name } }');
    expect(created).toEqual({ data: { createDeal: { name: 'Big' } } });
    await gql(1, 'mutation { deleteField(objectType: "deal", apiName: "name", force: true) }');
    // The other server knows at once that `name` is gone: its schema no longer has the input field.
    const gone = (await gql(0, 'mutation { createDeal(input: { name: "Small" }) { id } }')) as {
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
    expect(gone.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(gone.errors?.[0]?.message).toMatch(/"name"/);
  });
});

async function createTestDatabaseAt(url: string) {
  const { migrate } = await import('@relata/core');
  const db = await openDatabase({ url, poolSize: 1 });
  await migrate(db.sql);
  return db;
}

// The embedded counterpart: a second server on the same data directory is refused
// with a clear message instead of corrupting it.
if (!adminUrl) describe('two servers on one embedded data directory', () => {
  it('refuses the second one, naming the process that holds it', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'relata-lock-')), 'data');
    const first = await openDatabase({ dataDir });
    try {
      await expect(openDatabase({ dataDir })).rejects.toThrow(/in use by another Relata process \(pid \d+\)/);
    } finally {
      await first.close();
    }
    const again = await openDatabase({ dataDir });
    await again.close();
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });
});

// Two real `relata start` processes.
if (adminUrl) describe('subscriptions across server processes', () => {
  const servers: ServerProcess[] = [];
  let key: string;

  beforeAll(async () => {
    const url = await createPostgresTestDatabaseUrl(adminUrl!);
    const engine = createEngine(await openDatabase({ url, poolSize: 1 }));
    try {
      await migrate(engine.db.sql);
      key = (await engine.workspaces.create({ name: 'Shared' })).apiKey;
    } finally {
      await engine.close();
    }
    for (let i = 0; i < 2; i++) servers.push(await startServerProcess({ DATABASE_URL: url }));
  }, 90_000);
  afterAll(async () => {
    for (const s of servers) await s.stop();
    stopAll();
  });

  const gql = async (server: ServerProcess, query: string) => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data?: Record<string, { id: string }>; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };

  it('delivers a write made through one process to a subscriber of the other, in order', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    await gql(a, 'mutation { createObjectType(input: { apiName: "deal", pluralApiName: "deals" }) { id } }');
    await gql(a, 'mutation { createField(objectType: "deal", input: { apiName: "name", type: TEXT }) { id } }');
    const client = wsClient(b.url, key);
    const sub = subscribeWs<{ kind: string; recordId: string; record: { name: string } }>(
      client,
      'subscription { dealEvents { kind recordId record { name } } }',
    );
    await new Promise((r) => setTimeout(r, 500));
    const ids: string[] = [];
    for (const name of ['One', 'Two', 'Three']) ids.push((await gql(a, `mutation { createDeal(input: { name: "${name}" }) { id } }`)).createDeal!.id);
    const events = await sub.waitFor(3);
    expect(events.map((e) => [e.kind, e.recordId, e.record.name])).toEqual([
      ['CREATED', ids[0], 'One'],
      ['CREATED', ids[1], 'Two'],
      ['CREATED', ids[2], 'Three'],
    ]);
    await sub.stop();
    await client.dispose();
  });
});

