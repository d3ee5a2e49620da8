/**
 * The record service with plugin hooks applied. A write to a record type that no
 * installed plugin hooks is the record service's own (one statement where it was
 * one). A hooked write runs in one transaction, in this order (docs/plugins.md):
 *
 *   create / update:  beforeValidate → validate (with the engine's own checks,
 *                     every error at once) → beforeChange → write → afterChange
 *   delete / destroy: beforeDelete → write → afterDelete
 *   restore:          write → afterChange (operation 'restore')
 *
 * Plugins' hooks on one type run in config order. A hook that throws rolls back
 * everything: the write, what other hooks wrote, and their change-log events.
 * Writes a hook makes through `ctx.records` run their own hooks, in the same
 * transaction (up to MAX_HOOK_DEPTH levels). An update's hooks see the record
 * locked (FOR UPDATE) as it was before the write.
 */
import type { Database } from '../db/database.ts';
import type { Queryable, SqlClient } from '../db/sql-client.ts';
import { policyOf } from '../access/policy.ts';
import { FieldErrorCollector } from '../errors.ts';
import { fieldType } from '../fields/index.ts';
import { isUuid } from '../records/query/filterable.ts';
import type { RecordInput } from '../records/record-input.ts';
import type { RecordRow } from '../records/record-row.ts';
import { createRecordService, MAX_PAGE_SIZE, type RecordScope, type RecordService } from '../records/record-service.ts';
import type { RecordUpdate } from '../records/bulk-writes.ts';
import type { HookContextBase, HookRecord, RecordHooks } from './define.ts';
import type { AppliedHooks, PluginHost } from './plugin-host.ts';
import { bindRecords, pluginActor } from './plugin-records.ts';

/** How deep hooks may write records whose hooks write records. */
export const MAX_HOOK_DEPTH = 8;

/** The record service with hooks, and a way to run several operations in one transaction. */
export type HookedRecordService = RecordService & {
  /** Runs `fn` in one transaction; operations on the records it gets run in it, hooks included. */
  inTransaction<T>(fn: (records: HookedRecordService, tx: Queryable) => Promise<T>): Promise<T>;
  /** Locks a record the actor may read until the transaction ends, and returns it (null when none). */
  lock(scope: RecordScope, typeName: string, id: string): Promise<RecordRow | null>;
};

let savepoints = 0;

/** A client inside an open transaction: statements join it, and a nested transaction is a savepoint. */
function joined(tx: Queryable): SqlClient {
  return {
    query: (text, params) => tx.query(text, params),
    exec: (script) => tx.exec(script),
    async transaction(fn) {
      const name = `relata_sp_${++savepoints}`;
      await tx.query(`SAVEPOINT ${name}`);
      try {
        const value = await fn(tx);
        await tx.query(`RELEASE SAVEPOINT ${name}`);
        return value;
      } catch (error) {
        await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
        throw error;
      }
    },
  };
}

/** A hook's errors, added under the input's path. */
function hookErrors(errors: FieldErrorCollector, path: string) {
  return { add: (field: string, code: string, message: string) => errors.add(`${path}.${field}`, code, message) };
}

/** Runs each plugin's `name` hook in turn; a hook that returns an input replaces it for the next. */
async function chain<I>(applied: AppliedHooks[], name: 'beforeValidate' | 'beforeChange', data: I, ctx: (a: AppliedHooks) => object): Promise<I> {
  let current = data;
  for (const a of applied) {
    const hook = a.hooks[name] as ((c: object) => unknown) | undefined;
    if (!hook) continue;
    const next = await hook({ ...ctx(a), data: current });
    if (next !== undefined) {
      if (next === null || typeof next !== 'object' || Array.isArray(next)) {
        throw new Error(`plugin "${a.plugin}" ${name} hook returned ${JSON.stringify(next)}: return the input object, or nothing`);
      }
      current = next as I;
    }
  }
  return current;
}

async function each(applied: AppliedHooks[], name: keyof RecordHooks, ctx: (a: AppliedHooks) => object): Promise<void> {
  for (const a of applied) {
    const hook = a.hooks[name] as ((c: object) => unknown) | undefined;
    if (hook) await hook(ctx(a));
  }
}

const has = (applied: AppliedHooks[], name: keyof RecordHooks) => applied.some((a) => a.hooks[name]);

