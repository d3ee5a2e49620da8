/**
 * The record operations, one per verb: get, list, create, update, delete
 * (soft), restore and destroy (hard). Every transport is a thin wrapper over
 * these. Reads and writes are compiled, parameterised SQL on the `record` table,
 * always scoped by workspace and record type first.
 */
import { newId } from '../ids.ts';
import { requireAdmin, type Actor } from '../access/actor.ts';
import type { Database } from '../db/database.ts';
import type { Queryable } from '../db/sql-client.ts';
import { BadRequestError, ConflictError, FieldErrorCollector, NotFoundError } from '../errors.ts';
import { fieldType } from '../fields/index.ts';
import { sqlLiteral } from '../metadata/record-indexes.ts';
import { createBulkWrites } from './bulk-writes.ts';
import { searchVectorSql } from './search-vector.ts';
import { uniqueConflict } from './write-errors.ts';
import { assertMetadataCurrent, GUARD_HOLDS, metadataGuard, staleMetadata } from './metadata-guard.ts';
import type { ObjectTypeMeta, WorkspaceMetadata } from '../metadata/workspace-metadata.ts';
import { compileFilter, type RecordFilter } from './query/filter.ts';
import { filterables, isUuid } from './query/filterable.ts';
import {
  cursorEncoder,
  decodeCursor,
  keysetCondition,
  orderByClause,
  resolveOrder,
  reverseKeys,
  type OrderByItem,
} from './query/order.ts';
import { SqlParams } from './query/params.ts';
import { checkReferences, resolveInput, type RecordInput } from './record-input.ts';
import { RECORD_COLUMNS, toRecordRow, type RawRecord, type RecordRow } from './record-row.ts';

/** Default page size of a list. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest page size a list accepts. */
export const MAX_PAGE_SIZE = 200;

/** Arguments of a list. */
export interface ListArgs {
  filter?: RecordFilter | null;
  orderBy?: OrderByItem[] | null;
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  includeDeleted?: boolean | null;
  /** Also count every matching record (one more statement). */
  totalCount?: boolean;
}

/** One page of a list, as a Relay connection needs it. */
export interface RecordPage {
  edges: Array<{ cursor: string; node: RecordRow }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number | null;
}

/** What every operation needs: who acts, and the metadata they act on. */
export interface RecordScope {
  actor: Actor;
  metadata: WorkspaceMetadata;
}

