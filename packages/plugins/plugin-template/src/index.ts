/**
 * `@relata/plugin-template`: a Relata plugin to copy (README.md says how). Every
 * part a plugin may have is here, each with a comment on when it runs, in which
 * transaction, what it receives and what it may do:
 *
 * - item.ts: the record type, with typed fields;
 * - hooks.ts: every record hook (beforeValidate, validate, beforeChange,
 *   afterChange, beforeDelete, afterDelete);
 * - tasks.ts: a handler of change events, a scheduled job, a data migration;
 * - graphql.ts: a query and a mutation added to the schema.
 *
 * A plugin imports only `@relata/core/plugin`. Importing it does nothing: a server
 * runs it because relata.config.ts lists it, and its types, hooks, handlers, jobs
 * and GraphQL apply in the workspaces it is installed in. docs/plugins.md is the
 * author's guide.
 */
import { definePlugin } from '@relata/core/plugin';
import { graphql } from './graphql.ts';
import { itemHooks, PLUGIN_NAME } from './hooks.ts';
import { item } from './item.ts';
import { announce, migrations, unpinNightly } from './tasks.ts';

export { item, type Item } from './item.ts';
export { PLUGIN_NAME, slugify } from './hooks.ts';

const template = definePlugin({
  /** Unique in a server's config: lower-case letters, digits and dashes. */
  name: PLUGIN_NAME,
  /** Raise it when you change the plugin: the next start upgrades every workspace that has it. */
  version: '0.1.0',
  description: 'A plugin to copy: one record type, every hook, a handler, a job, GraphQL and a migration.',
  recordTypes: [item],
  /** By record type apiName; hooks on another plugin's type are spread in with `...hooksFor(type, {...})`. */
  hooks: { item: itemHooks },
  /** By name, unique in the plugin (the handler's position in the log is kept under `<plugin>/<name>`). */
  handlers: { announce },
  jobs: { 'unpin-nightly': unpinNightly },
  graphql,
  migrations,
});

export default template;