/** Creates the record service over `db` with the hooks of `host`'s plugins. */
export function createHookedRecords(db: Database, host: PluginHost): HookedRecordService {
  /** The hooked service whose statements go through `client`, `depth` levels of hooks down. */
  function over(client: SqlClient, depth: number): HookedRecordService {
    const core = createRecordService({ ...db, sql: client });

    /** Runs a hooked write in a transaction (a savepoint when already in one). */
    function hooked<T>(fn: (tx: Queryable, inner: RecordService, nested: HookedRecordService) => Promise<T>): Promise<T> {
      if (depth >= MAX_HOOK_DEPTH) {
        throw new Error(`plugin hooks wrote records ${MAX_HOOK_DEPTH} levels deep: a hook probably triggers itself`);
      }
      return client.transaction(async (tx) => {
        const inTx = joined(tx);
        return fn(tx, createRecordService({ ...db, sql: inTx }), over(inTx, depth + 1));
      });
    }

    /** Each hook's context: who writes, and record operations as the hook's plugin in this transaction. */
    function base(scope: RecordScope, typeName: string, nested: HookedRecordService) {
      const snapshot = async () => scope.metadata;
      return (a: AppliedHooks): HookContextBase => ({
        type: typeName,
        workspaceId: scope.metadata.workspaceId,
        actor: scope.actor,
        records: bindRecords(nested, pluginActor(scope.metadata.workspaceId, a.plugin), snapshot),
      });
    }

    /** The scope plugins read in: every record and field. */
    const systemScope = (scope: RecordScope): RecordScope => ({ actor: pluginActor(scope.metadata.workspaceId, 'hooks'), metadata: scope.metadata });

    /** Full records of `ids` (every field), deleted ones too, locked for the rest of the transaction when asked. */
    async function fullRecords(tx: Queryable, inner: RecordService, scope: RecordScope, typeName: string, ids: string[], lock = false): Promise<Map<string, HookRecord>> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return new Map();
      if (lock) {
        await tx.query('SELECT 1 FROM "record" WHERE "workspace_id" = $1 AND "id" = ANY($2::uuid[]) ORDER BY "id" FOR UPDATE', [
          scope.metadata.workspaceId,
          valid,
        ]);
      }
      const found = new Map<string, HookRecord>();
      for (let at = 0; at < valid.length; at += MAX_PAGE_SIZE) {
        const ids = valid.slice(at, at + MAX_PAGE_SIZE);
        const page = await inner.list(systemScope(scope), typeName, { filter: { id: { in: ids } }, includeDeleted: true, first: ids.length });
        for (const e of page.edges) found.set(e.node.id, e.node as HookRecord);
      }
      return found;
    }

    /** The hooks of create/update up to the write: the input to write, or a ValidationError. */
    async function beforeWrite(
      scope: RecordScope,
      typeName: string,
      applied: AppliedHooks[],
      ctx: (a: AppliedHooks) => HookContextBase,
      items: Array<{ data: RecordInput; original: HookRecord | null; path: string }>,
      operation: 'create' | 'update',
    ): Promise<RecordInput[]> {
      const errors = new FieldErrorCollector();
      const inputs: RecordInput[] = [];
      for (const item of items) {
        const c = (a: AppliedHooks) => ({ ...ctx(a), operation, original: item.original });
        const data = await chain(applied, 'beforeValidate', item.data, c);
        core.checkInput(scope, typeName, data, operation, item.path, errors);
        await each(applied, 'validate', (a) => ({ ...c(a), data, errors: hookErrors(errors, item.path) }));
        inputs.push(data);
      }
      errors.throwIfAny();
      for (const [i, item] of items.entries()) {
        inputs[i] = await chain(applied, 'beforeChange', inputs[i]!, (a) => ({ ...ctx(a), operation, original: item.original }));
      }
      return inputs;
    }

    /** Runs afterChange for written `rows` (and re-reads them for the caller when hooks ran). */
    async function afterChange(
      tx: Queryable,
      inner: RecordService,
      scope: RecordScope,
      typeName: string,
      applied: AppliedHooks[],
      ctx: (a: AppliedHooks) => HookContextBase,
      rows: RecordRow[],
      previous: Map<string, HookRecord>,
      operation: 'create' | 'update' | 'restore',
    ): Promise<RecordRow[]> {
      if (!has(applied, 'afterChange') || rows.length === 0) return rows;
      // The rows the write returned are whole when the actor sees every field; otherwise read them whole.
      const whole = policyOf(scope).view.find(typeName)?.fields.length === scope.metadata.get(typeName).fields.length;
      const written = whole ? new Map(rows.map((r) => [r.id, r as HookRecord])) : await fullRecords(tx, inner, scope, typeName, rows.map((r) => r.id));
      for (const row of rows) {
        const record = written.get(row.id)!;
        await each(applied, 'afterChange', (a) => ({ ...ctx(a), operation, record, previous: previous.get(row.id) ?? null }));
      }
      // A hook may have changed the records again: answer with them as they are now.
      const ids = rows.map((r) => r.id);
      const now = new Map((await inner.getMany(scope, typeName, ids)).map((r) => [r.id, r]));
      return rows.map((r) => now.get(r.id) ?? r);
    }

    const hooksOf = (scope: RecordScope, typeName: string) => host.hooksFor(scope.metadata, typeName);

    const service: HookedRecordService = {
      ...core,

      inTransaction: (fn) => client.transaction((tx) => fn(over(joined(tx), depth), tx)),

      async lock(scope, typeName, id) {
        const type = scope.metadata.get(typeName);
        if (!isUuid(id)) return null;
        await client.query('SELECT 1 FROM "record" WHERE "workspace_id" = $1 AND "object_type_id" = $2 AND "id" = $3 FOR UPDATE', [
          scope.metadata.workspaceId,
          type.id,
          id,
        ]);
        return core.get(scope, typeName, id);
      },

      async create(scope, typeName, given) {
        const applied = hooksOf(scope, typeName);
        if (applied.length === 0) return core.create(scope, typeName, given);
        return hooked(async (tx, inner, nested) => {
          const ctx = base(scope, typeName, nested);
          const [data] = await beforeWrite(scope, typeName, applied, ctx, [{ data: given, original: null, path: 'input' }], 'create');
          const row = await inner.create(scope, typeName, data!);
          return (await afterChange(tx, inner, scope, typeName, applied, ctx, [row], new Map(), 'create'))[0]!;
        });
      },

      async createMany(scope, typeName, inputs) {
        const applied = hooksOf(scope, typeName);
        if (applied.length === 0 || inputs.length === 0) return core.createMany(scope, typeName, inputs);
        return hooked(async (tx, inner, nested) => {
          const ctx = base(scope, typeName, nested);
          const items = inputs.map((data, i) => ({ data, original: null, path: `inputs.${i}` }));
          const data = await beforeWrite(scope, typeName, applied, ctx, items, 'create');
          const rows = await inner.createMany(scope, typeName, data);
          return afterChange(tx, inner, scope, typeName, applied, ctx, rows, new Map(), 'create');
        });
      },

      async update(scope, typeName, id, given, expectedVersion) {
        const applied = hooksOf(scope, typeName);
        if (applied.length === 0) return core.update(scope, typeName, id, given, expectedVersion);
        return hooked(async (tx, inner, nested) => {
          const ctx = base(scope, typeName, nested);
          const original = (await fullRecords(tx, inner, scope, typeName, [id], true)).get(id);
          // A record the actor cannot see (or a deleted one): the engine says so, hooks do not run.
          if (!original || original.deletedAt || !(await inner.get(scope, typeName, id))) return inner.update(scope, typeName, id, given, expectedVersion);
          const [data] = await beforeWrite(scope, typeName, applied, ctx, [{ data: given, original, path: 'input' }], 'update');
          const row = await inner.update(scope, typeName, id, data!, expectedVersion);
          return (await afterChange(tx, inner, scope, typeName, applied, ctx, [row], new Map([[id, original]]), 'update'))[0]!;
        });
      },

      async updateMany(scope, typeName, updates) {
        const applied = hooksOf(scope, typeName);
        if (applied.length === 0 || updates.length === 0) return core.updateMany(scope, typeName, updates);
        return hooked(async (tx, inner, nested) => {
          const ctx = base(scope, typeName, nested);
          const originals = await fullRecords(tx, inner, scope, typeName, updates.map((u) => u.id), true);
          const visible = new Set((await inner.getMany(scope, typeName, updates.map((u) => u.id))).map((r) => r.id));
          // Any item the actor cannot change: the engine reports every such item, nothing is written.
          if (updates.some((u) => !visible.has(u.id))) return inner.updateMany(scope, typeName, updates);
          const items = updates.map((u, i) => ({ data: u.input, original: originals.get(u.id) ?? null, path: `updates.${i}.input` }));
          const data = await beforeWrite(scope, typeName, applied, ctx, items, 'update');
          const rows = await inner.updateMany(scope, typeName, updates.map((u, i): RecordUpdate => ({ ...u, input: data[i]! })));
          return afterChange(tx, inner, scope, typeName, applied, ctx, rows, originals, 'update');
        });
      },

      async upsert(scope, typeName, match, input) {
        const applied = hooksOf(scope, typeName);
        if (applied.length === 0) return core.upsert(scope, typeName, match, input);
        // Hooks must know whether this creates or updates: find the match under a lock on its key.
        const keys = Object.keys(match ?? {}).filter((k) => match[k] !== undefined && match[k] !== null);
        const field = keys.length === 1 ? scope.metadata.find(typeName)?.fields.find((f) => f.apiName === keys[0] && f.unique) : undefined;
        if (!field) return core.upsert(scope, typeName, match, input);
        const normalized = fieldType(field.type).normalize(match[field.apiName], field);
        if (!normalized.ok) return core.upsert(scope, typeName, match, input);
        return hooked(async (tx, inner) => {
          const type = scope.metadata.get(typeName);
          // Two upserts of one key wait for each other here: one creates, the other then updates.
          const key = `${scope.metadata.workspaceId}/${type.id}/${field.apiName}/${JSON.stringify(normalized.value)}`;
          await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
          const found = await inner.list(systemScope(scope), typeName, { filter: { [field.apiName]: { eq: match[field.apiName] } }, first: 1 });
          const existing = found.edges[0]?.node;
          // The same service one level down runs the hooks of the create or update (in this transaction).
          const same = over(joined(tx), depth);
          if (existing) return { record: await same.update(scope, typeName, existing.id, input), created: false };
          return { record: await same.create(scope, typeName, { ...input, [field.apiName]: input?.[field.apiName] ?? match[field.apiName] }), created: true };
        });
      },

      async delete(scope, typeName, id) {
        const applied = hooksOf(scope, typeName);
        if (applied.length === 0) return core.delete(scope, typeName, id);
        return hooked(async (tx, inner, nested) => {
          const ctx = base(scope, typeName, nested);
          const record = (await fullRecords(tx, inner, scope, typeName, [id], true)).get(id);
          if (!record || record.deletedAt || !(await inner.get(scope, typeName, id))) return inner.delete(scope, typeName, id);
          await each(applied, 'beforeDelete', (a) => ({ ...ctx(a), operation: 'delete', record }));
          const row = await inner.delete(scope, typeName, id);
          if (has(applied, 'afterDelete')) {
            const deleted = (await fullRecords(tx, inner, scope, typeName, [id])).get(id)!;
            await each(applied, 'afterDelete', (a) => ({ ...ctx(a), operation: 'delete', record: deleted }));
          }
          return row;
        });
      },

      async restore(scope, typeName, id) {
        const applied = hooksOf(scope, typeName);
        if (applied.length === 0) return core.restore(scope, typeName, id);
        return hooked(async (tx, inner, nested) => {
          const row = await inner.restore(scope, typeName, id);
          return (await afterChange(tx, inner, scope, typeName, applied, base(scope, typeName, nested), [row], new Map(), 'restore'))[0]!;
        });
      },

      async destroy(scope, typeName, id) {
        const applied = hooksOf(scope, typeName);
        if (applied.length === 0) return core.destroy(scope, typeName, id);
        return hooked(async (tx, inner, nested) => {
          const ctx = base(scope, typeName, nested);
          const record = (await fullRecords(tx, inner, scope, typeName, [id], true)).get(id);
          if (record) await each(applied, 'beforeDelete', (a) => ({ ...ctx(a), operation: 'destroy', record }));
          const done = await inner.destroy(scope, typeName, id);
          if (record) await each(applied, 'afterDelete', (a) => ({ ...ctx(a), operation: 'destroy', record }));
          return done;
        });
      },
    };
    return service;
  }

  return over(db.sql, 0);
}
