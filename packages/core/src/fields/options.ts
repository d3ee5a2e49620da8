/**
 * Helpers for field options shared by field type modules. Error paths are
 * relative to `options` (`choices.2.value`), as the contract in `types.ts` says;
 * the empty path is the options value itself. The caller prefixes them.
 */
import type { FieldError } from '../errors.ts';
import type { NormalizeResult } from './types.ts';

/** The path of the options value itself in a FieldError. */
export const OPTIONS_ROOT = '';

/** For types without options: accepts `{}` or nothing, and rejects any key. */
export function noOptions(options: unknown): { options: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const object = asOptionsObject(options, errors);
  for (const key of Object.keys(object)) errors.push(unknownOption(key));
  return { options: {}, errors };
}

/** Reads `options` as a plain object, or reports that it is not one. */
export function asOptionsObject(
  options: unknown,
  errors: FieldError[],
): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    errors.push({ field: OPTIONS_ROOT, code: 'INVALID_TYPE', message: 'must be an object' });
    return {};
  }
  return options as Record<string, unknown>;
}

/** The error for a key that is not an option of the type. */
export function unknownOption(path: string): FieldError {
  return { field: path, code: 'UNKNOWN_OPTION', message: 'is not an option of this field type' };
}

/** Reports every key of `object` not in `known`, under `prefix`. */
export function rejectUnknownKeys(
  object: Record<string, unknown>,
  known: readonly string[],
  errors: FieldError[],
  prefix = '',
): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) errors.push(unknownOption(prefix + key));
  }
}

/** True for an option that is not set: JSON clients send `null` for "none". */
export function isUnset(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/**
 * An option checked with a value parser: a wrong type stays INVALID_TYPE, any
 * other failure is INVALID_OPTION (value codes such as OUT_OF_RANGE describe
 * record values, not options).
 */
export function optionError(path: string, result: NormalizeResult & { ok: false }): FieldError {
  const code = result.code === 'INVALID_TYPE' ? 'INVALID_TYPE' : 'INVALID_OPTION';
  return { field: path, code, message: result.message };
}
