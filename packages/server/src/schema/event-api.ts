/**
 * Change events in the API: each record type's `history`, and the subscriptions
 * `recordEvents(types, kinds, after)` and `<type>Events(filter, kinds, after)`
 * (over graphql-ws and SSE), whose events carry the record as of each event.
 * Subscriptions are served by the process's event hub (subscriptions/).
 */
import {
  BadRequestError,
  EVENT_KINDS,
  FieldErrorCollector,
  policyOf,
  type EventActor,
  type FieldChange,
  type HistoryEntry,
  type HistoryPage,
  operationNames,
  typeNames,
  type RecordEvent,
  type RecordFilter,
} from '@relata/core';
import type { RequestContext } from '../context.ts';
import type { EventHub } from '../subscriptions/event-hub.ts';
import { eventStream } from '../subscriptions/event-stream.ts';
import type { Builder } from './builder.ts';
import type { RecordTypeContext } from './record-refs.ts';
import type { SharedTypes } from './shared-types.ts';
import type { addWorkspaceApi } from './workspace-api.ts';

/** The event types every schema shares. */
export type EventTypes = ReturnType<typeof addEventTypes>;

/** Adds EventKind, Actor, FieldChange, the history connection and RecordEvent. */
export function addEventTypes(builder: Builder, shared: SharedTypes, { Member }: ReturnType<typeof addWorkspaceApi>) {
  const EventKind = builder.enumType('EventKind', {
    description: 'What happened to a record.',
    values: Object.fromEntries(EVENT_KINDS.map((kind) => [kind, { value: kind }])) as Record<(typeof EVENT_KINDS)[number], { value: (typeof EVENT_KINDS)[number] }>,
  });
  const Actor = builder.objectRef<EventActor>('Actor').implement({
    description: 'Who made a change: a member, an API key, or the system (the CLI, a migration).',
    fields: (t) => ({
      kind: t.exposeString('kind', { description: '`member`, `apiKey` or `system`.' }),
      id: t.exposeID('id'),
      member: t.field({
        type: Member,
        nullable: true,
        description: 'The member, when a member made the change.',
        resolve: (actor, _args, ctx) => (actor.kind === 'member' ? ctx.memberLoader.load(actor.id) : null),
      }),
    }),
  });
  const FieldChangeRef = builder.objectRef<FieldChange>('FieldChange').implement({
    description: 'One field of a change: its old and new values (as the record API shows them), or the ids a to-many relation gained or lost.',
    fields: (t) => ({
      field: t.exposeString('field'),
      old: t.field({ type: 'JSON', nullable: true, resolve: (c) => c.old }),
      new: t.field({ type: 'JSON', nullable: true, resolve: (c) => c.new }),
      added: t.idList({ nullable: true, resolve: (c) => c.added }),
      removed: t.idList({ nullable: true, resolve: (c) => c.removed }),
    }),
  });
  const HistoryEntryRef = builder.objectRef<HistoryEntry>('HistoryEntry').implement({
    fields: (t) => ({
      cursor: t.exposeString('cursor'),
      kind: t.field({ type: EventKind, resolve: (e) => e.kind }),
      at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
      actor: t.field({ type: Actor, nullable: true, resolve: (e) => e.actor }),
      changes: t.field({ type: [FieldChangeRef], resolve: (e) => e.changes }),
    }),
  });
  const HistoryEdge = builder.objectRef<HistoryPage['edges'][number]>('HistoryEdge').implement({
    fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: HistoryEntryRef, resolve: (e) => e.node }) }),
  });
  const HistoryConnection = builder.objectRef<HistoryPage>('HistoryConnection').implement({
    description: "A record's changes, newest first.",
    fields: (t) => ({
      edges: t.field({ type: [HistoryEdge], resolve: (p) => p.edges }),
      pageInfo: t.field({ type: shared.PageInfo, resolve: (p) => p.pageInfo }),
    }),
  });

  /** The fields every event type has; `record` is added per type. */
  const eventFields = (t: Parameters<Parameters<ReturnType<typeof builder.objectRef<RecordEvent>>['implement']>[0]['fields'] & object>[0]) => ({
    cursor: t.exposeString('cursor', { description: 'Pass as `after` to resume after this event.' }),
    kind: t.field({ type: EventKind, resolve: (e: RecordEvent) => e.kind }),
    type: t.exposeString('type', { description: "The record type's apiName." }),
    recordId: t.exposeID('recordId'),
    changedFields: t.exposeStringList('changedFields'),
    changes: t.field({ type: [FieldChangeRef], resolve: (e: RecordEvent) => e.changes }),
    at: t.field({ type: 'DateTime', resolve: (e: RecordEvent) => e.at }),
    actor: t.field({ type: Actor, nullable: true, resolve: (e: RecordEvent) => e.actor }),
  });
  const RecordEventRef = builder.objectRef<RecordEvent>('RecordEvent').implement({
    description: 'A change of a record, with the record as of the change (before it, for DESTROYED).',
    fields: (t) => ({
      ...eventFields(t),
      record: t.field({ type: shared.RecordInterface, nullable: true, resolve: (e) => e.record }),
    }),
  });

  return { EventKind, HistoryConnection, RecordEventRef, eventFields };
}

