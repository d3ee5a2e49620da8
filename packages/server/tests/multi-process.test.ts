/**
 * Several server processes on one PostgreSQL database: a metadata change made
 * through one is visible to the very next request on the other. (PostgreSQL only:
 * the embedded database belongs to one process.)
 */
import { createEngine, openDatabase } from '@relata/core';
import { createPostgresTestDatabaseUrl } from '@relata/core/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../src/index.ts';

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
