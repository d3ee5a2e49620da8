/**
 * The `search` column of a record: a tsvector over its searchable fields, kept
 * current by every write in the same statement (so it can never be stale), and
 * rebuilt for a whole type when its searchable fields change.
 *
 * The `simple` configuration is used: CRM text is names, companies, addresses and
 * mixed languages, where stemming for one language does more harm than good.
 */
import { fieldType } from '../fields/index.ts';
import { sqlLiteral } from '../metadata/record-indexes.ts';
import type { ObjectTypeMeta } from '../metadata/workspace-metadata.ts';

/** Fields of a type whose values are searched. */
export function searchableFields(type: Pick<ObjectTypeMeta, 'fields'>) {
  return type.fields.filter((f) => f.searchable && fieldType(f.type).searchable);
}

/**
 * SQL computing the search vector from the record data `data` (an SQL expression,
 * e.g. `"data"` or the patched data of an update); `NULL` for a type without
 * searchable fields.
 */
export function searchVectorSql(type: Pick<ObjectTypeMeta, 'fields'>, data: string): string {
  const fields = searchableFields(type);
  if (fields.length === 0) return 'NULL';
  const parts = fields.map((f) => {
    const text = `(${data}->>${sqlLiteral(f.apiName)})`;
    return fieldType(f.type).searchText?.(text) ?? text;
  });
  return `to_tsvector('simple', concat_ws(' ', ${parts.join(', ')}))`;
}
