/**
 * Compiles a record filter into a parameterised SQL condition.
 *
 * A filter maps field names to operator objects (`{ amount: { gt: 100 } }`) and
 * combines with `and: [..]`, `or: [..]` and `not: {..}`. Conditions on one level
 * are ANDed. `not` treats an unknown comparison (a missing value) as false, so
 * `not: { amount: { gt: 5 } }` includes records without an amount. A bad operand
 * is a VALIDATION_FAILED naming its path (`filter.amount.gt`).
 */
import { BadRequestError, FieldErrorCollector } from '../../errors.ts';
import type { Filterable } from './filterable.ts';
import type { SqlParams } from './params.ts';

/** A filter as the API takes it. */
export type RecordFilter = { [key: string]: unknown };

/** Most nested `and`/`or`/`not` levels a filter may have. */
export const MAX_FILTER_DEPTH = 8;
/** Most operator conditions in one filter. */
export const MAX_FILTER_CONDITIONS = 200;

/** Compiles `filter`; returns `TRUE` for an empty filter. */
export function compileFilter(
  filter: RecordFilter | null | undefined,
  names: Map<string, Filterable>,
  params: SqlParams,
): string {
  const errors = new FieldErrorCollector();
  let conditions = 0;

  const compile = (node: unknown, path: string, depth: number): string => {
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
        const inner = value.map((item, i) => compile(item, `${at}.${i}`, depth + 1));
        if (inner.length === 0) parts.push(key === 'and' ? 'TRUE' : 'FALSE');
        else parts.push(`(${inner.join(key === 'and' ? ' AND ' : ' OR ')})`);
      } else if (key === 'not') {
        parts.push(`NOT COALESCE(${compile(value, at, depth + 1)}, FALSE)`);
      } else {
        const target = names.get(key);
        if (!target) {
          errors.add(at, 'UNKNOWN_FIELD', 'is not a field of this record type');
          continue;
        }
        parts.push(...compileField(target, value, at));
      }
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

  const sql = filter ? compile(filter, 'filter', 0) : 'TRUE';
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
