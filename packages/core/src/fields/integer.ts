/** INTEGER: a whole number that fits GraphQL's `Int` (32-bit signed). */
import { equalityOperators, rangeOperators } from './operators.ts';
import { noOptions } from './options.ts';
import type { FieldTypeModule, NormalizeResult } from './types.ts';

/** Smallest INTEGER value: GraphQL `Int` is a signed 32-bit integer. */
export const INT_MIN = -2_147_483_648;
/** Largest INTEGER value. */
export const INT_MAX = 2_147_483_647;

/** Validates a 32-bit integer; shared by types whose values are GraphQL `Int`s. */
export function parseInt32(input: unknown): NormalizeResult {
  if (typeof input !== 'number') return { ok: false, code: 'INVALID_TYPE', message: 'must be an integer' };
  if (!Number.isInteger(input)) return { ok: false, code: 'INVALID_FORMAT', message: 'must be a whole number' };
  if (input < INT_MIN || input > INT_MAX) {
    return { ok: false, code: 'OUT_OF_RANGE', message: `must be between ${INT_MIN} and ${INT_MAX}` };
  }
  // `-0` would otherwise survive in memory (hooks, comparisons) though JSON writes it as 0.
  return { ok: true, value: input === 0 ? 0 : input };
}

/** The INTEGER field type. */
export const integerField: FieldTypeModule = {
  type: 'INTEGER',
  description: 'A whole number between -2,147,483,648 and 2,147,483,647.',
  graphql: { value: { kind: 'scalar', scalar: 'Int' }, filterName: 'IntFilter' },
  // bigint, not integer: headroom, so a wider value written outside the engine
  // (an import, a plugin) still casts instead of breaking every query on the field.
  sqlExpr: (key) => `((data->>${key})::bigint)`,
  sortable: true,
  indexable: true,
  uniqueable: true,
  searchable: false,
  operators: { ...equalityOperators('bigint'), ...rangeOperators() },
  normalizeOptions: noOptions,
  normalize: parseInt32,
};
