/**
 * Plugin event handlers on a real database: each matching event once, in log
 * order, with every field; only in workspaces where the plugin is installed;
 * retries with backoff; the dead-letter list and retrying from it; two runners
 * on one database never run one handler at once and lose nothing; and a runner
 * that dies mid-handler leaves the event to the next one (at least once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor, type Actor } from '../../src/access/actor.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';
import { createEngine, type Engine } from '../../src/engine.ts';
import { decodeEventCursor } from '../../src/events/event-cursor.ts';
import { definePlugin, defineRecordType, type PluginEvent } from '../../src/plugins/define.ts';
import { field } from '../../src/plugins/field-builders.ts';
import { startPluginWorkers, type PluginWorkerOptions } from '../../src/plugins/plugin-workers.ts';
import { createPostgresTestDatabaseUrl, createTestDatabase, testEngine } from '../../src/testing/index.ts';

const FAST: PluginWorkerOptions = { pollIntervalMs: 20, retry: { baseDelayMs: 5, maxDelayMs: 20 }, log: () => {} };

const ticket = defineRecordType({
  apiName: 'ticket',
  pluralApiName: 'tickets',
  fields: { title: field.text({ required: true }), priority: field.integer(), budget: field.currency() },
});
const task = defineRecordType({ apiName: 'task', pluralApiName: 'tasks', fields: { title: field.text() } });
const bug = defineRecordType({ apiName: 'bug', pluralApiName: 'bugs', fields: { title: field.text() } });

/** Waits until `check` holds, polling; fails after `ms`. */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const positionOf = (cursor: string) => decodeEventCursor(cursor);
const inLogOrder = (cursors: string[]) =>
  cursors.every((c, i) => {
    if (i === 0) return true;
    const [a, b] = [positionOf(cursors[i - 1]!), positionOf(c)];
    return BigInt(a.txid) < BigInt(b.txid) || (a.txid === b.txid && BigInt(a.seq) < BigInt(b.seq));
  });

