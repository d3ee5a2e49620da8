/**
 * EMAIL: an email address, trimmed and lowercased. The format check is
 * pragmatic, not RFC 5322: the HTML spec's rule for `<input type=email>`, plus a
 * dot in the domain (CRM contacts are never `user@localhost`). International
 * domains must be given in punycode, as that rule requires.
 */
import { parseStringOperand, textExpr, textOperators, withCanonicalStrings } from './operators.ts';
import { noOptions } from './options.ts';
import type { FieldTypeModule, NormalizeResult } from './types.ts';

/** Longest address: the limit SMTP paths impose (RFC 5321). */
export const EMAIL_MAX_LENGTH = 254;

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const EMAIL = new RegExp(`^[a-z0-9.!#$%&'*+/=?^_\`{|}~-]{1,64}@${LABEL}(?:\\.${LABEL})+$`);

const canonical = (value: string) => value.trim().toLowerCase();

/** The EMAIL field type. */
export const emailField: FieldTypeModule = {
  type: 'EMAIL',
  description: 'An email address (stored lowercased).',
  // Same operators and operand shapes as TEXT, so it shares TEXT's filter input.
  graphql: { value: { kind: 'scalar', scalar: 'String' }, filterName: 'TextFilter' },
  sqlExpr: textExpr,
  sortable: true,
  indexable: true,
  uniqueable: true,
  searchable: true,
  // The whole address, and its local part and domain labels as words of their own.
  searchText: (text) => `concat_ws(' ', ${text}, translate(${text}, '@.+', '   '))`,
  // Values are lowercase, so substring operands are lowercased too: case never matters.
  operators: withCanonicalStrings(textOperators(), canonical),
  normalizeOptions: noOptions,
  normalize(input) {
    if (typeof input !== 'string') return { ok: false, code: 'INVALID_TYPE', message: 'must be a string' };
    const value = canonical(input);
    if (value.length > EMAIL_MAX_LENGTH) {
      return { ok: false, code: 'TOO_LONG', message: `must be at most ${EMAIL_MAX_LENGTH} characters` };
    }
    if (!EMAIL.test(value)) return { ok: false, code: 'INVALID_FORMAT', message: 'must be a valid email address' };
    return { ok: true, value };
  },
  // Canonicalised but not validated: `eq` finds "Bob@X.com" as stored, and a
  // partial address still works as a range bound.
  parseOperand(input): NormalizeResult {
    const parsed = parseStringOperand(input);
    return parsed.ok ? { ok: true, value: canonical(parsed.value as string) } : parsed;
  },
};
