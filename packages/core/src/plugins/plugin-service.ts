/**
 * The engine's plugin service: the checked plugin list, the record service with
 * their hooks applied (every transport writes through it), installing plugins
 * into workspaces, and record access as a plugin.
 */
import type { Actor } from '../access/actor.ts';
import type { Database } from '../db/database.ts';
import type { MetadataService } from '../metadata/metadata-service.ts';
import type { AnyPlugin } from './define.ts';
import { createHookedRecords } from './hook-runner.ts';
import { createDeadLetters } from './dead-letters.ts';
import { createInstaller } from './installer.ts';
import { createPluginHost } from './plugin-host.ts';
import { bindRecords, pluginActor, type PluginRecords } from './plugin-records.ts';

/** Creates the plugin service for `plugins` (in config order) over `db`. */
export function createPluginService(db: Database, metadata: MetadataService, plugins: readonly AnyPlugin[]) {
  const host = createPluginHost(plugins);
  const records = createHookedRecords(db, host);
  const snapshot = (workspaceId: string) => metadata.snapshot(workspaceId);
  return {
    host,
    /** The record service, with the hooks of installed plugins (engine.records). */
    records,
    ...createInstaller(db, metadata, records, host),
    /** The dead-letter list of plugin handlers: `deadLetters(actor, args)`, `retryDeadLetter(actor, id)` (admins). */
    ...createDeadLetters(db, { host, metadata, recordsAs: (workspaceId, plugin) => bindRecords(records, pluginActor(workspaceId, plugin), snapshot) }),
    /** Record operations as `actor` (their rules apply). */
    recordsFor(actor: Actor): PluginRecords {
      return bindRecords(records, actor, snapshot);
    },
    /** Record operations as plugin `plugin` in a workspace: every record and field. */
    recordsAs(workspaceId: string, plugin: string): PluginRecords {
      return bindRecords(records, pluginActor(workspaceId, plugin), snapshot);
    },
  };
}

/** The plugin service. */
export type PluginService = ReturnType<typeof createPluginService>;
