/**
 * What deleting a record does to the records that name it through a to-one
 * relation, as the relation's `onDelete` says:
 * - SET_NULL (the default): nothing on soft delete (the id stays; readers skip
 *   deleted records, so it reads as null, and comes back with a restore); destroy
 *   removes the id.
 * - CASCADE: soft delete takes the referencing records along, recursively, in the
 *   same transaction; each one's `deleted_root` is the record whose delete took it
 *   (the deleted record's own is its id), so restoring that record brings back
 *   exactly what its delete took. Destroy destroys them too, deleted or not.
 * - RESTRICT: live referencing records make the delete (or destroy) a CONFLICT,
 *   checked across the whole cascade, after it: records the same delete takes along
 *   are no longer live then, so they do not block. Nothing is changed.
 *
 * Cost: the cascade runs level by level, one statement per CASCADE relation that can
 * name a record reached at the previous level (all of them at once), then one
 * statement for every RESTRICT relation together; never one per record.
 *
 * Permissions: the record itself must be one the actor may delete (restore takes
 * the same right); what a CASCADE takes along goes with it whoever may delete it,
 * as the admin who defined the relation said (Salesforce's master-detail works
 * the same way).
 *
 * Exactness: everything runs in one transaction led by the statement that changes
 * (so locks) the root row, under the metadata guard. Each later statement sees what
 * was committed before it (READ COMMITTED) and locks what it changes; a write naming
 * one of those records locks it FOR SHARE first, so it either committed before (and
 * is seen here) or waits for this transaction and then finds the record deleted.
 */
import { isUniqueViolation } from '../db/pg-errors.ts';
import type { Queryable, SqlClient } from '../db/sql-client.ts';
import { accessCondition } from '../access/policy.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { fieldIdFromIndexName, sqlLiteral } from '../metadata/record-indexes.ts';
import type { ObjectTypeMeta, WorkspaceMetadata } from '../metadata/workspace-metadata.ts';
import { assertMetadataCurrent, GUARD_HOLDS, metadataGuard } from './metadata-guard.ts';
import { isUuid } from './query/filterable.ts';
import { SqlParams } from './query/params.ts';
import { RECORD_COLUMNS, type RawRecord } from './record-row.ts';
import type { RecordScope } from './record-service.ts';
import { referencingRelations, type ToOneRelation } from './relations.ts';
import { uniqueConflict } from './write-errors.ts';

/** Record ids by type apiName. */
type IdsByType = Map<string, string[]>;

/** The record a delete, restore or destroy was asked for. */
interface Root {
  type: ObjectTypeMeta;
  id: string;
}

const DELETED = '"deleted_at" = CURRENT_TIMESTAMP, "version" = "version" + 1, "updated_at" = CURRENT_TIMESTAMP';
const RESTORED = '"deleted_at" = NULL, "deleted_root" = NULL, "version" = "version" + 1, "updated_at" = CURRENT_TIMESTAMP';

/** `person.company`. */
function relationName(rel: ToOneRelation): string {
  return `${rel.type.apiName}.${rel.field.apiName}`;
}

/** `("data"->>'company') = ANY($n::text[])`: the records whose `rel` names one of `ids` (uses the field's index). */
function namesOneOf(rel: ToOneRelation, ids: readonly string[], params: SqlParams): string {
  return `("data"->>${sqlLiteral(rel.field.apiName)}) = ANY(${params.add(ids)}::text[])`;
}

/** The ids of `byType` that values of `rel` can name: those of its target types. */
function idsFor(rel: ToOneRelation, byType: IdsByType): string[] {
  return rel.targets.flatMap((t) => byType.get(t.apiName) ?? []);
}

function addIds(into: IdsByType, typeName: string, ids: readonly string[]): void {
  if (ids.length === 0) return;
  const list = into.get(typeName);
  if (list) list.push(...ids);
  else into.set(typeName, [...ids]);
}

function countIds(byType: IdsByType): number {
  let n = 0;
  for (const ids of byType.values()) n += ids.length;
  return n;
}

/**
 * Follows the CASCADE relations from `start`, level by level: for each CASCADE
 * relation that can name a record reached at the previous level, one `step` with
 * all those ids, which returns the ids of the records it reached. Each step's
 * statement only reaches records no earlier step reached (they are deleted,
 * restored or gone by then), so the walk ends, cycles included. Returns every
 * record reached, `start` included.
 */
