/**
 * The plugin API: `definePlugin` and `defineRecordType` return plain values; the
 * server takes a list of them in its config, in an explicit order, and nothing
 * registers itself on import. What each part of a plugin means, and when each
 * hook runs, is in docs/plugins.md.
 */
import type { Actor } from '../access/actor.ts';
import type { EventKind, EventActor, FieldChange } from '../events/event-view.ts';
import type { FieldSpecs, RecordData, RecordInputOf } from './field-builders.ts';
import type { PluginRecords } from './plugin-records.ts';

/** A record type a plugin adds: its names and typed fields. */
export interface RecordTypeDefinition<N extends string = string, F extends FieldSpecs = FieldSpecs> {
  apiName: N;
  pluralApiName: string;
  label?: string;
  description?: string;
  fields: F;
}

/** Defines a record type; its record's TypeScript type is inferred from `fields`. */
export function defineRecordType<const N extends string, const F extends FieldSpecs>(definition: RecordTypeDefinition<N, F>): RecordTypeDefinition<N, F> {
  return definition;
}

/** The data of a record type's records: `RecordOf<typeof invoice>`. */
export type RecordOf<T> = T extends RecordTypeDefinition<string, infer F> ? RecordData<F> : never;
/** The input of writes to a record type. */
export type InputOf<T> = T extends RecordTypeDefinition<string, infer F> ? RecordInputOf<F> : never;

/** A record as hooks see it: system columns and every field (no field is hidden from a plugin). */
export interface HookRecord<D = Record<string, unknown>> {
  id: string;
  type: string;
  version: number;
  ownerId: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  data: D;
}

/** Collects field errors in `validate`; they are reported with the engine's own, all at once. */
export interface HookErrors {
  /** `field` is the input field's apiName (`amount`), or a path inside it (`lines.0`). */
  add(field: string, code: string, message: string): void;
}

/** What every hook gets. */
export interface HookContextBase {
  /** The record type's apiName. */
  type: string;
  workspaceId: string;
  /** Who made the write. */
  actor: Actor;
  /**
   * Reads and writes in the same transaction, as the plugin (a system actor:
   * every record and field). Writes made here run their own hooks, and are
   * rolled back with the write if anything fails.
   */
  records: PluginRecords;
}

/** Hooks on a record type's writes; each may be async. The order is in docs/plugins.md. */
export interface RecordHooks<D = Record<string, unknown>, I = Record<string, unknown>> {
  /**
   * Before the input is validated, on create and update. Return a new input to
   * replace it (fill defaults, normalise), or nothing to keep it.
   */
  beforeValidate?(ctx: HookContextBase & { operation: 'create' | 'update'; data: I; original: HookRecord<D> | null }): I | void | Promise<I | void>;
  /** Adds field errors to `errors`; any error refuses the write, with every other error found. */
  validate?(
    ctx: HookContextBase & { operation: 'create' | 'update'; data: I; original: HookRecord<D> | null; errors: HookErrors },
  ): void | Promise<void>;
  /**
   * After validation, just before the write. Return a new input to replace it
   * (derive fields, stamp times); the engine checks it again as it writes.
   */
  beforeChange?(ctx: HookContextBase & { operation: 'create' | 'update'; data: I; original: HookRecord<D> | null }): I | void | Promise<I | void>;
  /**
   * After the record is written, in the same transaction (also after a restore).
   * `previous` is the record before an update. Write other records with `records`.
   */
  afterChange?(
    ctx: HookContextBase & { operation: 'create' | 'update' | 'restore'; record: HookRecord<D>; previous: HookRecord<D> | null },
  ): void | Promise<void>;
  /** Before a soft delete or a destroy; throw to refuse it. */
  beforeDelete?(ctx: HookContextBase & { operation: 'delete' | 'destroy'; record: HookRecord<D> }): void | Promise<void>;
  /** After a soft delete or a destroy, in the same transaction. */
  afterDelete?(ctx: HookContextBase & { operation: 'delete' | 'destroy'; record: HookRecord<D> }): void | Promise<void>;
}

/** The hooks of a record type defined with `defineRecordType`. */
export type HooksOf<T> = T extends RecordTypeDefinition<string, infer F> ? RecordHooks<RecordData<F>, RecordInputOf<F>> : never;

/**
 * Hooks on a record type the plugin does not define (another plugin's, or one an
 * admin made): typed when given its definition, loose when given its apiName.
 */
