/**
 * Record types and fields: reading them (as a cached snapshot per workspace) and
 * changing them (admin only). Each change runs in one transaction that locks the
 * workspace row, validates the metadata as it would be after the change, writes
 * it, maintains the field's index and data, and bumps the workspace's metadata
 * version, so every server process sees the change on its very next request.
 */
import { LRUCache } from 'lru-cache';
import { newId } from '../ids.ts';
import { requireAdmin, type Actor } from '../access/actor.ts';
import type { Database } from '../db/database.ts';
import { FieldErrorCollector, NotFoundError, ValidationError } from '../errors.ts';
import { fieldType } from '../fields/index.ts';
import type { FieldMeta, OptionsContext } from '../fields/types.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { labelFromApiName, resolveFieldDefinition, type FieldInput } from './field-definition.ts';
import { findNameClashes, type NamedType } from './name-clashes.ts';
import { checkApiName } from './names.ts';
import { createFieldIndex, dropFieldIndex, fieldExpr } from './record-indexes.ts';
import { checkStoredValues } from './stored-values.ts';
import { isUniqueViolation } from '../db/pg-errors.ts';
import { createWorkspaceMetadata, type ObjectTypeMeta, type WorkspaceMetadata } from './workspace-metadata.ts';

type Tx = Prisma.TransactionClient;

/** Prisma include/select for the rows a change returns (what the GraphQL layer asks for). */
export type ObjectTypeQuery = { include?: Prisma.ObjectTypeInclude; select?: Prisma.ObjectTypeSelect };
/** Prisma include/select for the field rows a change returns. */
export type FieldQuery = { include?: Prisma.FieldDefInclude; select?: Prisma.FieldDefSelect };

/** A new record type. */
export interface ObjectTypeInput {
  apiName: string;
  pluralApiName: string;
  label?: string | null;
  description?: string | null;
}

/** Changes to a record type; apiName is its identity and does not change. */
export interface ObjectTypeUpdate {
  pluralApiName?: string | null;
  label?: string | null;
  description?: string | null;
}

/** Changes to a field; apiName is its identity and does not change. */
export type FieldUpdate = { [K in Exclude<keyof FieldInput, 'apiName'>]?: FieldInput[K] | null };

/** Who added a type or field: a plugin's name, or `custom`. */
export interface ChangeOptions {
  source?: string;
}

// Prisma's default 5 s is too short for building an index on a large workspace.
const TX_OPTIONS = { timeout: 300_000, maxWait: 60_000 };

