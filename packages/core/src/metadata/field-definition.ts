/**
 * Validates and normalises a field definition (on create, and on update merged
 * with the stored definition): its type, flags, options and default value.
 */
import { FieldErrorCollector } from '../errors.ts';
import { fieldType, isFieldTypeName } from '../fields/index.ts';
import type { FieldMeta, OptionsContext } from '../fields/types.ts';
import { checkApiName } from './names.ts';

/** A field definition as an admin writes it. */
export interface FieldInput {
  apiName: string;
  label?: string | null;
  description?: string | null;
  type: string;
  required?: boolean | null;
  unique?: boolean | null;
  indexed?: boolean | null;
  searchable?: boolean | null;
  defaultValue?: unknown;
  options?: unknown;
}

/** `firstName` → `First name`. */
export function labelFromApiName(apiName: string): string {
  const words = apiName.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Resolves `input` into a complete field definition (without id, source, position).
 * Errors are collected under `path` (`input`), all at once.
 */
export function resolveFieldDefinition(
  input: FieldInput,
  ctx: OptionsContext,
  errors: FieldErrorCollector,
  path = 'input',
): Omit<FieldMeta, 'id' | 'source' | 'position'> | null {
  const nameProblem = checkApiName(input.apiName, 'field');
  if (nameProblem) errors.add(`${path}.apiName`, nameProblem.code, nameProblem.message);
  if (!isFieldTypeName(input.type)) {
    errors.add(`${path}.type`, 'INVALID_VALUE', `"${String(input.type)}" is not a field type`);
    return null;
  }
  const module = fieldType(input.type);
  const flags = {
    required: input.required ?? false,
    unique: input.unique ?? false,
    indexed: input.indexed ?? false,
    searchable: input.searchable ?? false,
  };
  if (flags.unique && !module.uniqueable) {
    errors.add(`${path}.unique`, 'UNSUPPORTED', `${module.type} fields cannot be unique`);
  }
  if (flags.indexed && !module.indexable) {
    errors.add(`${path}.indexed`, 'UNSUPPORTED', `${module.type} fields cannot be indexed`);
  }
  if (flags.searchable && !module.searchable) {
    errors.add(`${path}.searchable`, 'UNSUPPORTED', `${module.type} fields cannot be searchable`);
  }
  const resolvedOptions = module.normalizeOptions(input.options ?? {}, ctx);
  for (const e of resolvedOptions.errors) {
    errors.add(e.field === '' ? `${path}.options` : `${path}.options.${e.field}`, e.code, e.message);
  }
  const label = typeof input.label === 'string' && input.label.trim() ? input.label.trim() : labelFromApiName(input.apiName ?? '');
  const field: Omit<FieldMeta, 'id' | 'source' | 'position'> = {
    apiName: input.apiName,
    label,
    description: input.description ?? null,
    type: module.type,
    ...flags,
    defaultValue: null,
    options: resolvedOptions.options,
  };
  if (input.defaultValue !== undefined && input.defaultValue !== null) {
    if (module.references) {
      errors.add(`${path}.defaultValue`, 'UNSUPPORTED', `${module.type} fields cannot have a default value`);
    } else if (flags.unique) {
      errors.add(`${path}.defaultValue`, 'UNSUPPORTED', 'a unique field cannot have a default value');
    } else if (resolvedOptions.errors.length === 0) {
      const result = module.normalize(input.defaultValue, { ...field, id: '', source: '', position: 0 });
      if (result.ok) field.defaultValue = result.value;
      else errors.add(`${path}.defaultValue`, result.code, result.message);
    }
  }
  return field;
}
