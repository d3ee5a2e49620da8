/**
 * Compiles a record filter into a parameterised SQL condition.
 *
 * A filter maps field names to operator objects (`{ amount: { gt: 100 } }`) and
 * combines with `and: [..]`, `or: [..]` and `not: {..}`. Conditions on one level
 * are ANDed. `not` treats an unknown comparison (a missing value) as false, so
 * `not: { amount: { gt: 5 } }` includes records without an amount. A bad operand
 * is a VALIDATION_FAILED naming its path (`filter.amount.gt`).
 *
 * Given the workspace's metadata, a filter also goes through relations: a to-one
 * relation's key holds a filter of the related type (`{ company: { employees:
 * { gt: 100 } } }`), a to-many one's holds `some`, `every` and `none` filters
 * (`{ people: { some: { firstName: { eq: "Ann" } } } }`). Each becomes one
 * correlated `EXISTS` (relation-filter.ts), so the list stays one statement.
 */
import { BadRequestError, FieldErrorCollector } from '../../errors.ts';
import { referenceInputName } from '../../metadata/names.ts';
import type { ObjectTypeMeta, WorkspaceMetadata } from '../../metadata/workspace-metadata.ts';
import { findRelation, type Relation } from '../relations.ts';
import { filterables, type Filterable } from './filterable.ts';
import type { SqlParams } from './params.ts';
import {
  LIST_RELATION_OPERATORS,
  listRelationCondition,
  relatedAlias,
  relatedExists,
  type ListRelationOperator,
  type RelationFilterScope,
} from './relation-filter.ts';

/** A filter as the API takes it. */
export type RecordFilter = { [key: string]: unknown };

/** Most nested `and`/`or`/`not` levels a filter may have. */
export const MAX_FILTER_DEPTH = 8;
/** Most operator conditions in one filter. */
export const MAX_FILTER_CONDITIONS = 200;
/** Most relations a filter may go through in a row (`{ company: { owner: { team: {..} } } }` is 3). */
export const MAX_RELATION_HOPS = 3;
/** Most relation conditions (a to-one filter, or one of some / every / none) in one filter: each is a subquery. */
export const MAX_RELATION_FILTERS = 10;

/** What a filter needs to go through relations: the metadata and the filtered type. */
export interface FilterRelations {
  metadata: WorkspaceMetadata;
  type: ObjectTypeMeta;
  /** SQL alias of the filtered row; `"record"` (the unaliased table of a list) by default. */
  row?: string;
  /** The condition limiting related records to those the actor may read (unqualified columns), or null for all. */
  readCondition?: (type: ObjectTypeMeta, params: SqlParams) => string | null;
}

/** One record type a filter (or a part of it through relations) applies to. */
interface Level {
  names: Map<string, Filterable>;
  type?: ObjectTypeMeta;
  scope: RelationFilterScope;
}

/**
 * Compiles `filter` over `names` (filterables() of the type); returns `TRUE` for an
 * empty filter. Without `relations`, relation keys are unknown fields.
 */
