/**
 * Validates record input against a type's fields: every failing field is reported
 * at once, and nothing is written unless all pass. Returns the values to store
 * (normal forms), the keys to remove (fields set to null), and the changes to
 * to-many relations (`people: { connect, disconnect, set }`).
 */
import { FieldErrorCollector } from '../errors.ts';
import { fieldType, storedFields, valueShapeOf } from '../fields/index.ts';
import { parseRecordId } from '../fields/relation.ts';
import type { FieldMeta } from '../fields/types.ts';
import type { ObjectTypeMeta } from '../metadata/workspace-metadata.ts';
import type { Queryable } from '../db/sql-client.ts';
import { ownerOf, policyOf, type AccessScope } from '../access/policy.ts';

/** Most ids one of connect, disconnect or set may list. */
export const MAX_LINK_IDS = 1000;

/** A change to one to-many relation of one record. */
export interface LinkChange {
  field: FieldMeta;
  connect: string[];
  disconnect: string[];
  /** The complete new set of linked records, or null to keep the others. */
  set: string[] | null;
  /** Where the change was given (`input.people`), for errors. */
  path: string;
}

/** Field values by apiName, as the API takes them. */
export type RecordInput = { [field: string]: unknown };

/** Validated input. */
export interface ResolvedInput {
  set: Record<string, unknown>;
  unset: string[];
  links: LinkChange[];
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
  const links: LinkChange[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    errors.add(path, 'INVALID_TYPE', 'must be an object of field values');
    return { set, unset, links };
  }
  const fields = new Map(type.fields.map((f) => [f.apiName, f]));
  for (const key of Object.keys(input)) {
    if (!fields.has(key) && input[key] !== undefined) {
      errors.add(`${path}.${key}`, 'UNKNOWN_FIELD', `is not a field of ${type.apiName}`);
    }
  }
  // To-many relations store nothing in `data`: their input changes links.
  for (const field of type.fields) {
    const value = Object.hasOwn(input, field.apiName) ? input[field.apiName] : undefined;
    if (value === undefined || valueShapeOf(field).kind !== 'connection') continue;
    const change = resolveLinkChange(field, value, `${path}.${field.apiName}`, errors);
    if (change) links.push(change);
  }
  const stored = storedFields(type.fields);
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
  return { set, unset, links };
}

/** Parses `{ connect, disconnect, set }` of one to-many relation. */
function resolveLinkChange(field: FieldMeta, value: unknown, path: string, errors: FieldErrorCollector): LinkChange | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    errors.add(path, 'INVALID_TYPE', 'must be an object of connect, disconnect or set lists (use set: [] to remove every link)');
    return null;
  }
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!['connect', 'disconnect', 'set'].includes(key) && given[key] !== undefined) {
      errors.add(`${path}.${key}`, 'UNKNOWN_FIELD', 'must be connect, disconnect or set');
    }
  }
  const ids = (key: 'connect' | 'disconnect' | 'set'): string[] | null => {
    const list = given[key];
    if (list === undefined || list === null) return null;
    if (!Array.isArray(list)) {
      errors.add(`${path}.${key}`, 'INVALID_TYPE', 'must be a list of record ids');
      return null;
    }
    if (list.length > MAX_LINK_IDS) {
      errors.add(`${path}.${key}`, 'TOO_LONG', `must have at most ${MAX_LINK_IDS} ids`);
      return null;
    }
    const parsed: string[] = [];
    list.forEach((id, i) => {
      const result = parseRecordId(id);
      if (result.ok) parsed.push(result.value as string);
      else errors.add(`${path}.${key}.${i}`, result.code, result.message);
    });
    return [...new Set(parsed)];
  };
  const connect = ids('connect') ?? [];
  const disconnect = ids('disconnect') ?? [];
  const set = ids('set');
  if (set !== null && (connect.length > 0 || disconnect.length > 0)) {
    errors.add(`${path}.set`, 'INVALID_VALUE', 'replaces every link: give it alone, without connect or disconnect');
  }
  const both = connect.filter((id) => disconnect.includes(id));
  if (both.length > 0) errors.add(`${path}.disconnect`, 'INVALID_VALUE', `also connects ${both.join(', ')}`);
  return { field, connect, disconnect, set, path };
}

/** One record's validated write, as the reference check needs it. */
export interface WriteItem {
  set: Record<string, unknown>;
  links?: LinkChange[];
  /** The owner the input names (a member id), if it names one. */
  owner?: string | null;
  path: string;
}

