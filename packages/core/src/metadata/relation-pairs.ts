/**
 * The two sides of a relation. Creating a MANY_TO_ONE field (`person.company`)
 * creates its ONE_TO_MANY inverse on the target (`company.people`) in the same
 * change; deleting either side deletes both. The inverse stores nothing: its
 * records are those whose MANY_TO_ONE field names the parent.
 */
import type { FieldErrorCollector } from '../errors.ts';
import { derivedFrom } from '../fields/index.ts';
import type { FieldMeta } from '../fields/types.ts';
import { labelFromApiName } from './field-definition.ts';
import { checkApiName } from './names.ts';
import type { ObjectTypeMeta, WorkspaceMetadata } from './workspace-metadata.ts';
import { newId } from '../ids.ts';

/** The next free position among `fields`. */
export function nextPosition(fields: readonly FieldMeta[]): number {
  return fields.reduce((max, f) => Math.max(max, f.position + 1), 0);
}

/**
 * For a new relation field: refuses a directly created ONE_TO_MANY, and for a
 * MANY_TO_ONE completes its options (the inverse's name, an index for the inverse's
 * lookups) and returns the inverse to create, on the target type.
 */
export function inverseFieldFor(
  current: WorkspaceMetadata,
  type: ObjectTypeMeta,
  field: FieldMeta,
  errors: FieldErrorCollector,
): { typeId: string; field: FieldMeta } | null {
  if (field.type !== 'RELATION') return null;
  if (field.options.kind === 'ONE_TO_MANY') {
    errors.add(
      'input.options.kind',
      'UNSUPPORTED',
      'a ONE_TO_MANY side is created with its MANY_TO_ONE field: create that one, naming this side in inverseApiName',
    );
    return null;
  }
  if (field.options.kind !== 'MANY_TO_ONE') return null;
  const target = current.get(field.options.target as string);
  const inverseApiName = (field.options.inverseApiName as string | undefined) ?? type.pluralApiName;
  const problem = checkApiName(inverseApiName, 'field');
  if (problem) {
    errors.add('input.options.inverseApiName', problem.code, `${inverseApiName} ${problem.message}`);
    return null;
  }
  if (target.fields.some((f) => f.apiName === inverseApiName)) {
    errors.add(
      'input.options.inverseApiName',
      'ALREADY_EXISTS',
      `"${target.apiName}" already has a field "${inverseApiName}"; name the inverse with options.inverseApiName`,
    );
    return null;
  }
  field.options = { ...field.options, inverseApiName };
  // The inverse looks records up by this field's value.
  if (!field.unique) field.indexed = true;
  const siblings = target.id === type.id ? [...target.fields, field] : target.fields;
  return {
    typeId: target.id,
    field: {
      id: newId(),
      apiName: inverseApiName,
      label: labelFromApiName(inverseApiName),
      description: null,
      type: 'RELATION',
      required: false,
      unique: false,
      indexed: false,
      searchable: false,
      defaultValue: null,
      options: { target: type.apiName, kind: 'ONE_TO_MANY', inverseApiName: field.apiName, onDelete: field.options.onDelete },
      source: field.source,
      position: nextPosition(siblings),
    },
  };
}

/** The other side of a relation field, if it has one. */
export function relationPair(
  current: WorkspaceMetadata,
  type: ObjectTypeMeta,
  field: FieldMeta,
): { type: ObjectTypeMeta; field: FieldMeta } | null {
  if (field.type !== 'RELATION') return null;
  const origin = derivedFrom(field);
  if (origin) {
    const other = current.find(origin.type);
    const link = other?.fields.find((f) => f.apiName === origin.field);
    return other && link ? { type: other, field: link } : null;
  }
  const target = current.find(field.options.target as string);
  const inverse = target?.fields.find((f) => {
    const back = derivedFrom(f);
    return back?.type === type.apiName && back.field === field.apiName;
  });
  return target && inverse ? { type: target, field: inverse } : null;
}
