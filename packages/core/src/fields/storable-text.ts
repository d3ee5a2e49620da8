/**
 * PostgreSQL cannot store U+0000 in `text` or `jsonb`, and the driver silently
 * replaces unpaired UTF-16 surrogates with U+FFFD when it encodes UTF-8. Field
 * types that accept free text reject both, so a write fails as a validation
 * error naming the field instead of as an internal database error.
 */
import type { NormalizeResult } from './types.ts';

// With the `u` flag a surrogate pair is one code point, so this matches only unpaired halves.
const UNSTORABLE = /[\u0000\uD800-\uDFFF]/u;

/** True when `value` contains a character PostgreSQL text cannot hold faithfully. */
export function hasUnstorableCharacters(value: string): boolean {
  return UNSTORABLE.test(value);
}

/** The error for such a string. */
export const UNSTORABLE_TEXT: NormalizeResult = {
  ok: false,
  code: 'INVALID_FORMAT',
  message: 'must not contain NUL characters or unpaired surrogates',
};
