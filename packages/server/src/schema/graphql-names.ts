/**
 * Reference fields have two names: `company` in the engine, `companyId` in
 * GraphQL inputs and filters. These helpers translate inputs on the way in and
 * error paths on the way out, so clients always see the names they sent.
 */
import { RelataError, ValidationError, type FieldError } from '@relata/core';

/** GraphQL key ↔ engine key renames of one type (reference fields: `companyId` ↔ `company`). */
export type Renames = Map<string, string>;

/** Renames the keys of an input (and, with `nested`, of a filter's and/or/not). */
export function renameKeys(value: unknown, renames: Renames, nested: boolean): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (nested && (key === 'and' || key === 'or')) out[key] = Array.isArray(v) ? v.map((x) => renameKeys(x, renames, true)) : v;
    else if (nested && key === 'not') out[key] = renameKeys(v, renames, true);
    else out[renames.get(key) ?? key] = v;
  }
  return out;
}

/**
 * Names fields in error paths as the client sent them: the engine reports a
 * reference as `input.company`, the client wrote `companyId`. A path segment is a
 * field name right after `input`, `filter`, `not`, or an index inside `and`/`or`.
 */
export function renameErrorFields(error: unknown, renames: Renames): unknown {
  const fields = error instanceof RelataError ? (error.details.fields as FieldError[] | undefined) : undefined;
  if (!fields || renames.size === 0) return error;
  const back = new Map([...renames].map(([graphqlName, engineName]) => [engineName, graphqlName]));
  const renamed = fields.map((f) => {
    const parts = f.field.split('.');
    const mapped = parts.map((part, i) => {
      const prev = parts[i - 1];
      const fieldPosition =
        i === 0 ||
        ['input', 'filter', 'not', 'match'].includes(prev ?? '') ||
        (/^\d+$/.test(prev ?? '') && ['and', 'or', 'inputs'].includes(parts[i - 2] ?? ''));
      return fieldPosition ? (back.get(part) ?? part) : part;
    });
    return { ...f, field: mapped.join('.') };
  });
  if (error instanceof ValidationError) return new ValidationError(renamed);
  const relataError = error as RelataError;
  return new RelataError(relataError.code, relataError.message, { ...relataError.details, fields: renamed });
}
