/**
 * JSON: any JSON value (object, array, string, number, boolean), at most 64 KiB
 * serialised. For data without a schema of its own: integration payloads, settings.
 */
import { isNullOperator } from './operators.ts';
import { noOptions } from './options.ts';
import { hasUnstorableCharacters } from './storable-text.ts';
import type { FieldTypeModule, NormalizeResult } from './types.ts';

/** Largest serialised value, in UTF-8 bytes. */
export const JSON_MAX_BYTES = 65_536;
/** Deepest nesting: a bound far above real documents that keeps validation off the stack limit. */
export const JSON_MAX_DEPTH = 100;

class JsonValueError extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * A copy of `value` made only of plain JSON, or a JsonValueError naming the first
 * offending path. Stricter than JSON.stringify, which silently drops `undefined`
 * and functions, turns NaN into null and Dates into strings: a stored value must
 * read back exactly as written.
 */
function toJson(value: unknown, path: string, depth: number): unknown {
  const at = path ? ` at ${path}` : '';
  if (depth > JSON_MAX_DEPTH) {
    throw new JsonValueError('INVALID_FORMAT', `must be nested at most ${JSON_MAX_DEPTH} levels deep`);
  }
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (hasUnstorableCharacters(value)) {
      throw new JsonValueError('INVALID_FORMAT', `must not contain NUL characters or unpaired surrogates${at}`);
    }
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new JsonValueError('INVALID_FORMAT', `must not contain NaN or Infinity${at}`);
    return value === 0 ? 0 : value;
  }
  if (Array.isArray(value)) {
    // A `for` over indexes sees holes of sparse arrays as undefined, and rejects them.
    const items: unknown[] = [];
    for (let i = 0; i < value.length; i++) items.push(toJson(value[i], `${path}${path ? '.' : ''}${i}`, depth + 1));
    return items;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new JsonValueError('INVALID_TYPE', `must be plain JSON${at} (not a class instance such as Date or Map)`);
    }
    // fromEntries defines properties, so a "__proto__" key stays data instead of setting the prototype.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        if (hasUnstorableCharacters(key)) {
          throw new JsonValueError('INVALID_FORMAT', `must not contain NUL characters or unpaired surrogates${at}`);
        }
        return [key, toJson(item, `${path}${path ? '.' : ''}${key}`, depth + 1)];
      }),
    );
  }
  throw new JsonValueError('INVALID_TYPE', `must be a JSON value${at} (not ${typeof value})`);
}

/** Validates a JSON value and returns a plain copy. */
export function parseJsonValue(input: unknown): NormalizeResult {
  // Top-level null is "no value", which the engine handles; a stored JSON null would
  // escape `isNull` (the key exists). Nested nulls are ordinary JSON.
  if (input === null) return { ok: false, code: 'INVALID_TYPE', message: 'must not be null at the top level' };
  let value: unknown;
  try {
    value = toJson(input, '', 0);
  } catch (error) {
    if (error instanceof JsonValueError) return { ok: false, code: error.code, message: error.reason };
    throw error;
  }
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > JSON_MAX_BYTES) {
    return { ok: false, code: 'TOO_LONG', message: 'must be at most 65,536 bytes as JSON' };
  }
  return { ok: true, value };
}

/** The JSON field type. */
export const jsonField: FieldTypeModule = {
  type: 'JSON',
  description: 'Any JSON value (at most 64 KiB).',
  graphql: { value: { kind: 'scalar', scalar: 'JSON' }, filterName: 'JSONFilter' },
  sqlExpr: (key) => `(data->${key})`,
  sortable: false,
  indexable: false,
  uniqueable: false,
  searchable: false,
  // The operand travels as JSON text: the driver would turn a JS array into a SQL array.
  operators: {
    eq: {
      operand: 'value',
      description: 'Equal to this JSON value (object key order does not matter).',
      sql: (c, v) => `${c.expr} = ${c.param(JSON.stringify(v))}::jsonb`,
    },
    contains: {
      operand: 'value',
      description: 'Contains this JSON value (jsonb @>): a sub-object, or array elements.',
      sql: (c, v) => `${c.expr} @> ${c.param(JSON.stringify(v))}::jsonb`,
    },
    hasKey: {
      operand: 'string',
      description: 'Has this top-level object key, or is or contains this string (jsonb ?).',
      sql: (c, v) => `${c.expr} ? ${c.param(String(v))}`,
    },
    isNull: isNullOperator,
  },
  normalizeOptions: noOptions,
  normalize: parseJsonValue,
};
