/**
 * Types every record schema shares: the Record interface, PageInfo, Money,
 * OrderDirection, and the filter input of each field type, built from the
 * module's operators (so a new operator appears in the schema by itself).
 */
import {
  fieldType,
  ORDER_DIRECTIONS,
  pascalCase,
  type FieldMeta,
  type FieldTypeModule,
  type RecordRow,
  type ValueShape,
} from '@relata/core';
import type { Builder } from './builder.ts';
import type { addWorkspaceApi } from './workspace-api.ts';

/** The shared types of one schema build. */
export type SharedTypes = ReturnType<typeof addSharedTypes>;

/** Adds the shared types; filter inputs are created on first use. `Member` is the type of records' owners. */
export function addSharedTypes(builder: Builder, { Member }: ReturnType<typeof addWorkspaceApi>) {
  const RecordInterface = builder.interfaceRef<RecordRow>('Record').implement({
    description: 'What every record has.',
    fields: (t) => ({
      id: t.exposeID('id'),
      createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
      updatedAt: t.field({ type: 'DateTime', resolve: (r) => r.updatedAt }),
      version: t.exposeInt('version', { description: 'Increases by one with every change; pass it as expectedVersion.' }),
      deletedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.deletedAt }),
      ownerId: t.id({ nullable: true, description: 'The member who owns the record (its creator unless handed over).', resolve: (r) => r.ownerId }),
      owner: t.field({
        type: Member,
        nullable: true,
        description: 'The member who owns the record; null when nobody does (records made with an API key).',
        resolve: (r, _args, ctx) => (r.ownerId ? ctx.memberLoader.load(r.ownerId) : null),
      }),
    }),
    resolveType: (row) => pascalCase(row.type),
  });

  const PageInfo = builder
    .objectRef<{ hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null }>('PageInfo')
    .implement({
      fields: (t) => ({
        hasNextPage: t.exposeBoolean('hasNextPage'),
        hasPreviousPage: t.exposeBoolean('hasPreviousPage'),
        startCursor: t.exposeString('startCursor', { nullable: true }),
        endCursor: t.exposeString('endCursor', { nullable: true }),
      }),
    });

  const Money = builder.objectRef<{ amount: string; currency: string }>('Money').implement({
    description: 'An amount of money: a decimal string and an ISO 4217 currency code.',
    fields: (t) => ({ amount: t.exposeString('amount'), currency: t.exposeString('currency') }),
  });
  const MoneyInput = builder.inputType('MoneyInput', {
    fields: (t) => ({
      amount: t.string({ required: true, description: 'A decimal string, e.g. "12.50".' }),
      currency: t.string({ description: "ISO 4217 code; the field's defaultCurrency when omitted." }),
    }),
  });

  const LinksInput = builder.inputType('LinksInput', {
    description:
      'Changes to a to-many relation: connect adds links to these records, disconnect removes links to them, ' +
      'set replaces every link (use set alone). A record that does not exist, is deleted or has the wrong type fails the write.',
    fields: (t) => ({
      connect: t.idList({ description: 'Records to link to (already linked ones stay).' }),
      disconnect: t.idList({ description: 'Records to unlink (ones not linked are ignored).' }),
      set: t.idList({ description: 'The records to be linked to, and no others.' }),
    }),
  });

  const OrderDirection = builder.enumType('OrderDirection', {
    description: 'Sort direction; ASC puts records without a value last, DESC first, unless stated.',
    values: ORDER_DIRECTIONS,
  });

  const filters = new Map<string, ReturnType<Builder['inputRef']>>();
  const enums = new Map<string, ReturnType<Builder['enumType']>>();

  /** The per-field enum of a choice field. */
  function choiceEnum(name: string, field: FieldMeta) {
    let ref = enums.get(name);
    if (!ref) {
      const choices = (field.options.choices ?? []) as Array<{ value: string; label?: string }>;
      ref = builder.enumType(name, {
        description: `Choices of ${field.label}.`,
        values: Object.fromEntries(choices.map((c) => [c.value, { value: c.value, description: c.label }])),
      });
      enums.set(name, ref);
    }
    return ref;
  }

  /** The GraphQL type of a value of this shape (input side when `input`). */
  function valueType(shape: ValueShape, enumRef: ReturnType<typeof choiceEnum> | undefined, input: boolean) {
    switch (shape.kind) {
      case 'scalar':
        return shape.scalar;
      case 'choice':
        if (!enumRef) throw new Error('choice value without an enum');
        return enumRef;
      case 'money':
        return input ? MoneyInput : Money;
      case 'reference':
        return 'ID' as const;
    }
  }

  /** The filter input of a field: shared by name, or one per field for choices. */
  function filterInput(module: FieldTypeModule, name: string, enumRef?: ReturnType<typeof choiceEnum>) {
    let ref = filters.get(name);
    if (ref) return ref;
    ref = builder.inputRef(name);
    filters.set(name, ref);
    const operand = valueType(module.graphql.operand ?? module.graphql.value, enumRef, true);
    builder.inputType(ref, {
      description: `Conditions on a ${module.type} value; all given conditions must hold.`,
      fields: (t) =>
        Object.fromEntries(
          Object.entries(module.operators).map(([op, def]) => {
            const description = def.description;
            switch (def.operand) {
              case 'boolean':
                return [op, t.boolean({ description })];
              case 'string':
                return [op, t.string({ description })];
              case 'values':
                return [op, t.field({ type: [operand as 'String'], description })];
              default:
                return [op, t.field({ type: operand as 'String', description })];
            }
          }),
        ),
    });
    return ref;
  }

  /** The filter of the record id (IDFilter, the same input as relation fields). */
  const idFilter = () => filterInput(fieldType('RELATION'), 'IDFilter');
  const dateTimeFilter = () => filterInput(fieldType('DATETIME'), fieldType('DATETIME').graphql.filterName);

  return { RecordInterface, PageInfo, Money, MoneyInput, LinksInput, OrderDirection, choiceEnum, valueType, filterInput, idFilter, dateTimeFilter };
}
