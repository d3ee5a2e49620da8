/** TEXT: a single line of text, at most 1,000 characters, trimmed. */
import { hasUnstorableCharacters, UNSTORABLE_TEXT } from './storable-text.ts';
import { textLikeField } from './text-like.ts';

/** Longest TEXT value, in characters. */
export const TEXT_MAX_LENGTH = 1000;
/**
 * Longest TEXT value in UTF-8 bytes: a btree index entry holds at most 2,704 bytes,
 * so an indexed or unique field could not hold 1,000 characters of, say, CJK text.
 */
export const TEXT_MAX_BYTES = 2000;

/** The TEXT field type. */
export const textField = textLikeField({
  type: 'TEXT',
  description: 'A single line of text (at most 1,000 characters).',
  normalizeString(input) {
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
});
