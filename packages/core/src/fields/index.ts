/**
 * The field type registry: every field type module, by its FieldType name.
 * Adding a field type is adding a module and one line here.
 */
import { booleanField } from './boolean.ts';
import { currencyField } from './currency.ts';
import { dateField } from './date.ts';
import { datetimeField } from './datetime.ts';
import { emailField } from './email.ts';
import { integerField } from './integer.ts';
import { jsonField } from './json.ts';
import { longTextField } from './long-text.ts';
import { multiSelectField } from './multi-select.ts';
import { numberField } from './number.ts';
import { phoneField } from './phone.ts';
import { ratingField } from './rating.ts';
import { relationField } from './relation.ts';
import { selectField } from './select.ts';
import { textField } from './text.ts';
import { urlField } from './url.ts';
import type { FieldMeta, FieldTypeModule, FieldTypeName, ValueShape } from './types.ts';

export type * from './types.ts';

/** Every field type module, in the order of the API's `enum FieldType`. */
export const fieldTypes: readonly FieldTypeModule[] = [
  textField,
  longTextField,
  numberField,
  integerField,
  currencyField,
  booleanField,
  dateField,
  datetimeField,
  selectField,
  multiSelectField,
  emailField,
  phoneField,
  urlField,
  ratingField,
  jsonField,
  relationField,
];

const byName = new Map<string, FieldTypeModule>(fieldTypes.map((m) => [m.type, m]));

/** The module of a field type; throws for an unknown name (metadata validates names first). */
export function fieldType(name: FieldTypeName): FieldTypeModule {
  const module = byName.get(name);
  if (!module) throw new Error(`Unknown field type ${name}`);
  return module;
}

/** True when `name` is a known field type. */
export function isFieldTypeName(name: unknown): name is FieldTypeName {
  return typeof name === 'string' && byName.has(name);
}

/** The GraphQL shape of one field's value (its module's, or the one its options choose). */
export function valueShapeOf(field: FieldMeta): ValueShape {
  const module = fieldType(field.type);
  return module.valueShape?.(field) ?? module.graphql.value;
}

/** For the inverse side of a relation, the type and field that own it; undefined otherwise. */
export function derivedFrom(field: FieldMeta): { type: string; field: string } | undefined {
  return fieldType(field.type).derivedFrom?.(field);
}

/** The fields of a type whose values are kept in `data` (all but to-many relations). */
export function storedFields<T extends FieldMeta>(fields: readonly T[]): T[] {
  return fields.filter((f) => valueShapeOf(f).kind !== 'connection');
}
