import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../src/db/migrator.ts';
import { createTestDatabase } from '../src/testing/index.ts';
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
});
