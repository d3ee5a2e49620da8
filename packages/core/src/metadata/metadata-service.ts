/**
 * Record types and fields: reading them (as a cached snapshot per workspace) and
 * changing them (admin only). Each change runs in one transaction that locks the
 * workspace row, validates the metadata as it would be after the change, writes
 * it, maintains the field's index and data, and bumps the workspace's metadata
 * version, so every server process sees the change on its very next request.
 */
import { LRUCache } from 'lru-cache';
import { requireAdmin, type Actor } from '../access/actor.ts';
import { createRoleChanges, roleFromRow } from '../access/role-changes.ts';
import { actorTag } from '../records/metadata-guard.ts';
import type { Database } from '../db/database.ts';
import { NotFoundError } from '../errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { ChangeOptions, ObjectTypeQuery, RunChange, Tx } from './change-context.ts';
import { createFieldChanges, fieldSteps, type FieldUpdate } from './field-changes.ts';
import type { FieldInput } from './field-definition.ts';
import { createObjectTypeChanges, objectTypeSteps, type ObjectTypeInput, type ObjectTypeUpdate } from './object-type-changes.ts';
import { createWorkspaceMetadata, type WorkspaceMetadata } from './workspace-metadata.ts';

export type { ChangeOptions, FieldQuery, ObjectTypeQuery } from './change-context.ts';
export type { FieldUpdate } from './field-changes.ts';
export type { ObjectTypeInput, ObjectTypeUpdate } from './object-type-changes.ts';
export type { ObjectTypeMeta } from './workspace-metadata.ts';
export type { RoleInput, RoleUpdate, TypeRuleInput } from '../access/role-changes.ts';

/** The changes of one `batch`, each applied to the metadata the previous ones left. */
export interface MetadataBatch {
  tx: Tx;
  /** The metadata as the steps so far left it. */
  current(): WorkspaceMetadata;
  createObjectType(input: ObjectTypeInput, opts?: ChangeOptions): Promise<string>;
  updateObjectType(apiName: string, input: ObjectTypeUpdate): Promise<string>;
  deleteObjectType(apiName: string, opts?: { force?: boolean }): Promise<void>;
  createField(objectType: string, input: FieldInput, opts?: ChangeOptions): Promise<string>;
  updateField(objectType: string, apiName: string, input: FieldUpdate): Promise<string>;
  deleteField(objectType: string, apiName: string, opts?: { force?: boolean }): Promise<void>;
}

// Prisma's default 5 s is too short for building an index on a large workspace.
const TX_OPTIONS = { timeout: 300_000, maxWait: 60_000 };

