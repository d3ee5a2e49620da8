/**
 * Test helpers: a fresh, migrated database on the engine the test run selected.
 * `RELATA_TEST_DATABASE_URL` (an admin URL to a PostgreSQL server) selects
 * PostgreSQL, where each call creates its own database; otherwise PGlite in memory.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';

/** The engine this test run uses. */
export function testEngine(): 'postgres' | 'pglite' {
  return process.env.RELATA_TEST_DATABASE_URL ? 'postgres' : 'pglite';
}

/** Creates an empty PostgreSQL database on the test server and returns its URL. */
export async function createPostgresTestDatabaseUrl(adminUrl: string): Promise<string> {
  const name = `relata_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh database with every migration applied. Close it in `afterAll`. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<Database> {
  const adminUrl = process.env.RELATA_TEST_DATABASE_URL;
  const db = adminUrl
    ? await openDatabase({ url: await createPostgresTestDatabaseUrl(adminUrl), poolSize: 4 })
    : await openDatabase({});
  if (options.migrate !== false) await migrate(db.sql);
  return db;
}

/** An engine on a fresh test database, and a helper to make workspaces with an admin actor. */
export async function createTestEngine() {
  const { createEngine } = await import('../engine.ts');
  const { systemActor } = await import('../access/actor.ts');
  const engine = createEngine(await createTestDatabase());
  return {
    engine,
    /** A new workspace; returns its admin actor and API key. */
    async workspace(name = 'Test') {
      const created = await engine.workspaces.create({ name });
      const { actor } = await engine.workspaces.authenticate(created.apiKey);
      return { ...created, actor, system: systemActor(created.workspaceId) };
    },
  };
}

export { PLUGIN_API_ENTRIES, pluginPackageProblems } from './plugin-package.ts';
