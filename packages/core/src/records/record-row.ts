/** A record as the engine returns it, and its mapping from a `record` row. */
import { visibleType, type AccessScope } from '../access/policy.ts';
import { fieldType } from '../fields/index.ts';
import type { ObjectTypeMeta } from '../metadata/workspace-metadata.ts';

/** A record: system columns and its field values (output forms) by apiName. */
export interface RecordRow {
  id: string;
  type: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  deletedAt: Date | null;
  ownerId: string | null;
  data: Record<string, unknown>;
}

/** The columns every record statement returns. */
export const RECORD_COLUMNS = '"id", "data", "owner_id", "version", "created_at", "updated_at", "deleted_at"';

/** A raw row of RECORD_COLUMNS. */
export interface RawRecord {
  id: string;
  data: Record<string, unknown>;
  owner_id: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

/** Maps a raw row of `type` to a RecordRow. */
export function toRecordRow(type: ObjectTypeMeta, raw: RawRecord): RecordRow {
  const data: Record<string, unknown> = {};
  for (const field of type.fields) {
    const stored = Object.hasOwn(raw.data, field.apiName) ? raw.data[field.apiName] : undefined;
    if (stored === undefined || stored === null) continue;
    const toOutput = fieldType(field.type).toOutput;
    data[field.apiName] = toOutput ? toOutput(stored, field) : stored;
  }
  return {
    id: raw.id,
    type: type.apiName,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
    version: raw.version,
    deletedAt: raw.deleted_at,
    ownerId: raw.owner_id,
    data,
  };
}

/** Maps a raw row of `type` (a type of the full metadata) as the actor sees it: without the fields hidden from them. */
export function toVisibleRow(scope: AccessScope, type: ObjectTypeMeta, raw: RawRecord): RecordRow {
  return toRecordRow(visibleType(scope, type) ?? type, raw);
}
