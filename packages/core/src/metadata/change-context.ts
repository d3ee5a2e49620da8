/**
 * What every metadata change shares: the transaction it runs in, checks of the
 * metadata as it would be after the change, and the data and index work on the
 * `record` table that goes with it.
 */
import type { Actor } from '../access/actor.ts';
import { ValidationError, type FieldErrorCollector } from '../errors.ts';
import type { FieldMeta, OptionsContext } from '../fields/types.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { isUniqueViolation } from '../db/pg-errors.ts';
import { findNameClashes, type NamedType } from './name-clashes.ts';
import { searchVectorSql } from '../records/search-vector.ts';
import { createFieldIndex } from './record-indexes.ts';
import type { WorkspaceMetadata } from './workspace-metadata.ts';

/** The Prisma transaction of a change. */
export type Tx = Prisma.TransactionClient;

/** Runs one metadata change: lock, load, change, bump the version. */
export type RunChange = <T>(actor: Actor, fn: (tx: Tx, current: WorkspaceMetadata) => Promise<T>) => Promise<T>;

/** Prisma include/select for the rows a change returns (what the GraphQL layer asks for). */
export type ObjectTypeQuery = { include?: Prisma.ObjectTypeInclude; select?: Prisma.ObjectTypeSelect };
/** Prisma include/select for the field rows a change returns. */
export type FieldQuery = { include?: Prisma.FieldDefInclude; select?: Prisma.FieldDefSelect };

/** Who added a type or field: a plugin's name, or `custom`. */
export interface ChangeOptions {
  source?: string;
}

/** Options validation sees the record types of the workspace. */
export function optionsContext(current: WorkspaceMetadata, extra?: string): OptionsContext {
  return { hasObjectType: (apiName) => apiName === extra || current.find(apiName) !== undefined };
}

/** Adds every name clash of `types` to `errors`. */
export function checkClashes(types: NamedType[], errors: FieldErrorCollector, path: string) {
  for (const e of findNameClashes(types, path)) errors.add(e.field, e.code, e.message);
}

/** True when records of the type (or values of the field) exist, deleted ones included. */
export async function holdsData(tx: Tx, workspaceId: string, typeId: string, fieldApiName?: string) {
  const rows = await tx.$queryRawUnsafe<unknown[]>(
    `SELECT 1 FROM "record" WHERE "workspace_id" = $1::uuid AND "object_type_id" = $2::uuid` +
      (fieldApiName ? ' AND jsonb_exists("data", $3)' : '') +
      ' LIMIT 1',
    ...(fieldApiName ? [workspaceId, typeId, fieldApiName] : [workspaceId, typeId]),
  );
  return rows.length > 0;
}

/** Builds the index, turning duplicate values into a validation error on `unique`. */
export async function buildIndex(tx: Tx, typeId: string, field: FieldMeta, errors: FieldErrorCollector, path: string) {
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

/**
 * Recomputes the search vector of every record of a type whose searchable fields
 * changed (made searchable or not, retyped, deleted, or given values by a backfill).
 */
export async function rebuildSearchVectors(tx: Tx, workspaceId: string, objectTypeId: string, fieldsAfter: FieldMeta[]) {
  await tx.$executeRawUnsafe(
    `UPDATE "record" SET "search" = ${searchVectorSql({ fields: fieldsAfter }, '"data"')} ` +
      'WHERE "workspace_id" = $1::uuid AND "object_type_id" = $2::uuid',
    workspaceId,
    objectTypeId,
  );
}

/** A field as a `field_def` row. */
export function toFieldRow(workspaceId: string, objectTypeId: string, field: FieldMeta) {
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


/**
 * Refuses an admin's change to a type or field that an installed plugin owns:
 * the plugin's hooks and code rely on it. Labels and descriptions stay the
 * admin's to change; the rest changes with the plugin (upgrade, or uninstall).
 */
export function checkNotPluginOwned(current: WorkspaceMetadata, source: string, what: string, path = 'apiName'): void {
  if (source !== 'custom' && current.plugins.has(source)) {
    throw new ValidationError([
      { field: path, code: 'PLUGIN_OWNED', message: `${what} belongs to plugin "${source}": only its label and description can be changed while it is installed` },
    ]);
  }
}
