/** The embedded engine: PostgreSQL in WebAssembly, in this process, one connection. */
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { QueryResult, SqlClient } from './sql-client.ts';

/** Opens (or creates) a PGlite database; `dataDir` undefined means in memory. */
export async function openPGlite(dataDir: string | undefined): Promise<PGlite> {
  return PGlite.create(dataDir ?? 'memory://', { extensions: { pg_trgm } });
}

// PGlite parses int8 to a JS number where pg keeps a string; keep them alike.
const parsers = { 20: (value: string) => value };

/** A SqlClient over one PGlite instance. Its queries wait for open transactions. */
export function createPGliteClient(db: PGlite): SqlClient {
  return {
    async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await db.query(text, params as unknown[] | undefined, { parsers });
      return { rows: result.rows as R[], rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(script) {
      await db.exec(script);
    },
    async transaction(fn) {
      return db.transaction((tx) =>
        fn({
          async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
            const result = await tx.query(text, params as unknown[] | undefined, { parsers });
            return { rows: result.rows as R[], rowCount: result.affectedRows ?? result.rows.length };
          },
          async exec(script) {
            await tx.exec(script);
          },
        }),
      );
    },
  };
}
