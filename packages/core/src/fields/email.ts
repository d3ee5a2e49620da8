/**
 * EMAIL: an email address, trimmed and lowercased. The format check is
 * pragmatic, not RFC 5322: the HTML spec's rule for `<input type=email>`, plus a
 * dot in the domain (CRM contacts are never `user@localhost`). International
 * domains must be given in punycode, as that rule requires.
 */
import { textLikeField } from './text-like.ts';

/** Longest address: the limit SMTP paths impose (RFC 5321). */
export const EMAIL_MAX_LENGTH = 254;

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const EMAIL = new RegExp(`^[a-z0-9.!#$%&'*+/=?^_\`{|}~-]{1,64}@${LABEL}(?:\\.${LABEL})+$`);

const canonical = (value: string) => value.trim().toLowerCase();

/** The EMAIL field type. */
export const emailField = textLikeField({
  type: 'EMAIL',
  description: 'An email address (stored lowercased).',
  // Values are lowercase, so operands are lowercased too: case never matters.
  canonical,
  normalizeString(input) {
    const value = canonical(input);
    if (value.length > EMAIL_MAX_LENGTH) {
      return { ok: false, code: 'TOO_LONG', message: `must be at most ${EMAIL_MAX_LENGTH} characters` };
    }
    if (!EMAIL.test(value)) return { ok: false, code: 'INVALID_FORMAT', message: 'must be a valid email address' };
    return { ok: true, value };
  },
  // The whole address, and its local part and domain labels as words of their own.
  searchText: (text) => `concat_ws(' ', ${text}, translate(${text}, '@.+', '   '))`,
});
