/**
 * Webhooks (admin only): `webhooks`, `webhook`, `createWebhook`, `updateWebhook`,
 * `deleteWebhook`, `replayWebhook`, and `webhookDeliveries` with every attempt.
 * Thin over core's webhook service; the worker that delivers runs beside the
 * HTTP server (`relata start`), not in it. docs/webhooks.md describes the API.
 */
import type { Webhook, WebhookAttempt, WebhookDelivery, WebhookDeliveryPage } from '@relata/core';
import type { Builder } from './builder.ts';
import type { EventTypes } from './event-api.ts';
import type { SharedTypes } from './shared-types.ts';

/** Adds the webhook types, queries and mutations. */
export function addWebhookApi(builder: Builder, shared: SharedTypes, { EventKind }: Pick<EventTypes, 'EventKind'>): void {
  const WebhookState = builder.enumType('WebhookState', {
    description: 'Whether a webhook is being delivered.',
    values: {
      ACTIVE: { value: 'active' as const, description: 'Delivered (unless paused with `active: false`).' },
      FAILING: { value: 'failing' as const, description: 'A delivery failed for good: nothing is delivered until `replayWebhook`.' },
    },
  });
  const DeliveryStatus = builder.enumType('WebhookDeliveryStatus', {
    values: {
      PENDING: { value: 'pending' as const, description: 'Waiting for its first attempt or its next retry.' },
      DELIVERING: { value: 'delivering' as const, description: 'An attempt is under way.' },
      SUCCEEDED: { value: 'succeeded' as const, description: 'The receiver answered 2xx.' },
      FAILED: { value: 'failed' as const, description: 'Given up: retries ran out, or the receiver refused it (4xx).' },
      CANCELLED: { value: 'cancelled' as const, description: 'Replaced by a replay before it succeeded.' },
    },
  });

  const WebhookRef = builder.objectRef<Webhook>('Webhook').implement({
    description: "A URL that receives the workspace's record events, signed, in batches of up to 100, at least once and in order.",
    fields: (t) => ({
      id: t.exposeID('id'),
      url: t.exposeString('url'),
      types: t.exposeStringList('types', { description: 'Record type apiNames it receives; empty: every type.' }),
      kinds: t.field({ type: [EventKind], description: 'Event kinds it receives; empty: every kind.', resolve: (w) => w.kinds }),
      secret: t.exposeString('secret', { description: 'Signs every delivery (`Relata-Signature`). Keep it out of logs and code.' }),
      active: t.exposeBoolean('active', { description: 'False: paused; its events wait for it.' }),
      state: t.field({ type: WebhookState, resolve: (w) => w.state }),
      failingSince: t.field({ type: 'DateTime', nullable: true, resolve: (w) => w.failingSince }),
      createdAt: t.field({ type: 'DateTime', resolve: (w) => w.createdAt }),
      updatedAt: t.field({ type: 'DateTime', resolve: (w) => w.updatedAt }),
    }),
  });

  const AttemptRef = builder.objectRef<WebhookAttempt>('WebhookAttempt').implement({
    description: 'One attempt to deliver a batch.',
    fields: (t) => ({
      attempt: t.exposeInt('attempt', { description: '1 for the first attempt.' }),
      startedAt: t.field({ type: 'DateTime', resolve: (a) => a.startedAt }),
      durationMs: t.exposeInt('durationMs', { nullable: true, description: 'Null when its outcome is unknown (the process delivering it stopped).' }),
      statusCode: t.exposeInt('statusCode', { nullable: true, description: "The receiver's HTTP status; null when it did not answer." }),
      error: t.exposeString('error', { nullable: true, description: 'Why there was no answer: timeout, connection refused...' }),
      responseExcerpt: t.exposeString('responseExcerpt', { nullable: true, description: 'The first kilobyte of the response body.' }),
      succeeded: t.exposeBoolean('succeeded'),
    }),
  });
  const last = (d: WebhookDelivery) => d.attemptLog[d.attemptLog.length - 1];
  const DeliveryRef = builder.objectRef<WebhookDelivery>('WebhookDelivery').implement({
    description: 'One batch of events for a webhook, where its delivery stands, and every attempt.',
    fields: (t) => ({
      id: t.exposeID('id', { description: 'Sent as `Relata-Delivery`, the same on every attempt.' }),
      status: t.field({ type: DeliveryStatus, resolve: (d) => d.status }),
      attempt: t.exposeInt('attempts', { description: 'Attempts made so far.' }),
      durationMs: t.int({ nullable: true, description: 'Of the latest attempt.', resolve: (d) => last(d)?.durationMs ?? null }),
      statusCode: t.int({ nullable: true, description: 'Of the latest attempt.', resolve: (d) => last(d)?.statusCode ?? null }),
      error: t.string({ nullable: true, description: 'Of the latest attempt.', resolve: (d) => last(d)?.error ?? null }),
      responseExcerpt: t.string({ nullable: true, description: 'Of the latest attempt.', resolve: (d) => last(d)?.responseExcerpt ?? null }),
      eventCount: t.exposeInt('eventCount'),
      firstCursor: t.exposeString('firstCursor', { description: "The batch's first event." }),
      lastCursor: t.exposeString('lastCursor', { description: "The batch's last event." }),
      createdAt: t.field({ type: 'DateTime', resolve: (d) => d.createdAt }),
      nextAttemptAt: t.field({ type: 'DateTime', nullable: true, description: 'When it is due again, while pending.', resolve: (d) => d.nextAttemptAt }),
      completedAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => d.completedAt }),
      attempts: t.field({ type: [AttemptRef], description: 'Every attempt, oldest first.', resolve: (d) => d.attemptLog }),
    }),
  });
  const DeliveryEdge = builder.objectRef<WebhookDeliveryPage['edges'][number]>('WebhookDeliveryEdge').implement({
    fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: DeliveryRef, resolve: (e) => e.node }) }),
  });
  const DeliveryConnection = builder.objectRef<WebhookDeliveryPage>('WebhookDeliveryConnection').implement({
    description: "A webhook's deliveries, newest first.",
    fields: (t) => ({
      edges: t.field({ type: [DeliveryEdge], resolve: (p) => p.edges }),
      pageInfo: t.field({ type: shared.PageInfo, resolve: (p) => p.pageInfo }),
    }),
  });

  const WebhookInput = builder.inputType('WebhookInput', {
    fields: (t) => ({
      url: t.string({ required: true, description: 'An http or https URL; no private addresses in production.' }),
      types: t.stringList({ description: 'Record type apiNames; every type when omitted.' }),
      kinds: t.field({ type: [EventKind], description: 'Every kind when omitted.' }),
      secret: t.string({ description: 'Signs deliveries: 24 to 256 printable characters. Generated (`whsec_...`) when omitted.' }),
      active: t.boolean({ description: 'False creates it paused. Default true.' }),
    }),
  });
  const WebhookUpdateInput = builder.inputType('WebhookUpdateInput', {
    description: 'What to change; omitted fields stay as they are.',
    fields: (t) => ({
      url: t.string(),
      types: t.stringList({ description: 'null: every type again.' }),
      kinds: t.field({ type: [EventKind], description: 'null: every kind again.' }),
      secret: t.string({ description: 'A new secret, used from the next attempt on.' }),
      active: t.boolean({ description: 'False pauses it; true resumes it where it stopped.' }),
    }),
  });

  builder.queryFields((t) => ({
    webhooks: t.field({
      type: [WebhookRef],
      description: "The workspace's webhooks, oldest first (admin).",
      resolve: (_root, _args, ctx) => ctx.engine.webhooks.findWebhooks(ctx.actor),
    }),
    webhook: t.field({
      type: WebhookRef,
      nullable: true,
      description: 'One webhook (admin).',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, args, ctx) => ctx.engine.webhooks.findWebhook(ctx.actor, String(args.id)),
    }),
    webhookDeliveries: t.field({
      type: DeliveryConnection,
      description: "A webhook's deliveries, newest first, with every attempt (admin).",
      args: {
        webhookId: t.arg.id({ required: true }),
        first: t.arg.int({ description: 'At most 100. Default 20.' }),
        after: t.arg.string({ description: 'endCursor of the previous page.' }),
      },
      resolve: (_root, args, ctx) => ctx.engine.webhooks.findDeliveries(ctx.actor, String(args.webhookId), { first: args.first, after: args.after }),
    }),
  }));

  builder.mutationFields((t) => ({
    createWebhook: t.field({
      type: WebhookRef,
      description: 'Creates a webhook (admin). It receives the events committed from now on.',
      args: { input: t.arg({ type: WebhookInput, required: true }) },
      resolve: (_root, { input }, ctx) => ctx.engine.webhooks.createWebhook(ctx.actor, input),
    }),
    updateWebhook: t.field({
      type: WebhookRef,
      description: 'Changes a webhook (admin). A failing webhook stays failing until replayed.',
      args: { id: t.arg.id({ required: true }), input: t.arg({ type: WebhookUpdateInput, required: true }) },
      resolve: (_root, { id, input }, ctx) => ctx.engine.webhooks.updateWebhook(ctx.actor, String(id), input),
    }),
    deleteWebhook: t.boolean({
      description: 'Deletes a webhook with its deliveries (admin).',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, { id }, ctx) => ctx.engine.webhooks.deleteWebhook(ctx.actor, String(id)),
    }),
    replayWebhook: t.field({
      type: WebhookRef,
      description:
        'Delivers again and reactivates (admin). With `after` (an event cursor, e.g. a delivery\'s lastCursor): every event after it. ' +
        'Without: a failing webhook resumes with the batch that failed.',
      args: { id: t.arg.id({ required: true }), after: t.arg.string() },
      resolve: (_root, { id, after }, ctx) => ctx.engine.webhooks.replayWebhook(ctx.actor, String(id), after),
    }),
  }));
}
