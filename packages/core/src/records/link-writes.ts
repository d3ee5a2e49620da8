/**
 * Writes the to-many relation changes of a write (`people: { connect, disconnect,
 * set }`), inside the write's transaction, after its records are written. One
 * statement per relation field and kind of change, for every record of the write
 * together (a bulk call costs what a single one does).
 *
 * - ONE_TO_MANY (`company.people`): the change is made on the other side's to-one
 *   field: connecting a person sets its `company` (taking it from any other company),
 *   disconnecting clears it. A required to-one cannot be cleared this way.
 * - MANY_TO_MANY: `record_link` rows are inserted or deleted; connecting a record
 *   already linked changes nothing.
 * `set` first removes the links not in it, then connects the rest.
 */
import type { Queryable } from '../db/sql-client.ts';
import { ConflictError, FieldErrorCollector } from '../errors.ts';
import { isUniqueViolation } from '../db/pg-errors.ts';
import { sqlLiteral } from '../metadata/record-indexes.ts';
import type { ObjectTypeMeta } from '../metadata/workspace-metadata.ts';
import type { LinkChange } from './record-input.ts';
import type { RecordScope } from './record-service.ts';
import { resolveRelation, type Relation } from './relations.ts';

/** The to-many changes of one written record. */
export interface RecordLinks {
  id: string;
  links: readonly LinkChange[];
}

/** (record, related record) pairs, with the change they came from. */
interface Pairs {
  near: string[];
  far: string[];
  from: LinkChange[];
}

const pairs = (): Pairs => ({ near: [], far: [], from: [] });
const addPair = (p: Pairs, near: string, far: string, change: LinkChange) => {
  p.near.push(near);
  p.far.push(far);
  p.from.push(change);
};

/** Applies every link change of `records` (records of `type`, already written). */
export async function writeLinks(q: Queryable, scope: RecordScope, type: ObjectTypeMeta, records: readonly RecordLinks[]): Promise<void> {
  const byField = new Map<string, Array<{ id: string; change: LinkChange }>>();
  for (const record of records) {
    for (const change of record.links) {
      const list = byField.get(change.field.apiName) ?? [];
      list.push({ id: record.id, change });
      byField.set(change.field.apiName, list);
    }
  }
  const errors = new FieldErrorCollector();
  for (const changes of byField.values()) {
    const rel = resolveRelation(scope.metadata, type, changes[0]!.change.field);
    const replaced = changes.filter((c) => c.change.set !== null);
    const keep = pairs();
    const connect = pairs();
    const disconnect = pairs();
    for (const { id, change } of changes) {
      for (const far of change.set ?? []) addPair(keep, id, far, change);
      for (const far of [...(change.set ?? []), ...change.connect]) addPair(connect, id, far, change);
      for (const far of change.disconnect) addPair(disconnect, id, far, change);
    }
    const write = { q, scope, rel, errors };
    if (rel.kind === 'inverse') await writeInverse(write, replaced, keep, connect, disconnect);
    else if (rel.kind === 'links') await writeLinkRows(write, replaced, keep, connect, disconnect);
  }
  errors.throwIfAny();
}

interface Write {
  q: Queryable;
  scope: RecordScope;
  rel: Relation;
  errors: FieldErrorCollector;
}

/** MANY_TO_MANY: inserts and deletes `record_link` rows of the owning field. */
async function writeLinkRows(
  { q, scope, rel }: Write,
  replaced: Array<{ id: string }>,
  keep: Pairs,
  connect: Pairs,
  disconnect: Pairs,
): Promise<void> {
  if (rel.kind !== 'links') return;
  const { near, far } = rel;
  const scoped = `l."workspace_id" = $1 AND l."field_id" = $2`;
  const base = [scope.metadata.workspaceId, rel.linkFieldId];
  if (replaced.length > 0) {
    await q.query(
      `DELETE FROM "record_link" l WHERE ${scoped} AND l."${near}" = ANY($3::uuid[]) AND NOT EXISTS (` +
        `SELECT 1 FROM unnest($4::uuid[], $5::uuid[]) AS p("near", "far") WHERE p."near" = l."${near}" AND p."far" = l."${far}")`,
      [...base, replaced.map((r) => r.id), keep.near, keep.far],
    );
  }
  if (disconnect.near.length > 0) {
    await q.query(
      `DELETE FROM "record_link" l USING unnest($3::uuid[], $4::uuid[]) AS p("near", "far") ` +
        `WHERE ${scoped} AND l."${near}" = p."near" AND l."${far}" = p."far"`,
      [...base, disconnect.near, disconnect.far],
    );
  }
  if (connect.near.length > 0) {
    // Position: the order the ids were given in, per record.
    const position = connect.near.map((id, i) => connect.near.slice(0, i).filter((n) => n === id).length);
    await q.query(
      `INSERT INTO "record_link" ("workspace_id", "field_id", "${near}", "${far}", "position") ` +
        `SELECT $1, $2, p."near", p."far", p."position" FROM unnest($3::uuid[], $4::uuid[], $5::int[]) AS p("near", "far", "position") ` +
        'ON CONFLICT DO NOTHING',
      [...base, connect.near, connect.far, position],
    );
  }
}

