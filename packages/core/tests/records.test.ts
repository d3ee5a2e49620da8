import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access/actor.ts';
import type { Engine } from '../src/engine.ts';
import { createTestEngine } from '../src/testing/index.ts';

describe('records', () => {
  let engine: Engine;
  let actor: Actor;
  const scope = async () => ({ actor, metadata: await engine.metadata.snapshot(actor.workspaceId) });

  beforeAll(async () => {
    const t = await createTestEngine();
    engine = t.engine;
    actor = (await t.workspace()).actor;
    await engine.metadata.createObjectType(actor, { apiName: 'invoice', pluralApiName: 'invoices' });
    await engine.metadata.createField(actor, 'invoice', { apiName: 'number', type: 'TEXT', required: true, unique: true });
    await engine.metadata.createField(actor, 'invoice', { apiName: 'total', type: 'NUMBER', indexed: true });
  });
  afterAll(() => engine.close());

  it('creates, reads, updates with a version check, deletes and restores', async () => {
    const s = await scope();
    const created = await engine.records.create(s, 'invoice', { number: ' INV-1 ', total: 10 });
    expect(created.data).toEqual({ number: 'INV-1', total: 10 });
    expect(created.version).toBe(1);
    expect(await engine.records.get(s, 'invoice', created.id)).toMatchObject({ id: created.id, data: created.data });

    const updated = await engine.records.update(s, 'invoice', created.id, { total: null }, 1);
    expect(updated.data).toEqual({ number: 'INV-1' });
    expect(updated.version).toBe(2);
    await expect(engine.records.update(s, 'invoice', created.id, { total: 5 }, 1)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await engine.records.get(s, 'invoice', created.id))?.data).toEqual({ number: 'INV-1' });

    await engine.records.delete(s, 'invoice', created.id);
    expect(await engine.records.get(s, 'invoice', created.id)).toBeNull();
    const restored = await engine.records.restore(s, 'invoice', created.id);
    expect(restored.deletedAt).toBeNull();
    expect(await engine.records.destroy(s, 'invoice', created.id)).toBe(true);
    await expect(engine.records.restore(s, 'invoice', created.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reports every failing field at once and writes nothing', async () => {
    const s = await scope();
    const before = await engine.records.list(s, 'invoice', { totalCount: true });
    const error = await engine.records.create(s, 'invoice', { total: 'ten', bogus: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((error as { fields: Array<{ field: string }> }).fields.map((f) => f.field).sort()).toEqual([
      'input.bogus',
      'input.number',
      'input.total',
    ]);
    expect((await engine.records.list(s, 'invoice', { totalCount: true })).totalCount).toBe(before.totalCount);
    await expect(engine.records.create(s, 'invoice', { number: '   ' })).rejects.toMatchObject({
      fields: [{ field: 'input.number', code: 'REQUIRED' }],
    });
  });

  it('refuses a write validated against metadata that changed meanwhile, and writes nothing', async () => {
    await engine.metadata.createField(actor, 'invoice', { apiName: 'code', type: 'TEXT' });
    const stale = await scope();
    const existing = await engine.records.create(stale, 'invoice', { number: 'M-1' });
    // Another request turns `code` into an INTEGER field, checking the values stored so far.
    await engine.metadata.updateField(actor, 'invoice', 'code', { type: 'INTEGER' });
    const before = (await engine.records.list(await scope(), 'invoice', { totalCount: true })).totalCount;
    const changed = { code: 'CONFLICT', details: { reason: 'METADATA_CHANGED' } };
    await expect(engine.records.create(stale, 'invoice', { number: 'M-2', code: 'abc' })).rejects.toMatchObject(changed);
    await expect(engine.records.update(stale, 'invoice', existing.id, { code: 'abc' })).rejects.toMatchObject(changed);
    await expect(engine.records.createMany(stale, 'invoice', [{ number: 'M-3', code: 'abc' }])).rejects.toMatchObject(changed);
    await expect(engine.records.updateMany(stale, 'invoice', [{ id: existing.id, input: { code: 'abc' } }])).rejects.toMatchObject(changed);
    await expect(engine.records.upsert(stale, 'invoice', { number: 'M-1' }, { code: 'abc' })).rejects.toMatchObject(changed);
    const fresh = await scope();
    expect((await engine.records.list(fresh, 'invoice', { totalCount: true })).totalCount).toBe(before);
    expect((await engine.records.get(fresh, 'invoice', existing.id))?.data.code).toBeUndefined();
    await engine.metadata.deleteField(actor, 'invoice', 'code');
  });

  it('enforces unique values with a CONFLICT naming the field', async () => {
    const s = await scope();
    await engine.records.create(s, 'invoice', { number: 'U-1' });
    await expect(engine.records.create(s, 'invoice', { number: 'U-1' })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { fields: [{ field: 'input.number', code: 'UNIQUE' }] },
    });
  });

  it('pages forward and backward with stable cursors', async () => {
    const s = await scope();
    for (let i = 0; i < 7; i++) await engine.records.create(s, 'invoice', { number: `P-${i}`, total: i % 3 });
    const filter = { number: { startsWith: 'P-' } };
    const orderBy = [{ total: 'DESC' as const }];
    const all = await engine.records.list(s, 'invoice', { filter, orderBy, first: 100, totalCount: true });
    expect(all.totalCount).toBe(7);
    const order = all.edges.map((e) => e.node.data.number);
    const seen: unknown[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await engine.records.list(s, 'invoice', { filter, orderBy, first: 3, after });
      seen.push(...page.edges.map((e) => e.node.data.number));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(order);
    const lastTwo = await engine.records.list(s, 'invoice', { filter, orderBy, last: 2 });
    expect(lastTwo.edges.map((e) => e.node.data.number)).toEqual(order.slice(-2));
    expect(lastTwo.pageInfo.hasPreviousPage).toBe(true);
    await expect(engine.records.list(s, 'invoice', { first: 201 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(engine.records.list(s, 'invoice', { after: 'nonsense' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
