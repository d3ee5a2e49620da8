/**
 * The record operations, one per verb: get, list, create, update, delete
 * (soft), restore and destroy (hard). Every transport is a thin wrapper over
 * these. Reads and writes are compiled, parameterised SQL on the `record` table,
 * always scoped by workspace and record type first.
 */
import { newId } from '../ids.ts';
import { requireAdmin, type Actor } from '../access/actor.ts';
import { accessCondition, ownerOf, policyOf, readableType, writableType } from '../access/policy.ts';
import type { Database } from '../db/database.ts';
import type { Queryable } from '../db/sql-client.ts';
import { ConflictError, FieldErrorCollector, ForbiddenError, NotFoundError } from '../errors.ts';
import { createBulkWrites } from './bulk-writes.ts';
import { destroyRecord, restoreDeleted, softDelete } from './delete-effects.ts';
import { searchVectorSql } from './search-vector.ts';
import { uniqueConflict } from './write-errors.ts';
import { assertMetadataCurrent, GUARD_HOLDS, metadataGuard, staleMetadata } from './metadata-guard.ts';
import type { ObjectTypeMeta, WorkspaceMetadata } from '../metadata/workspace-metadata.ts';
import { isUuid } from './query/filterable.ts';
import { compileList, type ListArgs, type ListRow, type RecordPage } from './list-query.ts';
import { SqlParams } from './query/params.ts';
import { findRelation, relatedCondition } from './relations.ts';
import { resolveInput, type RecordInput } from './record-input.ts';
import { referencingWrite } from './referencing-write.ts';
import { createWriteGuard } from './write-access.ts';
import { matchFilter } from './filter-match.ts';
import type { RecordFilter } from './query/filter.ts';
import { RECORD_COLUMNS, toRecordRow, toVisibleRow, type RawRecord, type RecordRow } from './record-row.ts';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type ListArgs, type RecordPage } from './list-query.ts';

/** What every operation needs: who acts, and the metadata they act on. */
export interface RecordScope {
  actor: Actor;
  metadata: WorkspaceMetadata;
}

