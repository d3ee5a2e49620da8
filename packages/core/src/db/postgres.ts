/** PostgreSQL through node-postgres: one pool shared by Prisma and compiled record SQL. */
import pg from 'pg';
import type { QueryResult, Queryable, SqlClient } from './sql-client.ts';

// Keep bigint counts and numerics as strings (their exact form), timestamps as Dates:
// the same shapes PGlite returns, so the engines are interchangeable.
const INT8_OID = 20;
pg.types.setTypeParser(INT8_OID, (value: string) => value);

/** A pool and a SqlClient over it. */
export function createPostgresClient(connectionString: string, options: { max?: number } = {}) {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});

  const client: SqlClient = {
    async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await pool.query(text, params as unknown[] | undefined);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
    async exec(script) {
      await pool.query(script);
    },
    async transaction(fn) {
      const conn = await pool.connect();
      const tx: Queryable = {
        async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
          const result = await conn.query(text, params as unknown[] | undefined);
          return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
        },
        async exec(script) {
          await conn.query(script);
        },
      };
      try {
        await conn.query('BEGIN');
        const value = await fn(tx);
        await conn.query('COMMIT');
        conn.release();
        return value;
      } catch (error) {
        try {
          await conn.query('ROLLBACK');
          conn.release();
        } catch {
          conn.release(true);
        }
        throw error;
      }
    },
  };
  return { pool, client };
}
