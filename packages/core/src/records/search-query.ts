/**
 * The text of a search and its cursors: how user text becomes a tsquery (every
 * word quoted and escaped, never tsquery syntax), and how a page's cursor keeps
 * the query, the types and the mode it continues (search.ts runs them).
 */
import { createHash } from 'node:crypto';
import { BadRequestError } from '../errors.ts';
import { isUuid } from '../ids.ts';

/** A query compiled from user text. */
export interface CompiledSearchQuery {
  /** tsquery text: every word as a prefix, ANDed. */
  prefix: string;
  /** The same words as whole words (ranks exact matches higher). */
  exact: string;
  /** The distinct words, for trigram matching. */
  words: string[];
  /** How many terms (distinct whitespace-separated pieces) the tsquery ANDs. */
  terms: number;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** A lexeme quoted for tsquery input: inside quotes only `'` and `\` are special. */
function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * Compiles user text into tsquery text, or null when it holds no word.
 *
 * The text is split at whitespace (and control characters) into chunks. A chunk
 * matches when the record has a word starting with the whole chunk (`acme.com`,
 * `12.50`, `+1415`: tokens the parser keeps whole) or words starting with each of
 * its letter-and-digit runs (`acme` and `com`, as emails and URLs are indexed).
 * Punctuation alone (`&`, `|`, `!`, `(`) is no word and is dropped.
 */
export function compileSearchQuery(text: string): CompiledSearchQuery | null {
  const prefixTerms = new Set<string>();
  const exactTerms = new Set<string>();
  const words = new Set<string>();
  for (const chunk of text.split(/[\s\p{C}]+/u)) {
    const parts = chunk.match(WORD);
    if (!parts) continue;
    for (const part of parts) words.add(part.toLowerCase());
    // Edges trimmed of punctuation; a leading + stays (phone numbers, signed numbers).
    const whole = chunk.replace(/^[^\p{L}\p{N}+]+/u, '').replace(/[^\p{L}\p{N}]+$/u, '');
    const term = (suffix: string) => {
      const each = parts.map((p) => quoteLexeme(p) + suffix);
      if (parts.length === 1 && whole === parts[0]) return each[0]!;
      return `(${quoteLexeme(whole)}${suffix} | ${each.length === 1 ? each[0] : `(${each.join(' & ')})`})`;
    };
    prefixTerms.add(term(':*'));
    exactTerms.add(term(''));
  }
  if (prefixTerms.size === 0) return null;
  return { prefix: [...prefixTerms].join(' & '), exact: [...exactTerms].join(' & '), words: [...words], terms: prefixTerms.size };
}

export type Mode = 'text' | 'trigram';
const MODE_TAG: Record<Mode, string> = { text: 't', trigram: 'g' };

/** A fingerprint of the query and types, kept in cursors so one cannot be used with another search. */
export function searchFingerprint(compiled: CompiledSearchQuery, typeIds: string[]): string {
  return createHash('sha1')
    .update(JSON.stringify([compiled.prefix.toLowerCase(), [...typeIds].sort()]))
    .digest('base64url')
    .slice(0, 8);
}

export function encodeCursor(fingerprint: string, mode: Mode, score: number, id: string): string {
  return Buffer.from(JSON.stringify([fingerprint, MODE_TAG[mode], score, id])).toString('base64url');
}

export function decodeCursor(cursor: string, fingerprint: string): { mode: Mode; score: number; id: string } {
  const invalid = () => new BadRequestError('after is not a valid cursor', { argument: 'after' });
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(decoded) || decoded.length !== 4) throw invalid();
  const [fp, tag, score, id] = decoded as unknown[];
  if (fp !== fingerprint) {
    throw new BadRequestError('after is a cursor of another search: a cursor only continues the same query and types', { argument: 'after' });
  }
  const mode = (Object.keys(MODE_TAG) as Mode[]).find((m) => MODE_TAG[m] === tag);
  if (!mode || typeof score !== 'number' || !Number.isFinite(score) || !isUuid(id)) throw invalid();
  return { mode, score, id };
}
