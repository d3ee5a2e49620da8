/**
 * The API of each record type, generated from its metadata with exactly the names
 * and shapes of the contract (API.md): `invoice`, `invoices`, `createInvoice`,
 * `updateInvoice`, `deleteInvoice`, `restoreInvoice`, `destroyInvoice`, and the
 * Invoice, InvoiceConnection, InvoiceFilter, InvoiceOrderBy and input types.
 * Resolvers are thin calls into core's record service.
 */
import {
  choiceTypeNames,
  derivedFrom,
  fieldType,
  operationNames,
  referenceInputName,
  storedFields,
  typeNames,
  valueShapeOf,
  type FieldMeta,
  type ListArgs,
  type ObjectTypeMeta,
  type RecordPage,
  type RecordRow,
  type WorkspaceMetadata,
} from '@relata/core';
import type { GraphQLResolveInfo } from 'graphql';
import type { ArgBuilder as PothosArgBuilder } from '@pothos/core';
import type { Builder, BuilderTypes } from './builder.ts';
import { renameErrorFields, renameKeys, type Renames } from './graphql-names.ts';
import { selectsField } from './selection.ts';
import type { SharedTypes } from './shared-types.ts';

/**
 * References to a type's object, connection, filter and order inputs, made before
 * any type is implemented, so relations can point at each other in any order.
 */
function typeRefs(builder: Builder, type: ObjectTypeMeta) {
  const names = typeNames(type.apiName);
  return {
    object: builder.objectRef<RecordRow>(names.object),
    connection: builder.objectRef<RecordPage>(names.connection),
    filter: builder.inputRef<object>(names.filter),
    orderBy: builder.inputRef<object>(names.orderBy),
    /** GraphQL key → engine key of the type's reference fields (`companyId` → `company`). */
    renames: new Map(
      storedFields(type.fields)
        .filter((f) => valueShapeOf(f).kind === 'reference')
        .map((f) => [referenceInputName(f.apiName), f.apiName]),
    ) as Renames,
  };
}
type TypeRefs = ReturnType<typeof typeRefs>;

/** The arguments of every list: the root query and each nested connection. */
function listArgs(arg: ArgBuilder, refs: TypeRefs) {
  return {
    filter: arg({ type: refs.filter }),
    orderBy: arg({ type: [refs.orderBy] }),
    first: arg.int(),
    after: arg.string(),
    last: arg.int(),
    before: arg.string(),
  };
}
type ArgBuilder = PothosArgBuilder<PothosSchemaTypes.ExtendDefaultTypes<BuilderTypes>>;

/** The engine's list arguments from a list field's GraphQL arguments. */
function toListArgs(args: Record<string, unknown>, refs: TypeRefs, info: GraphQLResolveInfo): ListArgs {
  return {
    filter: renameKeys(args.filter, refs.renames, true) as Record<string, unknown> | null,
    orderBy: args.orderBy as ListArgs['orderBy'],
    first: args.first as number | null,
    after: args.after as string | null,
    last: args.last as number | null,
    before: args.before as string | null,
    includeDeleted: args.includeDeleted as boolean | null,
    totalCount: selectsField(info, 'totalCount'),
  };
}

/** Adds the API of every record type in `metadata`. */
export function addRecordApi(builder: Builder, metadata: WorkspaceMetadata, shared: SharedTypes): void {
  const refs = new Map(metadata.objectTypes.map((type) => [type.apiName, typeRefs(builder, type)]));
  for (const type of metadata.objectTypes) addRecordType(builder, type, shared, refs);
}

