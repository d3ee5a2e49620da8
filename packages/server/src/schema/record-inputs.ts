/**
 * A record type's inputs: its filter and order, the create and update inputs
 * (to-one relations by id, `companyId`; to-many ones as `{ connect, disconnect,
 * set }`), the items of bulk updates and the unique match of upserts.
 */
import { choiceTypeNames, fieldType, operationNames, referenceInputName, storedFields, typeNames, valueShapeOf, type FieldMeta } from '@relata/core';
import type { Builder } from './builder.ts';
import { renameKeys } from './graphql-names.ts';
import type { RecordTypeContext } from './record-refs.ts';

type InputFieldBuilder = Parameters<Parameters<Builder['inputType']>[1]['fields']>[0];

/**
 * Implements the filter and order inputs of `ctx.type`. The filter also goes
 * through relations: a to-one with one target type by the target's filter
 * (`company: CompanyFilter`, next to `companyId: IDFilter`; a polymorphic one only
 * by id), a to-many by the target's `<Target>ListRelationFilter` (`some`, `every`,
 * `none`). That input exists only for types some to-many relation points at.
 */
export function addRecordFilter(ctx: RecordTypeContext): void {
  const { builder, metadata, type, shared, refs, own, enumOf } = ctx;
  const apiName = type.apiName;
  const Filter = own.filter;
  builder.inputType(Filter, {
    description: `Conditions on ${type.pluralApiName}: one key per field, combined with and, or and not.`,
    fields: (t) => {
      const fields: Record<string, ReturnType<typeof t.field>> = {
        id: t.field({ type: shared.idFilter() }),
        ownerId: t.field({ type: shared.idFilter(), description: 'The owner: a member id; isNull for records nobody owns.' }),
        createdAt: t.field({ type: shared.dateTimeFilter() }),
        updatedAt: t.field({ type: shared.dateTimeFilter() }),
      };
      for (const field of type.fields) {
        const module = fieldType(field.type);
        const shape = valueShapeOf(field);
        if (shape.kind === 'connection') {
          const targetType = metadata.find(String(field.options.target));
          const target = targetType && refs.get(targetType.apiName);
          if (target) {
            fields[field.apiName] = t.field({
              type: target.listRelationFilter,
              description: `Conditions on the related ${targetType.pluralApiName}: some, every or none of them match.`,
            });
          }
        } else if (shape.kind === 'reference') {
          fields[referenceInputName(field.apiName)] = t.field({ type: shared.filterInput(module, module.graphql.filterName) });
          const targets = module.references?.(field) ?? [];
          const target = targets.length === 1 ? refs.get(targets[0]!) : undefined;
          if (target) {
            fields[field.apiName] = t.field({ type: target.filter, description: `The related ${targets[0]} matches (never a deleted one).` });
          }
        } else if (shape.kind === 'choice') {
          fields[field.apiName] = t.field({ type: shared.filterInput(module, choiceTypeNames(apiName, field.apiName).filter, enumOf(field)) });
        } else {
          fields[field.apiName] = t.field({ type: shared.filterInput(module, module.graphql.filterName) });
        }
      }
      fields.and = t.field({ type: [Filter], description: 'Every filter matches.' });
      fields.or = t.field({ type: [Filter], description: 'At least one filter matches.' });
      fields.not = t.field({ type: Filter, description: 'The filter does not match.' });
      return fields;
    },
  });
  const targeted = metadata.objectTypes.some((other) =>
    other.fields.some((f) => valueShapeOf(f).kind === 'connection' && f.options.target === apiName),
  );
  if (targeted) {
    builder.inputType(own.listRelationFilter, {
      description: `Conditions on a list of related ${type.pluralApiName} (deleted ones never count).`,
      fields: (t) => ({
        some: t.field({ type: Filter, description: `At least one related ${apiName} matches.` }),
        every: t.field({
          type: Filter,
          description: `No related ${apiName} fails to match (true when there is none; a missing value fails).`,
        }),
        none: t.field({ type: Filter, description: `No related ${apiName} matches.` }),
      }),
    });
  }
  builder.inputType(own.orderBy, {
    description: 'One field to order by, e.g. { createdAt: DESC }; id breaks ties.',
    fields: (t) => {
      const fields: Record<string, ReturnType<typeof t.field>> = {
        id: t.field({ type: shared.OrderDirection }),
        createdAt: t.field({ type: shared.OrderDirection }),
        updatedAt: t.field({ type: shared.OrderDirection }),
      };
      for (const field of storedFields(type.fields)) {
        if (fieldType(field.type).sortable) fields[field.apiName] = t.field({ type: shared.OrderDirection });
      }
      return fields;
    },
  });
}

