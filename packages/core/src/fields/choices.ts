/**
 * The options of SELECT and MULTI_SELECT: `{ choices: [{ value, label, color?, position? }] }`.
 * Values become GraphQL enum values, so they follow GraphQL's name rules.
 */
import type { FieldError } from '../errors.ts';
import { asOptionsObject, isUnset, rejectUnknownKeys } from './options.ts';
import type { FieldMeta, NormalizeResult } from './types.ts';

/** One choice, normalised: `color` only when set. */
export interface Choice {
  value: string;
  label: string;
  color?: string;
  position: number;
}

/** A choice value: a GraphQL name (letters, digits, `_`), starting with a letter. */
export const CHOICE_VALUE_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

// GraphQL forbids these as enum values.
const RESERVED_VALUES = new Set(['true', 'false', 'null']);

/**
 * Validates choice options. The result has every choice complete (label defaults
 * to the value, position to the index) and ordered by position, ties by input order.
 */
export function normalizeChoiceOptions(options: unknown): { options: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const input = asOptionsObject(options, errors);
  rejectUnknownKeys(input, ['choices'], errors);
  const { choices } = input;
  if (isUnset(choices)) {
    errors.push({ field: 'choices', code: 'REQUIRED_OPTION', message: 'is required' });
    return { options: { choices: [] }, errors };
  }
  if (!Array.isArray(choices)) {
    errors.push({ field: 'choices', code: 'INVALID_TYPE', message: 'must be a list of choices' });
    return { options: { choices: [] }, errors };
  }
  if (choices.length === 0) {
    errors.push({ field: 'choices', code: 'INVALID_OPTION', message: 'must have at least one choice' });
  }

  const seen = new Set<string>();
  const normalized: Choice[] = [];
  choices.forEach((choice: unknown, index) => {
    const path = `choices.${index}`;
    const result = normalizeChoice(choice, index, path, errors);
    if (!result) return;
    if (seen.has(result.value)) {
      errors.push({ field: `${path}.value`, code: 'INVALID_OPTION', message: 'must be unique among the choices' });
    }
    seen.add(result.value);
    normalized.push(result);
  });
  // Array.prototype.sort is stable, so equal positions keep their input order.
  normalized.sort((a, b) => a.position - b.position);
  return { options: { choices: normalized }, errors };
}

function normalizeChoice(choice: unknown, index: number, path: string, errors: FieldError[]): Choice | undefined {
  if (typeof choice !== 'object' || choice === null || Array.isArray(choice)) {
    errors.push({ field: path, code: 'INVALID_TYPE', message: 'must be an object with a value' });
    return undefined;
  }
  const { value, label, color, position } = choice as Record<string, unknown>;
  const before = errors.length;
  rejectUnknownKeys(choice as Record<string, unknown>, ['value', 'label', 'color', 'position'], errors, `${path}.`);

  if (isUnset(value)) errors.push({ field: `${path}.value`, code: 'REQUIRED_OPTION', message: 'is required' });
  else if (typeof value !== 'string') {
    errors.push({ field: `${path}.value`, code: 'INVALID_TYPE', message: 'must be a string' });
  } else if (!CHOICE_VALUE_PATTERN.test(value)) {
    errors.push({
      field: `${path}.value`,
      code: 'INVALID_OPTION',
      message: 'must start with a letter and contain only letters, digits and underscores',
    });
  } else if (RESERVED_VALUES.has(value)) {
    errors.push({ field: `${path}.value`, code: 'INVALID_OPTION', message: 'must not be true, false or null' });
  }

  if (!isUnset(label) && typeof label !== 'string') {
    errors.push({ field: `${path}.label`, code: 'INVALID_TYPE', message: 'must be a string' });
  } else if (typeof label === 'string' && label.trim() === '') {
    errors.push({ field: `${path}.label`, code: 'INVALID_OPTION', message: 'must not be empty' });
  }
  if (!isUnset(color) && typeof color !== 'string') {
    errors.push({ field: `${path}.color`, code: 'INVALID_TYPE', message: 'must be a string' });
  }
  if (!isUnset(position) && typeof position !== 'number') {
    errors.push({ field: `${path}.position`, code: 'INVALID_TYPE', message: 'must be an integer' });
  } else if (!isUnset(position) && !Number.isSafeInteger(position)) {
    errors.push({ field: `${path}.position`, code: 'INVALID_OPTION', message: 'must be an integer' });
  }
  if (errors.length > before) return undefined;

  const result: Choice = {
    value: value as string,
    label: typeof label === 'string' ? label.trim() : (value as string),
    position: typeof position === 'number' ? position : index,
  };
  if (typeof color === 'string') result.color = color;
  return result;
}

/** The normalised choices of a SELECT or MULTI_SELECT field. */
export function fieldChoices(field: FieldMeta): readonly Choice[] {
  return (field.options.choices ?? []) as Choice[];
}

/** Parses one choice value of the field: it must be one of the choices, exactly. */
export function parseChoice(input: unknown, field: FieldMeta): NormalizeResult {
  if (typeof input !== 'string') return { ok: false, code: 'INVALID_TYPE', message: 'must be a choice value string' };
  const values = fieldChoices(field).map((c) => c.value);
  if (!values.includes(input)) {
    const list = values.length > 10 ? `${values.slice(0, 10).join(', ')}, ...` : values.join(', ');
    return { ok: false, code: 'NOT_A_CHOICE', message: `must be one of ${list}` };
  }
  return { ok: true, value: input };
}
