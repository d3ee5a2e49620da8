/**
 * PHONE: a phone number in E.164 form (`+4930123456`). Spaces, dashes, dots and
 * parentheses are dropped; the country code is required, because a national
 * number cannot be dialled or compared without knowing the country.
 */
import { parseStringOperand, textExpr, textOperators, withCanonicalStrings } from './operators.ts';
import { noOptions } from './options.ts';
import type { FieldTypeModule, NormalizeResult } from './types.ts';

// E.164: `+`, a country code (never starting with 0), at most 15 digits in all.
// 6 is the shortest real international number (small island networks).
const E164 = /^\+[1-9]\d{5,14}$/;

const canonical = (value: string) => value.replace(/[\s\-.()]/g, '');

/** The PHONE field type. */
export const phoneField: FieldTypeModule = {
  type: 'PHONE',
  description: 'A phone number in international E.164 form, such as "+14155550123".',
  // Same operators and operand shapes as TEXT, so it shares TEXT's filter input.
  graphql: { value: { kind: 'scalar', scalar: 'String' }, filterName: 'TextFilter' },
  sqlExpr: textExpr,
  sortable: true,
  indexable: true,
  uniqueable: true,
  searchable: true,
  // Separators are stripped from substrings too: `contains: "555 01"` finds "+1415555012".
  operators: withCanonicalStrings(textOperators(), canonical),
  normalizeOptions: noOptions,
  normalize(input) {
    if (typeof input !== 'string') return { ok: false, code: 'INVALID_TYPE', message: 'must be a string' };
    const value = canonical(input);
    if (!E164.test(value)) {
      return {
        ok: false,
        code: 'INVALID_FORMAT',
        message: 'must be a phone number with its country code, such as "+14155550123"',
      };
    }
    return { ok: true, value };
  },
  // Canonicalised but not validated, so a partial number still works as a bound.
  parseOperand(input): NormalizeResult {
    const parsed = parseStringOperand(input);
    return parsed.ok ? { ok: true, value: canonical(parsed.value as string) } : parsed;
  },
};
