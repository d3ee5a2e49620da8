/**
 * A relation field resolved against a workspace's metadata, and the SQL that ties
 * a related record to the record it relates to. Every reader of relations (nested
 * lists, filters through relations, to-many inputs, onDelete) starts here, so the
 * three storage forms are spelled out once:
 * - `toOne`: the target's id in the holder's `data` (`person.data.company`);
 * - `inverse`: the records of `target` whose to-one field `via` holds this id;
 * - `links`: `record_link` rows of the owning field, this record at the `near` end.
 */
import { BadRequestError } from '../errors.ts';
import { relationShape } from '../fields/relation.ts';
import type { FieldMeta } from '../fields/types.ts';
import { sqlLiteral } from '../metadata/record-indexes.ts';
import type { ObjectTypeMeta, WorkspaceMetadata } from '../metadata/workspace-metadata.ts';
import type { SqlParams } from './query/params.ts';

/** A relation field of `type`, resolved. */
export type Relation =
  | { kind: 'toOne'; type: ObjectTypeMeta; field: FieldMeta; targets: ObjectTypeMeta[]; onDelete: string }
  | { kind: 'inverse'; type: ObjectTypeMeta; field: FieldMeta; target: ObjectTypeMeta; via: FieldMeta }
  | {
      kind: 'links';
      type: ObjectTypeMeta;
      field: FieldMeta;
      target: ObjectTypeMeta;
      /** The owning field, whose id the `record_link` rows carry. */
      linkFieldId: string;
      /** This record's end of a link row, and the related record's. */
      near: 'from_id' | 'to_id';
      far: 'from_id' | 'to_id';
    };

/** The relation `field` of `type`. Throws when the field is not a relation or its other side is missing. */
export function resolveRelation(meta: WorkspaceMetadata, type: ObjectTypeMeta, field: FieldMeta): Relation {
  if (field.type !== 'RELATION') throw new Error(`${type.apiName}.${field.apiName} is not a relation`);
  const shape = relationShape(field);
  if (shape.kind === 'toOne') {
    return { kind: 'toOne', type, field, targets: shape.targets.map((t) => meta.get(t)), onDelete: shape.onDelete };
  }
  const target = meta.get(shape.target);
  const via = target.fields.find((f) => f.apiName === shape.via);
  if (!via) throw new Error(`${type.apiName}.${field.apiName}: ${target.apiName}.${shape.via} is missing`);
  if (shape.kind === 'inverse') return { kind: 'inverse', type, field, target, via };
  return shape.owner
    ? { kind: 'links', type, field, target, linkFieldId: field.id, near: 'from_id', far: 'to_id' }
    : { kind: 'links', type, field, target, linkFieldId: via.id, near: 'to_id', far: 'from_id' };
}

/** The relation named `fieldName` on `type`, or undefined when there is no such relation field. */
export function findRelation(meta: WorkspaceMetadata, type: ObjectTypeMeta, fieldName: string): Relation | undefined {
  const field = type.fields.find((f) => f.apiName === fieldName);
  return field?.type === 'RELATION' ? resolveRelation(meta, type, field) : undefined;
}

/** The one record type on the far side of a relation (a polymorphic to-one has none). */
export function relatedType(rel: Relation): ObjectTypeMeta {
  if (rel.kind !== 'toOne') return rel.target;
  if (rel.targets.length !== 1) {
    throw new BadRequestError(`${rel.type.apiName}.${rel.field.apiName} links several record types; filter it by id`);
  }
  return rel.targets[0]!;
}

/**
 * SQL true when the unqualified `record` row of the current scope is related through
 * `rel` to the record whose id is `holderId` (a uuid SQL expression) and, for to-one
 * relations, whose data is `holderData`. Used inside a statement over the related type,
 * so the planner can use the relation's index: `(data->>'company')` for an inverse,
 * the link table's keys for links, the primary key for a to-one.
 */
export function relatedCondition(
  rel: Relation,
  holder: { id: string; data: string },
  params: SqlParams,
  workspaceId: string,
): string {
  switch (rel.kind) {
    case 'toOne':
      return `"id" = (${holder.data}->>${sqlLiteral(rel.field.apiName)})::uuid`;
    case 'inverse':
      return `("data"->>${sqlLiteral(rel.via.apiName)}) = (${holder.id})::text`;
    case 'links':
      return (
        `"id" IN (SELECT l."${rel.far}" FROM "record_link" l WHERE l."workspace_id" = ${params.add(workspaceId)} ` +
        `AND l."field_id" = ${params.add(rel.linkFieldId)} AND l."${rel.near}" = ${holder.id})`
      );
  }
}

/** A resolved to-one relation. */
export type ToOneRelation = Extract<Relation, { kind: 'toOne' }>;

/**
 * The to-one relations, on every type, whose targets include one of `typeNames`
 * (polymorphic ones included): the fields whose values can name a record of those
 * types. In metadata order, so statements and errors come in a stable order.
 */
export function referencingRelations(meta: WorkspaceMetadata, typeNames: Iterable<string>): ToOneRelation[] {
  const names = new Set(typeNames);
  return meta.objectTypes.flatMap((type) =>
    type.fields
      .filter((f) => {
        if (f.type !== 'RELATION') return false;
        const shape = relationShape(f);
        return shape.kind === 'toOne' && shape.targets.some((t) => names.has(t));
      })
      .map((f) => resolveRelation(meta, type, f) as ToOneRelation),
  );
}
