import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access/actor.ts';
import type { Engine } from '../src/engine.ts';
import { createTestEngine } from '../src/testing/index.ts';

describe('bulk writes and upsert', () => {
  let engine: Engine;
  let actor: Actor;
  const scope = async () => ({ actor, metadata: await engine.metadata.snapshot(actor.workspaceId) });
  const count = async () => (await engine.records.list(await scope(), 'contact', { totalCount: true, first: 0 })).totalCount;

  beforeAll(async () => {
    const t = await createTestEngine();
    engine = t.engine;
    actor = (await t.workspace()).actor;
    await engine.metadata.createObjectType(actor, { apiName: 'contact', pluralApiName: 'contacts' });
    await engine.metadata.createField(actor, 'contact', { apiName: 'email', type: 'EMAIL', unique: true, required: true });
    await engine.metadata.createField(actor, 'contact', { apiName: 'name', type: 'TEXT' });
    await engine.metadata.createField(actor, 'contact', { apiName: 'score', type: 'INTEGER' });
  });
  afterAll(() => engine.close());

  it('creates many in order, or none, naming each failing item', async () => {
    const s = await scope();
    const created = await engine.records.createMany(s, 'contact', [
      { email: 'A@x.com', name: 'Ann' },
      { email: 'b@x.com', name: 'Bob' },
    ]);
    expect(created.map((r) => r.data.email)).toEqual(['a@x.com', 'b@x.com']);

    const before = await count();
    const invalid = await engine.records
      .createMany(s, 'contact', [{ email: 'c@x.com' }, { email: 'nope', score: 1.5 }, { name: 'no email' }])
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((invalid as { fields: Array<{ field: string }> }).fields.map((f) => f.field)).toEqual([
      'inputs.1.email',
      'inputs.1.score',
      'inputs.2.email',
    ]);
    const taken = await engine.records
      .createMany(s, 'contact', [{ email: 'd@x.com' }, { email: 'a@x.com' }, { email: 'D@x.com' }])
      .catch((e: unknown) => e);
    expect(taken).toMatchObject({
      code: 'CONFLICT',
      details: { fields: [{ field: 'inputs.2.email', code: 'UNIQUE' }, { field: 'inputs.1.email', code: 'UNIQUE' }] },
    });
    expect(await count()).toBe(before);
    await expect(engine.records.createMany(s, 'contact', Array.from({ length: 1001 }, () => ({})))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('updates many atomically; a stale version or a missing id writes nothing', async () => {
    const s = await scope();
    const [a, b] = await engine.records.createMany(s, 'contact', [{ email: 'u1@x.com' }, { email: 'u2@x.com' }]);
    const updated = await engine.records.updateMany(s, 'contact', [
      { id: a!.id, input: { score: 1 }, expectedVersion: 1 },
      { id: b!.id, input: { score: 2 } },
    ]);
    expect(updated.map((r) => [r.data.score, r.version])).toEqual([
      [1, 2],
      [2, 2],
    ]);

    const stale = await engine.records
      .updateMany(s, 'contact', [
        { id: a!.id, input: { score: 10 }, expectedVersion: 2 },
        { id: b!.id, input: { score: 20 }, expectedVersion: 1 },
      ])
      .catch((e: unknown) => e);
    expect(stale).toMatchObject({ code: 'CONFLICT', details: { fields: [{ field: 'updates.1.expectedVersion', code: 'STALE' }] } });
    const missing = await engine.records
      .updateMany(s, 'contact', [
        { id: a!.id, input: { score: 10 } },
        { id: '01900000-0000-7000-8000-000000000000', input: { score: 3 } },
      ])
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'NOT_FOUND', details: { fields: [{ field: 'updates.1.id' }] } });
    expect((await engine.records.get(s, 'contact', a!.id))?.data.score).toBe(1);
    await expect(
      engine.records.updateMany(s, 'contact', [
        { id: a!.id, input: { email: 'same@x.com' } },
        { id: b!.id, input: { email: 'same@x.com' } },
      ]),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { fields: [{ field: 'updates.1.input.email', code: 'UNIQUE' }] } });
    await expect(engine.records.updateMany(s, 'contact', [{ id: b!.id, input: { email: 'a@x.com' } }])).rejects.toMatchObject({
      details: { fields: [{ field: 'updates.0.input.email', message: 'is already taken by another record' }] },
    });
    // A record may keep (re-send) its own unique value.
    const kept = await engine.records.updateMany(s, 'contact', [{ id: a!.id, input: { email: 'u1@x.com' } }]);
    expect(kept[0]?.data.email).toBe('u1@x.com');
  });

  it('upserts on a unique field: creates, then updates, and never duplicates under concurrency', async () => {
    const s = await scope();
    const first = await engine.records.upsert(s, 'contact', { email: 'UP@x.com' }, { name: 'Up' });
    expect(first.created).toBe(true);
    expect(first.record.data).toEqual({ email: 'up@x.com', name: 'Up' });
    const second = await engine.records.upsert(s, 'contact', { email: 'up@x.com' }, { score: 5 });
    expect(second).toMatchObject({ created: false, record: { id: first.record.id, version: 2, data: { name: 'Up', score: 5 } } });

    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => engine.records.upsert(s, 'contact', { email: 'race@x.com' }, { score: i })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.record.id)).size).toBe(1);
    const page = await engine.records.list(s, 'contact', { filter: { email: { eq: 'race@x.com' } }, totalCount: true });
    expect(page.totalCount).toBe(1);

    await expect(engine.records.upsert(s, 'contact', { name: 'x' }, {})).rejects.toMatchObject({
      fields: [{ field: 'match.name', code: 'NOT_UNIQUE' }],
    });
    await expect(engine.records.upsert(s, 'contact', { email: 'a@x.com' }, { email: 'b@x.com' })).rejects.toMatchObject({
      fields: [{ field: 'input.email', code: 'MISMATCH' }],
    });
  });
});
