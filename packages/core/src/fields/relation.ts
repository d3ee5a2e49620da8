/**
 * RELATION. MANY_TO_ONE: the id of one record of the target type, kept in `data`
 * like any value. ONE_TO_MANY: its inverse, derived (nothing stored): the records
 * of the target type whose MANY_TO_ONE field (`inverseApiName`) names this one;
 * the metadata service creates it with its MANY_TO_ONE side. MANY_TO_MANY will keep
 * links in `record_link` and is refused until then, as are delete behaviours other
 * than SET_NULL.
 */
import { isUuid } from '../ids.ts';
import type { FieldError } from '../errors.ts';
import { equalityOperators, textExpr } from './operators.ts';
import { asOptionsObject, isUnset, rejectUnknownKeys } from './options.ts';
import type { FieldMeta, FieldTypeModule, NormalizeResult, OptionsContext } from './types.ts';

/** Relation kinds of the API contract (MANY_TO_MANY is not implemented yet). */
export const RELATION_KINDS = ['MANY_TO_ONE', 'ONE_TO_MANY', 'MANY_TO_MANY'] as const;
const SUPPORTED_KINDS: readonly string[] = ['MANY_TO_ONE', 'ONE_TO_MANY'];
/** Delete behaviours of the API contract (only SET_NULL is implemented yet). */
export const ON_DELETE_ACTIONS = ['SET_NULL', 'CASCADE', 'RESTRICT'] as const;
const SUPPORTED_ON_DELETE: readonly string[] = ['SET_NULL'];

const CAMEL_CASE = /^[a-z][A-Za-z0-9]*$/;

/** Checks an enum-like option: known and implemented, known but not yet, or unknown. */
function checkChoice(
  path: string,
  value: unknown,
  all: readonly string[],
  supported: readonly string[],
  errors: FieldError[],
): void {
  if (typeof value !== 'string') {
    errors.push({ field: path, code: 'INVALID_TYPE', message: 'must be a string' });
  } else if (!all.includes(value)) {
    errors.push({ field: path, code: 'INVALID_OPTION', message: `must be one of ${all.join(', ')}` });
  } else if (!supported.includes(value)) {
    errors.push({ field: path, code: 'UNSUPPORTED', message: `is not supported yet (only ${supported.join(', ')})` });
  }
}

function normalizeRelationOptions(
  options: unknown,
  ctx: OptionsContext,
): { options: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const input = asOptionsObject(options, errors);
  const { targets, ...rest } = input;
  // `targets` is the contract's polymorphic form: named, so its error can say "not yet".
  if (!isUnset(targets)) {
    const message = 'is not supported yet (polymorphic relations come later)';
    errors.push({ field: 'targets', code: 'UNSUPPORTED', message });
  }
  rejectUnknownKeys(rest, ['target', 'kind', 'inverseApiName', 'onDelete'], errors);
  const { target, inverseApiName } = rest;
  const kind = rest.kind ?? 'MANY_TO_ONE';
  const onDelete = rest.onDelete ?? 'SET_NULL';

  if (isUnset(target)) {
    errors.push({ field: 'target', code: 'REQUIRED_OPTION', message: 'is required' });
  } else if (typeof target !== 'string') {
    errors.push({ field: 'target', code: 'INVALID_TYPE', message: 'must be a string' });
  } else if (!ctx.hasObjectType(target)) {
    const message = 'must be the apiName of a record type in the workspace';
    errors.push({ field: 'target', code: 'INVALID_OPTION', message });
  }
  checkChoice('kind', kind, RELATION_KINDS, SUPPORTED_KINDS, errors);
  checkChoice('onDelete', onDelete, ON_DELETE_ACTIONS, SUPPORTED_ON_DELETE, errors);
  if (!isUnset(inverseApiName)) {
    if (typeof inverseApiName !== 'string') {
      errors.push({ field: 'inverseApiName', code: 'INVALID_TYPE', message: 'must be a string' });
    } else if (!CAMEL_CASE.test(inverseApiName)) {
      errors.push({ field: 'inverseApiName', code: 'INVALID_OPTION', message: 'must be camelCase, such as "people"' });
    }
  }

  const normalized: Record<string, unknown> = { target, kind, onDelete };
  if (!isUnset(inverseApiName)) normalized.inverseApiName = inverseApiName;
  return { options: normalized, errors };
}

/** Parses a record id: a UUID in any case, stored lowercase so equality is plain text equality. */
export function parseRecordId(input: unknown): NormalizeResult {
  if (typeof input !== 'string') return { ok: false, code: 'INVALID_TYPE', message: 'must be a record id string' };
  if (!isUuid(input)) return { ok: false, code: 'INVALID_FORMAT', message: 'must be a record id (a UUID)' };
  return { ok: true, value: input.toLowerCase() };
}

/** The RELATION field type. */
export const relationField: FieldTypeModule = {
  type: 'RELATION',
  description: 'A link to one record of another type.',
  graphql: { value: { kind: 'reference' }, filterName: 'IDFilter' },
  sqlExpr: textExpr,
  // Ordering by a random id is meaningless; ordering by the target's fields comes with joins.
  sortable: false,
  indexable: true,
  // Unique makes it one-to-one.
  uniqueable: true,
  searchable: false,
  operators: equalityOperators('text'),
  normalizeOptions: normalizeRelationOptions,
  normalize: parseRecordId,
  valueShape: (field) => (isInverse(field) ? { kind: 'connection' } : { kind: 'reference' }),
  derivedFrom: (field) =>
    isInverse(field) ? { type: field.options.target as string, field: field.options.inverseApiName as string } : undefined,
  references: (field) => (isInverse(field) ? [] : [field.options.target as string]),
};

/** True for the derived ONE_TO_MANY side of a relation. */
function isInverse(field: FieldMeta): boolean {
  return field.options.kind === 'ONE_TO_MANY';
}
