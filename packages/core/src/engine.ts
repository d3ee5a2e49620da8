/**
 * The engine: one object holding every core service over one database. Servers,
 * the CLI and tests create one with `createEngine` and call its services.
 */
import { openDatabase, type Database, type DatabaseOptions } from './db/database.ts';
import { migrate } from './db/migrator.ts';
import { createEventLog } from './events/event-log.ts';
import { createMetadataService } from './metadata/metadata-service.ts';
import { createSearchService } from './records/search.ts';
import { createWebhookService, type WebhookOptions } from './webhooks/webhook-service.ts';
import { createWorkspaceService } from './workspaces/workspace-service.ts';
import type { AnyPlugin } from './plugins/define.ts';
import { createPluginService } from './plugins/plugin-service.ts';

/** Options of the engine's services. */
export interface EngineOptions {
  /** How long subscribers' cursors stay valid, in milliseconds. @default 259200000 (72 hours) */
  replayWindowMs?: number;
  /** Webhook settings: whether URLs may lead to private addresses. @default { allowPrivateAddresses: NODE_ENV !== 'production' } */
  webhooks?: WebhookOptions;
  /** The plugins this engine runs, in order (hooks run in this order too). @default [] */
  plugins?: readonly AnyPlugin[];
}

/** Creates the engine's services over an open database. */
export function createEngine(db: Database, options: EngineOptions = {}) {
  const events = createEventLog(db, { replayWindowMs: options.replayWindowMs });
  const metadata = createMetadataService(db);
  const plugins = createPluginService(db, metadata, options.plugins ?? []);
  return {
    db,
    events,
    metadata,
    plugins,
    records: plugins.records,
    search: createSearchService(db),
    workspaces: createWorkspaceService(db),
    webhooks: createWebhookService(db, { events, metadata }, options.webhooks),
    close: () => db.close(),
  };
}

/** The engine. */
export type Engine = ReturnType<typeof createEngine>;

/** Opens the database, applies pending migrations, and creates the engine. */
export async function startEngine(options: DatabaseOptions, engineOptions: EngineOptions = {}): Promise<Engine> {
  const db = await openDatabase(options);
  try {
    await migrate(db.sql);
    // PGlite runs no autovacuum, so its planner never learns the data's distribution and
    // ignores the expression and search indexes; gather statistics once at start.
    if (db.engine === 'pglite') await db.sql.exec('ANALYZE "record"');
  } catch (error) {
    await db.close();
    throw error;
  }
  return createEngine(db, engineOptions);
}
