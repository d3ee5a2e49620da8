/**
 * RELATION. Three kinds, two sides each (the API contract's options:
 * `{ target | targets, kind, inverseApiName, onDelete }`):
 * - MANY_TO_ONE (`person.company`): the id of one record, kept in `data` like any
 *   value (`companyId` in inputs and filters). Polymorphic with `targets` (a note's
 *   `parent`: a company or a person). Its inverse is a ONE_TO_MANY field on each
 *   target (`company.people`), derived: nothing is stored for it.
 * - MANY_TO_MANY (`opportunity.contacts` ↔ `person.opportunities`): links kept in
 *   `record_link`, once, under the side that was created (the owner); the other side
 *   (`inverse: true` in its options) reads the same rows from the other end.
 * The metadata service creates the inverse sides with the field (relation-pairs.ts).
 * `onDelete` (SET_NULL, CASCADE, RESTRICT) applies to to-one links: it says what
 * deleting the target does to the records that name it.
 */
import { isUuid } from '../ids.ts';
import type { FieldError } from '../errors.ts';
import { equalityOperators, textExpr } from './operators.ts';
import { asOptionsObject, isUnset, rejectUnknownKeys } from './options.ts';
import type { FieldMeta, FieldTypeModule, NormalizeResult, OptionsContext, ValueShape } from './types.ts';

/** Relation kinds of the API contract. */
export const RELATION_KINDS = ['MANY_TO_ONE', 'ONE_TO_MANY', 'MANY_TO_MANY'] as const;
/** Delete behaviours of the API contract. */
export const ON_DELETE_ACTIONS = ['SET_NULL', 'CASCADE', 'RESTRICT'] as const;
/** Most target types of a polymorphic relation. */
export const MAX_RELATION_TARGETS = 10;

/**
 * How a relation field links records, from its options alone:
 * - `toOne`: the field's value is the id of a record of one of `targets`;
 * - `inverse`: records of `target` whose to-one field `via` names this record;
 * - `links`: records of `target` linked through `record_link` rows; `owner` is true
 *   on the side the rows are stored under, `via` names the other side.
 */
export type RelationShape =
  | { kind: 'toOne'; targets: string[]; onDelete: string }
  | { kind: 'inverse'; target: string; via: string }
  | { kind: 'links'; target: string; owner: boolean; via: string };

/** The shape of a RELATION field (from normalised options). */
export function relationShape(field: FieldMeta): RelationShape {
  const o = field.options;
  if (o.kind === 'ONE_TO_MANY') return { kind: 'inverse', target: o.target as string, via: o.inverseApiName as string };
  if (o.kind === 'MANY_TO_MANY') {
    return { kind: 'links', target: o.target as string, owner: o.inverse !== true, via: o.inverseApiName as string };
  }
  const targets = Array.isArray(o.targets) ? (o.targets as string[]) : [o.target as string];
  return { kind: 'toOne', targets, onDelete: (o.onDelete as string | undefined) ?? 'SET_NULL' };
}

const CAMEL_CASE = /^[a-z][A-Za-z0-9]*$/;

function checkChoice(path: string, value: unknown, all: readonly string[], errors: FieldError[]): void {
  if (typeof value !== 'string') errors.push({ field: path, code: 'INVALID_TYPE', message: 'must be a string' });
  else if (!all.includes(value)) errors.push({ field: path, code: 'INVALID_OPTION', message: `must be one of ${all.join(', ')}` });
}

function checkTarget(path: string, target: unknown, ctx: OptionsContext, errors: FieldError[]): void {
  if (typeof target !== 'string') {
    errors.push({ field: path, code: 'INVALID_TYPE', message: 'must be a string' });
  } else if (!ctx.hasObjectType(target)) {
    errors.push({ field: path, code: 'INVALID_OPTION', message: 'must be the apiName of a record type in the workspace' });
  }
}

function normalizeRelationOptions(options: unknown, ctx: OptionsContext): { options: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const input = asOptionsObject(options, errors);
  rejectUnknownKeys(input, ['target', 'targets', 'kind', 'inverseApiName', 'onDelete', 'inverse'], errors);
  const { target, targets, inverseApiName } = input;
  const kind = input.kind ?? 'MANY_TO_ONE';
  const onDelete = input.onDelete ?? 'SET_NULL';
  checkChoice('kind', kind, RELATION_KINDS, errors);
  checkChoice('onDelete', onDelete, ON_DELETE_ACTIONS, errors);

  if (!isUnset(targets)) {
    if (!isUnset(target)) errors.push({ field: 'targets', code: 'INVALID_OPTION', message: 'give target or targets, not both' });
    if (kind !== 'MANY_TO_ONE') {
      errors.push({ field: 'targets', code: 'UNSUPPORTED', message: 'several target types are for MANY_TO_ONE relations' });
    }
    if (!Array.isArray(targets) || targets.length === 0) {
      errors.push({ field: 'targets', code: 'INVALID_TYPE', message: 'must be a non-empty list of record type apiNames' });
    } else if (targets.length > MAX_RELATION_TARGETS) {
      errors.push({ field: 'targets', code: 'TOO_LONG', message: `must have at most ${MAX_RELATION_TARGETS} types` });
    } else {
      targets.forEach((t, i) => checkTarget(`targets.${i}`, t, ctx, errors));
      if (new Set(targets).size !== targets.length) errors.push({ field: 'targets', code: 'DUPLICATE', message: 'names a type twice' });
    }
  } else if (isUnset(target)) {
    errors.push({ field: 'target', code: 'REQUIRED_OPTION', message: 'is required' });
  } else {
    checkTarget('target', target, ctx, errors);
  }
  if (kind === 'MANY_TO_MANY' && onDelete !== 'SET_NULL') {
    const message = 'must be SET_NULL for MANY_TO_MANY: a deleted record leaves its links (deleting for good removes them)';
    errors.push({ field: 'onDelete', code: 'UNSUPPORTED', message });
  }
  if (!isUnset(inverseApiName)) {
    if (typeof inverseApiName !== 'string') {
      errors.push({ field: 'inverseApiName', code: 'INVALID_TYPE', message: 'must be a string' });
    } else if (!CAMEL_CASE.test(inverseApiName)) {
      errors.push({ field: 'inverseApiName', code: 'INVALID_OPTION', message: 'must be camelCase, such as "people"' });
    }
  }

  const normalized: Record<string, unknown> = isUnset(targets) ? { target, kind, onDelete } : { targets, kind, onDelete };
  if (!isUnset(inverseApiName)) normalized.inverseApiName = inverseApiName;
  if (input.inverse === true) normalized.inverse = true;
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
  description: 'A link to records of another type: to one (MANY_TO_ONE), or to many (ONE_TO_MANY, MANY_TO_MANY).',
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
  valueShape: (field): ValueShape => (relationShape(field).kind === 'toOne' ? { kind: 'reference' } : { kind: 'connection' }),
  derivedFrom: (field) => {
    const shape = relationShape(field);
    const derived = shape.kind === 'inverse' || (shape.kind === 'links' && !shape.owner);
    return derived ? { type: field.options.target as string, field: field.options.inverseApiName as string } : undefined;
  },
  references: (field) => {
    const shape = relationShape(field);
    return shape.kind === 'toOne' ? shape.targets : [];
  },
};

/** The record types a field links to (none for other field types). */
export function relationTargets(field: FieldMeta): string[] {
  if (field.type !== 'RELATION') return [];
  const shape = relationShape(field);
  return shape.kind === 'toOne' ? shape.targets : [shape.target];
}
