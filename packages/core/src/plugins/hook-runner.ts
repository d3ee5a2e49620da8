/**
 * The record service with plugin hooks applied (being written: for now a pass-through).
 */
import type { Database } from '../db/database.ts';
import type { Queryable } from '../db/sql-client.ts';
import { createRecordService, type RecordService } from '../records/record-service.ts';
import type { PluginHost } from './plugin-host.ts';

/** The record service with hooks, and a way to run several operations in one transaction. */
export type HookedRecordService = RecordService & {
  /** Runs `fn` in one transaction; operations on the records it gets run in it (hooks included). */
  inTransaction<T>(fn: (records: HookedRecordService, tx: Queryable) => Promise<T>): Promise<T>;
};

/** Creates the record service over `db` with the hooks of `host`'s plugins. */
export function createHookedRecords(db: Database, _host: PluginHost): HookedRecordService {
  const core = createRecordService(db);
  const service: HookedRecordService = {
    ...core,
    inTransaction: (fn) => db.sql.transaction((tx) => fn(service, tx)),
  };
  return service;
}
