import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../src/db/migrator.ts';
import { openDatabase } from '../src/db/database.ts';
import { createPostgresTestDatabaseUrl, createTestDatabase } from '../src/testing/index.ts';
import type { Database } from '../src/db/database.ts';

describe('migrations', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await db.close();
  });

  it('applies every migration once, in order', async () => {
    const names = readMigrations().map((m) => m.name);
    expect(await migrate(db.sql)).toEqual(names);
    expect(await migrate(db.sql)).toEqual([]);
    const { rows } = await db.sql.query<{ name: string }>('SELECT name FROM _relata_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(names);
  });

  it('refuses a migration that changed after it was applied', async () => {
    const [first] = readMigrations();
    await expect(migrate(db.sql, [{ ...first!, checksum: 'changed' }])).rejects.toThrow(/changed after it was applied/);
  });

  it('rolls a failing migration back whole, and records nothing of it', async () => {
    const broken = { name: '29991231000000_broken', sql: 'CREATE TABLE "half_done" (id int); SELECT 1/0;', checksum: 'x' };
    await expect(migrate(db.sql, [...readMigrations(), broken])).rejects.toThrow();
    const { rows } = await db.sql.query<{ t: string | null; m: number }>(
      `SELECT to_regclass('half_done')::text AS t, (SELECT count(*)::int FROM _relata_migrations WHERE name = $1) AS m`,
      [broken.name],
    );
    expect(rows[0]).toEqual({ t: null, m: 0 });
  });
});

// Several processes starting at once: the advisory lock lets each migration apply exactly once.
if (process.env.RELATA_TEST_DATABASE_URL) {
  describe('migrations from concurrent processes', () => {
    it('apply once', async () => {
      const url = await createPostgresTestDatabaseUrl(process.env.RELATA_TEST_DATABASE_URL!);
      const dbs = await Promise.all([1, 2, 3].map(() => openDatabase({ url, poolSize: 2 })));
      try {
        const applied = await Promise.all(dbs.map((d) => migrate(d.sql)));
        expect(applied.flat().sort()).toEqual(readMigrations().map((m) => m.name).sort());
      } finally {
        await Promise.all(dbs.map((d) => d.close()));
      }
    });
  });
}
