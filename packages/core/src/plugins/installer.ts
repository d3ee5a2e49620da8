/**
 * Installing plugins into workspaces. Installing writes the plugin's record
 * types and fields (source: the plugin's name) and its installation row in one
 * metadata change, so a workspace never holds half a plugin; then its data
 * migrations run, each once. Upgrading is installing again with a newer version:
 * new types and fields are added, changed definitions applied (labels an admin
 * may have renamed are left alone), and fields a version dropped are kept with
 * their data. Uninstalling keeps the types and their records (they become the
 * workspace's own, `custom`); with `force` it deletes them.
 */
import { requireAdmin, type Actor } from '../access/actor.ts';
import type { Database } from '../db/database.ts';
import { ConflictError, FieldErrorCollector, NotFoundError, ValidationError } from '../errors.ts';
import { derivedFrom } from '../fields/index.ts';
import type { FieldMeta } from '../fields/types.ts';
import { optionsContext } from '../metadata/change-context.ts';
import { resolveFieldDefinition } from '../metadata/field-definition.ts';
import type { MetadataBatch, MetadataService } from '../metadata/metadata-service.ts';
import { stableStringify, type WorkspaceMetadata } from '../metadata/workspace-metadata.ts';
import type { HookedRecordService } from './hook-runner.ts';
import type { AnyPlugin, RecordTypeDefinition } from './define.ts';
import type { AnyFieldSpec } from './field-builders.ts';
import { compareVersions, type PluginHost } from './plugin-host.ts';
import { bindRecords, pluginActor } from './plugin-records.ts';

/** A plugin installed in a workspace. */
export interface Installation {
  plugin: string;
  version: string;
  /** The version this server runs, when it differs (an upgrade is due), or null. */
  available: string | null;
  installedAt: Date;
  updatedAt: Date;
}

/** What an install or upgrade did. */
export interface InstallResult {
  plugin: string;
  version: string;
  /** The version installed before, or null for a first install. */
  previousVersion: string | null;
  /** `type` and `type.field` names written. */
  created: string[];
  updated: string[];
  /** Data migrations run. */
  migrations: string[];
}

/** The definition properties an upgrade brings in line (labels and descriptions are the admin's once installed). */
const STRUCTURAL = ['type', 'required', 'unique', 'indexed', 'searchable', 'defaultValue', 'options'] as const;

