/**
 * The partial expression indexes behind `indexed` and `unique` fields. Each field
 * gets its own index on `record(workspace_id, <typed expression>)`, limited to its
 * record type and to live records, named after the field id so it can be found
 * from a unique-violation error.
 */
import { fieldType } from '../fields/index.ts';
import { isUuid } from '../ids.ts';
import type { FieldMeta } from '../fields/types.ts';

/** Runs DDL inside the caller's transaction. */
export type Execute = (sql: string) => Promise<unknown>;

const INDEX_PREFIX = 'record_f_';

/** The index name of a field. */
export function fieldIndexName(fieldId: string): string {
  return `${INDEX_PREFIX}${fieldId.replace(/-/g, '')}`;
}

/** The field id an index name belongs to, or null when it is not a field index. */
export function fieldIdFromIndexName(name: string | undefined): string | null {
  if (!name?.startsWith(INDEX_PREFIX)) return null;
  const hex = name.slice(INDEX_PREFIX.length);
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A string as a SQL literal. Names are validated camelCase, but quote them properly anyway. */
export function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The typed SQL expression of a field over `data`. */
export function fieldExpr(field: Pick<FieldMeta, 'type' | 'apiName'>): string {
  return fieldType(field.type).sqlExpr(sqlLiteral(field.apiName));
}

/** Creates the field's index if it is indexed or unique. */
export async function createFieldIndex(execute: Execute, objectTypeId: string, field: FieldMeta): Promise<void> {
  if (!field.indexed && !field.unique) return;
  if (!isUuid(objectTypeId)) throw new Error('invalid object type id');
  await execute(
    `CREATE ${field.unique ? 'UNIQUE ' : ''}INDEX "${fieldIndexName(field.id)}" ON "record" ` +
      `("workspace_id", (${fieldExpr(field)})) ` +
      `WHERE "object_type_id" = '${objectTypeId}'::uuid AND "deleted_at" IS NULL`,
  );
  // PostgreSQL keeps no statistics for the expression of a partial index, and then
  // guesses 0.5% of rows for any `=`; off by 20x on a select field, that guess picks
  // the wrong plan. Expression statistics give ANALYZE the real distribution.
  await execute(`CREATE STATISTICS IF NOT EXISTS "${fieldStatisticsName(field.id)}" ON (${fieldExpr(field)}) FROM "record"`);
}

/** Drops the field's index (and its statistics) if it has one. */
export async function dropFieldIndex(execute: Execute, fieldId: string): Promise<void> {
  await execute(`DROP INDEX IF EXISTS "${fieldIndexName(fieldId)}"`);
  await execute(`DROP STATISTICS IF EXISTS "${fieldStatisticsName(fieldId)}"`);
}

/** The name of a field's expression statistics. */
function fieldStatisticsName(fieldId: string): string {
  return `record_s_${fieldId.replace(/-/g, '')}`;
}
