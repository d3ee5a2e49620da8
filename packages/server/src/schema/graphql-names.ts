/**
 * A to-one relation's input has two names: `company` in the engine's record
 * input, `companyId` in GraphQL inputs (filters use `companyId` in both). These
 * helpers translate inputs on the way in and error paths on the way out, so
 * clients always see the names they sent.
 */
import { RelataError, ValidationError, type FieldError } from '@relata/core';

/** GraphQL key ↔ engine key renames of one type (reference fields: `companyId` ↔ `company`). */
export type Renames = Map<string, string>;

/** Renames the keys of a record input. */
export function renameKeys(value: unknown, renames: Renames): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) out[renames.get(key) ?? key] = v;
  return out;
}

/**
 * Names fields in error paths as the client sent them: the engine reports a
 * reference as `input.company`, the client wrote `companyId`. A path segment is a
 * field name right after `input` or `match`, or an index inside `inputs`.
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
        ['input', 'match'].includes(prev ?? '') || (/^\d+$/.test(prev ?? '') && parts[i - 2] === 'inputs');
      return fieldPosition ? (back.get(part) ?? part) : part;
    });
    return { ...f, field: mapped.join('.') };
  });
  if (error instanceof ValidationError) return new ValidationError(renamed);
  const relataError = error as RelataError;
  return new RelataError(relataError.code, relataError.message, { ...relataError.details, fields: renamed });
}
