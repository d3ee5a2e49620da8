/**
 * The SQL of a filter through a relation: a correlated `EXISTS` over the related
 * type's live records, tied to the filtered row through relations.ts (through the
 * filtered row's `record_link` rows for many-to-many).
 *
 * The filtered row is referenced by its alias (`"record"` at the top: the list's
 * table is the unaliased `record`); the related rows are the subquery's own
 * `record`, aliased `"r1"` (`"r2"`... one level deeper), so the inner filter's
 * unqualified column expressions (and the actor's read condition) resolve to them
 * unchanged. The workspace and the
 * record type are tied in the subquery itself, so a related record of another
 * workspace or type never matches, and the relation's index serves the lookup:
 * the primary key for a to-one, the to-one field's expression index for its
 * inverse, the `record_link` keys for many-to-many.
 */
import { relatedCondition, type Relation } from '../relations.ts';
import type { SqlParams } from './params.ts';

/** The three conditions of a to-many relation filter, as in Prisma. */
export const LIST_RELATION_OPERATORS = ['some', 'every', 'none'] as const;
export type ListRelationOperator = (typeof LIST_RELATION_OPERATORS)[number];

/** Where a relation filter is compiled: the filtered row's alias and how deep it is. */
export interface RelationFilterScope {
  /** SQL alias of the filtered row: `"record"`, `"r1"`, ... */
  row: string;
  /** Relation hops between the root and this row. */
  hops: number;
}

/** The alias of the related rows one hop below `scope`. */
export function relatedAlias(scope: RelationFilterScope): string {
  return `"r${scope.hops + 1}"`;
}

/**
 * `EXISTS (...)` over the live records of `relatedTypeId` related to the row of
 * `scope` through `rel` and matching `inner` (SQL over unqualified columns;
 * `TRUE` for no condition) and `readable` (the actor's read condition, if any).
 *
 * A to-one and an inverse tie the related row to the filtered one with
 * relatedCondition (a primary key or to-one index lookup either way). Links are
 * walked from the `record_link` rows of the filtered row, each related record
 * then found by its primary key: relatedCondition's `"id" IN (SELECT far ...
 * WHERE near = <filtered row>)` cannot be flattened under a correlated `EXISTS`,
 * and PostgreSQL then evaluates it for every pair of filtered and related
 * records (minutes to count 30,000 people × 5,000 opportunities; this form takes
 * milliseconds). Under `or` and `not`, where nothing is flattened, PostgreSQL
 * hashes either form once or probes it by index per filtered row.
 */
export function relatedExists(
  rel: Relation,
  relatedTypeId: string,
  scope: RelationFilterScope,
  inner: string,
  params: SqlParams,
  workspaceId: string,
  readable: string | null = null,
): string {
  const alias = relatedAlias(scope);
  const holder = { id: `${scope.row}."id"`, data: `${scope.row}."data"` };
  // Only records the actor may read can match: a filter must not reveal the others.
  const live = ['"object_type_id" = ' + params.add(relatedTypeId), '"deleted_at" IS NULL', ...(readable ? [readable] : [])];
  const matching = inner === 'TRUE' ? [] : [inner];
  if (rel.kind !== 'links') {
    const where = [`"workspace_id" = ${scope.row}."workspace_id"`, ...live, relatedCondition(rel, holder, params, workspaceId), ...matching];
    return `EXISTS (SELECT 1 FROM "record" AS ${alias} WHERE ${where.join(' AND ')})`;
  }
  const link = `"l${scope.hops + 1}"`;
  const related = [`"workspace_id" = ${link}."workspace_id"`, `"id" = ${link}."${rel.far}"`, ...live, ...matching];
  return (
    `EXISTS (SELECT 1 FROM "record_link" AS ${link} WHERE ${link}."workspace_id" = ${scope.row}."workspace_id" ` +
    `AND ${link}."field_id" = ${params.add(rel.linkFieldId)} AND ${link}."${rel.near}" = ${holder.id} ` +
    `AND EXISTS (SELECT 1 FROM "record" AS ${alias} WHERE ${related.join(' AND ')}))`
  );
}

/**
 * The condition of one to-many operator, given how to build the `EXISTS` of the
 * related records matching a condition:
 * - `some`: at least one related record matches;
 * - `every`: no related record fails to match (a missing value fails, as under `not`);
 * - `none`: no related record matches.
 */
export function listRelationCondition(op: ListRelationOperator, inner: string, exists: (condition: string) => string): string {
  switch (op) {
    case 'some':
      return exists(inner);
    case 'none':
      return `NOT ${exists(inner)}`;
    case 'every':
      return inner === 'TRUE' ? 'TRUE' : `NOT ${exists(`NOT COALESCE(${inner}, FALSE)`)}`;
  }
}
