/**
 * Which of some records (given as rows, not read from the table: the records as
 * of change events) match a filter: the filter compiled exactly as for a list,
 * run over the rows in one statement, so every operator and every filter through
 * relations means what it means in a list.
 */
import { accessCondition, policyOf, visibleType, type AccessScope } from '../access/policy.ts';
import type { Queryable } from '../db/sql-client.ts';
import { NotFoundError } from '../errors.ts';
import type { ObjectTypeMeta } from '../metadata/workspace-metadata.ts';
import { compileFilter, type RecordFilter } from './query/filter.ts';
import { filterables } from './query/filterable.ts';
import { SqlParams } from './query/params.ts';
import type { RawRecord } from './record-row.ts';

/** The ids of `rows` (records of `of`) that match `filter`, as the actor sees them. */
export async function matchFilter(
  sql: Queryable,
  scope: AccessScope,
  of: ObjectTypeMeta,
  filter: RecordFilter,
  rows: readonly RawRecord[],
): Promise<Set<string>> {
  const type = visibleType(scope, of);
  if (!type) throw new NotFoundError(`No record type "${of.apiName}"`, { type: of.apiName });
  if (rows.length === 0) return new Set();
  const params = new SqlParams();
  const recordset = params.add(
    JSON.stringify(rows.map((r) => ({ ...r, workspace_id: scope.metadata.workspaceId, object_type_id: type.id }))),
  );
  const condition = compileFilter(filter, filterables(type), params, {
    metadata: policyOf(scope).view,
    type,
    readCondition: (related, p) => accessCondition(scope, related, 'read', p),
  });
  const { rows: matched } = await sql.query<{ id: string }>(
    `SELECT "id"::text AS "id" FROM jsonb_to_recordset(${recordset}::jsonb) AS "record"("id" uuid, "data" jsonb, "owner_id" uuid, ` +
      `"version" int, "created_at" timestamptz, "updated_at" timestamptz, "deleted_at" timestamptz, "workspace_id" uuid, ` +
      `"object_type_id" uuid) WHERE ${condition}`,
    params.values,
  );
  return new Set(matched.map((r) => r.id));
}