/** Creates the record service over `db`. */
export function createRecordService(db: Database) {
  const sql = db.sql;

  function pageSize(args: ListArgs): { size: number; backward: boolean } {
    if (args.first != null && args.last != null) throw new BadRequestError('Pass first or last, not both');
    // A cursor in the other direction would be silently ignored: refuse it instead.
    if (args.first != null && args.before != null) throw new BadRequestError('before goes with last, not first', { argument: 'before' });
    if (args.last != null && args.after != null) throw new BadRequestError('after goes with first, not last', { argument: 'after' });
    if (args.after != null && args.before != null) throw new BadRequestError('Pass after or before, not both');
    const backward = args.last != null || (args.before != null && args.first == null);
    const size = (backward ? args.last : args.first) ?? DEFAULT_PAGE_SIZE;
    const arg = backward ? 'last' : 'first';
    if (!Number.isInteger(size) || size < 0) throw new BadRequestError(`${arg} must be a non-negative integer`, { argument: arg });
    if (size > MAX_PAGE_SIZE) {
      throw new BadRequestError(`${arg} must be at most ${MAX_PAGE_SIZE} (asked for ${size}); page through with after`, { argument: arg });
    }
    return { size, backward };
  }

  /** `workspace_id = $1 AND object_type_id = $2`, the lead of every statement. */
  function scopeCondition(scope: RecordScope, type: ObjectTypeMeta, params: SqlParams) {
    return `"workspace_id" = ${params.add(scope.metadata.workspaceId)} AND "object_type_id" = ${params.add(type.id)}`;
  }

  async function getRaw(q: Queryable, scope: RecordScope, type: ObjectTypeMeta, id: string, includeDeleted = false) {
    if (!isUuid(id)) return null;
    const { rows } = await q.query<RawRecord>(
      `SELECT ${RECORD_COLUMNS} FROM "record" WHERE "workspace_id" = $1 AND "object_type_id" = $2 AND "id" = $3` +
        (includeDeleted ? '' : ' AND "deleted_at" IS NULL'),
      [scope.metadata.workspaceId, type.id, id],
    );
    return rows[0] ?? null;
  }

  /** Explains why a conditional write touched no row: missing, or a stale version. */
  async function missOrConflict(scope: RecordScope, type: ObjectTypeMeta, id: string, expectedVersion?: number | null): Promise<never> {
    await assertMetadataCurrent(sql, scope);
    const current = await getRaw(sql, scope, type, id);
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

    /** One record by id, or null (also for deleted records and ids of other types or workspaces). */
    async get(scope: RecordScope, typeName: string, id: string): Promise<RecordRow | null> {
      const type = scope.metadata.get(typeName);
      const raw = await getRaw(sql, scope, type, id);
      return raw ? toRecordRow(type, raw) : null;
    },

    /** Live records of one type by ids, in one statement (for dataloaders). Missing ids are absent. */
    async getMany(scope: RecordScope, typeName: string, ids: readonly string[]): Promise<RecordRow[]> {
      const type = scope.metadata.get(typeName);
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      const { rows } = await sql.query<RawRecord>(
        `SELECT ${RECORD_COLUMNS} FROM "record" WHERE "workspace_id" = $1 AND "object_type_id" = $2 ` +
          'AND "id" = ANY($3::uuid[]) AND "deleted_at" IS NULL',
        [scope.metadata.workspaceId, type.id, valid],
      );
      return rows.map((raw) => toRecordRow(type, raw));
    },

    /** A page of records: filtered, ordered, keyset-paginated; with the total when asked. */
    async list(scope: RecordScope, typeName: string, args: ListArgs = {}): Promise<RecordPage> {
      const type = scope.metadata.get(typeName);
      const names = filterables(type);
      const { size, backward } = pageSize(args);
      const forwardKeys = resolveOrder(args.orderBy, names);
      const keys = backward ? reverseKeys(forwardKeys) : forwardKeys;

      const params = new SqlParams();
      const base = [scopeCondition(scope, type, params)];
      if (!args.includeDeleted) base.push('"deleted_at" IS NULL');
      const filterSql = compileFilter(args.filter, names, params);
      if (filterSql !== 'TRUE') base.push(filterSql);
      const baseParams = params.values.length;

      const cursorArg = backward ? 'before' : 'after';
      const cursor = backward ? args.before : args.after;
      const where = [...base];
      if (cursor != null) where.push(keysetCondition(keys, decodeCursor(forwardKeys, cursor, cursorArg), params));

      const keyColumns = keys.map((k, i) => `${k.expr} AS "__k${i}"`).join(', ');
      const text =
        `SELECT ${RECORD_COLUMNS}, ${keyColumns} FROM "record" WHERE ${where.join(' AND ')} ` +
        `ORDER BY ${orderByClause(keys)} LIMIT ${size + 1}`;

      const [result, total] = await Promise.all([
        sql.query<RawRecord & Record<string, unknown>>(text, params.values),
        args.totalCount
          ? sql.query<{ n: number }>(`SELECT count(*)::int AS "n" FROM "record" WHERE ${base.join(' AND ')}`, params.values.slice(0, baseParams))
          : null,
      ]).catch((error: unknown) => {
        // A tampered cursor value that does not cast to the key's type.
        if ((error as { code?: string })?.code?.startsWith('22') && cursor != null) {
          throw new BadRequestError(`${cursorArg} is not a valid cursor`, { argument: cursorArg });
        }
        throw error;
      });

      const rows = result.rows.slice(0, size);
      const more = result.rows.length > size;
      if (backward) rows.reverse();
      const encodeCursor = cursorEncoder(forwardKeys);
      const edges = rows.map((raw) => ({
        cursor: encodeCursor(forwardKeys.map((_, i) => raw[`__k${i}`])),
        node: toRecordRow(type, raw),
      }));
      return {
        edges,
        pageInfo: {
          hasNextPage: backward ? args.before != null : more,
          hasPreviousPage: backward ? more : args.after != null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges[edges.length - 1]?.cursor ?? null,
        },
        totalCount: total ? Number(total.rows[0]?.n ?? 0) : null,
      };
    },

    /** Creates a record; every invalid field is reported at once and nothing is written. */
    async create(scope: RecordScope, typeName: string, input: RecordInput): Promise<RecordRow> {
      const type = scope.metadata.get(typeName);
      const errors = new FieldErrorCollector();
      const { set } = resolveInput(type, input, true, errors);
      await checkReferences(sql, scope.metadata, type, [{ set, path: 'input' }], errors);
      errors.throwIfAny();
      const ownerId = scope.actor.kind === 'member' ? scope.actor.id : null;
      const params = new SqlParams();
      const guard = metadataGuard(scope, params);
      const data = `${params.add(JSON.stringify(set))}::jsonb`;
      let rows: RawRecord[];
      try {
        ({ rows } = await sql.query<RawRecord>(
          `${guard}INSERT INTO "record" ("workspace_id", "id", "object_type_id", "data", "owner_id", "search") ` +
            `SELECT ${params.add(scope.metadata.workspaceId)}::uuid, ${params.add(newId())}::uuid, ${params.add(type.id)}::uuid, ` +
            `${data}, ${params.add(ownerId)}::uuid, ${searchVectorSql(type, data)} FROM "guard" RETURNING ${RECORD_COLUMNS}`,
          params.values,
        ));
      } catch (error) {
        return uniqueConflict(error, type);
      }
      if (!rows[0]) throw staleMetadata();
      return toRecordRow(type, rows[0]);
    },

    /**
     * Changes the given fields (null clears one). With `expectedVersion`, a record
     * that changed since is a CONFLICT and nothing is written.
     */
    async update(scope: RecordScope, typeName: string, id: string, input: RecordInput, expectedVersion?: number | null): Promise<RecordRow> {
      const type = scope.metadata.get(typeName);
      const errors = new FieldErrorCollector();
      const { set, unset } = resolveInput(type, input, false, errors);
      await checkReferences(sql, scope.metadata, type, [{ set, path: 'input' }], errors);
      errors.throwIfAny();
      if (!isUuid(id)) throw new NotFoundError(`No ${type.apiName} with id ${id}`, { id });
      const params = new SqlParams();
      const guard = metadataGuard(scope, params);
      const data = `(("data" || ${params.add(JSON.stringify(set))}::jsonb) - ${params.add(unset)}::text[])`;
      const where = [scopeCondition(scope, type, params), `"id" = ${params.add(id)}`, '"deleted_at" IS NULL', GUARD_HOLDS];
      if (expectedVersion != null) where.push(`"version" = ${params.add(expectedVersion)}`);
      try {
        const { rows } = await sql.query<RawRecord>(
          `${guard}UPDATE "record" SET "data" = ${data}, "search" = ${searchVectorSql(type, data)}, ` +
            `"version" = "version" + 1, "updated_at" = CURRENT_TIMESTAMP WHERE ${where.join(' AND ')} RETURNING ${RECORD_COLUMNS}`,
          params.values,
        );
        if (rows[0]) return toRecordRow(type, rows[0]);
      } catch (error) {
        uniqueConflict(error, type);
      }
      return missOrConflict(scope, type, id, expectedVersion);
    },

    /** Soft-deletes a record: hidden from reads, kept for restore. */
    async delete(scope: RecordScope, typeName: string, id: string): Promise<RecordRow> {
      const type = scope.metadata.get(typeName);
      const raw = isUuid(id)
        ? (
            await sql.query<RawRecord>(
              `UPDATE "record" SET "deleted_at" = CURRENT_TIMESTAMP, "version" = "version" + 1, "updated_at" = CURRENT_TIMESTAMP ` +
                `WHERE "workspace_id" = $1 AND "object_type_id" = $2 AND "id" = $3 AND "deleted_at" IS NULL RETURNING ${RECORD_COLUMNS}`,
              [scope.metadata.workspaceId, type.id, id],
            )
          ).rows[0]
        : undefined;
      if (!raw) throw new NotFoundError(`No ${type.apiName} with id ${id}`, { id });
      return toRecordRow(type, raw);
    },

    /** Brings back a soft-deleted record. A unique value taken meanwhile is a CONFLICT. */
    async restore(scope: RecordScope, typeName: string, id: string): Promise<RecordRow> {
      const type = scope.metadata.get(typeName);
      let raw: RawRecord | undefined;
      try {
        // Guarded: a record restored into changed metadata (a new unique index, say) must be checked by it.
        const params = new SqlParams();
        const guard = metadataGuard(scope, params);
        raw = isUuid(id)
          ? (
              await sql.query<RawRecord>(
                `${guard}UPDATE "record" SET "deleted_at" = NULL, "version" = "version" + 1, "updated_at" = CURRENT_TIMESTAMP ` +
                  `WHERE ${scopeCondition(scope, type, params)} AND "id" = ${params.add(id)} AND "deleted_at" IS NOT NULL ` +
                  `AND ${GUARD_HOLDS} RETURNING ${RECORD_COLUMNS}`,
                params.values,
              )
            ).rows[0]
          : undefined;
      } catch (error) {
        uniqueConflict(error, type, '');
      }
      if (!raw) await assertMetadataCurrent(sql, scope);
      if (!raw) throw new NotFoundError(`No deleted ${type.apiName} with id ${id}`, { id });
      return toRecordRow(type, raw);
    },

    /**
     * Deletes a record for good (admins only), deleted or not, and clears every
     * reference to it, in one transaction.
     */
    async destroy(scope: RecordScope, typeName: string, id: string): Promise<boolean> {
      requireAdmin(scope.actor, 'destroy records');
      const type = scope.metadata.get(typeName);
      if (!isUuid(id)) throw new NotFoundError(`No ${type.apiName} with id ${id}`, { id });
      const referrers = scope.metadata.objectTypes.flatMap((t) =>
        t.fields.filter((f) => fieldType(f.type).references?.(f).includes(type.apiName)).map((f) => ({ type: t, field: f })),
      );
      return sql.transaction(async (tx) => {
        const { rowCount } = await tx.query(
          'DELETE FROM "record" WHERE "workspace_id" = $1 AND "object_type_id" = $2 AND "id" = $3',
          [scope.metadata.workspaceId, type.id, id],
        );
        if (rowCount === 0) throw new NotFoundError(`No ${type.apiName} with id ${id}`, { id });
        for (const { type: t, field } of referrers) {
          const key = sqlLiteral(field.apiName);
          await tx.query(
            `UPDATE "record" SET "data" = "data" - ${key}, "version" = "version" + 1, "updated_at" = CURRENT_TIMESTAMP ` +
              `WHERE "workspace_id" = $1 AND "object_type_id" = $2 AND ("data"->>${key}) = $3`,
            [scope.metadata.workspaceId, t.id, id],
          );
        }
        return true;
      });
    },
  };
}

/** The record service. */
export type RecordService = ReturnType<typeof createRecordService>;