async function followCascade(
  meta: WorkspaceMetadata,
  start: IdsByType,
  step: (rel: ToOneRelation, ids: string[]) => Promise<string[]>,
): Promise<IdsByType> {
  const reached: IdsByType = new Map();
  for (const [typeName, ids] of start) addIds(reached, typeName, ids);
  let level = start;
  while (level.size > 0) {
    const next: IdsByType = new Map();
    for (const rel of referencingRelations(meta, level.keys())) {
      if (rel.onDelete !== 'CASCADE') continue;
      const ids = idsFor(rel, level);
      if (ids.length === 0) continue;
      const found = await step(rel, ids);
      addIds(next, rel.type.apiName, found);
      addIds(reached, rel.type.apiName, found);
    }
    level = next;
  }
  return reached;
}

/**
 * Throws a CONFLICT when live records name one of `removed` through a RESTRICT
 * relation: one statement for all such relations; the first blocking one (in
 * metadata order) is reported with its count.
 */
async function assertNotRestricted(
  q: Queryable,
  scope: RecordScope,
  root: Root,
  removed: IdsByType,
  verb: 'deleted' | 'destroyed',
): Promise<void> {
  const restricting = referencingRelations(scope.metadata, removed.keys()).filter((rel) => rel.onDelete === 'RESTRICT');
  if (restricting.length === 0) return;
  const params = new SqlParams();
  const workspace = params.add(scope.metadata.workspaceId);
  const counts = restricting.map(
    (rel, i) =>
      `(SELECT ${i} AS "i", count(*)::int AS "n" FROM "record" WHERE "workspace_id" = ${workspace} ` +
      `AND "object_type_id" = ${params.add(rel.type.id)} AND "deleted_at" IS NULL AND ${namesOneOf(rel, idsFor(rel, removed), params)})`,
  );
  const { rows } = await q.query<{ i: number; n: number }>(counts.join(' UNION ALL '), params.values);
  const blocking = rows
    .map((r) => ({ i: Number(r.i), n: Number(r.n) }))
    .filter((r) => r.n > 0)
    .sort((a, b) => a.i - b.i)[0];
  if (!blocking) return;
  const rel = restricting[blocking.i]!;
  const what = countIds(removed) === 1 ? 'it' : `it or to records its ${verb === 'deleted' ? 'delete' : 'destroy'} would take along`;
  const records = `${blocking.n} ${rel.type.apiName} record${blocking.n === 1 ? '' : 's'}`;
  throw new ConflictError(
    `${root.type.apiName} ${root.id} cannot be ${verb}: ${records} link to ${what} through ${relationName(rel)} ` +
      `(onDelete: RESTRICT). Delete them or change their ${rel.field.apiName} first; nothing was changed.`,
    { reason: 'RESTRICTED', relation: relationName(rel), blockingCount: blocking.n },
  );
}

/**
 * FORBIDDEN when the record a delete or restore missed is one the actor may read
 * (so only the right to delete it is lacking); otherwise the caller's NOT_FOUND.
 */
async function refuseIfReadable(q: Queryable, scope: RecordScope, type: ObjectTypeMeta, id: string, deleted: boolean): Promise<void> {
  const params = new SqlParams();
  const readable = accessCondition(scope, type, 'read', params);
  const { rows } = await q.query(
    `SELECT 1 FROM "record" WHERE "workspace_id" = ${params.add(scope.metadata.workspaceId)} AND "object_type_id" = ${params.add(type.id)} ` +
      `AND "id" = ${params.add(id)} AND "deleted_at" IS ${deleted ? 'NOT ' : ''}NULL${readable ? ` AND ${readable}` : ''}`,
    params.values,
  );
  if (rows.length > 0) {
    throw new ForbiddenError(`Your role may ${deleted ? 'restore' : 'delete'} only the ${type.pluralApiName} you own`, { type: type.apiName, verb: 'delete' });
  }
}

/**
 * Soft-deletes the record `id` of `type` and what its CASCADE relations take along;
 * refused (CONFLICT, nothing changed) when live records name any of them through a
 * RESTRICT relation. Returns the deleted record's row.
 */