function addRecordType(builder: Builder, type: ObjectTypeMeta, shared: SharedTypes, refs: Map<string, TypeRefs>) {
  const names = typeNames(type.apiName);
  const ops = operationNames(type.apiName, type.pluralApiName);
  const apiName = type.apiName;
  const own = refs.get(apiName)!;
  const renames = own.renames;
  const stored = storedFields(type.fields);
  const inGraphqlNames = <T>(promise: Promise<T>) => promise.catch((error: unknown) => Promise.reject(renameErrorFields(error, renames)));
  const enumOf = (field: FieldMeta) =>
    fieldType(field.type).graphql.value.kind === 'choice' ? shared.choiceEnum(choiceTypeNames(apiName, field.apiName).enum, field) : undefined;

  // ── Output type ──────────────────────────────────────────────────────────
  const Obj = own.object;
  builder.objectType(Obj, {
    description: type.description ?? undefined,
    interfaces: [shared.RecordInterface],
    isTypeOf: (value) => (value as RecordRow).type === apiName,
    fields: (t) =>
      Object.fromEntries(
        type.fields.map((field) => {
          const module = fieldType(field.type);
          const shape = valueShapeOf(field);
          const description = field.description ?? undefined;
          const key = field.apiName;
          const origin = derivedFrom(field);
          const originRefs = origin ? refs.get(origin.type) : undefined;
          if (origin && originRefs) {
            // The inverse side: a page of the records linking here, per parent, batched per request.
            return [
              key,
              t.field({
                type: originRefs.connection,
                description,
                args: listArgs(t.arg, originRefs),
                resolve: (r, args, ctx, info) => {
                  const list = toListArgs(args, originRefs, info);
                  const batch = `${origin.type}.${origin.field}:${JSON.stringify(list)}`;
                  return ctx
                    .relatedLoader(batch, (ids) => ctx.engine.records.listRelated(ctx.scope, origin.type, origin.field, ids, list))
                    .load(r.id);
                },
              }),
            ];
          }
          if (shape.kind === 'reference') {
            const target = module.references?.(field)[0];
            const targetRef = target ? refs.get(target)?.object : undefined;
            if (!target || !targetRef) return [key, t.field({ type: 'ID', nullable: true, description, resolve: (r) => (r.data[key] as string) ?? null })];
            return [
              key,
              t.field({
                type: targetRef,
                nullable: true,
                description,
                resolve: (r, _args, ctx) => {
                  const id = r.data[key];
                  return typeof id === 'string' ? ctx.recordLoader(target).load(id) : null;
                },
              }),
            ];
          }
          const gqlType = shared.valueType(shape, enumOf(field), false);
          return [
            key,
            t.field({
              type: (module.graphql.list ? [gqlType] : gqlType) as 'String',
              // A required field always holds a value: create demands it, update cannot clear
              // it, and making a field required is refused while records lack it.
              nullable: !field.required,
              description,
              // Typed loosely: the value's GraphQL type is only known at runtime.
              resolve: (r) => (r.data[key] ?? null) as string,
            }),
          ];
        }),
      ),
  });

  const Edge = builder.objectRef<{ cursor: string; node: RecordRow }>(names.edge).implement({
    fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: Obj, resolve: (e) => e.node }) }),
  });
  const Connection = builder.objectType(own.connection, {
    fields: (t) => ({
      edges: t.field({ type: [Edge], resolve: (p) => p.edges }),
      pageInfo: t.field({ type: shared.PageInfo, resolve: (p) => p.pageInfo }),
      totalCount: t.int({ description: 'Records matching the filter, on all pages.', resolve: (p) => p.totalCount ?? 0 }),
    }),
  });

  // ── Filter and order ────────────────────────────────────────────────────
  const Filter = own.filter;
  builder.inputType(Filter, {
    description: `Conditions on ${type.pluralApiName}: one key per field, combined with and, or and not.`,
    fields: (t) => {
      const fields: Record<string, ReturnType<typeof t.field>> = {
        id: t.field({ type: shared.idFilter() }),
        createdAt: t.field({ type: shared.dateTimeFilter() }),
        updatedAt: t.field({ type: shared.dateTimeFilter() }),
      };
      for (const field of stored) {
        const module = fieldType(field.type);
        const shape = valueShapeOf(field);
        if (shape.kind === 'reference') {
          const inputKey = referenceInputName(field.apiName);
          fields[inputKey] = t.field({ type: shared.filterInput(module, module.graphql.filterName) });
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
  const OrderBy = own.orderBy;
  builder.inputType(OrderBy, {
    description: 'One field to order by, e.g. { createdAt: DESC }; id breaks ties.',
    fields: (t) => {
      const fields: Record<string, ReturnType<typeof t.field>> = {
        id: t.field({ type: shared.OrderDirection }),
        createdAt: t.field({ type: shared.OrderDirection }),
        updatedAt: t.field({ type: shared.OrderDirection }),
      };
      for (const field of stored) {
        if (fieldType(field.type).sortable) fields[field.apiName] = t.field({ type: shared.OrderDirection });
      }
      return fields;
    },
  });

  // ── Inputs ──────────────────────────────────────────────────────────────
  const inputFields = (isCreate: boolean) => (t: Parameters<Parameters<Builder['inputType']>[1]['fields']>[0]) => {
    if (stored.length === 0) return { _: t.boolean({ description: 'This type has no fields yet.' }) };
    return Object.fromEntries(
      stored.map((field) => {
        const module = fieldType(field.type);
        const shape = module.graphql.value;
        const required = isCreate && field.required && field.defaultValue === null;
        const notes = [field.description, required ? 'Required.' : undefined].filter(Boolean);
        const description = notes.length ? notes.join(' ') : undefined;
        if (shape.kind === 'reference') {
          return [referenceInputName(field.apiName), t.field({ type: 'ID', description })];
        }
        const gqlType = shared.valueType(shape, enumOf(field), true);
        return [field.apiName, t.field({ type: (module.graphql.list ? [gqlType] : gqlType) as 'String', description })];
      }),
    );
  };
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
          fields: (t) =>
            Object.fromEntries(
              uniqueFields.map((field) => {
                const module = fieldType(field.type);
                const shape = module.graphql.value;
                if (shape.kind === 'reference') return [referenceInputName(field.apiName), t.field({ type: 'ID' })];
                return [field.apiName, t.field({ type: shared.valueType(shape, enumOf(field), true) as 'String' })];
              }),
            ),
        });
  const toInput = (input: Record<string, unknown>) => {
    const { _: _placeholder, ...rest } = input;
    return renameKeys(rest, renames, false) as Record<string, unknown>;
  };

  // ── Operations ──────────────────────────────────────────────────────────
  builder.queryFields((t) => ({
    [ops.get]: t.field({
      type: Obj,
      nullable: true,
      description: `One ${type.label} by id; null when there is none (or it is deleted).`,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, args, ctx) => ctx.engine.records.get(ctx.scope, apiName, String(args.id)),
    }),
    [ops.list]: t.field({
      type: Connection,
      description: `${type.label} records: filtered, ordered, paginated (first/after or last/before; default 50, at most 200).`,
      args: { ...listArgs(t.arg, own), includeDeleted: t.arg.boolean({ description: 'Also list soft-deleted records.' }) },
      resolve: (_root, args, ctx, info) => inGraphqlNames(ctx.engine.records.list(ctx.scope, apiName, toListArgs(args, own, info))),
    }),
  }));

  builder.mutationFields((t) => ({
    [ops.create]: t.field({
      type: Obj,
      args: { input: t.arg({ type: CreateInput, required: true }) },
      resolve: (_root, args, ctx) => inGraphqlNames(ctx.engine.records.create(ctx.scope, apiName, toInput(args.input as Record<string, unknown>))),
    }),
    [ops.update]: t.field({
      type: Obj,
      description: 'Changes the given fields. With expectedVersion, a record changed since is a CONFLICT and nothing is written.',
      args: {
        id: t.arg.id({ required: true }),
        input: t.arg({ type: UpdateInput, required: true }),
        expectedVersion: t.arg.int(),
      },
      resolve: (_root, args, ctx) =>
        inGraphqlNames(
          ctx.engine.records.update(ctx.scope, apiName, String(args.id), toInput(args.input as Record<string, unknown>), args.expectedVersion),
        ),
    }),
    [ops.createMany]: t.field({
      type: [Obj],
      description: `Creates up to 1,000 ${type.pluralApiName} at once: all or none, each failure named by its index (inputs.3.field).`,
      args: { inputs: t.arg({ type: [CreateInput], required: true }) },
      resolve: (_root, args, ctx) =>
        inGraphqlNames(ctx.engine.records.createMany(ctx.scope, apiName, args.inputs.map((input) => toInput(input as Record<string, unknown>)))),
    }),
    [ops.updateMany]: t.field({
      type: [Obj],
      description: 'Changes up to 1,000 records at once: all or none; a missing record or stale expectedVersion fails the call.',
      args: { updates: t.arg({ type: [UpdateItem], required: true }) },
      resolve: (_root, args, ctx) =>
        inGraphqlNames(
          ctx.engine.records.updateMany(
            ctx.scope,
            apiName,
            args.updates.map((u) => ({ id: String(u.id), input: toInput(u.input as Record<string, unknown>), expectedVersion: u.expectedVersion })),
          ),
        ),
    }),
    ...(UniqueMatch
      ? {
          [ops.upsert]: t.field({
            type: Obj,
            description: 'Updates the record whose unique field has the match value, or creates it. Safe to repeat and to race.',
            args: { match: t.arg({ type: UniqueMatch, required: true }), input: t.arg({ type: CreateInput, required: true }) },
            resolve: async (_root, args, ctx) => {
              const match = renameKeys(args.match, renames, false) as Record<string, unknown>;
              const { record } = await inGraphqlNames(ctx.engine.records.upsert(ctx.scope, apiName, match, toInput(args.input as Record<string, unknown>)));
              return record;
            },
          }),
        }
      : {}),
    [ops.delete]: t.field({
      type: Obj,
      description: 'Soft-deletes the record; restore brings it back.',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, args, ctx) => ctx.engine.records.delete(ctx.scope, apiName, String(args.id)),
    }),
    [ops.restore]: t.field({
      type: Obj,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, args, ctx) => inGraphqlNames(ctx.engine.records.restore(ctx.scope, apiName, String(args.id))),
    }),
    [ops.destroy]: t.boolean({
      description: 'Deletes the record for good (admins only).',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, args, ctx) => ctx.engine.records.destroy(ctx.scope, apiName, String(args.id)),
    }),
  }));
}
