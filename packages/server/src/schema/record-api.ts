/**
 * The API of each record type, generated from its metadata with exactly the names
 * and shapes of the contract (API.md): `invoice`, `invoices`, `createInvoice`,
 * `updateInvoice`, `deleteInvoice`, `restoreInvoice`, `destroyInvoice`, the bulk
 * and upsert mutations, and the types of record-object.ts and record-inputs.ts.
 * Resolvers are thin calls into core's record service.
 */
import { operationNames, type RolePolicy } from '@relata/core';
import type { Builder } from './builder.ts';
import { renameErrorFields, renameKeys } from './graphql-names.ts';
import { addRecordFilter, addRecordWriteInputs } from './record-inputs.ts';
import { addRecordObject } from './record-object.ts';
import { listArgs, recordTypeContext, toListArgs, typeRefs, type RecordTypeContext } from './record-refs.ts';
import type { SharedTypes } from './shared-types.ts';
import { addTypeEvents, type EventTypes } from './event-api.ts';

/** Adds the API of every record type the policy's roles may read, with the operations they may use. */
export function addRecordApi(builder: Builder, policy: RolePolicy, shared: SharedTypes, events: EventTypes): void {
  const metadata = policy.view;
  const refs = new Map(metadata.objectTypes.map((type) => [type.apiName, typeRefs(builder, type)]));
  for (const type of metadata.objectTypes) {
    const ctx = recordTypeContext(builder, policy, type, shared, refs);
    addRecordObject(ctx, events);
    addRecordFilter(ctx);
    addOperations(ctx);
    addTypeEvents(ctx, events);
  }
}

function addOperations(context: RecordTypeContext) {
  const { builder, type, own, access } = context;
  const apiName = type.apiName;
  const ops = operationNames(apiName, type.pluralApiName);
  const renames = own.renames;
  const inGraphqlNames = <T>(promise: Promise<T>) => promise.catch((error: unknown) => Promise.reject(renameErrorFields(error, renames)));
  const { CreateInput, UpdateInput, UpdateItem, UniqueMatch, toInput } = addRecordWriteInputs(context);
  const Obj = own.object;
  const Connection = own.connection;

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
      resolve: (_root, args, ctx, info) => inGraphqlNames(ctx.engine.records.list(ctx.scope, apiName, toListArgs(args, info))),
    }),
  }));

  // The mutations of the verbs the actor's roles allow (destroy: admins only, checked in core).
  builder.mutationFields((t) => ({
    ...(access.create
      ? {
          [ops.create]: t.field({
            type: Obj,
            description: 'Creates a record, owned by you unless ownerId names another member.',
            args: { input: t.arg({ type: CreateInput, required: true }) },
            resolve: (_root, args, ctx) =>
              inGraphqlNames(ctx.engine.records.create(ctx.scope, apiName, toInput(args.input as Record<string, unknown>))),
          }),
          [ops.createMany]: t.field({
            type: [Obj],
            description: `Creates up to 1,000 ${type.pluralApiName} at once: all or none, each failure named by its index (inputs.3.field).`,
            args: { inputs: t.arg({ type: [CreateInput], required: true }) },
            resolve: (_root, args, ctx) =>
              inGraphqlNames(
                ctx.engine.records.createMany(ctx.scope, apiName, args.inputs.map((input) => toInput(input as Record<string, unknown>))),
              ),
          }),
        }
      : {}),
    ...(access.update
      ? {
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
        }
      : {}),
    ...(UniqueMatch && access.create && access.update
      ? {
          [ops.upsert]: t.field({
            type: Obj,
            description: 'Updates the record whose unique field has the match value, or creates it. Safe to repeat and to race.',
            args: { match: t.arg({ type: UniqueMatch, required: true }), input: t.arg({ type: CreateInput, required: true }) },
            resolve: async (_root, args, ctx) => {
              const match = renameKeys(args.match, renames) as Record<string, unknown>;
              const { record } = await inGraphqlNames(ctx.engine.records.upsert(ctx.scope, apiName, match, toInput(args.input as Record<string, unknown>)));
              return record;
            },
          }),
        }
      : {}),
    ...(access.delete
      ? {
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
        }
      : {}),
  }));
}