/** ONE_TO_MANY: sets or clears the other side's to-one field on the related records. */
async function writeInverse(
  { q, scope, rel, errors }: Write,
  replaced: Array<{ id: string; change: LinkChange }>,
  keep: Pairs,
  connect: Pairs,
  disconnect: Pairs,
): Promise<void> {
  if (rel.kind !== 'inverse') return;
  const via = sqlLiteral(rel.via.apiName);
  const owner = `${rel.target.apiName}.${rel.via.apiName}`;
  const scoped = `r."workspace_id" = $1 AND r."object_type_id" = $2 AND r."deleted_at" IS NULL`;
  const base = [scope.metadata.workspaceId, rel.target.id];
  const bump = `"version" = r."version" + 1, "updated_at" = CURRENT_TIMESTAMP`;

  if (replaced.length > 0) {
    const dropped =
      `${scoped} AND (r."data"->>${via}) = ANY($3::text[]) AND NOT EXISTS (` +
      `SELECT 1 FROM unnest($4::text[], $5::uuid[]) AS p("near", "far") WHERE p."near" = (r."data"->>${via}) AND p."far" = r."id")`;
    const values = [...base, replaced.map((r) => r.id), keep.near, keep.far];
    if (rel.via.required) {
      const { rows } = await q.query<{ near: string }>(`SELECT DISTINCT (r."data"->>${via}) AS "near" FROM "record" r WHERE ${dropped}`, values);
      for (const { change } of replaced.filter((r) => rows.some((row) => row.near === r.id))) {
        errors.add(`${change.path}.set`, 'REQUIRED', `would leave records without ${owner}, which is required; connect them elsewhere instead`);
      }
      if (rows.length > 0) return;
    }
    await q.query(`UPDATE "record" r SET "data" = r."data" - ${via}, ${bump} WHERE ${dropped}`, values);
  }
  if (disconnect.near.length > 0) {
    if (rel.via.required) {
      for (const change of new Set(disconnect.from)) {
        errors.add(`${change.path}.disconnect`, 'REQUIRED', `${owner} is required: connect these records elsewhere instead`);
      }
      return;
    }
    await q.query(
      `UPDATE "record" r SET "data" = r."data" - ${via}, ${bump} FROM unnest($3::text[], $4::uuid[]) AS p("near", "far") ` +
        `WHERE ${scoped} AND r."id" = p."far" AND (r."data"->>${via}) = p."near"`,
      [...base, disconnect.near, disconnect.far],
    );
  }
  if (connect.near.length > 0) {
    // A record has one value of the to-one: connecting it to two records at once is ambiguous.
    const parentOf = new Map<string, string>();
    connect.far.forEach((far, i) => {
      const near = connect.near[i]!;
      const other = parentOf.get(far);
      if (other !== undefined && other !== near) {
        errors.add(`${connect.from[i]!.path}.connect`, 'DUPLICATE', `${far} is also connected to ${other}; ${owner} holds one record`);
      }
      parentOf.set(far, near);
    });
    if (errors.hasErrors) return;
    try {
      await q.query(
        `UPDATE "record" r SET "data" = jsonb_set(r."data", ARRAY[${via}], to_jsonb(p."near")), ${bump} ` +
          `FROM unnest($3::text[], $4::uuid[]) AS p("near", "far") ` +
          `WHERE ${scoped} AND r."id" = p."far" AND (r."data"->>${via}) IS DISTINCT FROM p."near"`,
        [...base, connect.near, connect.far],
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new ConflictError(`${owner} is unique: a record can be connected to one ${rel.type.apiName} only`, {
        fields: [...new Set(connect.from)].map((c) => ({ field: `${c.path}.connect`, code: 'UNIQUE', message: `${owner} is unique` })),
      });
    }
  }
}