/** Creates the metadata service over `db`. */
export function createMetadataService(db: Database, options: { cacheSize?: number } = {}) {
  const snapshots = new LRUCache<string, WorkspaceMetadata>({ max: options.cacheSize ?? 1000 });

  async function load(client: Tx | Database['prisma'], workspaceId: string, version: number) {
    // One after the other: inside a change they share the transaction's connection.
    const rows = await client.objectType.findMany({ where: { workspaceId }, include: { fields: true } });
    const roles = await client.role.findMany({ where: { workspaceId } });
    const plugins = await client.pluginInstallation.findMany({ where: { workspaceId }, select: { plugin: true, version: true } });
    return createWorkspaceMetadata(
      workspaceId,
      version,
      rows,
      new Map(roles.map((row) => [row.name, roleFromRow(row)])),
      new Map(plugins.map((row) => [row.plugin, row.version])),
    );
  }

  /**
   * The workspace's metadata. `knownVersion` (from the credentials lookup) saves a
   * query when the cached snapshot is current.
   */
  async function snapshot(workspaceId: string, knownVersion?: number): Promise<WorkspaceMetadata> {
    const cached = snapshots.get(workspaceId);
    let version = knownVersion;
    if (version === undefined) {
      const ws = await db.prisma.workspace.findUnique({ where: { id: workspaceId }, select: { metadataVersion: true } });
      if (!ws) throw new NotFoundError('No such workspace');
      version = ws.metadataVersion;
    }
    if (cached && cached.version === version) return cached;
    const fresh = await load(db.prisma, workspaceId, version);
    snapshots.set(workspaceId, fresh);
    return fresh;
  }

  /** Runs one metadata change: lock, load, change, bump the version. */
  const change: RunChange = async (actor, fn) => {
    requireAdmin(actor, 'change record types, fields and roles');
    const result = await db.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRawUnsafe<Array<{ metadata_version: number }>>(
        'SELECT "metadata_version" FROM "workspace" WHERE "id" = $1::uuid FOR UPDATE',
        actor.workspaceId,
      );
      const row = locked[0];
      if (!row) throw new NotFoundError('No such workspace');
      // Who changed the metadata, for the change log's triggers (see records/metadata-guard.ts).
      await tx.$executeRawUnsafe("SELECT set_config('relata.actor', $1, true)", actorTag(actor));
      const current = await load(tx, actor.workspaceId, row.metadata_version);
      const value = await fn(tx, current);
      await tx.workspace.update({ where: { id: actor.workspaceId }, data: { metadataVersion: { increment: 1 } } });
      return value;
    }, TX_OPTIONS);
    snapshots.delete(actor.workspaceId);
    return result;
  };

  /**
   * Runs several changes in one transaction and one version bump (installing a
   * plugin): each step sees the metadata as the steps before it left it, and
   * if any step fails nothing is changed.
   */
  async function batch<T>(actor: Actor, fn: (steps: MetadataBatch) => Promise<T>): Promise<T> {
    return change(actor, async (tx, first) => {
      let current = first;
      const step = async <R>(run: () => Promise<R>): Promise<R> => {
        const result = await run();
        // Steps change types and fields only: roles and installed plugins carry over.
        const rows = await tx.objectType.findMany({ where: { workspaceId: actor.workspaceId }, include: { fields: true } });
        current = createWorkspaceMetadata(actor.workspaceId, current.version, rows, current.roles, current.plugins);
        return result;
      };
      return fn({
        tx,
        current: () => current,
        createObjectType: (input, opts) => step(() => objectTypeSteps.createObjectType(tx, current, actor, input, opts)),
        updateObjectType: (apiName, input) => step(() => objectTypeSteps.updateObjectType(tx, current, actor, apiName, input)),
        deleteObjectType: (apiName, opts) => step(() => objectTypeSteps.deleteObjectType(tx, current, actor, apiName, opts)),
        createField: (type, input, opts) => step(() => fieldSteps.createField(tx, current, actor, type, input, opts)),
        updateField: (type, apiName, input) => step(() => fieldSteps.updateField(tx, current, actor, type, apiName, input)),
        deleteField: (type, apiName, opts) => step(() => fieldSteps.deleteField(tx, current, actor, type, apiName, opts)),
      });
    });
  }

  return {
    snapshot,
    batch,

    /** Record types of the workspace, with the rows and relations `query` asks for. */
    async findObjectTypes(actor: Actor, query: ObjectTypeQuery = {}) {
      requireAdmin(actor, 'read record types and fields');
      return db.prisma.objectType.findMany({
        ...query,
        where: { workspaceId: actor.workspaceId },
        orderBy: { apiName: 'asc' },
      } as Prisma.ObjectTypeFindManyArgs);
    },

    /** One record type by apiName, or null. */
    async findObjectType(actor: Actor, apiName: string, query: ObjectTypeQuery = {}) {
      requireAdmin(actor, 'read record types and fields');
      return db.prisma.objectType.findFirst({
        ...query,
        where: { workspaceId: actor.workspaceId, apiName },
      } as Prisma.ObjectTypeFindFirstArgs);
    },

    ...createObjectTypeChanges(db, change),
    ...createRoleChanges(change, (workspaceId) => snapshot(workspaceId)),
    ...createFieldChanges(db, change),
  };
}

/** The metadata service. */
export type MetadataService = ReturnType<typeof createMetadataService>;