/** True when the write names other records or members (to-one ids, links to change, an owner), so they must be checked. */
export function namesOtherRecords(type: ObjectTypeMeta, items: readonly WriteItem[]): boolean {
  const toOne = type.fields.filter((f) => fieldType(f.type).references);
  return items.some(
    (item) => (item.links?.length ?? 0) > 0 || typeof item.owner === 'string' || toOne.some((f) => typeof item.set[f.apiName] === 'string'),
  );
}

/**
 * Checks that every record a write names (the id of a to-one relation, the ids a
 * to-many relation connects or sets) is a live record of an allowed type in the
 * same workspace that the actor may read (one query for all of them), and that an
 * owner it names is a member of the workspace. With `lock`, the named records are
 * locked FOR SHARE until the transaction ends, so a concurrent delete waits for
 * the write (and a write waiting on a delete sees the record deleted).
 */
export async function checkReferences(
  sql: Queryable,
  scope: AccessScope,
  type: ObjectTypeMeta,
  items: readonly WriteItem[],
  errors: FieldErrorCollector,
  lock = false,
): Promise<void> {
  const meta = scope.metadata;
  await checkOwners(sql, meta.workspaceId, items, errors);
  const wanted: Array<{ id: string; targets: string[]; at: string }> = [];
  for (const field of type.fields) {
    const references = fieldType(field.type).references;
    if (!references) continue;
    for (const item of items) {
      const id = item.set[field.apiName];
      if (typeof id === 'string') wanted.push({ id, targets: references(field), at: `${item.path}.${field.apiName}` });
    }
  }
  for (const item of items) {
    for (const change of item.links ?? []) {
      const target = [String(change.field.options.target)];
      for (const key of ['connect', 'set'] as const) {
        change[key]?.forEach((id, i) => wanted.push({ id, targets: target, at: `${change.path}.${key}.${i}` }));
      }
    }
  }
  if (wanted.length === 0) return;
  const { rows } = await sql.query<{ id: string; object_type_id: string; owner_id: string | null }>(
    'SELECT "id"::text AS "id", "object_type_id"::text AS "object_type_id", "owner_id"::text AS "owner_id" FROM "record" ' +
      'WHERE "workspace_id" = $1 AND "id" = ANY($2::uuid[]) AND "deleted_at" IS NULL' +
      (lock ? ' FOR SHARE' : ''),
    [meta.workspaceId, [...new Set(wanted.map((w) => w.id))]],
  );
  // A record the actor may not read does not exist for them.
  const policy = policyOf(scope);
  const me = ownerOf(scope.actor);
  const readable = (r: (typeof rows)[number]) => {
    const access = policy.access(r.object_type_id, 'read');
    return access === 'all' || (access === 'own' && me !== null && r.owner_id === me);
  };
  const found = new Map(rows.filter(readable).map((r) => [r.id, meta.findById(r.object_type_id)?.apiName]));
  for (const w of wanted) {
    const target = found.get(w.id);
    if (target === undefined) errors.add(w.at, 'INVALID_REFERENCE', `no ${w.targets.join(' or ')} record with id ${w.id}`);
    else if (!w.targets.includes(target)) errors.add(w.at, 'INVALID_REFERENCE', `record ${w.id} is a ${target}, not a ${w.targets.join(' or ')}`);
  }
}

/** Checks that the owners `items` name are members of the workspace (members are never deleted). */
async function checkOwners(sql: Queryable, workspaceId: string, items: readonly WriteItem[], errors: FieldErrorCollector) {
  const named = items.filter((item): item is WriteItem & { owner: string } => typeof item.owner === 'string');
  if (named.length === 0) return;
  const { rows } = await sql.query<{ id: string }>('SELECT "id"::text AS "id" FROM "member" WHERE "workspace_id" = $1 AND "id" = ANY($2::uuid[])', [
    workspaceId,
    [...new Set(named.map((item) => item.owner))],
  ]);
  const members = new Set(rows.map((r) => r.id));
  for (const item of named) {
    if (!members.has(item.owner)) errors.add(`${item.path}.ownerId`, 'INVALID_REFERENCE', `no member of this workspace has id ${item.owner}`);
  }
}

/** An empty string or list does not satisfy `required`. */
function isEmpty(value: unknown): boolean {
  return value === '' || (Array.isArray(value) && value.length === 0);
}
