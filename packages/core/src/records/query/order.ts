/**
 * Ordering and keyset pagination. An ordering is a list of `{ field: DIRECTION }`
 * items; `id` always breaks ties, so every ordering is total and a cursor (the
 * sort values of a row, plus its id) marks an exact position that stays valid
 * while records are inserted before or after it.
 */
import { createHash } from 'node:crypto';
import { BadRequestError, FieldErrorCollector } from '../../errors.ts';
import { isUuid, type Filterable } from './filterable.ts';
import type { SqlParams } from './params.ts';

/** Directions of the API, with explicit null placement where wanted. */
export const ORDER_DIRECTIONS = ['ASC', 'DESC', 'ASC_NULLS_FIRST', 'ASC_NULLS_LAST', 'DESC_NULLS_FIRST', 'DESC_NULLS_LAST'] as const;
/** One of ORDER_DIRECTIONS. */
export type OrderDirection = (typeof ORDER_DIRECTIONS)[number];
/** One ordering item: `{ amount: 'DESC' }`. */
export type OrderByItem = { [field: string]: OrderDirection };

/** A resolved sort key. */
export interface SortKey {
  name: string;
  expr: string;
  desc: boolean;
  nullsFirst: boolean;
}

/** Resolves `orderBy` into sort keys, ending with `id` (ascending unless given). */
export function resolveOrder(orderBy: readonly OrderByItem[] | null | undefined, names: Map<string, Filterable>): SortKey[] {
  const errors = new FieldErrorCollector();
  const keys: SortKey[] = [];
  (orderBy ?? []).forEach((item, i) => {
    const entries = Object.entries(item ?? {}).filter(([, v]) => v !== undefined && v !== null);
    if (entries.length !== 1) {
      errors.add(`orderBy.${i}`, 'INVALID_VALUE', 'must name exactly one field');
      return;
    }
    const [name, direction] = entries[0]!;
    const target = names.get(name);
    if (!target) return errors.add(`orderBy.${i}.${name}`, 'UNKNOWN_FIELD', 'is not a field of this record type');
    if (!target.sortable) return errors.add(`orderBy.${i}.${name}`, 'NOT_SORTABLE', `${target.module.type} fields cannot be sorted`);
    if (!ORDER_DIRECTIONS.includes(direction)) {
      return errors.add(`orderBy.${i}.${name}`, 'INVALID_VALUE', `must be one of ${ORDER_DIRECTIONS.join(', ')}`);
    }
    if (keys.some((k) => k.name === name)) return errors.add(`orderBy.${i}.${name}`, 'DUPLICATE', 'is already ordered by');
    const desc = direction.startsWith('DESC');
    // PostgreSQL's defaults: nulls last ascending, first descending.
    const nullsFirst = direction.endsWith('NULLS_FIRST') || (desc && !direction.endsWith('NULLS_LAST'));
    keys.push({ name, expr: target.sortExpr, desc, nullsFirst });
  });
  errors.throwIfAny();
  // id is unique: keys after it can never decide an order, so they are dropped.
  const idAt = keys.findIndex((k) => k.name === 'id');
  if (idAt >= 0) return keys.slice(0, idAt + 1);
  keys.push({ name: 'id', expr: '"id"', desc: false, nullsFirst: false });
  return keys;
}

/** The same keys in reverse order of rows (for `last`/`before`). */
export function reverseKeys(keys: SortKey[]): SortKey[] {
  return keys.map((k) => ({ ...k, desc: !k.desc, nullsFirst: !k.nullsFirst }));
}

/** `ORDER BY` clause of `keys`. */
export function orderByClause(keys: SortKey[]): string {
  return keys.map((k) => `${k.expr} ${k.desc ? 'DESC' : 'ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ');
}

/** Condition for rows strictly after the position `values` in the ordering `keys`. */
export function keysetCondition(keys: SortKey[], values: unknown[], params: SqlParams): string {
  const branches: string[] = [];
  const equalSoFar: string[] = [];
  keys.forEach((key, i) => {
    const value = values[i];
    let after: string;
    if (value === null || value === undefined) {
      after = key.nullsFirst ? `${key.expr} IS NOT NULL` : 'FALSE';
    } else {
      const p = params.add(value);
      const beyond = `${key.expr} ${key.desc ? '<' : '>'} ${p}`;
      after = key.nullsFirst ? beyond : `(${beyond} OR ${key.expr} IS NULL)`;
    }
    if (after !== 'FALSE') branches.push([...equalSoFar, after].join(' AND '));
    if (i === keys.length - 1) return;
    equalSoFar.push(value === null || value === undefined ? `${key.expr} IS NULL` : `${key.expr} = ${params.add(value)}`);
  });
  return branches.length ? `(${branches.map((b) => `(${b})`).join(' OR ')})` : 'FALSE';
}

/** A fingerprint of an ordering, kept in cursors so one cannot be used with another ordering. */
function orderFingerprint(keys: SortKey[]): string {
  return createHash('sha1')
    .update(keys.map((k) => `${k.name}:${k.desc}:${k.nullsFirst}`).join(','))
    .digest('base64url')
    .slice(0, 8);
}

/** Returns an encoder of cursors for rows ordered by `keys` (the fingerprint is computed once). */
export function cursorEncoder(keys: SortKey[]): (values: unknown[]) => string {
  const fingerprint = orderFingerprint(keys);
  return (values) => {
    const plain = values.map((v) => (v instanceof Date ? v.toISOString() : v));
    return Buffer.from(JSON.stringify([fingerprint, ...plain])).toString('base64url');
  };
}

/** Decodes a cursor made for `keys`; BAD_REQUEST for anything else. */
export function decodeCursor(keys: SortKey[], cursor: string, arg: string): unknown[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestError(`${arg} is not a valid cursor`, { argument: arg });
  }
  if (!Array.isArray(decoded) || decoded.length !== keys.length + 1 || decoded[0] !== orderFingerprint(keys)) {
    throw new BadRequestError(`${arg} is not a cursor of this list and ordering`, { argument: arg });
  }
  const values = decoded.slice(1);
  if (values.some((v) => v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) {
    throw new BadRequestError(`${arg} is not a valid cursor`, { argument: arg });
  }
  const id = values[keys.findIndex((k) => k.name === 'id')];
  if (!isUuid(id)) {
    throw new BadRequestError(`${arg} is not a valid cursor`, { argument: arg });
  }
  return values;
}