/** Creates the metadata service over `db`. */
export function createMetadataService(db: Database, options: { cacheSize?: number } = {}) {
  const snapshots = new LRUCache<string, WorkspaceMetadata>({ max: options.cacheSize ?? 1000 });

  async function load(client: Tx | Database['prisma'], workspaceId: string, version: number) {
    const rows = await client.objectType.findMany({ where: { workspaceId }, include: { fields: true } });
    return createWorkspaceMetadata(workspaceId, version, rows);
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
  async function change<T>(actor: Actor, fn: (tx: Tx, current: WorkspaceMetadata) => Promise<T>): Promise<T> {
    requireAdmin(actor, 'change record types and fields');
    const result = await db.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRawUnsafe<Array<{ metadata_version: number }>>(
        'SELECT "metadata_version" FROM "workspace" WHERE "id" = $1::uuid FOR UPDATE',
        actor.workspaceId,
      );
      const row = locked[0];
      if (!row) throw new NotFoundError('No such workspace');
      const current = await load(tx, actor.workspaceId, row.metadata_version);
      const value = await fn(tx, current);
      await tx.workspace.update({ where: { id: actor.workspaceId }, data: { metadataVersion: { increment: 1 } } });
      return value;
    }, TX_OPTIONS);
    snapshots.delete(actor.workspaceId);
    return result;
  }

  function optionsContext(current: WorkspaceMetadata, extra?: string): OptionsContext {
    return { hasObjectType: (apiName) => apiName === extra || current.find(apiName) !== undefined };
  }

  function checkClashes(types: NamedType[], errors: FieldErrorCollector, path: string) {
    for (const e of findNameClashes(types, path)) errors.add(e.field, e.code, e.message);
  }

  async function holdsData(tx: Tx, workspaceId: string, typeId: string, fieldApiName?: string) {
    const rows = await tx.$queryRawUnsafe<unknown[]>(
      `SELECT 1 FROM "record" WHERE "workspace_id" = $1::uuid AND "object_type_id" = $2::uuid` +
        (fieldApiName ? ' AND jsonb_exists("data", $3)' : '') +
        ' LIMIT 1',
      ...(fieldApiName ? [workspaceId, typeId, fieldApiName] : [workspaceId, typeId]),
    );
    return rows.length > 0;
  }

  /** Builds the index, turning duplicate values into a validation error on `unique`. */
  async function buildIndex(tx: Tx, typeId: string, field: FieldMeta, errors: FieldErrorCollector, path: string) {
    try {
      await createFieldIndex((sql) => tx.$executeRawUnsafe(sql), typeId, field);
    } catch (error) {
      if (isUniqueViolation(error)) {
        errors.add(`${path}.unique`, 'DUPLICATE_VALUES', 'existing records share values of this field');
        errors.throwIfAny();
      }
      throw error;
    }
  }

  return {
    snapshot,

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

    /** Creates a record type (with no fields; add them with createField). */
    async createObjectType(actor: Actor, input: ObjectTypeInput, opts: ChangeOptions & ObjectTypeQuery = {}) {
      const id = await change(actor, async (tx, current) => {
        const errors = new FieldErrorCollector();
        const nameProblem = checkApiName(input.apiName, 'type');
        if (nameProblem) errors.add('input.apiName', nameProblem.code, nameProblem.message);
        const pluralProblem = checkApiName(input.pluralApiName, 'type');
        if (pluralProblem) errors.add('input.pluralApiName', pluralProblem.code, pluralProblem.message);
        if (!nameProblem && current.find(input.apiName)) {
          errors.add('input.apiName', 'ALREADY_EXISTS', `a record type "${input.apiName}" already exists`);
        }
        errors.throwIfAny();
        checkClashes([...current.objectTypes, { ...input, fields: [] }], errors, 'input.apiName');
        errors.throwIfAny();
        const created = await tx.objectType.create({
          data: {
            id: newId(),
            workspaceId: actor.workspaceId,
            apiName: input.apiName,
            pluralApiName: input.pluralApiName,
            label: input.label?.trim() || labelFromApiName(input.apiName),
            description: input.description ?? null,
            source: opts.source ?? 'custom',
          },
        });
        return created.id;
      });
      return db.prisma.objectType.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id } }, include: opts.include, select: opts.select } as Prisma.ObjectTypeFindUniqueOrThrowArgs);
    },

    /** Changes a record type's plural name, label or description. */
    async updateObjectType(actor: Actor, apiName: string, input: ObjectTypeUpdate, opts: ObjectTypeQuery = {}) {
      const id = await change(actor, async (tx, current) => {
        const type = current.get(apiName);
        const errors = new FieldErrorCollector();
        const pluralApiName = input.pluralApiName ?? type.pluralApiName;
        const pluralProblem = checkApiName(pluralApiName, 'type');
        if (pluralProblem) errors.add('input.pluralApiName', pluralProblem.code, pluralProblem.message);
        errors.throwIfAny();
        const after = current.objectTypes.map((t) => (t.id === type.id ? { ...t, pluralApiName } : t));
        checkClashes(after, errors, 'input.pluralApiName');
        errors.throwIfAny();
        await tx.objectType.update({
          where: { workspaceId_id: { workspaceId: actor.workspaceId, id: type.id } },
          data: {
            pluralApiName,
            ...(input.label?.trim() ? { label: input.label.trim() } : {}),
            ...(input.description !== undefined ? { description: input.description } : {}),
          },
        });
        return type.id;
      });
      return db.prisma.objectType.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id } }, include: opts.include, select: opts.select } as Prisma.ObjectTypeFindUniqueOrThrowArgs);
    },

    /** Deletes a record type. One that holds records needs `force`, which destroys them. */
    async deleteObjectType(actor: Actor, apiName: string, opts: { force?: boolean } = {}) {
      await change(actor, async (tx, current) => {
        const type = current.get(apiName);
        const referrers = current.objectTypes.flatMap((t) =>
          t.id === type.id
            ? []
            : t.fields.filter((f) => fieldType(f.type).references?.(f).includes(apiName)).map((f) => `${t.apiName}.${f.apiName}`),
        );
        if (referrers.length > 0) {
          throw new ValidationError([
            {
              field: 'apiName',
              code: 'REFERENCED',
              message: `relation fields point at this type: ${referrers.join(', ')}; delete them first`,
            },
          ]);
        }
        if (!opts.force && (await holdsData(tx, actor.workspaceId, type.id))) {
          throw new ValidationError([
            { field: 'force', code: 'HOLDS_DATA', message: `record type "${apiName}" has records; pass force: true to delete them with it` },
          ]);
        }
        for (const field of type.fields) await dropFieldIndex((sql) => tx.$executeRawUnsafe(sql), field.id);
        await tx.$executeRawUnsafe(
          'DELETE FROM "record" WHERE "workspace_id" = $1::uuid AND "object_type_id" = $2::uuid',
          actor.workspaceId,
          type.id,
        );
        await tx.objectType.delete({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id: type.id } } });
      });
      return true;
    },

    /** Adds a field to a record type. */
    async createField(actor: Actor, objectType: string, input: FieldInput, opts: ChangeOptions & FieldQuery = {}) {
      const id = await change(actor, async (tx, current) => {
        const type = current.get(objectType);
        const errors = new FieldErrorCollector();
        const resolved = resolveFieldDefinition(input, optionsContext(current), errors);
        if (resolved && type.fields.some((f) => f.apiName === input.apiName)) {
          errors.add('input.apiName', 'ALREADY_EXISTS', `field "${input.apiName}" already exists on "${objectType}"`);
        }
        errors.throwIfAny();
        if (!resolved) throw new ValidationError(errors.errors);
        const after = current.objectTypes.map((t) =>
          t.id === type.id ? { ...t, fields: [...t.fields, { apiName: resolved.apiName, type: resolved.type }] } : t,
        );
        checkClashes(after, errors, 'input.apiName');
        errors.throwIfAny();

        const field: FieldMeta = {
          ...resolved,
          id: newId(),
          source: opts.source ?? 'custom',
          position: type.fields.reduce((max, f) => Math.max(max, f.position + 1), 0),
        };
        if (field.required && (await holdsData(tx, actor.workspaceId, type.id))) {
          if (field.defaultValue === null) {
            throw new ValidationError([
              { field: 'input.defaultValue', code: 'REQUIRED', message: 'a required field on a type with records needs a default value to fill them' },
            ]);
          }
          await tx.$executeRawUnsafe(
            `UPDATE "record" SET "data" = jsonb_set("data", ARRAY[$3], $4::jsonb) ` +
              `WHERE "workspace_id" = $1::uuid AND "object_type_id" = $2::uuid AND NOT jsonb_exists("data", $3)`,
            actor.workspaceId,
            type.id,
            field.apiName,
            JSON.stringify(field.defaultValue),
          );
        }
        await tx.fieldDef.create({ data: toFieldRow(actor.workspaceId, type.id, field) });
        await buildIndex(tx, type.id, field, errors, 'input');
        return field.id;
      });
      return db.prisma.fieldDef.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id } }, include: opts.include, select: opts.select } as Prisma.FieldDefFindUniqueOrThrowArgs);
    },

    /**
     * Changes a field. A new type or new options must accept every value already
     * stored (values are re-normalised in place, e.g. TEXT → EMAIL lower-cases);
     * otherwise the change is refused and nothing changes.
     */
    async updateField(actor: Actor, objectType: string, apiName: string, input: FieldUpdate, opts: FieldQuery = {}) {
      const id = await change(actor, async (tx, current) => {
        const type = current.get(objectType);
        const stored = type.fields.find((f) => f.apiName === apiName);
        if (!stored) throw new NotFoundError(`No field "${apiName}" on "${objectType}"`, { field: apiName });
        const errors = new FieldErrorCollector();
        const merged: FieldInput = {
          apiName,
          type: input.type ?? stored.type,
          label: input.label ?? stored.label,
          description: input.description !== undefined ? input.description : stored.description,
          required: input.required ?? stored.required,
          unique: input.unique ?? stored.unique,
          indexed: input.indexed ?? stored.indexed,
          searchable: input.searchable ?? stored.searchable,
          defaultValue: input.defaultValue !== undefined ? input.defaultValue : stored.defaultValue,
          options: input.options !== undefined ? input.options : stored.options,
        };
        const resolved = resolveFieldDefinition(merged, optionsContext(current), errors);
        errors.throwIfAny();
        if (!resolved) throw new ValidationError(errors.errors);
        const field: FieldMeta = { ...resolved, id: stored.id, source: stored.source, position: stored.position };
        const after = current.objectTypes.map((t) =>
          t.id === type.id ? { ...t, fields: t.fields.map((f) => (f.id === field.id ? field : f)) } : t,
        );
        checkClashes(after, errors, 'input.type');
        errors.throwIfAny();

        const valuesChange = field.type !== stored.type || JSON.stringify(field.options) !== JSON.stringify(stored.options);
        const indexChanged =
          valuesChange || field.indexed !== stored.indexed || field.unique !== stored.unique || fieldExpr(field) !== fieldExpr(stored);
        // The old index goes first: re-normalised values (TEXT → EMAIL lower-cases) may collide
        // under it; the new index, built below, reports such duplicates as DUPLICATE_VALUES.
        if (indexChanged) await dropFieldIndex((sql) => tx.$executeRawUnsafe(sql), field.id);
        if (valuesChange) await checkStoredValues(tx, actor.workspaceId, type.id, stored, field, errors);
        if (field.required && !stored.required) {
          const missing = await tx.$queryRawUnsafe<Array<{ n: number }>>(
            `SELECT count(*)::int AS n FROM "record" WHERE "workspace_id" = $1::uuid AND "object_type_id" = $2::uuid ` +
              `AND NOT jsonb_exists("data", $3)`,
            actor.workspaceId,
            type.id,
            field.apiName,
          );
          const n = missing[0]?.n ?? 0;
          if (n > 0) errors.add('input.required', 'MISSING_VALUES', `${n} records have no value for this field`);
        }
        errors.throwIfAny();

        await tx.fieldDef.update({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id: field.id } }, data: toFieldRow(actor.workspaceId, type.id, field) });
        if (indexChanged) await buildIndex(tx, type.id, field, errors, 'input');
        return field.id;
      });
      return db.prisma.fieldDef.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id } }, include: opts.include, select: opts.select } as Prisma.FieldDefFindUniqueOrThrowArgs);
    },

    /** Deletes a field. One that holds values needs `force`, which removes them from every record. */
    async deleteField(actor: Actor, objectType: string, apiName: string, opts: { force?: boolean } = {}) {
      await change(actor, async (tx, current) => {
        const type = current.get(objectType);
        const field = type.fields.find((f) => f.apiName === apiName);
        if (!field) throw new NotFoundError(`No field "${apiName}" on "${objectType}"`, { field: apiName });
        const hasValues = await holdsData(tx, actor.workspaceId, type.id, apiName);
        if (hasValues && !opts.force) {
          throw new ValidationError([
            { field: 'force', code: 'HOLDS_DATA', message: `field "${objectType}.${apiName}" holds values; pass force: true to delete them with it` },
          ]);
        }
        await dropFieldIndex((sql) => tx.$executeRawUnsafe(sql), field.id);
        if (hasValues) {
          await tx.$executeRawUnsafe(
            'UPDATE "record" SET "data" = "data" - $3 WHERE "workspace_id" = $1::uuid AND "object_type_id" = $2::uuid AND jsonb_exists("data", $3)',
            actor.workspaceId,
            type.id,
            apiName,
          );
        }
        await tx.fieldDef.delete({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id: field.id } } });
      });
      return true;
    },
  };
}

/** The metadata service. */
export type MetadataService = ReturnType<typeof createMetadataService>;

function toFieldRow(workspaceId: string, objectTypeId: string, field: FieldMeta) {
  return {
    id: field.id,
    workspaceId,
    objectTypeId,
    apiName: field.apiName,
    label: field.label,
    description: field.description,
    type: field.type,
    required: field.required,
    unique: field.unique,
    indexed: field.indexed,
    searchable: field.searchable,
    defaultValue: field.defaultValue === null ? Prisma.DbNull : (field.defaultValue as Prisma.InputJsonValue),
    options: field.options as Prisma.InputJsonValue,
    source: field.source,
    position: field.position,
  };
}


export type { ObjectTypeMeta };
