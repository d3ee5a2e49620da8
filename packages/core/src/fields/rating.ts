/** RATING: a whole number of stars from 1 to the field's `max` (1–10, default 5). */
import type { FieldError } from '../errors.ts';
import { parseInt32 } from './integer.ts';
import { equalityOperators, rangeOperators } from './operators.ts';
import { asOptionsObject, isUnset, rejectUnknownKeys } from './options.ts';
import type { FieldMeta, FieldTypeModule } from './types.ts';

/** The scale when options name none. */
export const RATING_DEFAULT_MAX = 5;
/** The largest scale allowed. */
export const RATING_MAX_MAX = 10;

function normalizeRatingOptions(options: unknown): { options: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const input = asOptionsObject(options, errors);
  rejectUnknownKeys(input, ['max'], errors);
  const { max } = input;
  if (isUnset(max)) return { options: { max: RATING_DEFAULT_MAX }, errors };
  if (typeof max !== 'number') {
    errors.push({ field: 'max', code: 'INVALID_TYPE', message: 'must be an integer' });
  } else if (!Number.isInteger(max) || max < 1 || max > RATING_MAX_MAX) {
    errors.push({ field: 'max', code: 'INVALID_OPTION', message: `must be an integer from 1 to ${RATING_MAX_MAX}` });
  }
  return { options: { max: errors.length === 0 ? max : RATING_DEFAULT_MAX }, errors };
}

const maxOf = (field: FieldMeta) =>
  typeof field.options.max === 'number' ? field.options.max : RATING_DEFAULT_MAX;

/** The RATING field type. */
export const ratingField: FieldTypeModule = {
  type: 'RATING',
  description: 'A rating from 1 to the field\'s maximum (5 unless set, at most 10).',
  graphql: { value: { kind: 'scalar', scalar: 'Int' }, filterName: 'RatingFilter' },
  sqlExpr: (key) => `((data->>${key})::integer)`,
  sortable: true,
  indexable: true,
  // Unique ratings make no sense with at most ten values.
  uniqueable: false,
  searchable: false,
  operators: { ...equalityOperators('integer'), ...rangeOperators() },
  normalizeOptions: normalizeRatingOptions,
  normalize(input, field) {
    const parsed = parseInt32(input);
    if (!parsed.ok) return parsed;
    const max = maxOf(field);
    const stars = parsed.value as number;
    if (stars < 1 || stars > max) {
      return { ok: false, code: 'OUT_OF_RANGE', message: `must be between 1 and ${max}` };
    }
    return parsed;
  },
  // Any Int is a fine bound (`lte: 10`), even after `max` was lowered.
  parseOperand: parseInt32,
};
