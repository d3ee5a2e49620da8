/**
 * Relata's migrator. Migrations are SQL files in Prisma's folder format
 * (`prisma/migrations/<timestamp>_<name>/migration.sql`), applied in name order,
 * each once, each in its own transaction under an advisory lock, so that several
 * processes starting at once apply each migration exactly once.
 * (`prisma migrate` needs an engine binary that cannot be downloaded here.)
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlClient } from './sql-client.ts';

/** The folder holding the migrations shipped with @relata/core. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

// Any constant works; it only has to be the same in every Relata process.
const MIGRATION_LOCK_KEY = 7_402_113_001;

/** A migration on disk. */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** Reads the migrations in `dir`, in the order they apply. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Applies every pending migration; returns the names it applied. */
export async function migrate(sql: SqlClient, migrations = readMigrations()): Promise<string[]> {
  const applied: string[] = [];
  for (const migration of migrations) {
    const ran = await sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await tx.exec(`CREATE TABLE IF NOT EXISTS "_relata_migrations" (
        "name" TEXT PRIMARY KEY,
        "checksum" TEXT NOT NULL,
        "applied_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
      )`);
      const { rows } = await tx.query<{ checksum: string }>(
        'SELECT "checksum" FROM "_relata_migrations" WHERE "name" = $1',
        [migration.name],
      );
      const existing = rows[0];
      if (existing) {
        if (existing.checksum !== migration.checksum) {
          throw new Error(
            `Migration ${migration.name} was changed after it was applied. ` +
              'Applied migrations are immutable: add a new migration instead.',
          );
        }
        return false;
      }
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO "_relata_migrations" ("name", "checksum") VALUES ($1, $2)', [
        migration.name,
        migration.checksum,
      ]);
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  return applied;
}
