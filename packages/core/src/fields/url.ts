/** URL: an absolute http or https URL, stored in the WHATWG parser's canonical `href` form. */
import { parseStringOperand, textExpr, textOperators } from './operators.ts';
import { noOptions } from './options.ts';
import type { FieldTypeModule, NormalizeResult } from './types.ts';

/** Longest URL, in characters, checked on the canonical form (percent-encoding lengthens it). */
export const URL_MAX_LENGTH = 2048;

const TOO_LONG: NormalizeResult = {
  ok: false,
  code: 'TOO_LONG',
  message: `must be at most ${URL_MAX_LENGTH} characters`,
};

/** Parses `input` as an http(s) URL; the error says why not. */
function parseHttpUrl(input: string): NormalizeResult {
  // Checked first too, so a huge string is never handed to the parser.
  if (input.length > URL_MAX_LENGTH) return TOO_LONG;
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, code: 'INVALID_FORMAT', message: 'must be a valid URL starting with http:// or https://' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, code: 'INVALID_FORMAT', message: 'must be an http or https URL' };
  }
  if (url.href.length > URL_MAX_LENGTH) return TOO_LONG;
  return { ok: true, value: url.href };
}

/** The URL field type. */
export const urlField: FieldTypeModule = {
  type: 'URL',
  description: 'A web address (http or https).',
  // Same operators and operand shapes as TEXT, so it shares TEXT's filter input.
  graphql: { value: { kind: 'scalar', scalar: 'String' }, filterName: 'TextFilter' },
  sqlExpr: textExpr,
  sortable: true,
  indexable: true,
  uniqueable: true,
  searchable: true,
  // Host and path segments as words: "acme" finds "https://www.acme.com/pricing".
  searchText: (text) => `translate(${text}, ':/.?#=&-_', '          ')`,
  operators: textOperators(),
  normalizeOptions: noOptions,
  normalize(input) {
    if (typeof input !== 'string') return { ok: false, code: 'INVALID_TYPE', message: 'must be a string' };
    return parseHttpUrl(input.trim());
  },
  // A full URL is canonicalised so `eq` finds what was stored ("https://Example.com"
  // → "https://example.com/"); anything else is kept as given, e.g. a range bound.
  parseOperand(input): NormalizeResult {
    const parsed = parseStringOperand(input);
    if (!parsed.ok) return parsed;
    const url = parseHttpUrl((parsed.value as string).trim());
    return url.ok ? url : parsed;
  },
};
