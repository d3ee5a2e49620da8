/**
 * Opens Relata's database: PGlite in a data directory by default, PostgreSQL when a
 * URL is given. Prisma (system tables) and compiled SQL (records) share one pool.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';
import { listenPGlite, listenPostgres, type Unlisten } from './notifications.ts';
import { createPGliteClient, openPGlite } from './pglite.ts';
import { createPostgresClient } from './postgres.ts';
import { observeQueries, type QueryObserver, type SqlClient } from './sql-client.ts';

/** Where the data lives. */
export type DatabaseOptions =
  | {
      /** PostgreSQL connection string, `postgres://...`. */
      url: string;
      /** Pool size. @default 10 */
      poolSize?: number;
    }
  | {
      /** PGlite data directory; omit for an in-memory database. */
      dataDir?: string;
    };

/** An open database: Prisma for system tables, `sql` for compiled record statements. */
export interface Database {
  readonly engine: 'postgres' | 'pglite';
  readonly prisma: PrismaClient;
  readonly sql: SqlClient;
  /**
   * The same connections, for what the process does on its own (reading the change
   * log, pruning it): observers do not see these statements, so a count of a
   * request's statements never includes them.
   */
  readonly background: SqlClient;
  /** Registers a callback that sees every statement run through `sql`; returns an unsubscribe. */
  observe(observer: QueryObserver): () => void;
  /** Calls `onNotify` at each notification on `channel` (notifications.ts); resolves with how to stop. */
  listen(channel: string, onNotify: () => void): Promise<Unlisten>;
  close(): Promise<void>;
}

/** Opens the database described by `options` (does not migrate it). */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const observers = new Set<QueryObserver>();
  const observe = (observer: QueryObserver) => {
    observers.add(observer);
    return () => void observers.delete(observer);
  };

  if ('url' in options) {
    const { pool, client } = createPostgresClient(options.url, { max: options.poolSize });
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    return {
      engine: 'postgres',
      prisma,
      sql: observeQueries(client, observers),
      background: client,
      observe,
      listen: (channel, onNotify) => listenPostgres(options.url, channel, onNotify),
      async close() {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }

  const lock = options.dataDir ? acquireDataDirLock(options.dataDir) : undefined;
  try {
    const pglite = await openPGlite(options.dataDir);
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    return {
      engine: 'pglite',
      prisma,
      sql: observeQueries(createPGliteClient(pglite), observers),
      background: createPGliteClient(pglite),
      observe,
      listen: (channel, onNotify) => listenPGlite(pglite, channel, onNotify),
      async close() {
        await prisma.$disconnect();
        await pglite.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