/** Creates the record service over `db`. */
export function createRecordService(db: Database) {
  const sql = db.sql;

  /** `workspace_id = $1 AND object_type_id = $2`, the lead of every statement. */
  function scopeCondition(scope: RecordScope, type: ObjectTypeMeta, params: SqlParams) {
    return `"workspace_id" = ${params.add(scope.metadata.workspaceId)} AND "object_type_id" = ${params.add(type.id)}`;
  }

  /** The record `id` of `type` if the actor may read it (deleted ones too with `includeDeleted`). */
  async function getRaw(q: Queryable, scope: RecordScope, type: ObjectTypeMeta, id: string, includeDeleted = false) {
    if (!isUuid(id)) return null;
    const params = new SqlParams();
    const where = [scopeCondition(scope, type, params), `"id" = ${params.add(id)}`];
    if (!includeDeleted) where.push('"deleted_at" IS NULL');
    const readable = accessCondition(scope, type, 'read', params);
    if (readable) where.push(readable);
    const { rows } = await q.query<RawRecord>(`SELECT ${RECORD_COLUMNS} FROM "record" WHERE ${where.join(' AND ')}`, params.values);
    return rows[0] ?? null;
  }

  /**
   * Explains why a conditional write touched no row: a record the actor may read
   * but not change (FORBIDDEN), a stale version (CONFLICT), or none they can see
   * (NOT_FOUND).
   */
  async function missOrConflict(q: Queryable, scope: RecordScope, type: ObjectTypeMeta, id: string, expectedVersion?: number | null): Promise<never> {
    await assertMetadataCurrent(q, scope);
    const current = await getRaw(q, scope, type, id);
    if (current && policyOf(scope).access(type.id, 'update') === 'own' && current.owner_id !== ownerOf(scope.actor)) {
      throw new ForbiddenError(`Your role may change only the ${type.pluralApiName} you own`, { type: type.apiName, verb: 'update' });
    }
    if (current && expectedVersion != null && current.version !== expectedVersion) {
      throw new ConflictError(
        `${type.apiName} ${id} is at version ${current.version}, not ${expectedVersion}: it changed since you read it`,
        { currentVersion: current.version },
      );
    }
    throw new NotFoundError(`No ${type.apiName} with id ${id}`, { id });
  }

  return {
    ...createBulkWrites(db),

    /**
     * One record by id, or null: also for deleted records, ids of other types or
     * workspaces, and records the actor may not read.
     */
    async get(scope: RecordScope, typeName: string, id: string): Promise<RecordRow | null> {
      const type = readableType(scope, typeName);
      const raw = await getRaw(sql, scope, type, id);
      return raw ? toRecordRow(type, raw) : null;
    },

    /**
     * Live records of the given type(s) by ids, in one statement (for dataloaders).
     * Missing ids, and records the actor may not read, are absent.
     */
    async getMany(scope: RecordScope, typeNames: string | readonly string[], ids: readonly string[]): Promise<RecordRow[]> {
      const view = policyOf(scope).view;
      const types = (typeof typeNames === 'string' ? [typeNames] : typeNames).flatMap((name) => view.find(name) ?? []);
      const valid = ids.filter(isUuid);
      if (valid.length === 0 || types.length === 0) return [];
      const byTypeId = new Map(types.map((t) => [t.id, t]));
      const params = new SqlParams();
      const where = [`"workspace_id" = ${params.add(scope.metadata.workspaceId)}`, `"id" = ANY(${params.add(valid)}::uuid[])`, '"deleted_at" IS NULL'];
      // Per type: its id, and its read condition when the actor's role limits it.
      const perType = types.map((t) => {
        const readable = accessCondition(scope, t, 'read', params);
        return readable ? `("object_type_id" = ${params.add(t.id)} AND ${readable})` : null;
      });
      const open = types.filter((_, i) => perType[i] === null).map((t) => t.id);
      const anyOf = [...(open.length ? [`"object_type_id" = ANY(${params.add(open)}::uuid[])`] : []), ...perType.filter((c) => c !== null)];
      where.push(anyOf.length === 1 ? anyOf[0]! : `(${anyOf.join(' OR ')})`);
      const { rows } = await sql.query<RawRecord & { object_type_id: string }>(
        `SELECT ${RECORD_COLUMNS}, "object_type_id" FROM "record" WHERE ${where.join(' AND ')}`,
        params.values,
      );
      return rows.map((raw) => toRecordRow(byTypeId.get(raw.object_type_id)!, raw));
    },

    /** A page of records: filtered, ordered, keyset-paginated; with the total when asked. */
    async list(scope: RecordScope, typeName: string, args: ListArgs = {}): Promise<RecordPage> {
      const list = compileList(scope, readableType(scope, typeName), args);
      const [result, total] = await Promise.all([
        sql.query<ListRow>(list.text, list.params.values),
        args.totalCount
          ? sql.query<{ n: number }>(`SELECT count(*)::int AS "n" FROM "record" WHERE ${list.base}`, list.params.values.slice(0, list.baseParams))
          : null,
      ]).catch(list.explainError);
      return list.toPage(result.rows, total ? Number(total.rows[0]?.n ?? 0) : null);
    },

    /**
     * The records related to each of `parentIds` through the to-many relation
     * `fieldName` of `typeName` (`company.people`, `opportunity.contacts`), a page per
     * parent, for every parent in one statement: the cost of a nested list does not
     * grow with the parent page.
     */
    async listRelated(
      scope: RecordScope,
      typeName: string,
      fieldName: string,
      parentIds: readonly string[],
      args: ListArgs = {},
    ): Promise<Map<string, RecordPage>> {
      const view = policyOf(scope).view;
      const rel = findRelation(view, view.get(typeName), fieldName);
      if (!rel || rel.kind === 'toOne') throw new Error(`${typeName}.${fieldName} is not a to-many relation`);
      const list = compileList(scope, rel.target, args);
      const parents = list.params.add(parentIds.filter(isUuid));
      const related = relatedCondition(rel, { id: 'p."__parent"', data: '' }, list.params, scope.metadata.workspaceId);
      const text =
        `SELECT l.* FROM unnest(${parents}::uuid[]) AS p("__parent") CROSS JOIN LATERAL (` +
        `SELECT p."__parent"::text AS "__parent", ${list.columns} FROM "record" WHERE ${list.where} AND ${related} ` +
        `ORDER BY ${list.orderBy} LIMIT ${list.limit}) AS l`;
      // The totals: the same conditions without the cursor, compiled on their own parameters.
      const counted = compileList(scope, rel.target, { ...args, after: null, before: null });
      const countParents = counted.params.add(parentIds.filter(isUuid));
      const countRelated = relatedCondition(rel, { id: 'p."__parent"', data: '' }, counted.params, scope.metadata.workspaceId);
      const countText =
        `SELECT p."__parent"::text AS "parent", (SELECT count(*)::int FROM "record" WHERE ${counted.base} AND ${countRelated}) AS "n" ` +
        `FROM unnest(${countParents}::uuid[]) AS p("__parent")`;
      const [result, totals] = await Promise.all([
        sql.query<ListRow & { __parent: string }>(text, list.params.values),
        args.totalCount ? sql.query<{ parent: string; n: number }>(countText, counted.params.values) : null,
      ]).catch(list.explainError);
      const rowsByParent = new Map<string, ListRow[]>(parentIds.map((id) => [id, []]));
      for (const row of result.rows) rowsByParent.get(row.__parent)?.push(row);
      const count = new Map(totals?.rows.map((r) => [r.parent, Number(r.n)]) ?? []);
      return new Map([...rowsByParent].map(([id, rows]) => [id, list.toPage(rows, totals ? (count.get(id) ?? 0) : null)]));
    },

    /**
     * Creates a record owned by the actor (or by `input.ownerId`); every invalid
     * field is reported at once and nothing is written.
     */
    async create(scope: RecordScope, typeName: string, given: RecordInput): Promise<RecordRow> {
      const type = writableType(scope, typeName, 'create');
      const errors = new FieldErrorCollector();
      const guard = createWriteGuard(scope, type, 'create');
      const { input, owner } = guard.check(given, 'input', errors);
      guard.throwIfForbidden();
      const { set, links } = resolveInput(type, input, true, errors);
      const ownerId = owner === undefined ? ownerOf(scope.actor) : owner;
      return referencingWrite(sql, scope, type, [{ set, links, owner, path: 'input' }], errors, async (q) => {
        const params = new SqlParams();
        const guard = metadataGuard(scope, params);
        const data = `${params.add(JSON.stringify(set))}::jsonb`;
        let rows: RawRecord[];
        try {
          ({ rows } = await q.query<RawRecord>(
            `${guard}INSERT INTO "record" ("workspace_id", "id", "object_type_id", "data", "owner_id", "search") ` +
              `SELECT ${params.add(scope.metadata.workspaceId)}::uuid, ${params.add(newId())}::uuid, ${params.add(type.id)}::uuid, ` +
              `${data}, ${params.add(ownerId)}::uuid, ${searchVectorSql(type, data)} FROM "guard" RETURNING ${RECORD_COLUMNS}`,
            params.values,
          ));
        } catch (error) {
          return uniqueConflict(error, type);
        }
        if (!rows[0]) throw staleMetadata();
        return { result: toVisibleRow(scope, type, rows[0]), ids: [rows[0].id] };
      });
    },

    /**
     * Checks `given` as a create or update of `typeName` would, writing nothing:
     * FORBIDDEN for a field the actor may not write; field errors are collected
     * into `errors` under `path` (plugin hooks add theirs to the same list).
     */
    checkInput(scope: RecordScope, typeName: string, given: RecordInput, operation: 'create' | 'update', path: string, errors: FieldErrorCollector): void {
      const type = writableType(scope, typeName, operation);
      const guard = createWriteGuard(scope, type, operation);
      const { input } = guard.check(given, path, errors);
      guard.throwIfForbidden();
      resolveInput(type, input, operation === 'create', errors, path);
    },

    /**
     * Changes the given fields (null clears one), links and owner. With
     * `expectedVersion`, a record that changed since is a CONFLICT and nothing is
     * written. A record the actor may read but not change is FORBIDDEN.
     */
    async update(scope: RecordScope, typeName: string, id: string, given: RecordInput, expectedVersion?: number | null): Promise<RecordRow> {
      const type = writableType(scope, typeName, 'update');
      const errors = new FieldErrorCollector();
      const guard = createWriteGuard(scope, type, 'update');
      const { input, owner } = guard.check(given, 'input', errors);
      guard.throwIfForbidden();
      const { set, unset, links } = resolveInput(type, input, false, errors);
      if (!isUuid(id)) {
        errors.throwIfAny();
        throw new NotFoundError(`No ${type.apiName} with id ${id}`, { id });
      }
      return referencingWrite(sql, scope, type, [{ set, links, owner, path: 'input' }], errors, async (q) => {
        const params = new SqlParams();
        const guard = metadataGuard(scope, params);
        const data = `(("data" || ${params.add(JSON.stringify(set))}::jsonb) - ${params.add(unset)}::text[])`;
        const where = [scopeCondition(scope, type, params), `"id" = ${params.add(id)}`, '"deleted_at" IS NULL', GUARD_HOLDS];
        if (expectedVersion != null) where.push(`"version" = ${params.add(expectedVersion)}`);
        const updatable = accessCondition(scope, type, 'update', params);
        if (updatable) where.push(updatable);
        const setOwner = owner === undefined ? '' : `"owner_id" = ${params.add(owner)}::uuid, `;
        try {
          const { rows } = await q.query<RawRecord>(
            `${guard}UPDATE "record" SET "data" = ${data}, "search" = ${searchVectorSql(type, data)}, ${setOwner}` +
              `"version" = "version" + 1, "updated_at" = CURRENT_TIMESTAMP WHERE ${where.join(' AND ')} RETURNING ${RECORD_COLUMNS}`,
            params.values,
          );
          if (rows[0]) return { result: toVisibleRow(scope, type, rows[0]), ids: [rows[0].id] };
        } catch (error) {
          uniqueConflict(error, type);
        }
        return missOrConflict(q, scope, type, id, expectedVersion);
      });
    },

    /**
     * Soft-deletes a record: hidden from reads, kept for restore. Records linking to it
     * through a CASCADE relation go with it; a RESTRICT one in use is a CONFLICT
     * (delete-effects.ts).
     */
    async delete(scope: RecordScope, typeName: string, id: string): Promise<RecordRow> {
      const type = writableType(scope, typeName, 'delete');
      return toVisibleRow(scope, type, await softDelete(sql, scope, type, id));
    },

    /**
     * Brings back a soft-deleted record, with what its delete took along (CASCADE).
     * It takes the right to delete the record. A unique value taken meanwhile is a
     * CONFLICT, and nothing is restored.
     */
    async restore(scope: RecordScope, typeName: string, id: string): Promise<RecordRow> {
      const type = writableType(scope, typeName, 'delete');
      return toVisibleRow(scope, type, await restoreDeleted(sql, scope, type, id));
    },

    /**
     * The ids of `rows` (records of `typeName`, e.g. as of change events) that
     * match `filter`, in one statement: the filter means what it means in a list.
     */
    async matchFilter(scope: RecordScope, typeName: string, filter: RecordFilter, rows: readonly RawRecord[]): Promise<Set<string>> {
      return matchFilter(sql, scope, readableType(scope, typeName), filter, rows);
    },

    /**
     * Deletes a record for good (admins only), deleted or not, in one transaction:
     * with the records linking to it through a CASCADE relation; other references
     * to them are cleared; a RESTRICT one in use by a live record is a CONFLICT.
     */
    async destroy(scope: RecordScope, typeName: string, id: string): Promise<boolean> {
      requireAdmin(scope.actor, 'destroy records');
      const type = scope.metadata.get(typeName);
      await destroyRecord(sql, scope, type, id);
      return true;
    },
  };
}

/** The record service. */
export type RecordService = ReturnType<typeof createRecordService>;
