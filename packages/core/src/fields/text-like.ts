/**
 * What TEXT, EMAIL, PHONE and URL share: a string stored as text, TEXT's
 * operators and filter input (so they share `TextFilter`), sortable, indexable,
 * unique and searchable. Each module states only how it checks and normalises.
 */
import { parseStringOperand, textExpr, textOperators, withCanonicalStrings } from './operators.ts';
import { noOptions } from './options.ts';
import type { FieldTypeModule, FieldTypeName, NormalizeResult } from './types.ts';

/** What a text-like field type states of its own. */
export interface TextLikeSpec {
  type: FieldTypeName;
  description: string;
  /** Checks and normalises a string value (the input is known to be a string). */
  normalizeString(value: string): NormalizeResult;
  /**
   * The canonical form of operands, so `eq "Bob@X.com"` finds what was stored; applied
   * to substring operands too. Operands are canonicalised, never validated: a partial
   * value still works as a range bound or substring.
   */
  canonical?: (value: string) => string;
  /** Parses an operand string when canonicalising needs more than `canonical` (URL). */
  parseOperandString?: (value: string) => NormalizeResult;
  /** See FieldTypeModule.searchText. */
  searchText?: (text: string) => string;
}

/** A field type module from a text-like spec. */
export function textLikeField(spec: TextLikeSpec): FieldTypeModule {
  const { canonical, parseOperandString } = spec;
  return {
    type: spec.type,
    description: spec.description,
    graphql: { value: { kind: 'scalar', scalar: 'String' }, filterName: 'TextFilter' },
    sqlExpr: textExpr,
    sortable: true,
    indexable: true,
    uniqueable: true,
    searchable: true,
    ...(spec.searchText ? { searchText: spec.searchText } : {}),
    operators: canonical ? withCanonicalStrings(textOperators(), canonical) : textOperators(),
    normalizeOptions: noOptions,
    normalize(input) {
      if (typeof input !== 'string') return { ok: false, code: 'INVALID_TYPE', message: 'must be a string' };
      return spec.normalizeString(input);
    },
    parseOperand(input): NormalizeResult {
      const parsed = parseStringOperand(input);
      if (!parsed.ok) return parsed;
      const value = parsed.value as string;
      if (parseOperandString) return parseOperandString(value);
      return canonical ? { ok: true, value: canonical(value) } : parsed;
    },
  };
}
