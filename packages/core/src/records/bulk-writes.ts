/**
 * Writes of many records in one call, and the idempotent upsert. Each is one
 * transaction (or one statement): all or nothing. Every failure is reported with
 * the index of its item (`inputs.3.amount`, `updates.0.expectedVersion`).
 */
import { newId } from '../ids.ts';
import type { Database } from '../db/database.ts';
import type { Queryable } from '../db/sql-client.ts';
import { accessCondition, ownerOf, policyOf, requireVerb, visibleType, writableType } from '../access/policy.ts';
import { BadRequestError, ConflictError, FieldErrorCollector, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { fieldType } from '../fields/index.ts';
import type { FieldMeta } from '../fields/types.ts';
import { fieldExpr, sqlLiteral } from '../metadata/record-indexes.ts';
import type { ObjectTypeMeta } from '../metadata/workspace-metadata.ts';
import { isUuid } from './query/filterable.ts';
import { checkReferences, resolveInput, type RecordInput } from './record-input.ts';
import { writeLinks } from './link-writes.ts';
import { referencingWrite } from './referencing-write.ts';
import { RECORD_COLUMNS, toVisibleRow, type RawRecord, type RecordRow } from './record-row.ts';
import { createWriteGuard } from './write-access.ts';
import type { RecordScope } from './record-service.ts';
import { uniqueConflict } from './write-errors.ts';
import { assertMetadataCurrent, GUARD_HOLDS, metadataGuard, staleMetadata } from './metadata-guard.ts';
import { SqlParams } from './query/params.ts';
import { searchVectorSql } from './search-vector.ts';

/** Most records one bulk call may write. */
export const MAX_BULK_SIZE = 1000;

/** One item of an updateMany. */
export interface RecordUpdate {
  id: string;
  input: RecordInput;
  expectedVersion?: number | null;
}

function checkSize(count: number, arg: string) {
  if (count > MAX_BULK_SIZE) {
    throw new BadRequestError(`${arg} may hold at most ${MAX_BULK_SIZE} items (got ${count}); split the call`, { argument: arg });
  }
}

/** Compares stored values as `->>` renders them. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Creates the bulk write operations over `db`. */
export function createBulkWrites(db: Database) {
  const sql = db.sql;

  /**
   * Finds unique values that repeat inside the batch or are taken by live records,
   * so a failed batch names each offending item instead of one database error.
   */
  async function uniqueProblems(
    q: Queryable,
    scope: RecordScope,
    type: ObjectTypeMeta,
    sets: Array<Record<string, unknown>>,
    path: string,
    /** For updates: the records being written, whose own values do not count as taken. */
    ids: string[] = [],
  ) {
    const problems = new FieldErrorCollector();
    // Creates name `inputs.3.email`; updates `updates.3.input.email`.
    const at = (i: number, field: string) => (path === 'updates' ? `updates.${i}.input.${field}` : `${path}.${i}.${field}`);
    for (const field of type.fields.filter((f) => f.unique)) {
      const seen = new Map<string, number>();
      const values: string[] = [];
      sets.forEach((set, i) => {
        if (set[field.apiName] === undefined) return;
        const value = asText(set[field.apiName]);
        const first = seen.get(value);
        if (first !== undefined) problems.add(at(i, field.apiName), 'UNIQUE', `repeats the value of ${at(first, field.apiName)}`);
        else seen.set(value, i);
        values.push(value);
      });
      if (values.length === 0) continue;
      const { rows } = await q.query<{ v: string }>(
        `SELECT DISTINCT ("data"->>${sqlLiteral(field.apiName)}) AS "v" FROM "record" WHERE "workspace_id" = $1 ` +
          `AND "object_type_id" = $2 AND "deleted_at" IS NULL AND ("data"->>${sqlLiteral(field.apiName)}) = ANY($3::text[]) ` +
          `AND NOT ("id" = ANY($4::uuid[]))`,
        [scope.metadata.workspaceId, type.id, values, ids],
      );
      const taken = new Set(rows.map((r) => r.v));
      sets.forEach((set, i) => {
        if (set[field.apiName] !== undefined && taken.has(asText(set[field.apiName]))) {
          problems.add(at(i, field.apiName), 'UNIQUE', 'is already taken by another record');
        }
      });
    }
    if (problems.hasErrors) {
      throw new ConflictError(`Some ${type.pluralApiName} would repeat a unique value`, { fields: problems.errors });
    }
  }

  return {
    /** Creates up to 1,000 records in one statement; any invalid item fails them all. */
    async createMany(scope: RecordScope, typeName: string, inputs: readonly RecordInput[]): Promise<RecordRow[]> {
      const type = writableType(scope, typeName, 'create');
      checkSize(inputs.length, 'inputs');
      if (inputs.length === 0) return [];
      const errors = new FieldErrorCollector();
      const guard = createWriteGuard(scope, type, 'create');
      const guarded = inputs.map((input, i) => guard.check(input, `inputs.${i}`, errors));
      guard.throwIfForbidden();
      const resolved = guarded.map(({ input }, i) => resolveInput(type, input, true, errors, `inputs.${i}`));
      const sets = resolved.map((r) => r.set);

      const me = ownerOf(scope.actor);
      const rows = sets.map((data, i) => ({ id: newId(), data, owner: guarded[i]!.owner === undefined ? me : guarded[i]!.owner }));
      const items = resolved.map((r, i) => ({ set: r.set, links: r.links, owner: guarded[i]!.owner, path: `inputs.${i}` }));
      return referencingWrite(sql, scope, type, items, errors, async (q) => {
        await uniqueProblems(q, scope, type, sets, 'inputs');
        const params = new SqlParams();
        const guard = metadataGuard(scope, params);
        let inserted: RawRecord[];
        try {
          ({ rows: inserted } = await q.query<RawRecord>(
            `${guard}INSERT INTO "record" ("workspace_id", "id", "object_type_id", "data", "owner_id", "search") ` +
              `SELECT ${params.add(scope.metadata.workspaceId)}::uuid, u."id", ${params.add(type.id)}::uuid, u."data", u."owner", ` +
              `${searchVectorSql(type, 'u."data"')} ` +
              `FROM jsonb_to_recordset(${params.add(JSON.stringify(rows))}::jsonb) AS u("id" uuid, "data" jsonb, "owner" uuid), "guard" ` +
              `RETURNING ${RECORD_COLUMNS}`,
            params.values,
          ));
        } catch (error) {
          return uniqueConflict(error, type, 'inputs.');
        }
        if (inserted.length === 0) throw staleMetadata();
        const byId = new Map(inserted.map((raw) => [raw.id, raw]));
        return { result: rows.map((row) => toVisibleRow(scope, type, byId.get(row.id)!)), ids: rows.map((row) => row.id) };
      });
    },

    /**
     * Changes up to 1,000 records in one transaction. An item whose record is
     * missing, or whose expectedVersion is stale, fails the whole call.
     */
    async updateMany(scope: RecordScope, typeName: string, updates: readonly RecordUpdate[]): Promise<RecordRow[]> {
      const type = writableType(scope, typeName, 'update');
      checkSize(updates.length, 'updates');
      if (updates.length === 0) return [];
      const errors = new FieldErrorCollector();
      const guard = createWriteGuard(scope, type, 'update');
      const firstIndex = new Map<string, number>();
      const items = updates.map((update, i) => {
        const id = String(update.id).toLowerCase();
        if (firstIndex.has(id)) errors.add(`updates.${i}.id`, 'DUPLICATE', `is also updated by updates.${firstIndex.get(id)}`);
        else firstIndex.set(id, i);
        const { input, owner } = guard.check(update.input, `updates.${i}.input`, errors);
        const { set, unset, links } = resolveInput(type, input, false, errors, `updates.${i}.input`);
        return { id, set, unset, links, owner, expected: update.expectedVersion ?? null, path: `updates.${i}.input` };
      });
      guard.throwIfForbidden();

      return sql.transaction(async (tx) => {
        // Records the updates name are checked, and locked, in this transaction.
        await checkReferences(tx, scope, type, items, errors, true);
        errors.throwIfAny();
        const missing = items.map((it, i) => (isUuid(it.id) ? -1 : i)).filter((i) => i >= 0);
        if (missing.length) throw notFound(type, missing, items);
        await uniqueProblems(tx, scope, type, items.map((it) => it.set), 'updates', items.map((it) => it.id));

        let rows: RawRecord[];
        const params = new SqlParams();
        const guard = metadataGuard(scope, params);
        const patched = `((r."data" || u."patch") - ARRAY(SELECT jsonb_array_elements_text(u."unset")))`;
        const recordset = items.map((it) => ({
          id: it.id, patch: it.set, unset: it.unset, expected: it.expected, owner: it.owner ?? null, setOwner: it.owner !== undefined,
        }));
        const updatable = accessCondition(scope, type, 'update', params, 'r."owner_id"');
        try {
          ({ rows } = await tx.query<RawRecord>(
            `${guard}UPDATE "record" AS r SET "data" = ${patched}, "search" = ${searchVectorSql(type, patched)}, ` +
              `"owner_id" = CASE WHEN u."setOwner" THEN u."owner" ELSE r."owner_id" END, ` +
              `"version" = r."version" + 1, "updated_at" = CURRENT_TIMESTAMP ` +
              `FROM jsonb_to_recordset(${params.add(JSON.stringify(recordset))}::jsonb) ` +
              `AS u("id" uuid, "patch" jsonb, "unset" jsonb, "expected" int, "owner" uuid, "setOwner" boolean) ` +
              `WHERE r."workspace_id" = ${params.add(scope.metadata.workspaceId)} AND r."object_type_id" = ${params.add(type.id)} ` +
              `AND r."id" = u."id" AND r."deleted_at" IS NULL AND (u."expected" IS NULL OR r."version" = u."expected") AND ${GUARD_HOLDS} ` +
              (updatable ? `AND ${updatable} ` : '') +
              `RETURNING ${RECORD_COLUMNS.split(', ').map((c) => `r.${c}`).join(', ')}`,
            params.values,
          ));
        } catch (error) {
          return uniqueConflict(error, type, 'updates.');
        }
        if (rows.length < items.length) {
          await assertMetadataCurrent(tx, scope);
          const done = new Set(rows.map((r) => r.id));
          const failed = items.map((it, i) => (done.has(it.id) ? -1 : i)).filter((i) => i >= 0);
          const p = new SqlParams();
          const readable = accessCondition(scope, type, 'read', p);
          const { rows: current } = await tx.query<{ id: string; version: number; owner_id: string | null }>(
            `SELECT "id", "version", "owner_id" FROM "record" WHERE "workspace_id" = ${p.add(scope.metadata.workspaceId)} ` +
              `AND "object_type_id" = ${p.add(type.id)} AND "id" = ANY(${p.add(failed.map((i) => items[i]!.id))}::uuid[]) ` +
              `AND "deleted_at" IS NULL${readable ? ` AND ${readable}` : ''}`,
            p.values,
          );
          const versions = new Map(current.map((r) => [r.id, r.version]));
          const absent = failed.filter((i) => !versions.has(items[i]!.id));
          if (absent.length) throw notFound(type, absent, items);
          if (policyOf(scope).access(type.id, 'update') === 'own') {
            const me = ownerOf(scope.actor);
            const owners = new Map(current.map((r) => [r.id, r.owner_id]));
            const others = failed.filter((i) => owners.get(items[i]!.id) !== me);
            if (others.length) {
              throw new ForbiddenError(`Your role may change only the ${type.pluralApiName} you own; nothing was written`, {
                fields: others.map((i) => ({ field: `updates.${i}.id`, code: 'FORBIDDEN', message: 'is not yours' })),
              });
            }
          }
          throw new ConflictError(`Some ${type.pluralApiName} changed since they were read; nothing was written`, {
            fields: failed.map((i) => ({
              field: `updates.${i}.expectedVersion`,
              code: 'STALE',
              message: `the record is at version ${versions.get(items[i]!.id)}`,
            })),
          });
        }
        const linked = items.filter((it) => it.links.length > 0);
        if (linked.length > 0) await writeLinks(tx, scope, type, linked);
        const byId = new Map(rows.map((raw) => [raw.id, raw]));
        return items.map((it) => toVisibleRow(scope, type, byId.get(it.id)!));
      });
    },

    /**
     * Creates the record whose unique field has the `match` value, or updates it
     * with the given fields if it exists. One statement: two concurrent upserts of
     * one key make one record (one creates, the other updates), never an error.
     */
    async upsert(
      scope: RecordScope,
      typeName: string,
      match: Record<string, unknown>,
      input: RecordInput,
    ): Promise<{ record: RecordRow; created: boolean }> {
      // An upsert creates or changes: it takes both rights.
      const type = writableType(scope, typeName, 'create');
      requireVerb(scope, type, 'update');
      const errors = new FieldErrorCollector();
      const keys = Object.keys(match ?? {}).filter((k) => match[k] !== undefined && match[k] !== null);
      const visible = visibleType(scope, type);
      const field: FieldMeta | undefined = keys.length === 1 ? visible?.fields.find((f) => f.apiName === keys[0]) : undefined;
      if (keys.length !== 1) errors.add('match', 'INVALID_VALUE', 'must name exactly one unique field');
      else if (!field?.unique) errors.add(`match.${keys[0]}`, 'NOT_UNIQUE', 'is not a unique field of this type');
      errors.throwIfAny();
      const key = field!.apiName;
      const normalized = fieldType(field!.type).normalize(match[key], field!);
      if (!normalized.ok) throw new ValidationError([{ field: `match.${key}`, code: normalized.code, message: normalized.message }]);

      const guard = createWriteGuard(scope, type, 'create');
      const given = guard.check({ ...input, [key]: input?.[key] ?? match[key] }, 'input', errors);
      guard.throwIfForbidden();
      const createSet = resolveInput(type, given.input, true, errors).set;
      // The same input as a patch, for the update path (its errors are those above).
      const patch = resolveInput(type, guard.check(input, 'input', new FieldErrorCollector()).input, false, new FieldErrorCollector());
      if (createSet[key] !== undefined && JSON.stringify(createSet[key]) !== JSON.stringify(normalized.value)) {
        errors.add(`input.${key}`, 'MISMATCH', `must equal match.${key} when given`);
      }
      const ownerId = given.owner === undefined ? ownerOf(scope.actor) : given.owner;
      const items = [{ set: createSet, links: patch.links, owner: given.owner, path: 'input' }];
      return referencingWrite(sql, scope, type, items, errors, async (q) => {
        const params = new SqlParams();
        const guard = metadataGuard(scope, params);
        // The record found must be one the actor may change: otherwise no row comes back.
        const updatable = accessCondition(scope, type, 'update', params, 'r."owner_id"');
        const setOwner = given.owner === undefined ? '' : `"owner_id" = ${params.add(given.owner)}::uuid, `;
        const created = `${params.add(JSON.stringify(createSet))}::jsonb`;
        const patched = `((r."data" || ${params.add(JSON.stringify(patch.set))}::jsonb) - ${params.add(patch.unset)}::text[])`;
        let rows: Array<RawRecord & { inserted: boolean }>;
        try {
          ({ rows } = await q.query<RawRecord & { inserted: boolean }>(
            `${guard}INSERT INTO "record" AS r ("workspace_id", "id", "object_type_id", "data", "owner_id", "search") ` +
              `SELECT ${params.add(scope.metadata.workspaceId)}::uuid, ${params.add(newId())}::uuid, ${params.add(type.id)}::uuid, ` +
              `${created}, ${params.add(ownerId)}::uuid, ${searchVectorSql(type, created)} FROM "guard" ` +
              // The conflict target restates the unique index of the field, predicate included.
              `ON CONFLICT ("workspace_id", (${fieldExpr(field!)})) WHERE "object_type_id" = '${type.id}'::uuid AND "deleted_at" IS NULL ` +
              `DO UPDATE SET "data" = ${patched}, "search" = ${searchVectorSql(type, patched)}, ${setOwner}` +
              `"version" = r."version" + 1, "updated_at" = CURRENT_TIMESTAMP ` +
              (updatable ? `WHERE ${updatable} ` : '') +
              `RETURNING ${RECORD_COLUMNS.split(', ').map((c) => `r.${c}`).join(', ')}, (r."xmax" = 0) AS "inserted"`,
            params.values,
          ));
        } catch (error) {
          return uniqueConflict(error, type);
        }
        if (!rows[0]) {
          await assertMetadataCurrent(q, scope);
          return upsertRefused(q, scope, type, field!, normalized.value);
        }
        return { result: { record: toVisibleRow(scope, type, rows[0]), created: rows[0].inserted }, ids: [rows[0].id] };
      });
    },
  };
}

/**
 * Why an upsert found a record it may not change: FORBIDDEN when the actor may
 * read it, else the CONFLICT a create of a taken unique value gets.
 */
async function upsertRefused(q: Queryable, scope: RecordScope, type: ObjectTypeMeta, field: FieldMeta, value: unknown): Promise<never> {
  const params = new SqlParams();
  const readable = accessCondition(scope, type, 'read', params);
  const { rows } = await q.query(
    `SELECT 1 FROM "record" WHERE "workspace_id" = ${params.add(scope.metadata.workspaceId)} AND "object_type_id" = ${params.add(type.id)} ` +
      `AND ("data"->>${sqlLiteral(field.apiName)}) = ${params.add(asText(value))} AND "deleted_at" IS NULL${readable ? ` AND ${readable}` : ''}`,
    params.values,
  );
  if (rows.length > 0) {
    throw new ForbiddenError(`Your role may change only the ${type.pluralApiName} you own`, { type: type.apiName, verb: 'update' });
  }
  throw new ConflictError(`${type.apiName}.${field.apiName} ${asText(value)} is already taken`, {
    fields: [{ field: `match.${field.apiName}`, code: 'UNIQUE', message: 'is already taken by another record' }],
  });
}

function notFound(type: ObjectTypeMeta, indexes: number[], items: Array<{ id: string }>) {
  return new NotFoundError(`No ${type.apiName} with id ${indexes.map((i) => items[i]!.id).join(', ')}; nothing was written`, {
    fields: indexes.map((i) => ({ field: `updates.${i}.id`, code: 'NOT_FOUND', message: `no ${type.apiName} with this id` })),
  });
}