/** Creates the installer. */
export function createInstaller(db: Database, metadata: MetadataService, records: HookedRecordService, host: PluginHost) {
  function pluginNamed(name: string): AnyPlugin {
    const plugin = host.find(name);
    if (!plugin) throw new NotFoundError(`No plugin "${name}" in this server's configuration`, { plugin: name });
    return plugin;
  }

  /** Every field the plugin defines, by type: its own types' and those it adds to others'. */
  function fieldsOf(plugin: AnyPlugin): Array<{ type: string; name: string; spec: AnyFieldSpec; own: boolean }> {
    const own = (plugin.recordTypes ?? []).flatMap((t: RecordTypeDefinition) => Object.entries(t.fields).map(([name, spec]) => ({ type: t.apiName, name, spec, own: true })));
    const added = Object.entries(plugin.fields ?? {}).flatMap(([type, fields]) =>
      Object.entries(fields).map(([name, spec]) => ({ type, name, spec, own: false })),
    );
    return [...own, ...added];
  }

  /** Writes the plugin's types and fields; returns what it created and updated. */
  async function writeMetadata(steps: MetadataBatch, plugin: AnyPlugin) {
    const created: string[] = [];
    const updated: string[] = [];
    const source = { source: plugin.name };
    const conflicts = new FieldErrorCollector();
    for (const type of plugin.recordTypes ?? []) {
      const existing = steps.current().find(type.apiName);
      if (!existing) {
        await steps.createObjectType(
          { apiName: type.apiName, pluralApiName: type.pluralApiName, label: type.label ?? null, description: type.description ?? null },
          source,
        );
        created.push(type.apiName);
      } else if (existing.source !== plugin.name) {
        conflicts.add(`recordTypes.${type.apiName}`, 'ALREADY_EXISTS', `the workspace already has a record type "${type.apiName}" (${describeSource(existing.source)})`);
      } else if (existing.pluralApiName !== type.pluralApiName) {
        await steps.updateObjectType(type.apiName, { pluralApiName: type.pluralApiName });
        updated.push(type.apiName);
      }
    }
    const fields = fieldsOf(plugin);
    for (const f of fields.filter((f) => !f.own && !steps.current().find(f.type))) {
      conflicts.add(`fields.${f.type}`, 'UNKNOWN_TYPE', `the workspace has no record type "${f.type}" to add "${f.name}" to: install the plugin that defines it first`);
    }
    conflicts.throwIfAny();
    // Plain fields first, then relations: a relation's target may be a type made above.
    const ordered = [...fields.filter((f) => f.spec.definition.type !== 'RELATION'), ...fields.filter((f) => f.spec.definition.type === 'RELATION')];
    for (const f of ordered) {
      const current = steps.current();
      const type = current.get(f.type);
      const stored = type.fields.find((x) => x.apiName === f.name);
      const input = { apiName: f.name, ...f.spec.definition };
      if (!stored) {
        await steps.createField(f.type, input, source);
        created.push(`${f.type}.${f.name}`);
        continue;
      }
      if (stored.source !== plugin.name) {
        conflicts.add(`fields.${f.type}.${f.name}`, 'ALREADY_EXISTS', `"${f.type}" already has a field "${f.name}" (${describeSource(stored.source)})`);
        continue;
      }
      const changes = structuralChanges(current, stored, input);
      if (Object.keys(changes).length > 0) {
        await steps.updateField(f.type, f.name, changes);
        updated.push(`${f.type}.${f.name}`);
      }
    }
    conflicts.throwIfAny();
    return { created, updated };
  }

  /** Runs the plugin's data migrations not yet run in the workspace, each in its own transaction. */
  async function runMigrations(workspaceId: string, plugin: AnyPlugin, done: readonly string[]): Promise<string[]> {
    const ran: string[] = [];
    for (const migration of plugin.migrations ?? []) {
      if (done.includes(migration.name)) continue;
      // Read before the transaction opens: on PGlite a read outside it would wait for it.
      const snapshot = await metadata.snapshot(workspaceId);
      await records.inTransaction(async (txRecords, tx) => {
        await migration.up({ workspaceId, records: bindRecords(txRecords, pluginActor(workspaceId, plugin.name), async () => snapshot) });
        await tx.query(
          'UPDATE "plugin_installation" SET "migrations" = array_append("migrations", $3), "updated_at" = CURRENT_TIMESTAMP ' +
            'WHERE "workspace_id" = $1 AND "plugin" = $2',
          [workspaceId, plugin.name, migration.name],
        );
      });
      ran.push(migration.name);
    }
    return ran;
  }

  async function installOrUpgrade(actor: Actor, name: string): Promise<InstallResult> {
    requireAdmin(actor, 'install plugins');
    const plugin = pluginNamed(name);
    const before = await db.prisma.pluginInstallation.findUnique({ where: { workspaceId_plugin: { workspaceId: actor.workspaceId, plugin: name } } });
    if (before && compareVersions(before.version, plugin.version) > 0) {
      throw new ConflictError(`Plugin "${name}" ${before.version} is installed, newer than the ${plugin.version} this server runs: run a server with ${before.version} or later`, {
        reason: 'VERSION_NEWER',
      });
    }
    const written = await metadata.batch(actor, async (steps) => {
      const result = await writeMetadata(steps, plugin);
      await steps.tx.pluginInstallation.upsert({
        where: { workspaceId_plugin: { workspaceId: actor.workspaceId, plugin: name } },
        create: { workspaceId: actor.workspaceId, plugin: name, version: plugin.version },
        update: { version: plugin.version },
      });
      return result;
    });
    const migrations = await runMigrations(actor.workspaceId, plugin, before?.migrations ?? []);
    return { plugin: name, version: plugin.version, previousVersion: before?.version ?? null, ...written, migrations };
  }

  return {
    /** Installs plugin `name` into the actor's workspace (or upgrades it when installed). Admins only. */
    install: installOrUpgrade,
    /** Upgrades plugin `name` in the actor's workspace to the version this server runs. */
    async upgrade(actor: Actor, name: string): Promise<InstallResult> {
      requireAdmin(actor, 'upgrade plugins');
      const installed = await db.prisma.pluginInstallation.findUnique({ where: { workspaceId_plugin: { workspaceId: actor.workspaceId, plugin: name } } });
      if (!installed) throw new NotFoundError(`Plugin "${name}" is not installed in this workspace`, { plugin: name });
      return installOrUpgrade(actor, name);
    },

    /**
     * Uninstalls plugin `name`: its hooks, handlers and jobs stop in the workspace.
     * Its types and fields stay, with their data, as the workspace's own; with
     * `force`, they are deleted with their records.
     */
    async uninstall(actor: Actor, name: string, opts: { force?: boolean } = {}): Promise<boolean> {
      requireAdmin(actor, 'uninstall plugins');
      const installed = await db.prisma.pluginInstallation.findUnique({ where: { workspaceId_plugin: { workspaceId: actor.workspaceId, plugin: name } } });
      if (!installed) throw new NotFoundError(`Plugin "${name}" is not installed in this workspace`, { plugin: name });
      await metadata.batch(actor, async (steps) => {
        const current = steps.current();
        if (opts.force) {
          const dependents = dependentsOf(current, name);
          if (dependents.length > 0) {
            throw new ValidationError([
              { field: 'force', code: 'IN_USE', message: `other plugins add fields to this plugin's types (${dependents.join(', ')}): uninstall them first` },
            ]);
          }
          // Relation fields first (theirs, and those of other types pointing here would block the types).
          for (const type of current.objectTypes) {
            for (const f of type.fields) {
              if (f.source === name && f.type === 'RELATION' && !derivedFrom(f) && steps.current().find(type.apiName)?.fields.some((x) => x.id === f.id)) {
                await steps.deleteField(type.apiName, f.apiName, { force: true });
              }
            }
          }
          for (const type of steps.current().objectTypes.filter((t) => t.source !== name)) {
            for (const f of type.fields.filter((f) => f.source === name && !derivedFrom(f))) await steps.deleteField(type.apiName, f.apiName, { force: true });
          }
          for (const type of steps.current().objectTypes.filter((t) => t.source === name)) await steps.deleteObjectType(type.apiName, { force: true });
        } else {
          // Kept as the workspace's own: admins may change and delete them from now on.
          await steps.tx.objectType.updateMany({ where: { workspaceId: actor.workspaceId, source: name }, data: { source: 'custom' } });
          await steps.tx.fieldDef.updateMany({ where: { workspaceId: actor.workspaceId, source: name }, data: { source: 'custom' } });
        }
        await steps.tx.pluginInstallation.delete({ where: { workspaceId_plugin: { workspaceId: actor.workspaceId, plugin: name } } });
      });
      return true;
    },

    /** The plugins installed in the actor's workspace, with the version this server runs when it differs. */
    async installed(actor: Actor): Promise<Installation[]> {
      requireAdmin(actor, 'list installed plugins');
      const rows = await db.prisma.pluginInstallation.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: { installedAt: 'asc' } });
      return rows.map((row) => {
        const running = host.find(row.plugin)?.version ?? null;
        return { plugin: row.plugin, version: row.version, available: running !== row.version ? running : null, installedAt: row.installedAt, updatedAt: row.updatedAt };
      });
    },

    /**
     * Upgrades every workspace whose installed version of a configured plugin is
     * older than the one running (a server calls it at start). Returns the upgrades made.
     */
    async upgradeAll(): Promise<Array<InstallResult & { workspaceId: string }>> {
      const rows = await db.prisma.pluginInstallation.findMany({ where: { plugin: { in: host.plugins.map((p) => p.name) } } });
      const done: Array<InstallResult & { workspaceId: string }> = [];
      for (const row of rows) {
        const plugin = host.find(row.plugin)!;
        const pending = (plugin.migrations ?? []).some((m) => !row.migrations.includes(m.name));
        if (compareVersions(row.version, plugin.version) < 0 || pending) {
          done.push({ workspaceId: row.workspaceId, ...(await installOrUpgrade(pluginActor(row.workspaceId, 'installer'), row.plugin)) });
        }
      }
      return done;
    },
  };
}

/** Words for where a type or field came from. */
function describeSource(source: string): string {
  return source === 'custom' ? 'made by an admin' : `from plugin "${source}"`;
}

/** Plugins (other than `name`) that add fields to `name`'s record types. */
function dependentsOf(current: WorkspaceMetadata, name: string): string[] {
  const found = new Set<string>();
  for (const type of current.objectTypes.filter((t) => t.source === name)) {
    for (const f of type.fields) if (f.source !== name && f.source !== 'custom' && !derivedFrom(f)) found.add(f.source);
  }
  return [...found];
}

/** The structural properties of `input` that differ from `stored` (a relation's only by its flags). */
function structuralChanges(current: WorkspaceMetadata, stored: FieldMeta, input: { apiName: string; type: string }): Record<string, unknown> {
  const resolved = resolveFieldDefinition(input, optionsContext(current), new FieldErrorCollector());
  if (!resolved || stored.type === 'RELATION') return {};
  const changes: Record<string, unknown> = {};
  for (const key of STRUCTURAL) {
    if (stableStringify(resolved[key]) !== stableStringify(stored[key])) changes[key] = resolved[key];
  }
  return changes;
}
