/**
 * A record type's output: its object type (every field, relations as the related
 * record, a union of records, or a connection), its edge and its connection.
 */
import { fieldType, pascalCase, relationUnionName, typeNames, valueShapeOf, type RecordRow } from '@relata/core';
import type { EventTypes } from './event-api.ts';
import type { RecordTypeContext } from './record-refs.ts';
import { listArgs, toListArgs } from './record-refs.ts';

/** Implements the object, edge and connection types of `ctx.type`. */
export function addRecordObject(ctx: RecordTypeContext, events: EventTypes): void {
  const { builder, type, shared, refs, own, enumOf } = ctx;
  const apiName = type.apiName;

  builder.objectType(own.object, {
    description: type.description ?? undefined,
    interfaces: [shared.RecordInterface],
    isTypeOf: (value) => (value as RecordRow).type === apiName,
    fields: (t) => ({
      history: t.field({
        type: events.HistoryConnection,
        description: "The record's changes, newest first: who changed which field, from what to what, when.",
        args: {
          first: t.arg.int({ description: 'At most 100; 20 when omitted.' }),
          after: t.arg.string(),
          fields: t.arg.stringList({ description: 'Only changes of these fields.' }),
        },
        resolve: (r, args, ctx) => {
          const batch = `${apiName}.history:${JSON.stringify(args)}`;
          return ctx.relatedLoader(batch, (ids) => ctx.engine.events.history(ctx.scope, apiName, ids, args) as never).load(r.id) as never;
        },
      }),
      ...Object.fromEntries(
        type.fields.map((field) => {
          const module = fieldType(field.type);
          const shape = valueShapeOf(field);
          const description = field.description ?? undefined;
          const key = field.apiName;
          if (shape.kind === 'connection') {
            // A to-many relation: a page of the related records per parent, batched per request.
            const target = String(field.options.target);
            const targetRefs = refs.get(target)!;
            return [
              key,
              t.field({
                type: targetRefs.connection,
                description,
                args: listArgs(t.arg, targetRefs),
                resolve: (r, args, ctx, info) => {
                  const list = toListArgs(args, info);
                  const batch = `${apiName}.${key}:${JSON.stringify(list)}`;
                  return ctx
                    .relatedLoader(batch, (ids) => ctx.engine.records.listRelated(ctx.scope, apiName, key, ids, list))
                    .load(r.id);
                },
              }),
            ];
          }
          if (shape.kind === 'reference') {
            const targets = module.references?.(field) ?? [];
            const targetRef =
              targets.length === 1
                ? refs.get(targets[0]!)?.object
                : builder.unionType(relationUnionName(apiName, key), {
                    description: `A record of one of the types ${field.label} may link to.`,
                    types: targets.map((name) => refs.get(name)!.object),
                    resolveType: (row) => pascalCase(row.type),
                  });
            if (!targetRef) return [key, t.field({ type: 'ID', nullable: true, description, resolve: (r) => (r.data[key] as string) ?? null })];
            return [
              key,
              t.field({
                type: targetRef,
                nullable: true,
                description,
                resolve: (r, _args, ctx) => {
                  const id = r.data[key];
                  return typeof id === 'string' ? ctx.recordLoader(targets).load(id) : null;
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
    }),
  });

  const names = typeNames(apiName);
  const Edge = builder.objectRef<{ cursor: string; node: RecordRow }>(names.edge).implement({
    fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: own.object, resolve: (e) => e.node }) }),
  });
  builder.objectType(own.connection, {
    fields: (t) => ({
      edges: t.field({ type: [Edge], resolve: (p) => p.edges }),
      pageInfo: t.field({ type: shared.PageInfo, resolve: (p) => p.pageInfo }),
      totalCount: t.int({ description: 'Records matching the filter, on all pages.', resolve: (p) => p.totalCount ?? 0 }),
    }),
  });
}
