/**
 * The change log: every write, on every path, appends its events in its own
 * transaction (none for a write that fails), with exact old and new values, the
 * actor, and the record as of the event; readers see them in one order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access/actor.ts';
import type { Engine } from '../src/engine.ts';
import { storedChanges, visibleEvent, type RawEvent } from '../src/events/event-view.ts';
import { createTestEngine } from '../src/testing/index.ts';

describe('change log', () => {
  let engine: Engine;
  let admin: Actor;
  const scope = async (actor: Actor = admin) => ({ actor, metadata: await engine.metadata.snapshot(admin.workspaceId) });
  /** Every record event written since `from`, in log order, as [kind, record id, changes]. */
  const eventsSince = async (from: Awaited<ReturnType<Engine['events']['start']>>) => {
    await engine.events.settled();
    const rows = await engine.events.tail(from, 1000);
    return rows.filter((e) => e.subject === 'record' && e.workspace_id === admin.workspaceId);
  };

  beforeAll(async () => {
    const t = await createTestEngine();
    engine = t.engine;
    admin = (await t.workspace()).actor;
    await engine.metadata.createObjectType(admin, { apiName: 'company', pluralApiName: 'companies' });
    await engine.metadata.createField(admin, 'company', { apiName: 'name', type: 'TEXT', required: true, unique: true });
    await engine.metadata.createField(admin, 'company', { apiName: 'closedAt', type: 'DATETIME' });
    await engine.metadata.createObjectType(admin, { apiName: 'person', pluralApiName: 'people' });
    await engine.metadata.createField(admin, 'person', { apiName: 'name', type: 'TEXT' });
    await engine.metadata.createField(admin, 'person', {
      apiName: 'company',
      type: 'RELATION',
      options: { target: 'company', inverseApiName: 'people', onDelete: 'CASCADE' },
    });
    await engine.metadata.createField(admin, 'person', {
      apiName: 'friends',
      type: 'RELATION',
      options: { target: 'company', kind: 'MANY_TO_MANY', inverseApiName: 'fans' },
    });
  });
  afterAll(() => engine.close());

  it('logs create, update, delete, restore and destroy with old and new values, the actor and the record as of each', async () => {
    const from = await engine.events.start();
    const s = await scope();
    const acme = await engine.records.create(s, 'company', { name: 'Acme' });
    await engine.records.update(s, 'company', acme.id, { name: 'Acme Inc', closedAt: '2026-01-02T03:04:05+01:00' });
    await engine.records.update(s, 'company', acme.id, { closedAt: null });
    await engine.records.delete(s, 'company', acme.id);
    await engine.records.restore(s, 'company', acme.id);
    await engine.records.destroy(s, 'company', acme.id);
    const events = await eventsSince(from);
    expect(events.map((e) => [e.kind, e.record_id, storedChanges(e)])).toEqual([
      ['CREATED', acme.id, { name: { old: null, new: 'Acme' } }],
      ['UPDATED', acme.id, { name: { old: 'Acme', new: 'Acme Inc' }, closedAt: { old: null, new: '2026-01-02T02:04:05.000Z' } }],
      ['UPDATED', acme.id, { closedAt: { old: '2026-01-02T02:04:05.000Z', new: null } }],
      ['DELETED', acme.id, {}],
      ['RESTORED', acme.id, {}],
      ['DESTROYED', acme.id, {}],
    ]);
    expect(new Set(events.map((e) => e.actor))).toEqual(new Set([`apiKey:${admin.id}`]));
    expect(events.map((e) => (e.record as { version: number }).version)).toEqual([1, 2, 3, 4, 5, 5]);
    // The API's view of an event: output forms, the record as of then.
    const updated = visibleEvent(s, events[1] as RawEvent)!;
    expect(updated).toMatchObject({ kind: 'UPDATED', type: 'company', changedFields: ['closedAt', 'name'], actor: { kind: 'apiKey', id: admin.id } });
    expect(updated.record.data).toEqual({ name: 'Acme Inc', closedAt: '2026-01-02T02:04:05.000Z' });
  });

  it('logs nothing for a write that fails, and logs what cascades, link changes and bulk writes change', async () => {
    const s = await scope();
    const globex = await engine.records.create(s, 'company', { name: 'Globex' });
    // Where the log is readable up to is cluster-wide on PostgreSQL: wait until Globex's event is below it, or start() could come before it.
    await engine.events.settled();
    const from = await engine.events.start();
    await expect(engine.records.create(s, 'company', { name: 'Globex' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(engine.records.createMany(s, 'person', [{ name: 'ok' }, { name: 'bad', company: '01a20000-0000-7000-8000-000000000000' }])).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await eventsSince(from)).toEqual([]);

    const [ann, bob] = await engine.records.createMany(s, 'person', [{ name: 'Ann', company: globex.id }, { name: 'Bob' }]);
    await engine.records.update(s, 'person', bob!.id, { friends: { connect: [globex.id] } });
    await engine.records.delete(s, 'company', globex.id);
    const events = await eventsSince(from);
    const describe = (e: RawEvent) => [e.kind, e.record_id, Object.keys(storedChanges(e)).sort()];
    expect(events.map(describe)).toEqual([
      ['CREATED', ann!.id, ['company', 'name']],
      ['CREATED', bob!.id, ['name']],
      // The link, from both ends, naming each end's field.
      ...[
        ['UPDATED', bob!.id, ['friends']],
        ['UPDATED', globex.id, ['fans']],
      ].sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
      // The delete took Ann along (CASCADE).
      ['DELETED', globex.id, []],
      ['DELETED', ann!.id, []],
    ]);
    expect(events.find((e) => e.record_id === globex.id && e.kind === 'UPDATED')!.changes).toEqual({ fans: { added: [bob!.id] } });
  });

  it('keeps a history per record, newest first, without fields hidden from the reader', async () => {
    await engine.metadata.createRole(admin, {
      name: 'clerk',
      rules: [{ type: 'company', read: 'all', update: 'all', fields: [{ field: 'closedAt', access: 'hidden' }] }],
    });
    const s = await scope();
    const initech = await engine.records.create(s, 'company', { name: 'Initech' });
    await engine.records.update(s, 'company', initech.id, { closedAt: '2026-05-01T00:00:00Z' });
    await engine.records.update(s, 'company', initech.id, { name: 'Initrode' });
    const full = (await engine.events.history(s, 'company', [initech.id])).get(initech.id)!;
    expect(full.edges.map((e) => [e.node.kind, e.node.changes.map((c) => c.field)])).toEqual([
      ['UPDATED', ['name']],
      ['UPDATED', ['closedAt']],
      ['CREATED', ['name']],
    ]);
    const clerk = await scope({ workspaceId: admin.workspaceId, kind: 'member', id: '01a20000-0000-7000-8000-0000000000c1', roles: ['clerk'] });
    const seen = (await engine.events.history(clerk, 'company', [initech.id])).get(initech.id)!;
    expect(seen.edges.map((e) => [e.node.kind, e.node.changes])).toEqual([
      ['UPDATED', [{ field: 'name', old: 'Initech', new: 'Initrode', added: null, removed: null }]],
      ['CREATED', [{ field: 'name', old: null, new: 'Initech', added: null, removed: null }]],
    ]);
    // Paging, and only some fields.
    const first = (await engine.events.history(s, 'company', [initech.id], { first: 1 })).get(initech.id)!;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = (await engine.events.history(s, 'company', [initech.id], { after: first.pageInfo.endCursor })).get(initech.id)!;
    expect(rest.edges.map((e) => e.node.kind)).toEqual(['UPDATED', 'CREATED']);
    const closes = (await engine.events.history(s, 'company', [initech.id], { fields: ['closedAt'] })).get(initech.id)!;
    expect(closes.edges.map((e) => e.node.changes.map((c) => c.field))).toEqual([['closedAt']]);
  });

  it('logs metadata changes with the admin who made them', async () => {
    const from = await engine.events.start();
    await engine.metadata.createField(admin, 'company', { apiName: 'website', type: 'URL' });
    await engine.events.settled();
    const events = (await engine.events.tail(from, 100)).filter((e) => e.workspace_id === admin.workspaceId);
    expect(events.map((e) => [e.subject, e.kind, e.actor])).toContainEqual(['field', 'CREATED', `apiKey:${admin.id}`]);
  });
});