/** The hub of a request that may subscribe; BAD_REQUEST where none runs. */
export function hubOf(ctx: RequestContext): EventHub {
  if (!ctx.hub) throw new BadRequestError('Subscriptions are not served here: subscribe over WebSocket or server-sent events on /graphql');
  return ctx.hub;
}

/** Adds `recordEvents(types, kinds, after)`: events of every type, or of `types`, the actor may read. */
export function addEventSubscriptions(builder: Builder, { EventKind, RecordEventRef }: EventTypes): void {
  builder.subscriptionFields((t) => ({
    recordEvents: t.field({
      type: RecordEventRef,
      description:
        'Changes of records, live; with `after` (the cursor of the last event you received), first every event since, ' +
        'with no gap and no duplicate. Only records you may read, without fields hidden from you.',
      args: {
        types: t.arg.stringList({ description: 'Record type apiNames; every type you may read when omitted.' }),
        kinds: t.arg({ type: [EventKind], description: 'Every kind when omitted.' }),
        after: t.arg.string({ description: 'Resume after this event cursor (at most 72 hours old).' }),
      },
      subscribe: (_root, args, ctx) => {
        const view = policyOf(ctx.scope).view;
        const errors = new FieldErrorCollector();
        const typeIds = args.types?.flatMap((name, i) => {
          const type = view.find(name);
          if (!type) errors.add(`types.${i}`, 'UNKNOWN_TYPE', `"${name}" is not a record type`);
          return type ? [type.id] : [];
        });
        errors.throwIfAny();
        return eventStream({ engine: ctx.engine, hub: hubOf(ctx), scope: ctx.scope, typeIds: typeIds ?? null, kinds: args.kinds ?? null, after: args.after });
      },
      resolve: (event) => event,
    }),
  }));
}

/** Adds `<Type>Event` and the `<type>Events(filter, kinds, after)` subscription of `ctx.type`. */
export function addTypeEvents(context: RecordTypeContext, { EventKind, eventFields }: EventTypes): void {
  const { builder, type, own } = context;
  const apiName = type.apiName;
  const Event = builder.objectRef<RecordEvent>(typeNames(apiName).event).implement({
    description: `A change of a ${type.label}, with the record as of the change (before it, for DESTROYED).`,
    fields: (t) => ({ ...eventFields(t), record: t.field({ type: own.object, nullable: true, resolve: (e) => e.record }) }),
  });
  builder.subscriptionFields((t) => ({
    [operationNames(apiName, type.pluralApiName).events]: t.field({
      type: Event,
      description:
        `Changes of ${type.pluralApiName} whose record (as of the change) matches the filter, live; with \`after\`, ` +
        'first every event since that cursor, with no gap and no duplicate.',
      args: {
        filter: t.arg({ type: own.filter }),
        kinds: t.arg({ type: [EventKind], description: 'Every kind when omitted.' }),
        after: t.arg.string({ description: 'Resume after this event cursor (at most 72 hours old).' }),
      },
      subscribe: (_root, args, ctx) =>
        eventStream({
          engine: ctx.engine,
          hub: hubOf(ctx),
          scope: ctx.scope,
          // From the request's metadata: workspaces with the same metadata share this schema, not their ids.
          typeIds: [policyOf(ctx.scope).view.get(apiName).id],
          kinds: args.kinds ?? null,
          after: args.after,
          filter: args.filter ? { typeName: apiName, filter: args.filter as RecordFilter } : null,
        }),
      resolve: (event) => event,
    }),
  }));
}
