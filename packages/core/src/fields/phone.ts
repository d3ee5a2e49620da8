/**
 * PHONE: a phone number in E.164 form (`+4930123456`). Spaces, dashes, dots and
 * parentheses are dropped; the country code is required, because a national
 * number cannot be dialled or compared without knowing the country.
 */
import { textLikeField } from './text-like.ts';

// E.164: `+`, a country code (never starting with 0), at most 15 digits in all.
// 6 is the shortest real international number (small island networks).
const E164 = /^\+[1-9]\d{5,14}$/;

const canonical = (value: string) => value.replace(/[\s\-.()]/g, '');

/** The PHONE field type. */
export const phoneField = textLikeField({
  type: 'PHONE',
  description: 'A phone number in international E.164 form, such as "+14155550123".',
  // Separators are stripped from operands too: `contains: "555 01"` finds "+1415555012".
  canonical,
  normalizeString(input) {
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
});