describe('plugin event handlers', () => {
  const seen: PluginEvent[] = [];
  const updates: PluginEvent[] = [];
  const flakyCalls = new Map<string, number>();
  let brokenFixed = false;
  const brokenSeen: PluginEvent[] = [];
  const plugin = definePlugin({
    name: 'desk',
    version: '1.0.0',
    recordTypes: [ticket, task, bug],
    handlers: {
      seen: { types: ['ticket'], handle: (event) => void seen.push(event) },
      updates: { kinds: ['UPDATED'], handle: (event) => void updates.push(event) },
      flaky: {
        types: ['task'],
        handle(event) {
          const calls = (flakyCalls.get(event.recordId) ?? 0) + 1;
          flakyCalls.set(event.recordId, calls);
          if (calls <= 2) throw new Error(`flaky ${calls}`);
        },
      },
      broken: {
        types: ['bug'],
        async handle(event, ctx) {
          if (!brokenFixed) throw new Error(`cannot reach ${String(event.record.data.title)}`);
          // Handlers act as the plugin, in the event's workspace.
          expect((await ctx.records.get('bug', event.recordId))?.id).toBe(event.recordId);
          brokenSeen.push(event);
        },
      },
    },
  });

  let engine: Engine;
  let a: Actor;
  let b: Actor;
  let workers: Awaited<ReturnType<typeof startPluginWorkers>>;
  const scope = async (actor: Actor) => ({ actor, metadata: await engine.metadata.snapshot(actor.workspaceId) });

  beforeAll(async () => {
    engine = createEngine(await createTestDatabase(), { plugins: [plugin] });
    const wa = await engine.workspaces.create({ name: 'A' });
    const wb = await engine.workspaces.create({ name: 'B' });
    a = (await engine.workspaces.authenticate(wa.apiKey)).actor;
    b = (await engine.workspaces.authenticate(wb.apiKey)).actor;
    await engine.plugins.install(a, 'desk');
    // B has a ticket type of its own, without the plugin: its events are none of the plugin's business.
    await engine.metadata.createObjectType(b, { apiName: 'ticket', pluralApiName: 'tickets' });
    await engine.metadata.createField(b, 'ticket', { apiName: 'title', type: 'TEXT' });
    // Written before the handlers exist: history, not replayed.
    await engine.records.create(await scope(a), 'ticket', { title: 'before' });
    await engine.events.settled();
    workers = await startPluginWorkers(engine, { ...FAST, auto: false });
  });
  afterAll(async () => {
    await workers?.stop();
    await engine?.close();
  });

  it('gives each matching event once, in log order, with every field, only in workspaces where the plugin is installed', async () => {
    const sa = await scope(a);
    const one = await engine.records.create(sa, 'ticket', { title: 'One', priority: 3, budget: { amount: '12.50', currency: 'EUR' } });
    const two = await engine.records.create(sa, 'ticket', { title: 'Two' });
    await engine.records.update(sa, 'ticket', one.id, { priority: 4 });
    await engine.records.delete(sa, 'ticket', two.id);
    await engine.records.create(await scope(b), 'ticket', { title: 'Elsewhere' });
    await engine.records.create(sa, 'task', { title: 'not a ticket' });
    await workers.drain();

    expect(seen.map((e) => [e.kind, e.recordId])).toEqual([
      ['CREATED', one.id],
      ['CREATED', two.id],
      ['UPDATED', one.id],
      ['DELETED', two.id],
    ]);
    expect(inLogOrder(seen.map((e) => e.cursor))).toBe(true);
    const [created, , updated] = seen;
    expect(created).toMatchObject({
      type: 'ticket',
      workspaceId: a.workspaceId,
      actor: { kind: 'apiKey', id: a.id },
      record: { id: one.id, type: 'ticket', version: 1, data: { title: 'One', priority: 3, budget: { amount: '12.50', currency: 'EUR' } } },
    });
    expect(created!.at).toBeInstanceOf(Date);
    expect(created!.record.createdAt).toBeInstanceOf(Date);
    expect(created!.changes.map((c) => c.field)).toEqual(['budget', 'priority', 'title']);
    expect(updated!.changes).toEqual([{ field: 'priority', old: 3, new: 4, added: null, removed: null }]);
    expect(updated!.record.data).toEqual({ title: 'One', priority: 4, budget: { amount: '12.50', currency: 'EUR' } });
    // kinds: UPDATED events of every type, in installed workspaces only.
    expect(updates.map((e) => e.recordId)).toEqual([one.id]);

    await workers.drain();
    expect(seen).toHaveLength(4);
  });

  it('retries a throwing handler with backoff; one that succeeds in time is no dead letter', async () => {
    const created = await engine.records.create(await scope(a), 'task', { title: 'flaky' });
    await workers.drain();
    expect(flakyCalls.get(created.id)).toBe(3);
    const letters = await engine.plugins.deadLetters(a, { plugin: 'desk' });
    expect(letters.edges.filter((e) => e.node.handler === 'flaky')).toEqual([]);
  });

  it('files an event that fails every attempt as a dead letter, moves on, and resolves it on a retry once fixed', async () => {
    const sa = await scope(a);
    const first = await engine.records.create(sa, 'bug', { title: 'first' });
    const second = await engine.records.create(sa, 'bug', { title: 'second' });
    await workers.drain();

    const page = await engine.plugins.deadLetters(a, {});
    expect(page.edges.map((e) => [e.node.handler, e.node.event && (e.node.event as PluginEvent).recordId])).toEqual([
      ['broken', second.id],
      ['broken', first.id],
    ]);
    const letter = page.edges[1]!.node;
    expect(letter).toMatchObject({ plugin: 'desk', handler: 'broken', error: 'cannot reach first', attempts: 5, status: 'dead', resolvedAt: null });
    expect(letter.event).toMatchObject({ kind: 'CREATED', type: 'bug', recordId: first.id, cursor: letter.eventCursor, record: { data: { title: 'first' } } });
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });

    // Paging, newest first; another plugin's name finds none.
    const one = await engine.plugins.deadLetters(a, { first: 1 });
    expect(one.edges.map((e) => e.node.id)).toEqual([page.edges[0]!.node.id]);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const rest = await engine.plugins.deadLetters(a, { first: 1, after: one.pageInfo.endCursor });
    expect(rest.edges.map((e) => e.node.id)).toEqual([letter.id]);
    expect(rest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect((await engine.plugins.deadLetters(a, { plugin: 'other' })).edges).toEqual([]);

    // Admins of the workspace only.
    await expect(engine.plugins.deadLetters({ ...a, roles: ['member'] }, {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(engine.plugins.retryDeadLetter({ ...a, roles: ['member'] }, letter.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await engine.plugins.deadLetters(b, {})).edges).toEqual([]);
    await expect(engine.plugins.retryDeadLetter(b, letter.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.plugins.retryDeadLetter(a, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Still broken: the error and attempts are updated, it stays dead.
    expect(await engine.plugins.retryDeadLetter(a, letter.id)).toMatchObject({ status: 'dead', attempts: 6, error: 'cannot reach first' });
    brokenFixed = true;
    const resolved = await engine.plugins.retryDeadLetter(a, letter.id);
    expect(resolved).toMatchObject({ status: 'resolved', attempts: 7 });
    expect(resolved.resolvedAt).toBeInstanceOf(Date);
    expect(brokenSeen).toHaveLength(1);
    expect(brokenSeen[0]).toMatchObject({ recordId: first.id, workspaceId: a.workspaceId });
    expect(brokenSeen[0]!.at).toBeInstanceOf(Date);
    // A resolved letter is not run again.
    expect(await engine.plugins.retryDeadLetter(a, letter.id)).toMatchObject({ status: 'resolved', attempts: 7 });
    expect(brokenSeen).toHaveLength(1);
    // The handler went on past the dead letters: nothing is run again.
    await workers.drain();
    expect(brokenSeen).toHaveLength(1);
  });
});

describe('plugin event handlers across runners', () => {
  it('never runs one handler on two runners at once, and loses no event', async () => {
    const handled: string[] = [];
    let inFlight = 0;
    let most = 0;
    const plugin = definePlugin({
      name: 'race',
      version: '1.0.0',
      recordTypes: [ticket],
      handlers: {
        count: {
          async handle(event) {
            most = Math.max(most, ++inFlight);
            await new Promise((resolve) => setTimeout(resolve, Math.random() < 0.1 ? 2 : 0));
            handled.push(event.cursor);
            inFlight--;
          },
        },
      },
    });
    // Two processes on PostgreSQL: two engines, each with its own pool; PGlite is one connection in one process.
    const adminUrl = process.env.RELATA_TEST_DATABASE_URL;
    let engines: Engine[];
    if (testEngine() === 'postgres') {
      const url = await createPostgresTestDatabaseUrl(adminUrl!);
      const first = await openDatabase({ url, poolSize: 4 });
      await migrate(first.sql);
      engines = [createEngine(first, { plugins: [plugin] }), createEngine(await openDatabase({ url, poolSize: 4 }), { plugins: [plugin] })];
    } else {
      const engine = createEngine(await createTestDatabase(), { plugins: [plugin] });
      engines = [engine, engine];
    }
    const runners = [];
    try {
      const { workspaceId } = await engines[0]!.workspaces.create({ name: 'Race' });
      const actor = systemActor(workspaceId);
      await engines[0]!.plugins.install(actor, 'race');
      for (const engine of engines) runners.push(await startPluginWorkers(engine, { ...FAST, leaseMs: 30_000 }));
      const writes = [];
      for (let i = 0; i < 20; i++) {
        const engine = engines[i % 2]!;
        const scope = { actor, metadata: await engine.metadata.snapshot(workspaceId) };
        writes.push(engine.records.createMany(scope, 'ticket', Array.from({ length: 10 }, (_, j) => ({ title: `${i}.${j}` }))));
      }
      await Promise.all(writes);
      await until('200 events handled', () => handled.length >= 200, 60_000);
      await engines[0]!.events.settled();
      for (const runner of runners) await runner.drain();
      expect(handled).toHaveLength(200);
      expect(new Set(handled).size).toBe(200);
      expect(inLogOrder(handled)).toBe(true);
      expect(most).toBe(1);
    } finally {
      for (const runner of runners) await runner.stop();
      await engines[0]!.close();
      if (engines[1] !== engines[0]) await engines[1]!.close();
    }
  }, 90_000);

  it('runs an event again on another runner when the one running it dies mid-handler (at least once)', async () => {
    const calls: string[] = [];
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const plugin = definePlugin({
      name: 'gate',
      version: '1.0.0',
      recordTypes: [ticket],
      handlers: {
        slow: {
          async handle(event) {
            calls.push(event.cursor);
            // The first call hangs, as in a process that died mid-handler.
            if (calls.length === 1) await stuck;
          },
        },
      },
    });
    const engine = createEngine(await createTestDatabase(), { plugins: [plugin] });
    const actor = systemActor((await engine.workspaces.create({ name: 'Gate' })).workspaceId);
    await engine.plugins.install(actor, 'gate');
    const scope = async () => ({ actor, metadata: await engine.metadata.snapshot(actor.workspaceId) });
    const first = await startPluginWorkers(engine, { ...FAST, leaseMs: 300 });
    let second: Awaited<ReturnType<typeof startPluginWorkers>> | undefined;
    try {
      await engine.records.create(await scope(), 'ticket', { title: 'stuck' });
      await until('the first call', () => calls.length === 1);
      // Gives up waiting: from now on the first runner writes nothing, and its lease runs out.
      await first.stop({ timeoutMs: 20 });
      second = await startPluginWorkers(engine, { ...FAST, leaseMs: 300 });
      await until('the event run again', () => calls.length === 2);
      expect(calls[1]).toBe(calls[0]);
      // The first call ends at last: it moves nothing.
      release();
      await engine.records.create(await scope(), 'ticket', { title: 'next' });
      await engine.events.settled();
      await until('the next event', () => calls.length === 3);
      await second.drain();
      expect(calls).toHaveLength(3);
      expect(calls[2]).not.toBe(calls[0]);
      const { rows } = await engine.db.sql.query<{ owner: string | null }>(`SELECT "lease_owner" AS "owner" FROM "plugin_handler" WHERE "name" = 'gate/slow'`);
      expect(rows).toHaveLength(1);
      await second.stop();
      const { rows: after } = await engine.db.sql.query<{ owner: string | null }>(`SELECT "lease_owner" AS "owner" FROM "plugin_handler" WHERE "name" = 'gate/slow'`);
      // Handed back on stop.
      expect(after[0]!.owner).toBeNull();
    } finally {
      release();
      await second?.stop();
      await engine.close();
    }
  }, 60_000);
});