export function hooksFor<const T extends RecordTypeDefinition | string>(
  type: T,
  hooks: T extends RecordTypeDefinition ? HooksOf<T> : RecordHooks,
): Record<T extends RecordTypeDefinition<infer N> ? N : T & string, RecordHooks> {
  const name = typeof type === 'string' ? type : (type as RecordTypeDefinition).apiName;
  return { [name]: hooks } as unknown as Record<T extends RecordTypeDefinition<infer N> ? N : T & string, RecordHooks>;
}

/** An event from the change log, as handlers get it. */
export interface PluginEvent {
  /** Pass to `recordEvents(after:)` to resume after this event. */
  cursor: string;
  kind: EventKind;
  /** The record type's apiName. */
  type: string;
  recordId: string;
  workspaceId: string;
  actor: EventActor | null;
  at: Date;
  /** The fields this event changed, with old and new values (every field, for CREATED). */
  changes: FieldChange[];
  /** The record as of the event, every field. */
  record: HookRecord;
}

/** What a handler or a job gets. */
export interface PluginTaskContext {
  workspaceId: string;
  /** Reads and writes as the plugin, in the workspace. */
  records: PluginRecords;
}

/**
 * Runs for each matching event of the change log after its transaction commits,
 * at least once, in log order; a throw retries it with backoff and, after the
 * last attempt, files it in the dead-letter list (`pluginDeadLetters`).
 */
export interface HandlerDefinition {
  /** Record type apiNames; every type when omitted. */
  types?: readonly string[];
  /** Event kinds; every kind when omitted. */
  kinds?: readonly EventKind[];
  handle(event: PluginEvent, ctx: PluginTaskContext): void | Promise<void>;
}

/** Runs on a schedule, once per scheduled time and workspace across every server process. */
export interface JobDefinition {
  /** Cron syntax, five fields (`0 * * * *`: hourly), in UTC. */
  schedule: string;
  run(ctx: PluginTaskContext & { scheduledAt: Date }): void | Promise<void>;
}

/** A data migration run once per workspace when the plugin is installed or upgraded. */
export interface PluginMigration {
  /** Unique within the plugin; migrations run in the order listed, each once. */
  name: string;
  up(ctx: PluginTaskContext): void | Promise<void>;
}

/** What a plugin's GraphQL resolvers get as their context. */
export interface PluginResolverContext {
  workspaceId: string;
  /** Who is asking. */
  actor: Actor;
  /**
   * Reads and writes as the caller: their role's rules apply, as in every
   * built-in field. Reads of single records go through the request's dataloaders.
   */
  records: PluginRecords;
}

/** A resolver of a plugin's GraphQL field. */
export type PluginResolver = (parent: unknown, args: Record<string, unknown>, ctx: PluginResolverContext) => unknown;

/**
 * Extra GraphQL: type definitions (SDL; `extend type Mutation`, `extend type Lead`,
 * new input and object types that may name record types) and their resolvers.
 * A field whose types a caller's role may not see is left out of their schema.
 */
export interface GraphQLExtension {
  typeDefs: string;
  resolvers: Record<string, Record<string, PluginResolver>>;
}

/** A plugin, as `definePlugin` returns it. */
export interface PluginDefinition<Types extends readonly RecordTypeDefinition[] = readonly RecordTypeDefinition[]> {
  /** npm-style name, unique in a server's config (`crm`, `acme-invoices`). */
  name: string;
  /** Semantic version; a higher one upgrades installed workspaces at start. */
  version: string;
  description?: string;
  /** Record types the plugin adds. */
  recordTypes?: Types;
  /** Fields the plugin adds to other plugins' record types: `{ lead: { score: field.integer() } }`. */
  fields?: Record<string, FieldSpecs>;
  /**
   * Hooks by record type apiName, typed for the plugin's own types. Hooks on
   * another plugin's type are spread in with `hooksFor`:
   * `hooks: { invoice: {...}, ...hooksFor(lead, {...}) }`.
   */
  hooks?: { [K in Types[number] as K['apiName']]?: HooksOf<K> };
  /** Handlers of change events, by name (unique in the plugin). */
  handlers?: Record<string, HandlerDefinition>;
  /** Scheduled jobs, by name. */
  jobs?: Record<string, JobDefinition>;
  graphql?: GraphQLExtension;
  migrations?: readonly PluginMigration[];
}

/** Defines a plugin. The value is inert until a server's config lists it. */
export function definePlugin<const Types extends readonly RecordTypeDefinition[] = []>(
  plugin: PluginDefinition<Types> & { hooks?: NoInfer<PluginDefinition<Types>['hooks']> },
): PluginDefinition<Types> {
  return plugin;
}

/** Any plugin. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPlugin = PluginDefinition<any>;
