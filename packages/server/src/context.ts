/**
 * What every resolver gets: the engine, who is acting, the workspace metadata the
 * schema was built from, and per-request dataloaders (so one request costs a
 * bounded number of statements whatever its page size).
 */
import type { Actor, Engine, RecordPage, RecordRow, RecordScope, WorkspaceMetadata } from '@relata/core';
import DataLoader from 'dataloader';
import type { EventHub } from './subscriptions/event-hub.ts';

/** The GraphQL context of one request. */
export interface RequestContext {
  engine: Engine;
  actor: Actor;
  metadata: WorkspaceMetadata;
  scope: RecordScope;
  /** Loads live records of the given type(s) by id, batched per request. */
  recordLoader(types: readonly string[]): DataLoader<string, RecordRow | null>;
  /**
   * Loads one page per parent id, batched per request under `key` (the list and its
   * arguments), so a nested list costs one statement per level whatever the page size.
   */
  relatedLoader(key: string, load: (parentIds: readonly string[]) => Promise<Map<string, RecordPage>>): DataLoader<string, RecordPage>;
  /** Loads members of the workspace by id (record owners), batched per request. */
  memberLoader: DataLoader<string, Member | null>;
  /** The process's reader of the change log, which subscriptions listen to (absent where nothing serves them). */
  hub?: EventHub;
}

/** A workspace member as the engine returns it. */
export type Member = Awaited<ReturnType<Engine['workspaces']['membersByIds']>>[number];

/** Creates the context of one authenticated request. */
export function createRequestContext(engine: Engine, actor: Actor, metadata: WorkspaceMetadata, hub?: EventHub): RequestContext {
  const scope: RecordScope = { actor, metadata };
  const loaders = new Map<string, DataLoader<string, RecordRow | null>>();
  const related = new Map<string, DataLoader<string, RecordPage>>();
  let members: DataLoader<string, Member | null> | undefined;
  return {
    engine,
    actor,
    metadata,
    scope,
    hub,
    get memberLoader() {
      members ??= new DataLoader(async (ids) => {
        const rows = await engine.workspaces.membersByIds(actor, ids);
        const byId = new Map(rows.map((m) => [m.id, m]));
        return ids.map((id) => byId.get(id) ?? null);
      });
      return members;
    },
    recordLoader(types) {
      const key = types.join(',');
      let loader = loaders.get(key);
      if (!loader) {
        loader = new DataLoader(async (ids) => {
          const rows = await engine.records.getMany(scope, types, ids);
          const byId = new Map(rows.map((r) => [r.id, r]));
          return ids.map((id) => byId.get(id) ?? null);
        });
        loaders.set(key, loader);
      }
      return loader;
    },
    relatedLoader(key, load) {
      let loader = related.get(key);
      if (!loader) {
        loader = new DataLoader(async (ids) => {
          const pages = await load(ids);
          return ids.map((id) => pages.get(id)!);
        });
        related.set(key, loader);
      }
      return loader;
    },
  };
}
