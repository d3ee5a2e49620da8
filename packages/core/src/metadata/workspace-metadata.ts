/**
 * A workspace's metadata as one immutable snapshot: its record types and fields,
 * normalised, with a hash of everything that shapes its GraphQL schema. Servers
 * cache schemas by that hash, so workspaces with identical metadata share one.
 */
import { createHash } from 'node:crypto';
import type { RoleDefinition } from '../access/permissions.ts';
import type { FieldMeta, FieldTypeName } from '../fields/types.ts';
import { NotFoundError } from '../errors.ts';

/** A record type with its fields, in position order. */
export interface ObjectTypeMeta {
  id: string;
  apiName: string;
  pluralApiName: string;
  label: string;
  description: string | null;
  source: string;
  fields: FieldMeta[];
}

/** One workspace's metadata at one version. */
export interface WorkspaceMetadata {
  workspaceId: string;
  /** `workspace.metadata_version` this snapshot was read at. */
  version: number;
  /** Hash of everything that shapes the schema (not ids): equal hashes, equal schemas. */
  hash: string;
  objectTypes: readonly ObjectTypeMeta[];
  /** The workspace's custom roles by name (the built-in ones are in access/permissions.ts). Not in `hash`. */
  roles: ReadonlyMap<string, RoleDefinition>;
  /** The plugins installed in the workspace, name to version (in `hash`: their GraphQL shapes the schema). */
  plugins: ReadonlyMap<string, string>;
  /** The record type with this apiName, or undefined. */
  find(apiName: string): ObjectTypeMeta | undefined;
  /** The record type with this apiName; NOT_FOUND otherwise. */
  get(apiName: string): ObjectTypeMeta;
  /** The record type with this id, or undefined. */
  findById(id: string): ObjectTypeMeta | undefined;
}

/** The rows a snapshot is made from (as Prisma returns them). */
export interface ObjectTypeRow {
  id: string;
  apiName: string;
  pluralApiName: string;
  label: string;
  description: string | null;
  source: string;
  fields: Array<{
    id: string;
    apiName: string;
    label: string;
    description: string | null;
    type: string;
    required: boolean;
    unique: boolean;
    indexed: boolean;
    searchable: boolean;
    defaultValue: unknown;
    options: unknown;
    source: string;
    position: number;
  }>;
}

/** Turns rows into a snapshot. Fields are ordered by position, then apiName. */
export function createWorkspaceMetadata(
  workspaceId: string,
  version: number,
  rows: ObjectTypeRow[],
  roles: ReadonlyMap<string, RoleDefinition> = new Map(),
  plugins: ReadonlyMap<string, string> = new Map(),
): WorkspaceMetadata {
  const objectTypes: ObjectTypeMeta[] = rows
    .map((row) => ({
      id: row.id,
      apiName: row.apiName,
      pluralApiName: row.pluralApiName,
      label: row.label,
      description: row.description,
      source: row.source,
      fields: row.fields
        .map(
          (f): FieldMeta => ({
            id: f.id,
            apiName: f.apiName,
            label: f.label,
            description: f.description,
            type: f.type as FieldTypeName,
            required: f.required,
            unique: f.unique,
            indexed: f.indexed,
            searchable: f.searchable,
            defaultValue: f.defaultValue ?? null,
            options: (f.options ?? {}) as Record<string, unknown>,
            source: f.source,
            position: f.position,
          }),
        )
        .sort((a, b) => a.position - b.position || a.apiName.localeCompare(b.apiName)),
    }))
    .sort((a, b) => a.apiName.localeCompare(b.apiName));

  const byApiName = new Map(objectTypes.map((t) => [t.apiName, t]));
  const byId = new Map(objectTypes.map((t) => [t.id, t]));
  return {
    workspaceId,
    version,
    hash: hashMetadata(objectTypes, plugins),
    objectTypes,
    roles,
    plugins,
    find: (apiName) => byApiName.get(apiName),
    get(apiName) {
      const type = byApiName.get(apiName);
      if (!type) throw new NotFoundError(`No record type "${apiName}"`, { type: apiName });
      return type;
    },
    findById: (id) => byId.get(id),
  };
}

function hashMetadata(objectTypes: ObjectTypeMeta[], plugins: ReadonlyMap<string, string>): string {
  const shape = objectTypes.map((t) => ({
    apiName: t.apiName,
    pluralApiName: t.pluralApiName,
    label: t.label,
    description: t.description,
    fields: t.fields.map((f) => ({
      apiName: f.apiName,
      label: f.label,
      description: f.description,
      type: f.type,
      required: f.required,
      unique: f.unique,
      indexed: f.indexed,
      searchable: f.searchable,
      defaultValue: f.defaultValue,
      options: f.options,
    })),
  }));
  const installed = [...plugins.keys()].sort();
  return createHash('sha256').update(stableStringify(installed.length ? { shape, installed } : shape)).digest('hex').slice(0, 32);
}

/** JSON with object keys sorted, so equal values hash equally. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
