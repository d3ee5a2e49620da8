/**
 * The record operations a plugin gets (in hooks, handlers, jobs, migrations and
 * GraphQL resolvers): the engine's record service bound to one actor and
 * workspace, so plugin code never handles scopes or metadata snapshots.
 */
import type { Actor } from '../access/actor.ts';
import { MAX_PAGE_SIZE, type ListArgs, type RecordPage, type RecordService } from '../records/record-service.ts';
import type { RecordUpdate } from '../records/bulk-writes.ts';
import type { RecordInput } from '../records/record-input.ts';
import type { RecordRow } from '../records/record-row.ts';
import type { WorkspaceMetadata } from '../metadata/workspace-metadata.ts';

/** Record operations bound to one actor in one workspace. */
export interface PluginRecords {
  readonly actor: Actor;
  /** The workspace's record types and fields, as the actor sees them. */
  metadata(): Promise<WorkspaceMetadata>;
  get(type: string, id: string): Promise<RecordRow | null>;
  getMany(type: string | readonly string[], ids: readonly string[]): Promise<RecordRow[]>;
  list(type: string, args?: ListArgs): Promise<RecordPage>;
  /** Every record `list` would page through with `args` (filter, orderBy, includeDeleted), read a page of 200 at a time. */
  listAll(type: string, args?: Omit<ListArgs, 'first' | 'after' | 'last' | 'before'>): Promise<RecordRow[]>;
  /** The to-many relation `field` of each of `parentIds`, a page per parent. */
  listRelated(type: string, field: string, parentIds: readonly string[], args?: ListArgs): Promise<Map<string, RecordPage>>;
  create(type: string, input: RecordInput): Promise<RecordRow>;
  createMany(type: string, inputs: readonly RecordInput[]): Promise<RecordRow[]>;
  update(type: string, id: string, input: RecordInput, options?: { expectedVersion?: number | null }): Promise<RecordRow>;
  updateMany(type: string, updates: readonly RecordUpdate[]): Promise<RecordRow[]>;
  upsert(type: string, match: Record<string, unknown>, input: RecordInput): Promise<{ record: RecordRow; created: boolean }>;
  delete(type: string, id: string): Promise<RecordRow>;
  restore(type: string, id: string): Promise<RecordRow>;
  /**
   * Runs `fn` in one transaction: every operation on the records it gets (their
   * hooks included) commits together or not at all. Inside a hook, it is a
   * savepoint of the write's transaction.
   */
  transaction<T>(fn: (records: PluginRecords) => Promise<T>): Promise<T>;
  /**
   * Locks a record until the transaction ends (SELECT ... FOR UPDATE) and returns
   * it: a hook keeping a total on a parent locks the parent before reading what
   * it sums, so two writes at once cannot lose one another's change. Outside a
   * transaction the lock ends at once.
   */
  lock(type: string, id: string): Promise<RecordRow | null>;
}

/** What bindRecords needs: the record service, able to open a transaction and lock. */
export type TransactionalRecords = RecordService & {
  inTransaction<T>(fn: (records: TransactionalRecords) => Promise<T>): Promise<T>;
  lock(scope: { actor: Actor; metadata: WorkspaceMetadata }, type: string, id: string): Promise<RecordRow | null>;
};

/**
 * Binds `records` to `actor`. The metadata snapshot is read once per call, through
 * `snapshot` (cached by the metadata service).
 */
export function bindRecords(records: TransactionalRecords, actor: Actor, snapshot: (workspaceId: string) => Promise<WorkspaceMetadata>): PluginRecords {
  const scope = async () => ({ actor, metadata: await snapshot(actor.workspaceId) });
  return {
    actor,
    metadata: () => snapshot(actor.workspaceId),
    get: async (type, id) => records.get(await scope(), type, id),
    getMany: async (type, ids) => records.getMany(await scope(), type, ids),
    list: async (type, args) => records.list(await scope(), type, args),
    async listAll(type, args = {}) {
      const rows: RecordRow[] = [];
      const s = await scope();
      for (let after: string | null = null; ; ) {
        const page = await records.list(s, type, { ...args, first: MAX_PAGE_SIZE, after });
        rows.push(...page.edges.map((e) => e.node));
        if (!page.pageInfo.hasNextPage) return rows;
        after = page.pageInfo.endCursor;
      }
    },
    listRelated: async (type, field, parentIds, args) => records.listRelated(await scope(), type, field, parentIds, args),
    create: async (type, input) => records.create(await scope(), type, input),
    createMany: async (type, inputs) => records.createMany(await scope(), type, inputs),
    update: async (type, id, input, options) => records.update(await scope(), type, id, input, options?.expectedVersion),
    updateMany: async (type, updates) => records.updateMany(await scope(), type, updates),
    upsert: async (type, match, input) => records.upsert(await scope(), type, match, input),
    delete: async (type, id) => records.delete(await scope(), type, id),
    restore: async (type, id) => records.restore(await scope(), type, id),
    // The snapshot is read before the transaction opens: on PGlite a read outside it would wait for it.
    transaction: async (fn) => {
      const metadata = await snapshot(actor.workspaceId);
      return records.inTransaction((inner) => fn(bindRecords(inner, actor, async () => metadata)));
    },
    lock: async (type, id) => records.lock(await scope(), type, id),
  };
}

/** The actor a plugin acts as: a system actor named after it, with every right. */
export function pluginActor(workspaceId: string, plugin: string): Actor {
  return { workspaceId, kind: 'system', id: plugin, roles: ['admin'] };
}
