/**
 * Plugin handlers' dead-letter list (admin only): `pluginDeadLetters` and
 * `retryPluginDeadLetter`. Thin over core's plugin service; the handlers and jobs
 * run beside the HTTP server (`relata start`), not in it. docs/plugin-handlers.md
 * describes them.
 */
import type { PluginDeadLetter, PluginDeadLetterPage } from '@relata/core';
import type { Builder } from './builder.ts';
import type { SharedTypes } from './shared-types.ts';

/** Adds the dead-letter types, query and mutation. */
export function addPluginApi(builder: Builder, shared: SharedTypes): void {
  const Status = builder.enumType('PluginDeadLetterStatus', {
    values: {
      DEAD: { value: 'dead' as const, description: 'Every attempt failed; retry it with `retryPluginDeadLetter`.' },
      RESOLVED: { value: 'resolved' as const, description: 'A retry succeeded.' },
    },
  });
  const DeadLetter = builder.objectRef<PluginDeadLetter>('PluginDeadLetter').implement({
    description: "An event a plugin's handler failed on at every attempt.",
    fields: (t) => ({
      id: t.exposeID('id'),
      plugin: t.exposeString('plugin'),
      handler: t.exposeString('handler', { description: "The handler's name within its plugin." }),
      eventCursor: t.exposeString('eventCursor', { description: "The event's cursor in the change log." }),
      event: t.field({ type: 'JSON', description: 'The event as the handler got it.', resolve: (l) => l.event }),
      error: t.exposeString('error', { description: "The latest attempt's error." }),
      attempts: t.exposeInt('attempts', { description: 'Attempts so far, retries included.' }),
      status: t.field({ type: Status, resolve: (l) => l.status }),
      createdAt: t.field({ type: 'DateTime', resolve: (l) => l.createdAt }),
      resolvedAt: t.field({ type: 'DateTime', nullable: true, resolve: (l) => l.resolvedAt }),
    }),
  });
  const Edge = builder.objectRef<PluginDeadLetterPage['edges'][number]>('PluginDeadLetterEdge').implement({
    fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: DeadLetter, resolve: (e) => e.node }) }),
  });
  const Connection = builder.objectRef<PluginDeadLetterPage>('PluginDeadLetterConnection').implement({
    description: 'Dead letters, newest first.',
    fields: (t) => ({
      edges: t.field({ type: [Edge], resolve: (p) => p.edges }),
      pageInfo: t.field({ type: shared.PageInfo, resolve: (p) => p.pageInfo }),
    }),
  });

  builder.queryFields((t) => ({
    pluginDeadLetters: t.field({
      type: Connection,
      description: "The workspace's dead letters of plugin handlers, newest first, resolved ones included (admin).",
      args: {
        plugin: t.arg.string({ description: "Only this plugin's." }),
        first: t.arg.int({ description: 'At most 100. Default 20.' }),
        after: t.arg.string({ description: 'endCursor of the previous page.' }),
      },
      resolve: (_root, args, ctx) => ctx.engine.plugins.deadLetters(ctx.actor, { plugin: args.plugin, first: args.first, after: args.after }),
    }),
  }));

  builder.mutationFields((t) => ({
    retryPluginDeadLetter: t.field({
      type: DeadLetter,
      description:
        "Runs the dead letter's handler on its event again, now (admin): RESOLVED when it succeeds; " +
        'otherwise it stays DEAD with the new error. A resolved one is returned unchanged.',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, { id }, ctx) => ctx.engine.plugins.retryDeadLetter(ctx.actor, String(id)),
    }),
  }));
}
