/** The search vector is written with every change, and rebuilt when searchable fields change. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access/actor.ts';
import type { Engine } from '../src/engine.ts';
import { createTestEngine } from '../src/testing/index.ts';

describe('search vector', () => {
  let engine: Engine;
  let actor: Actor;
  const scope = async () => ({ actor, metadata: await engine.metadata.snapshot(actor.workspaceId) });
  /** Ids of the workspace's records whose vector matches a prefix query. */
  const matching = async (prefix: string) => {
    const { rows } = await engine.db.sql.query<{ id: string }>(
      `SELECT "id" FROM "record" WHERE "workspace_id" = $1 AND "search" @@ to_tsquery('simple', $2 || ':*') ORDER BY "id"`,
      [actor.workspaceId, prefix],
    );
    return rows.map((r) => r.id);
  };

  beforeAll(async () => {
    const t = await createTestEngine();
    engine = t.engine;
    actor = (await t.workspace()).actor;
    await engine.metadata.createObjectType(actor, { apiName: 'person', pluralApiName: 'people' });
    await engine.metadata.createField(actor, 'person', { apiName: 'name', type: 'TEXT', searchable: true });
    await engine.metadata.createField(actor, 'person', { apiName: 'email', type: 'EMAIL', searchable: true, unique: true });
    await engine.metadata.createField(actor, 'person', { apiName: 'notes', type: 'LONG_TEXT' });
  });
  afterAll(() => engine.close());

  it('is written by every kind of write', async () => {
    const s = await scope();
    const ann = await engine.records.create(s, 'person', { name: 'Ann Lee', email: 'ann@acme.com', notes: 'zebra' });
    const [bob] = await engine.records.createMany(s, 'person', [{ name: 'Bob', email: 'bob@globex.com' }]);
    expect(await matching('acm')).toEqual([ann.id]);
    expect(await matching('zebra')).toEqual([]);
    await engine.records.update(s, 'person', ann.id, { name: 'Ann Initech' });
    expect(await matching('initech')).toEqual([ann.id]);
    await engine.records.updateMany(s, 'person', [{ id: bob!.id, input: { name: 'Bob Umbrella' } }]);
    expect(await matching('umbrel')).toEqual([bob!.id]);
    const cy = await engine.records.upsert(s, 'person', { email: 'cy@hooli.com' }, { name: 'Cy' });
    expect(await matching('hooli')).toEqual([cy.record.id]);
    await engine.records.upsert(s, 'person', { email: 'cy@hooli.com' }, { name: 'Cy Pied' });
    expect(await matching('pied')).toEqual([cy.record.id]);
  });

  it('is rebuilt when a field joins or leaves the search', async () => {
    await engine.metadata.updateField(actor, 'person', 'notes', { searchable: true });
    expect((await matching('zebra')).length).toBe(1);
    await engine.metadata.updateField(actor, 'person', 'email', { searchable: false });
    expect(await matching('hooli')).toEqual([]);
    await engine.metadata.deleteField(actor, 'person', 'notes', { force: true });
    expect(await matching('zebra')).toEqual([]);
  });
});
