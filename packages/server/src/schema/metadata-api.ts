/**
 * The metadata API (admin only): record types and fields, exposed from their
 * Prisma models with @pothos/plugin-prisma. Every resolver is a call into core's
 * metadata service, which checks the actor and validates the change.
 */
import { fieldTypes } from '@relata/core';
import type { Builder } from './builder.ts';

/** Adds ObjectType, FieldDef, FieldType and the metadata queries and mutations. */
export function addMetadataApi(builder: Builder): void {
  const FieldType = builder.enumType('FieldType', {
    description: 'The type of a field.',
    values: Object.fromEntries(fieldTypes.map((m) => [m.type, { description: m.description }])),
  });

  builder.prismaObject('FieldDef', {
    description: 'A field of a record type.',
    fields: (t) => ({
      id: t.exposeID('id'),
      apiName: t.exposeString('apiName'),
      label: t.exposeString('label'),
      description: t.exposeString('description', { nullable: true }),
      type: t.field({ type: FieldType, resolve: (f) => f.type as (typeof fieldTypes)[number]['type'] }),
      required: t.exposeBoolean('required'),
      unique: t.exposeBoolean('unique'),
      indexed: t.exposeBoolean('indexed'),
      searchable: t.exposeBoolean('searchable'),
      defaultValue: t.field({ type: 'JSON', nullable: true, resolve: (f) => f.defaultValue }),
      options: t.field({ type: 'JSON', resolve: (f) => f.options }),
      source: t.exposeString('source'),
    }),
  });

  builder.prismaObject('ObjectType', {
    description: 'A record type: its names and its fields.',
    fields: (t) => ({
      id: t.exposeID('id'),
      apiName: t.exposeString('apiName'),
      pluralApiName: t.exposeString('pluralApiName'),
      label: t.exposeString('label'),
      description: t.exposeString('description', { nullable: true }),
      source: t.exposeString('source'),
      fields: t.relation('fields', { query: { orderBy: [{ position: 'asc' }, { apiName: 'asc' }] } }),
    }),
  });

  const ObjectTypeInput = builder.inputType('ObjectTypeInput', {
    fields: (t) => ({
      apiName: t.string({ required: true, description: 'camelCase name, e.g. "invoice"; the GraphQL type is its PascalCase.' }),
      pluralApiName: t.string({ required: true, description: 'Name of the list query, e.g. "invoices".' }),
      label: t.string(),
      description: t.string(),
    }),
  });
  const ObjectTypeUpdateInput = builder.inputType('ObjectTypeUpdateInput', {
    fields: (t) => ({ pluralApiName: t.string(), label: t.string(), description: t.string() }),
  });
  const FieldInput = builder.inputType('FieldInput', {
    fields: (t) => ({
      apiName: t.string({ required: true, description: 'camelCase name, e.g. "dueDate".' }),
      label: t.string({ description: 'Shown to people; derived from apiName when omitted.' }),
      type: t.field({ type: FieldType, required: true }),
      required: t.boolean(),
      unique: t.boolean({ description: 'Enforced by a unique index for this type and field.' }),
      indexed: t.boolean({ description: 'Adds an index for fast filtering and sorting.' }),
      searchable: t.boolean(),
      defaultValue: t.field({ type: 'JSON' }),
      options: t.field({ type: 'JSON', description: 'Options of the field type (see the field types docs).' }),
      description: t.string(),
    }),
  });
  const FieldUpdateInput = builder.inputType('FieldUpdateInput', {
    fields: (t) => ({
      label: t.string(),
      type: t.field({ type: FieldType, description: 'Refused unless every stored value is valid for the new type.' }),
      required: t.boolean(),
      unique: t.boolean(),
      indexed: t.boolean(),
      searchable: t.boolean(),
      defaultValue: t.field({ type: 'JSON' }),
      options: t.field({ type: 'JSON' }),
      description: t.string(),
    }),
  });

  builder.queryFields((t) => ({
    objectTypes: t.prismaField({
      type: ['ObjectType'],
      description: 'Every record type of the workspace (admin).',
      resolve: (query, _root, _args, ctx) => ctx.engine.metadata.findObjectTypes(ctx.actor, query),
    }),
    objectType: t.prismaField({
      type: 'ObjectType',
      nullable: true,
      args: { apiName: t.arg.string({ required: true }) },
      resolve: (query, _root, args, ctx) => ctx.engine.metadata.findObjectType(ctx.actor, args.apiName, query),
    }),
  }));

  builder.mutationFields((t) => ({
    createObjectType: t.prismaField({
      type: 'ObjectType',
      args: { input: t.arg({ type: ObjectTypeInput, required: true }) },
      resolve: (query, _root, args, ctx) => ctx.engine.metadata.createObjectType(ctx.actor, args.input, query),
    }),
    updateObjectType: t.prismaField({
      type: 'ObjectType',
      args: { apiName: t.arg.string({ required: true }), input: t.arg({ type: ObjectTypeUpdateInput, required: true }) },
      resolve: (query, _root, args, ctx) => ctx.engine.metadata.updateObjectType(ctx.actor, args.apiName, args.input, query),
    }),
    deleteObjectType: t.boolean({
      args: { apiName: t.arg.string({ required: true }), force: t.arg.boolean() },
      description: 'Deletes a record type; one with records needs force: true, which destroys them.',
      resolve: (_root, args, ctx) => ctx.engine.metadata.deleteObjectType(ctx.actor, args.apiName, { force: args.force ?? false }),
    }),
    createField: t.prismaField({
      type: 'FieldDef',
      args: { objectType: t.arg.string({ required: true }), input: t.arg({ type: FieldInput, required: true }) },
      resolve: (query, _root, args, ctx) => ctx.engine.metadata.createField(ctx.actor, args.objectType, args.input, query),
    }),
    updateField: t.prismaField({
      type: 'FieldDef',
      args: {
        objectType: t.arg.string({ required: true }),
        apiName: t.arg.string({ required: true }),
        input: t.arg({ type: FieldUpdateInput, required: true }),
      },
      resolve: (query, _root, args, ctx) => ctx.engine.metadata.updateField(ctx.actor, args.objectType, args.apiName, args.input, query),
    }),
    deleteField: t.boolean({
      args: { objectType: t.arg.string({ required: true }), apiName: t.arg.string({ required: true }), force: t.arg.boolean() },
      description: 'Deletes a field; one that holds values needs force: true, which removes them.',
      resolve: (_root, args, ctx) =>
        ctx.engine.metadata.deleteField(ctx.actor, args.objectType, args.apiName, { force: args.force ?? false }),
    }),
  }));
}
