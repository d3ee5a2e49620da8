/** LONG_TEXT: free text of several lines (notes, descriptions), at most 100,000 characters, trimmed. */
import { equalityOperators, parseStringOperand, pickOperators, stringOperators, textExpr } from './operators.ts';
import { noOptions } from './options.ts';
import { hasUnstorableCharacters, UNSTORABLE_TEXT } from './storable-text.ts';
import type { FieldTypeModule } from './types.ts';

/** Longest LONG_TEXT value, in characters (UTF-16 code units, like TEXT). */
export const LONG_TEXT_MAX_LENGTH = 100_000;

/** The LONG_TEXT field type. */
export const longTextField: FieldTypeModule = {
  type: 'LONG_TEXT',
  description: 'Text of any number of lines (at most 100,000 characters).',
  graphql: { value: { kind: 'scalar', scalar: 'String' }, filterName: 'LongTextFilter' },
  sqlExpr: textExpr,
  // Values can exceed a btree entry (about 2,700 bytes), so no index, unique or sort;
  // ranges and `in` on prose are not useful either.
  sortable: false,
  indexable: false,
  uniqueable: false,
  searchable: true,
  operators: {
    ...pickOperators(equalityOperators('text'), 'eq', 'neq', 'isNull'),
    ...pickOperators(stringOperators({ caseInsensitive: true }), 'contains', 'startsWith', 'endsWith', 'iContains'),
  },
  normalizeOptions: noOptions,
  normalize(input) {
    if (typeof input !== 'string') return { ok: false, code: 'INVALID_TYPE', message: 'must be a string' };
    const value = input.trim();
    if (value.length > LONG_TEXT_MAX_LENGTH) {
      return { ok: false, code: 'TOO_LONG', message: 'must be at most 100,000 characters' };
    }
    if (hasUnstorableCharacters(value)) return UNSTORABLE_TEXT;
    return { ok: true, value };
  },
  parseOperand: parseStringOperand,
};