export async function softDelete(sql: SqlClient, scope: RecordScope, type: ObjectTypeMeta, id: string): Promise<RawRecord> {
  const root: Root = { type, id };
  if (!isUuid(id)) throw new NotFoundError(`No ${type.apiName} with id ${id}`, { id });
  const run = async (q: Queryable): Promise<RawRecord> => {
    const params = new SqlParams();
    const guard = metadataGuard(scope, params);
    const deletable = accessCondition(scope, type, 'delete', params);
    const { rows } = await q.query<RawRecord>(
      `${guard}UPDATE "record" SET ${DELETED}, "deleted_root" = "id" ` +
        `WHERE "workspace_id" = ${params.add(scope.metadata.workspaceId)} AND "object_type_id" = ${params.add(type.id)} ` +
        `AND "id" = ${params.add(id)} AND "deleted_at" IS NULL AND ${GUARD_HOLDS}${deletable ? ` AND ${deletable}` : ''} RETURNING ${RECORD_COLUMNS}`,
      params.values,
    );
    const raw = rows[0];
    if (!raw) {
      await assertMetadataCurrent(q, scope);
      await refuseIfReadable(q, scope, type, id, false);
      throw new NotFoundError(`No ${type.apiName} with id ${id}`, { id });
    }
    const taken = await followCascade(scope.metadata, new Map([[type.apiName, [raw.id]]]), async (rel, ids) => {
      const p = new SqlParams();
      const result = await q.query<{ id: string }>(
        `UPDATE "record" SET ${DELETED}, "deleted_root" = ${p.add(raw.id)} ` +
          `WHERE "workspace_id" = ${p.add(scope.metadata.workspaceId)} AND "object_type_id" = ${p.add(rel.type.id)} ` +
          `AND "deleted_at" IS NULL AND ${namesOneOf(rel, ids, p)} RETURNING "id"`,
        p.values,
      );
      return result.rows.map((r) => r.id);
    });
    await assertNotRestricted(q, scope, root, taken, 'deleted');
    return raw;
  };
  // Nothing but the record itself can change when no relation to its type cascades or restricts.
  const effects = referencingRelations(scope.metadata, [type.apiName]).some((rel) => rel.onDelete !== 'SET_NULL');
  return effects ? sql.transaction(run) : run(sql);
}

/** A unique violation while restoring records the root's delete took along, as a CONFLICT naming the record type and field. */
function takenAlongConflict(error: unknown, meta: WorkspaceMetadata, root: Root): never {
  if (isUniqueViolation(error)) {
    const fieldId = fieldIdFromIndexName((error as { constraint?: string }).constraint);
    const owner = meta.objectTypes.find((t) => t.fields.some((f) => f.id === fieldId));
    const field = owner?.fields.find((f) => f.id === fieldId);
    if (owner && field) {
      throw new ConflictError(
        `Restoring ${root.type.apiName} ${root.id} would bring back a ${owner.apiName} whose ${field.apiName} another ` +
          `${owner.apiName} has taken since; nothing was restored`,
        { type: owner.apiName, fields: [{ field: field.apiName, code: 'UNIQUE', message: 'is already taken by another record' }] },
      );
    }
  }
  throw error;
}

/**
 * Restores the deleted record `id` of `type` with what its delete took along:
 * - a record deleted on its own (a root): every record whose `deleted_root` is it,
 *   in one statement, whatever the relations are now;
 * - a record another record's delete took along: it, and the records the same
 *   delete took along because of it (following CASCADE relations from it, among
 *   the records with the same root). The rest stays deleted with its root.
 * All or nothing: a unique value taken meanwhile by a live record is a CONFLICT.
 */
