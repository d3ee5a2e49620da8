/** URL: an absolute http or https URL, stored in the WHATWG parser's canonical `href` form. */
import { textLikeField } from './text-like.ts';
import type { NormalizeResult } from './types.ts';

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
export const urlField = textLikeField({
  type: 'URL',
  description: 'A web address (http or https).',
  normalizeString: (input) => parseHttpUrl(input.trim()),
  // A full URL is canonicalised so `eq` finds what was stored ("https://Example.com"
  // → "https://example.com/"); anything else is kept as given, e.g. a range bound.
  parseOperandString(value) {
    const url = parseHttpUrl(value.trim());
    return url.ok ? url : { ok: true, value };
  },
  // Host and path segments as words: "acme" finds "https://www.acme.com/pricing".
  searchText: (text) => `translate(${text}, ':/.?#=&-_', '          ')`,
});