/** Implements the write inputs of `ctx.type`; returns them and the mapping of an input to the engine's names. */
export function addRecordWriteInputs(ctx: RecordTypeContext) {
  const { builder, type, shared, own, enumOf } = ctx;
  const names = typeNames(type.apiName);
  const ops = operationNames(type.apiName, type.pluralApiName);

  const inputField = (t: InputFieldBuilder, field: FieldMeta, isCreate: boolean) => {
    const module = fieldType(field.type);
    const shape = valueShapeOf(field);
    const required = isCreate && field.required && field.defaultValue === null;
    const notes = [field.description, required ? 'Required.' : undefined].filter(Boolean);
    const description = notes.length ? notes.join(' ') : undefined;
    if (shape.kind === 'connection') return [field.apiName, t.field({ type: shared.LinksInput, description })] as const;
    if (shape.kind === 'reference') return [referenceInputName(field.apiName), t.field({ type: 'ID', description })] as const;
    const gqlType = shared.valueType(shape, enumOf(field), true);
    return [field.apiName, t.field({ type: (module.graphql.list ? [gqlType] : gqlType) as 'String', description })] as const;
  };
  // The fields the actor may write, and the owner.
  const writable = type.fields.filter((field) => ctx.access.writable(field));
  const inputFields = (isCreate: boolean) => (t: InputFieldBuilder) => ({
    ...Object.fromEntries(writable.map((field) => inputField(t, field, isCreate))),
    ownerId: t.id({
      description: isCreate
        ? 'The member who owns the record; you when omitted (an API key: nobody). Only roles with create: all may name another member.'
        : 'Hands the record to another member (null: nobody). Only roles with update: all may give a record away.',
    }),
  });
  const CreateInput = builder.inputRef<object>(names.createInput);
  builder.inputType(CreateInput, {
    description: 'Field values of a new record. Every failing field is reported at once.',
    fields: inputFields(true),
  });
  const UpdateInput = builder.inputRef<object>(names.updateInput);
  builder.inputType(UpdateInput, {
    description: 'Fields to change; omitted fields keep their value, null clears one.',
    fields: inputFields(false),
  });
  const UpdateItem = builder.inputType(names.updateItem, {
    description: `One record of ${ops.updateMany}: its id, the fields to change, and optionally the version you read.`,
    fields: (t) => ({
      id: t.id({ required: true }),
      input: t.field({ type: UpdateInput, required: true }),
      expectedVersion: t.int(),
    }),
  });
  const uniqueFields = type.fields.filter((f) => f.unique);
  const UniqueMatch =
    uniqueFields.length === 0
      ? undefined
      : builder.inputType(names.uniqueMatch, {
          description: 'Exactly one unique field and its value, naming the record to update or create.',
          fields: (t) => Object.fromEntries(uniqueFields.map((field) => inputField(t, { ...field, description: null }, false))),
        });
  /** An input in the engine's names (`companyId` → `company`). */
  const toInput = (input: Record<string, unknown>) => renameKeys(input, own.renames) as Record<string, unknown>;
  return { CreateInput, UpdateInput, UpdateItem, UniqueMatch, toInput };
}
