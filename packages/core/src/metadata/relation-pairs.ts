/**
 * The sides of a relation. Creating a relation field creates its inverse side(s)
 * in the same change: a MANY_TO_ONE `person.company` gets a ONE_TO_MANY
 * `company.people` on its target (one per target when polymorphic), a
 * MANY_TO_MANY `opportunity.contacts` gets `person.opportunities` (marked
 * `inverse: true`). Deleting any side deletes them all. Inverse sides store
 * nothing of their own: they read the owner's values (or `record_link` rows).
 */
import type { FieldErrorCollector } from '../errors.ts';
import { derivedFrom } from '../fields/index.ts';
import { relationShape } from '../fields/relation.ts';
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
 * For a new relation field: refuses sides that are only ever created as inverses,
 * completes the field's options (the inverse's name; an index for a to-one's
 * lookups) and returns the inverse side(s) to create, each on its type.
 */
export function inverseFieldsFor(
  current: WorkspaceMetadata,
  type: ObjectTypeMeta,
  field: FieldMeta,
  errors: FieldErrorCollector,
): Array<{ typeId: string; field: FieldMeta }> {
  if (field.type !== 'RELATION') return [];
  if (field.options.kind === 'ONE_TO_MANY') {
    errors.add(
      'input.options.kind',
      'UNSUPPORTED',
      'a ONE_TO_MANY side is created with its MANY_TO_ONE field: create that one, naming this side in inverseApiName',
    );
    return [];
  }
  if (field.options.inverse === true) {
    errors.add('input.options.inverse', 'UNSUPPORTED', 'is set by Relata on the inverse side it creates; leave it out');
    return [];
  }
  const shape = relationShape(field);
  if (shape.kind === 'links') {
    // Nothing of a MANY_TO_MANY is in `data`: there is no value to require or index.
    for (const flag of ['required', 'unique', 'indexed'] as const) {
      if (field[flag]) errors.add(`input.${flag}`, 'UNSUPPORTED', 'does not apply to a MANY_TO_MANY relation');
    }
    if (errors.hasErrors) return [];
  }
  const targets = shape.kind === 'toOne' ? shape.targets : [field.options.target as string];
  const inverseApiName = (field.options.inverseApiName as string | undefined) ?? type.pluralApiName;
  const problem = checkApiName(inverseApiName, 'field');
  if (problem) {
    errors.add('input.options.inverseApiName', problem.code, `${inverseApiName} ${problem.message}`);
    return [];
  }
  const inverses: Array<{ typeId: string; field: FieldMeta }> = [];
  for (const targetName of targets) {
    const target = current.get(targetName);
    const selfInverse = target.id === type.id && inverseApiName === field.apiName;
    if (selfInverse || target.fields.some((f) => f.apiName === inverseApiName)) {
      errors.add(
        'input.options.inverseApiName',
        'ALREADY_EXISTS',
        `"${target.apiName}" already has a field "${inverseApiName}"; name the inverse with options.inverseApiName`,
      );
      continue;
    }
    const siblings = target.id === type.id ? [...target.fields, field] : target.fields;
    const kind = shape.kind === 'toOne' ? 'ONE_TO_MANY' : 'MANY_TO_MANY';
    inverses.push({
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
        options: {
          target: type.apiName,
          kind,
          inverseApiName: field.apiName,
          onDelete: field.options.onDelete,
          ...(kind === 'MANY_TO_MANY' ? { inverse: true } : {}),
        },
        source: field.source,
        position: nextPosition(siblings),
      },
    });
  }
  field.options = { ...field.options, inverseApiName };
  // The inverse of a to-one looks records up by its value.
  if (shape.kind === 'toOne' && !field.unique) field.indexed = true;
  return inverses;
}

/** A type and one of its fields. */
export interface TypeField {
  type: ObjectTypeMeta;
  field: FieldMeta;
}

/** The side owning a relation (itself when `field` is not an inverse), if it exists. */
export function relationOwner(current: WorkspaceMetadata, type: ObjectTypeMeta, field: FieldMeta): TypeField | null {
  if (field.type !== 'RELATION') return null;
  const origin = derivedFrom(field);
  if (!origin) return { type, field };
  const owner = current.find(origin.type);
  const link = owner?.fields.find((f) => f.apiName === origin.field);
  return owner && link ? { type: owner, field: link } : null;
}

/** The inverse sides of an owning relation field. */
export function relationInverses(current: WorkspaceMetadata, owner: TypeField): TypeField[] {
  const shape = relationShape(owner.field);
  const targets = shape.kind === 'toOne' ? shape.targets : shape.kind === 'links' ? [shape.target] : [];
  return targets.flatMap((name) => {
    const target = current.find(name);
    const inverse = target?.fields.find((f) => {
      const back = derivedFrom(f);
      return back?.type === owner.type.apiName && back.field === owner.field.apiName;
    });
    return target && inverse ? [{ type: target, field: inverse }] : [];
  });
}

/** Every side of the relation `field` belongs to, owner first; empty for other fields and one-sided relations. */
export function relationSides(current: WorkspaceMetadata, type: ObjectTypeMeta, field: FieldMeta): TypeField[] {
  const owner = relationOwner(current, type, field);
  if (!owner) return [];
  const inverses = relationInverses(current, owner);
  return inverses.length === 0 ? [] : [owner, ...inverses];
}
