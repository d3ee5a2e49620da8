/** TEXT: a single line of text, at most 1,000 characters, trimmed. */
import { parseStringOperand, textExpr, textOperators } from './operators.ts';
import { noOptions } from './options.ts';
import { hasUnstorableCharacters, UNSTORABLE_TEXT } from './storable-text.ts';
import type { FieldTypeModule } from './types.ts';

/** Longest TEXT value, in characters. */
export const TEXT_MAX_LENGTH = 1000;
/**
 * Longest TEXT value in UTF-8 bytes: a btree index entry holds at most 2,704 bytes,
 * so an indexed or unique field could not hold 1,000 characters of, say, CJK text.
 */
export const TEXT_MAX_BYTES = 2000;

/** The TEXT field type. */
export const textField: FieldTypeModule = {
  type: 'TEXT',
  description: 'A single line of text (at most 1,000 characters).',
  graphql: { value: { kind: 'scalar', scalar: 'String' }, filterName: 'TextFilter' },
  sqlExpr: textExpr,
  sortable: true,
  indexable: true,
  uniqueable: true,
  searchable: true,
  operators: textOperators(),
  normalizeOptions: noOptions,
  normalize(input) {
    if (typeof input !== 'string') return { ok: false, code: 'INVALID_TYPE', message: 'must be a string' };
    const value = input.trim();
    // A lone \r is a line break too (old Mac text, pasted from some forms).
    if (/[\r\n]/.test(value)) return { ok: false, code: 'INVALID_FORMAT', message: 'must be a single line' };
    if (value.length > TEXT_MAX_LENGTH) {
      return { ok: false, code: 'TOO_LONG', message: `must be at most ${TEXT_MAX_LENGTH} characters` };
    }
    if (Buffer.byteLength(value, 'utf8') > TEXT_MAX_BYTES) {
      return { ok: false, code: 'TOO_LONG', message: `must be at most ${TEXT_MAX_BYTES} bytes in UTF-8` };
    }
    if (hasUnstorableCharacters(value)) return UNSTORABLE_TEXT;
    return { ok: true, value };
  },
  parseOperand: parseStringOperand,
};
