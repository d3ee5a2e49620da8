/**
 * `@relata/core/plugin` (re-exported as `@relata/sdk/plugin`): the public plugin
 * API, and all a plugin may import. Plain definitions and types; nothing here
 * opens a database or registers anything. See docs/plugins.md.
 */
export {
  definePlugin,
  defineRecordType,
  hooksFor,
  type AnyPlugin,
  type GraphQLExtension,
  type HandlerDefinition,
  type HookContextBase,
  type HookErrors,
  type HookRecord,
  type HooksOf,
  type InputOf,
  type JobDefinition,
  type PluginDefinition,
  type PluginEvent,
  type PluginMigration,
  type PluginResolver,
  type PluginResolverContext,
  type PluginTaskContext,
  type RecordHooks,
  type RecordOf,
  type RecordTypeDefinition,
} from './define.ts';
export { field, type ChoiceInput, type FieldFlags, type FieldSpec, type FieldSpecs, type LinkChanges, type Money, type RecordData, type RecordInputOf } from './field-builders.ts';
export type { PluginRecords } from './plugin-records.ts';
export { BadRequestError, ConflictError, ForbiddenError, NotFoundError, RelataError, ValidationError, type FieldError } from '../errors.ts';
export type { EventKind, FieldChange, EventActor } from '../events/event-view.ts';
export type { ListArgs, RecordPage } from '../records/record-service.ts';
export type { RecordRow } from '../records/record-row.ts';
export type { RecordFilter } from '../records/query/filter.ts';
export type { Actor } from '../access/actor.ts';