export async function restoreDeleted(sql: SqlClient, scope: RecordScope, type: ObjectTypeMeta, id: string): Promise<RawRecord> {
  const meta = scope.metadata;
  const root: Root = { type, id };
  if (!isUuid(id)) throw new NotFoundError(`No deleted ${type.apiName} with id ${id}`, { id });
  return sql.transaction(async (tx) => {
    let raw: (RawRecord & { taken_by: string | null }) | undefined;
    // Guarded: a record restored into changed metadata (a new unique index, say) must be checked by it.
    // The guard's lock lasts for the transaction, so it covers the statements after this one too.
    // `before` reads (and locks) the record's deleted_root before the update clears it.
    const params = new SqlParams();
    const workspace = params.add(meta.workspaceId);
    const guard = metadataGuard(scope, params).trimEnd();
    const restorable = accessCondition(scope, type, 'delete', params);
    try {
      ({
        rows: [raw],
      } = await tx.query<RawRecord & { taken_by: string | null }>(
        `${guard}, "before" AS (SELECT "id" AS "root_id", "deleted_root" AS "taken_by" FROM "record" ` +
          `WHERE "workspace_id" = ${workspace} AND "object_type_id" = ${params.add(type.id)} AND "id" = ${params.add(id)} ` +
          `AND "deleted_at" IS NOT NULL AND ${GUARD_HOLDS}${restorable ? ` AND ${restorable}` : ''} FOR UPDATE) ` +
          `UPDATE "record" SET ${RESTORED} FROM "before" WHERE "workspace_id" = ${workspace} AND "id" = "before"."root_id" ` +
          `RETURNING ${RECORD_COLUMNS}, "before"."taken_by"`,
        params.values,
      ));
    } catch (error) {
      uniqueConflict(error, type, '');
    }
    if (!raw) {
      await assertMetadataCurrent(tx, scope);
      await refuseIfReadable(tx, scope, type, id, true);
      throw new NotFoundError(`No deleted ${type.apiName} with id ${id}`, { id });
    }
    const { taken_by: takenBy, ...row } = raw;
    try {
      if (takenBy === null || takenBy === row.id) {
        await tx.query(
          `UPDATE "record" SET ${RESTORED} WHERE "workspace_id" = $1 AND "deleted_root" = $2 AND "deleted_at" IS NOT NULL`,
          [meta.workspaceId, row.id],
        );
      } else {
        await followCascade(meta, new Map([[type.apiName, [row.id]]]), async (rel, ids) => {
          const p = new SqlParams();
          const result = await tx.query<{ id: string }>(
            `UPDATE "record" SET ${RESTORED} WHERE "workspace_id" = ${p.add(meta.workspaceId)} ` +
              `AND "object_type_id" = ${p.add(rel.type.id)} AND "deleted_root" = ${p.add(takenBy)} ` +
              `AND "deleted_at" IS NOT NULL AND ${namesOneOf(rel, ids, p)} RETURNING "id"`,
            p.values,
          );
          return result.rows.map((r) => r.id);
        });
      }
    } catch (error) {
      takenAlongConflict(error, meta, root);
    }
    return row;
  });
}

/**
 * Deletes the record `id` of `type` for good, deleted or not, with every record
 * that names it through a CASCADE relation (deleted or not, recursively), and
 * clears the other references to them (SET_NULL, and RESTRICT ones held by deleted
 * records). Refused (CONFLICT, nothing changed) when live records name any of them
 * through a RESTRICT relation. `record_link` rows go with their records.
 */
export async function destroyRecord(sql: SqlClient, scope: RecordScope, type: ObjectTypeMeta, id: string): Promise<void> {
  const meta = scope.metadata;
  const root: Root = { type, id };
  if (!isUuid(id)) throw new NotFoundError(`No ${type.apiName} with id ${id}`, { id });
  await sql.transaction(async (tx) => {
    const params = new SqlParams();
    const guard = metadataGuard(scope, params);
    const { rows } = await tx.query<{ id: string }>(
      `${guard}DELETE FROM "record" WHERE "workspace_id" = ${params.add(meta.workspaceId)} ` +
        `AND "object_type_id" = ${params.add(type.id)} AND "id" = ${params.add(id)} AND ${GUARD_HOLDS} RETURNING "id"`,
      params.values,
    );
    if (!rows[0]) {
      await assertMetadataCurrent(tx, scope);
      throw new NotFoundError(`No ${type.apiName} with id ${id}`, { id });
    }
    const removed = await followCascade(meta, new Map([[type.apiName, [rows[0].id]]]), async (rel, ids) => {
      const p = new SqlParams();
      const result = await tx.query<{ id: string }>(
        `DELETE FROM "record" WHERE "workspace_id" = ${p.add(meta.workspaceId)} AND "object_type_id" = ${p.add(rel.type.id)} ` +
          `AND ${namesOneOf(rel, ids, p)} RETURNING "id"`,
        p.values,
      );
      return result.rows.map((r) => r.id);
    });
    await assertNotRestricted(tx, scope, root, removed, 'destroyed');
    for (const rel of referencingRelations(meta, removed.keys())) {
      // CASCADE references went with their records above.
      if (rel.onDelete === 'CASCADE') continue;
      const key = sqlLiteral(rel.field.apiName);
      const p = new SqlParams();
      await tx.query(
        `UPDATE "record" SET "data" = "data" - ${key}, "version" = "version" + 1, "updated_at" = CURRENT_TIMESTAMP ` +
          `WHERE "workspace_id" = ${p.add(meta.workspaceId)} AND "object_type_id" = ${p.add(rel.type.id)} ` +
          `AND ${namesOneOf(rel, idsFor(rel, removed), p)}`,
        p.values,
      );
    }
  });
}
