/**
 * Validates record input against a type's fields: every failing field is reported
 * at once, and nothing is written unless all pass. Returns the values to store
 * (normal forms) and the keys to remove (fields set to null).
 */
import { FieldErrorCollector } from '../errors.ts';
import { fieldType, storedFields } from '../fields/index.ts';
import type { ObjectTypeMeta } from '../metadata/workspace-metadata.ts';
import type { Queryable } from '../db/sql-client.ts';
import type { WorkspaceMetadata } from '../metadata/workspace-metadata.ts';

/** Field values by apiName, as the API takes them. */
export type RecordInput = { [field: string]: unknown };

/** Validated input. */
export interface ResolvedInput {
  set: Record<string, unknown>;
  unset: string[];
}

/** Checks `input` for a create (`isCreate`, defaults and required apply) or an update (a patch). */
export function resolveInput(
  type: ObjectTypeMeta,
  input: RecordInput,
  isCreate: boolean,
  errors: FieldErrorCollector,
  path = 'input',
): ResolvedInput {
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    errors.add(path, 'INVALID_TYPE', 'must be an object of field values');
    return { set, unset };
  }
  // Derived fields (a relation's ONE_TO_MANY side) store nothing and take no input.
  const stored = storedFields(type.fields);
  const fields = new Map(stored.map((f) => [f.apiName, f]));
  for (const key of Object.keys(input)) {
    if (!fields.has(key) && input[key] !== undefined) {
      errors.add(`${path}.${key}`, 'UNKNOWN_FIELD', `is not a field of ${type.apiName}`);
    }
  }
  for (const field of stored) {
    const at = `${path}.${field.apiName}`;
    // Own keys only: a field named like an Object member (`constructor`) must not read the prototype.
    const value = Object.hasOwn(input, field.apiName) ? input[field.apiName] : undefined;
    if (value === undefined) {
      if (!isCreate) continue;
      if (field.defaultValue !== null) set[field.apiName] = field.defaultValue;
      else if (field.required) errors.add(at, 'REQUIRED', 'is required');
      continue;
    }
    if (value === null) {
      if (field.required) errors.add(at, 'REQUIRED', 'is required and cannot be null');
      else if (!isCreate) unset.push(field.apiName);
      continue;
    }
    const result = fieldType(field.type).normalize(value, field);
    if (!result.ok) errors.add(at, result.code, result.message);
    else if (field.required && isEmpty(result.value)) errors.add(at, 'REQUIRED', 'is required and cannot be empty');
    else set[field.apiName] = result.value;
  }
  return { set, unset };
}

/**
 * Checks that every id stored in a reference field names a live record of an
 * allowed type in the same workspace: one query for all of them.
 */
export async function checkReferences(
  sql: Queryable,
  meta: WorkspaceMetadata,
  type: ObjectTypeMeta,
  items: Array<{ set: Record<string, unknown>; path: string }>,
  errors: FieldErrorCollector,
): Promise<void> {
  const wanted: Array<{ id: string; targets: string[]; at: string }> = [];
  for (const field of type.fields) {
    const references = fieldType(field.type).references;
    if (!references) continue;
    for (const item of items) {
      const id = item.set[field.apiName];
      if (typeof id === 'string') wanted.push({ id, targets: references(field), at: `${item.path}.${field.apiName}` });
    }
  }
  if (wanted.length === 0) return;
  const { rows } = await sql.query<{ id: string; object_type_id: string }>(
    'SELECT "id"::text AS "id", "object_type_id"::text AS "object_type_id" FROM "record" ' +
      'WHERE "workspace_id" = $1 AND "id" = ANY($2::uuid[]) AND "deleted_at" IS NULL',
    [meta.workspaceId, [...new Set(wanted.map((w) => w.id))]],
  );
  const found = new Map(rows.map((r) => [r.id, meta.findById(r.object_type_id)?.apiName]));
  for (const w of wanted) {
    const target = found.get(w.id);
    if (target === undefined) errors.add(w.at, 'INVALID_REFERENCE', `no ${w.targets.join(' or ')} record with id ${w.id}`);
    else if (!w.targets.includes(target)) errors.add(w.at, 'INVALID_REFERENCE', `record ${w.id} is a ${target}, not a ${w.targets.join(' or ')}`);
  }
}

/** An empty string or list does not satisfy `required`. */
function isEmpty(value: unknown): boolean {
  return value === '' || (Array.isArray(value) && value.length === 0);
}