describe('change log order', () => {
  it('pages through more events than one page holds in log order, none skipped or repeated (numbers, not text)', async () => {
    const t = await createTestEngine();
    try {
      const { actor } = await t.workspace();
      await t.engine.metadata.createObjectType(actor, { apiName: 'item', pluralApiName: 'items' });
      const s = { actor, metadata: await t.engine.metadata.snapshot(actor.workspaceId) };
      await t.engine.events.settled();
      const from = await t.engine.events.start();
      // 150 events in one transaction (seq 1..150: 2, 10 and 100 sort differently as text).
      const created = await t.engine.records.createMany(s, 'item', Array.from({ length: 150 }, () => ({})));
      await t.engine.events.settled();
      const seen: string[] = [];
      let position = from;
      for (;;) {
        const page = await t.engine.events.replay(actor.workspaceId, position, {}, 40);
        if (page.length === 0) break;
        seen.push(...page.map((e) => e.record_id!));
        position = { txid: page[page.length - 1]!.txid, seq: page[page.length - 1]!.seq };
      }
      expect(seen).toEqual(created.map((r) => r.id).sort());
      const tailed = await t.engine.events.tail(from, 1000);
      expect(tailed.map((e) => Number(e.seq))).toEqual(tailed.map((e) => Number(e.seq)).sort((a, b) => a - b));
    } finally {
      await t.engine.close();
    }
  });
});