export function compileFilter(
  filter: RecordFilter | null | undefined,
  names: Map<string, Filterable>,
  params: SqlParams,
  relations?: FilterRelations,
): string {
  const errors = new FieldErrorCollector();
  let conditions = 0;
  let relationFilters = 0;
  const namesByType = new Map<string, Map<string, Filterable>>();
  const namesOf = (type: ObjectTypeMeta) => {
    let found = namesByType.get(type.id);
    if (!found) namesByType.set(type.id, (found = filterables(type)));
    return found;
  };

  const compile = (node: unknown, path: string, depth: number, level: Level): string => {
    if (depth > MAX_FILTER_DEPTH) {
      throw new BadRequestError(`Filter is nested too deeply (at most ${MAX_FILTER_DEPTH} levels)`);
    }
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      errors.add(path, 'INVALID_TYPE', 'must be an object');
      return 'TRUE';
    }
    const parts: string[] = [];
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (value === undefined) continue;
      const at = `${path}.${key}`;
      if (key === 'and' || key === 'or') {
        if (!Array.isArray(value)) {
          errors.add(at, 'INVALID_TYPE', 'must be a list of filters');
          continue;
        }
        const inner = value.map((item, i) => compile(item, `${at}.${i}`, depth + 1, level));
        if (inner.length === 0) parts.push(key === 'and' ? 'TRUE' : 'FALSE');
        else parts.push(`(${inner.join(key === 'and' ? ' AND ' : ' OR ')})`);
      } else if (key === 'not') {
        parts.push(`NOT COALESCE(${compile(value, at, depth + 1, level)}, FALSE)`);
      } else {
        const target = level.names.get(key);
        if (target) {
          parts.push(...compileField(target, value, at));
          continue;
        }
        const rel = relations && level.type ? findRelation(relations.metadata, level.type, key) : undefined;
        if (!rel) {
          errors.add(at, 'UNKNOWN_FIELD', 'is not a field of this record type');
          continue;
        }
        const sql = compileRelation(rel, value, at, depth, level);
        if (sql !== 'TRUE') parts.push(sql);
      }
    }
    return parts.length === 0 ? 'TRUE' : parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
  };

  /** A filter through `rel`: the related type's filter (to-one) or some / every / none (to-many). */
  const compileRelation = (rel: Relation, value: unknown, path: string, depth: number, level: Level): string => {
    if (rel.kind === 'toOne' && rel.targets.length !== 1) {
      const types = rel.targets.map((t) => t.apiName).join(', ');
      errors.add(path, 'NOT_FILTERABLE', `links several record types (${types}); filter it by ${referenceInputName(rel.field.apiName)}`);
      return 'TRUE';
    }
    if (level.scope.hops >= MAX_RELATION_HOPS) {
      throw new BadRequestError(`Filter goes through too many relations in a row (at most ${MAX_RELATION_HOPS})`, { field: path });
    }
    const related = rel.kind === 'toOne' ? rel.targets[0]! : rel.target;
    const inner: Level = {
      names: namesOf(related),
      type: related,
      scope: { row: relatedAlias(level.scope), hops: level.scope.hops + 1 },
    };
    const exists = (condition: string) => {
      if (++relationFilters > MAX_RELATION_FILTERS) {
        throw new BadRequestError(`Filter goes through relations too many times (at most ${MAX_RELATION_FILTERS})`);
      }
      const readable = relations!.readCondition?.(related, params) ?? null;
      return relatedExists(rel, related.id, level.scope, condition, params, relations!.metadata.workspaceId, readable);
    };

    if (rel.kind === 'toOne') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        const idKey = referenceInputName(rel.field.apiName);
        errors.add(path, 'INVALID_TYPE', `must be a filter of ${related.pluralApiName} (records without one: ${idKey}: { isNull: true })`);
        return 'TRUE';
      }
      return exists(compile(value, path, depth, inner));
    }

    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      errors.add(path, 'INVALID_TYPE', 'must be an object with some, every or none');
      return 'TRUE';
    }
    const parts: string[] = [];
    for (const [op, sub] of Object.entries(value as Record<string, unknown>)) {
      if (sub === undefined) continue;
      const at = `${path}.${op}`;
      if (!(LIST_RELATION_OPERATORS as readonly string[]).includes(op)) {
        errors.add(at, 'UNKNOWN_OPERATOR', `is not an operator of to-many relations (${LIST_RELATION_OPERATORS.join(', ')})`);
        continue;
      }
      const condition = listRelationCondition(op as ListRelationOperator, compile(sub, at, depth, inner), exists);
      if (condition !== 'TRUE') parts.push(condition);
    }
    return parts.length === 0 ? 'TRUE' : parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
  };

  const compileField = (target: Filterable, ops: unknown, path: string): string[] => {
    if (ops === null || typeof ops !== 'object' || Array.isArray(ops)) {
      errors.add(path, 'INVALID_TYPE', 'must be an object of operators');
      return [];
    }
    const out: string[] = [];
    for (const [name, operand] of Object.entries(ops as Record<string, unknown>)) {
      if (operand === undefined) continue;
      const at = `${path}.${name}`;
      const op = target.module.operators[name];
      if (!op) {
        errors.add(at, 'UNKNOWN_OPERATOR', `is not an operator of ${target.module.type} fields`);
        continue;
      }
      if (operand === null) {
        errors.add(at, 'INVALID_VALUE', 'must not be null (use isNull to match records without a value)');
        continue;
      }
      if (++conditions > MAX_FILTER_CONDITIONS) {
        throw new BadRequestError(`Filter has too many conditions (at most ${MAX_FILTER_CONDITIONS})`);
      }
      const parsed = parseOperand(target, op.operand, operand, at, errors);
      if (parsed === INVALID) continue;
      out.push(
        op.sql(
          { expr: target.filterExpr, json: target.jsonExpr, param: (v) => params.add(v), field: target.field },
          parsed,
        ),
      );
    }
    return out;
  };

  const root: Level = { names, type: relations?.type, scope: { row: relations?.row ?? '"record"', hops: 0 } };
  const sql = filter ? compile(filter, 'filter', 0, root) : 'TRUE';
  errors.throwIfAny();
  return sql;
}

const INVALID = Symbol('invalid');

function parseOperand(
  target: Filterable,
  kind: string,
  operand: unknown,
  path: string,
  errors: FieldErrorCollector,
): unknown {
  const parseOne = (value: unknown, at: string): unknown => {
    const parse = target.module.parseOperand ?? target.module.normalize;
    const result = parse(value, target.field);
    if (result.ok) return result.value;
    errors.add(at, result.code, result.message);
    return INVALID;
  };
  switch (kind) {
    case 'boolean':
      if (typeof operand === 'boolean') return operand;
      errors.add(path, 'INVALID_TYPE', 'must be true or false');
      return INVALID;
    case 'string':
      if (typeof operand === 'string' && operand.includes('\u0000')) {
        errors.add(path, 'INVALID_FORMAT', 'must not contain NUL characters');
        return INVALID;
      }
      if (typeof operand === 'string') return operand;
      errors.add(path, 'INVALID_TYPE', 'must be a string');
      return INVALID;
    case 'values': {
      if (!Array.isArray(operand)) {
        errors.add(path, 'INVALID_TYPE', 'must be a list');
        return INVALID;
      }
      if (operand.length > 1000) {
        errors.add(path, 'TOO_LONG', 'must have at most 1,000 values');
        return INVALID;
      }
      const values = operand.map((v, i) => parseOne(v, `${path}.${i}`));
      return values.includes(INVALID) ? INVALID : values;
    }
    default:
      return parseOne(operand, path);
  }
}
