import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access/actor.ts';
import type { Engine } from '../src/engine.ts';
import type { RecordScope } from '../src/records/record-service.ts';
import { createTestEngine, testEngine } from '../src/testing/index.ts';

/**
 * onDelete of to-one relations. Each test gets its own workspace with this model:
 * - person.company → company, CASCADE (company.people)
 * - person.manager → person, CASCADE (person.reports): a self relation
 * - note.parent → company | person, CASCADE (polymorphic; company.notes, person.notes)
 * - invoice.person → person, RESTRICT (person.invoices)
 * - invoice.company → company, SET_NULL (company.invoices)
 * - task.company → company, CASCADE; task.assignee → person, RESTRICT
 */
describe('onDelete of to-one relations', () => {
  let t: Awaited<ReturnType<typeof createTestEngine>>;
  let engine: Engine;

  beforeAll(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterAll(() => engine.close());

  async function world() {
    const { actor } = await t.workspace();
    const m = engine.metadata;
    for (const [apiName, pluralApiName] of [['company', 'companies'], ['person', 'people'], ['note', 'notes'], ['invoice', 'invoices'], ['task', 'tasks']]) {
      await m.createObjectType(actor, { apiName: apiName!, pluralApiName: pluralApiName! });
    }
    await m.createField(actor, 'company', { apiName: 'name', type: 'TEXT' });
    await m.createField(actor, 'person', { apiName: 'name', type: 'TEXT' });
    await m.createField(actor, 'person', { apiName: 'email', type: 'TEXT', unique: true });
    await m.createField(actor, 'person', { apiName: 'company', type: 'RELATION', options: { target: 'company', onDelete: 'CASCADE' } });
    await m.createField(actor, 'person', {
      apiName: 'manager', type: 'RELATION', options: { target: 'person', onDelete: 'CASCADE', inverseApiName: 'reports' },
    });
    await m.createField(actor, 'note', { apiName: 'body', type: 'TEXT' });
    await m.createField(actor, 'note', {
      apiName: 'parent', type: 'RELATION', options: { targets: ['company', 'person'], onDelete: 'CASCADE', inverseApiName: 'notes' },
    });
    await m.createField(actor, 'invoice', { apiName: 'number', type: 'TEXT' });
    await m.createField(actor, 'invoice', { apiName: 'person', type: 'RELATION', options: { target: 'person', onDelete: 'RESTRICT' } });
    await m.createField(actor, 'invoice', { apiName: 'company', type: 'RELATION', options: { target: 'company' } });
    await m.createField(actor, 'task', { apiName: 'title', type: 'TEXT' });
    await m.createField(actor, 'task', { apiName: 'company', type: 'RELATION', options: { target: 'company', onDelete: 'CASCADE' } });
    await m.createField(actor, 'task', {
      apiName: 'assignee', type: 'RELATION', options: { target: 'person', onDelete: 'RESTRICT', inverseApiName: 'ownedTasks' },
    });
    const scope = async (): Promise<RecordScope> => ({ actor, metadata: await engine.metadata.snapshot(actor.workspaceId) });
    const s = await scope();
    const create = async (type: string, input: Record<string, unknown>) => (await engine.records.create(s, type, input)).id;
    /** The ids among `ids` that are live (readable). */
    const live = async (type: string, ids: string[]) => (await engine.records.getMany(s, type, ids)).map((r) => r.id).sort();
    /** `deleted_root` of each of `ids`. */
    const roots = async (ids: string[]) => {
      const { rows } = await engine.db.sql.query<{ id: string; deleted_root: string | null }>(
        'SELECT "id"::text AS "id", "deleted_root"::text AS "deleted_root" FROM "record" WHERE "id" = ANY($1::uuid[])',
        [ids],
      );
      return Object.fromEntries(ids.map((id) => [id, rows.find((r) => r.id === id)?.deleted_root ?? null]));
    };
    return { actor, s, scope, create, live, roots, records: engine.records };
  }

  const sorted = (...ids: string[]) => [...ids].sort();

  it('cascades over several levels and through a polymorphic relation; restore brings back exactly that', async () => {
    const w = await world();
    const acme = await w.create('company', { name: 'Acme' });
    const globex = await w.create('company', { name: 'Globex' });
    const ann = await w.create('person', { name: 'Ann', company: acme });
    const bob = await w.create('person', { name: 'Bob', company: acme });
    const cy = await w.create('person', { name: 'Cy', company: globex });
    const onAcme = await w.create('note', { body: 'about Acme', parent: acme });
    const onAnn = await w.create('note', { body: 'about Ann', parent: ann });
    const onCy = await w.create('note', { body: 'about Cy', parent: cy });
    const orphan = await w.create('note', { body: 'about nothing' });
    const task = await w.create('task', { title: 'call', company: acme });

    const deleted = await w.records.delete(w.s, 'company', acme);
    expect(deleted.deletedAt).toBeInstanceOf(Date);
    expect(await w.live('person', [ann, bob, cy])).toEqual([cy]);
    expect(await w.live('note', [onAcme, onAnn, onCy, orphan])).toEqual(sorted(onCy, orphan));
    expect(await w.live('task', [task])).toEqual([]);
    expect(await w.live('company', [acme, globex])).toEqual([globex]);
    // Every record the delete took, and the company itself, carry its id.
    expect(Object.values(await w.roots([acme, ann, bob, onAcme, onAnn, task]))).toEqual(Array(6).fill(acme));
    expect(await w.roots([cy, onCy, globex])).toEqual({ [cy]: null, [onCy]: null, [globex]: null });

    const restored = await w.records.restore(w.s, 'company', acme);
    expect(restored.deletedAt).toBeNull();
    expect(await w.live('person', [ann, bob, cy])).toEqual(sorted(ann, bob, cy));
    expect(await w.live('note', [onAcme, onAnn, onCy, orphan])).toEqual(sorted(onAcme, onAnn, onCy, orphan));
    expect(await w.live('task', [task])).toEqual([task]);
    expect(Object.values(await w.roots([acme, ann, bob, onAcme, onAnn, task]))).toEqual(Array(6).fill(null));
    // The links are intact: the inverse lists read them again.
    const people = await w.records.listRelated(w.s, 'company', 'people', [acme], {});
    expect(people.get(acme)?.edges.map((e) => e.node.id).sort()).toEqual(sorted(ann, bob));
  });

  it('leaves a record deleted before the cascade deleted after the restore', async () => {
    const w = await world();
    const acme = await w.create('company', { name: 'Acme' });
    const ann = await w.create('person', { name: 'Ann', company: acme });
    const bob = await w.create('person', { name: 'Bob', company: acme });
    const annNote = await w.create('note', { body: 'n', parent: ann });
    await w.records.delete(w.s, 'person', bob);
    await w.records.delete(w.s, 'note', annNote);

    await w.records.delete(w.s, 'company', acme);
    expect(await w.roots([acme, ann, bob, annNote])).toEqual({ [acme]: acme, [ann]: acme, [bob]: bob, [annNote]: annNote });
    await w.records.restore(w.s, 'company', acme);
    expect(await w.live('person', [ann, bob])).toEqual([ann]);
    expect(await w.live('note', [annNote])).toEqual([]);
    // Each comes back with its own restore.
    await w.records.restore(w.s, 'person', bob);
    await w.records.restore(w.s, 'note', annNote);
    expect(await w.live('person', [ann, bob])).toEqual(sorted(ann, bob));
    expect(await w.live('note', [annNote])).toEqual([annNote]);
  });

  it('follows a self relation through a cycle and a chain, and stops', async () => {
    const w = await world();
    const a = await w.create('person', { name: 'A' });
    const b = await w.create('person', { name: 'B', manager: a });
    await w.records.update(w.s, 'person', a, { manager: b });
    const c = await w.create('person', { name: 'C', manager: b });
    const d = await w.create('person', { name: 'D', manager: c });
    const e = await w.create('person', { name: 'E', manager: d });
    const other = await w.create('person', { name: 'Other' });

    await w.records.delete(w.s, 'person', b);
    expect(await w.live('person', [a, b, c, d, e, other])).toEqual([other]);
    expect(Object.values(await w.roots([a, b, c, d, e]))).toEqual(Array(5).fill(b));
    await w.records.restore(w.s, 'person', b);
    expect(await w.live('person', [a, b, c, d, e, other])).toEqual(sorted(a, b, c, d, e, other));
  });

  it('restores a record taken along by another delete with what that delete took because of it', async () => {
    const w = await world();
    const acme = await w.create('company', { name: 'Acme' });
    const ann = await w.create('person', { name: 'Ann', company: acme });
    const bob = await w.create('person', { name: 'Bob', company: acme });
    const annNote = await w.create('note', { body: 'n', parent: ann });
    const bobNote = await w.create('note', { body: 'n', parent: bob });
    const acmeNote = await w.create('note', { body: 'n', parent: acme });
    await w.records.delete(w.s, 'company', acme);

    await w.records.restore(w.s, 'person', ann);
    expect(await w.live('person', [ann, bob])).toEqual([ann]);
    expect(await w.live('note', [annNote, bobNote, acmeNote])).toEqual([annNote]);
    expect(await w.live('company', [acme])).toEqual([]);
    // Ann still names Acme; restoring Acme brings back the rest of what its delete took.
    expect((await w.records.get(w.s, 'person', ann))?.data.company).toBe(acme);
    await w.records.restore(w.s, 'company', acme);
    expect(await w.live('person', [ann, bob])).toEqual(sorted(ann, bob));
    expect(await w.live('note', [annNote, bobNote, acmeNote])).toEqual(sorted(annNote, bobNote, acmeNote));
  });

  it('restores all or nothing: a unique value taken meanwhile is a CONFLICT naming the type and field', async () => {
    const w = await world();
    const acme = await w.create('company', { name: 'Acme' });
    const ann = await w.create('person', { name: 'Ann', email: 'ann@acme.test', company: acme });
    const bob = await w.create('person', { name: 'Bob', email: 'bob@acme.test', company: acme });
    await w.records.delete(w.s, 'company', acme);
    const impostor = await w.create('person', { name: 'Ann 2', email: 'ann@acme.test' });

    const error = await w.records.restore(w.s, 'company', acme).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'CONFLICT',
      details: { type: 'person', fields: [{ field: 'email', code: 'UNIQUE' }] },
    });
    expect(await w.live('company', [acme])).toEqual([]);
    expect(await w.live('person', [ann, bob, impostor])).toEqual([impostor]);
    expect(Object.values(await w.roots([acme, ann, bob]))).toEqual([acme, acme, acme]);

    await w.records.update(w.s, 'person', impostor, { email: 'ann2@acme.test' });
    await w.records.restore(w.s, 'company', acme);
    expect(await w.live('person', [ann, bob, impostor])).toEqual(sorted(ann, bob, impostor));
  });

  it('refuses a delete that a RESTRICT relation in use blocks, across the cascade, and changes nothing', async () => {
    const w = await world();
    const acme = await w.create('company', { name: 'Acme' });
    const ann = await w.create('person', { name: 'Ann', company: acme });
    const bob = await w.create('person', { name: 'Bob', company: acme });
    const invoices = [await w.create('invoice', { number: '1', person: ann }), await w.create('invoice', { number: '2', person: ann })];
    invoices.push(await w.create('invoice', { number: '3', person: bob }));
    const before = await w.records.get(w.s, 'company', acme);

    const direct = await w.records.delete(w.s, 'person', ann).catch((e: unknown) => e);
    expect(direct).toMatchObject({ code: 'CONFLICT', details: { reason: 'RESTRICTED', relation: 'invoice.person', blockingCount: 2 } });
    expect((direct as Error).message).toMatch(/2 invoice records link to it through invoice\.person/);

    const cascaded = await w.records.delete(w.s, 'company', acme).catch((e: unknown) => e);
    expect(cascaded).toMatchObject({ code: 'CONFLICT', details: { reason: 'RESTRICTED', relation: 'invoice.person', blockingCount: 3 } });
    expect((cascaded as Error).message).toMatch(/records its delete would take along/);
    // Nothing changed: not even versions.
    expect((await w.records.get(w.s, 'company', acme))?.version).toBe(before?.version);
    expect(await w.live('person', [ann, bob])).toEqual(sorted(ann, bob));
    expect(await w.roots([acme, ann, bob])).toEqual({ [acme]: null, [ann]: null, [bob]: null });

    // A deleted referencing record does not block.
    for (const id of invoices) await w.records.delete(w.s, 'invoice', id);
    await w.records.delete(w.s, 'company', acme);
    expect(await w.live('person', [ann, bob])).toEqual([]);
  });

  it('does not let records the same cascade deletes block it', async () => {
    const w = await world();
    const acme = await w.create('company', { name: 'Acme' });
    const ann = await w.create('person', { name: 'Ann', company: acme });
    // The task goes with Acme (CASCADE), so its RESTRICT link to Ann does not hold Ann back.
    const task = await w.create('task', { title: 'call', company: acme, assignee: ann });
    await w.records.delete(w.s, 'company', acme);
    expect(await w.live('person', [ann])).toEqual([]);
    expect(await w.live('task', [task])).toEqual([]);
    // Deleting Ann alone would have been refused.
    await w.records.restore(w.s, 'company', acme);
    await expect(w.records.delete(w.s, 'person', ann)).rejects.toMatchObject({
      details: { relation: 'task.assignee', blockingCount: 1 },
    });
  });

  it('keeps SET_NULL links through a delete (they read as null) and back with the restore', async () => {
    const w = await world();
    const acme = await w.create('company', { name: 'Acme' });
    const invoice = await w.create('invoice', { number: '1', company: acme });
    const version = (await w.records.get(w.s, 'invoice', invoice))?.version;
    await w.records.delete(w.s, 'company', acme);
    const kept = await w.records.get(w.s, 'invoice', invoice);
    expect(kept?.data.company).toBe(acme);
    expect(kept?.version).toBe(version);
    expect(await w.records.getMany(w.s, 'company', [acme])).toEqual([]);
    await w.records.restore(w.s, 'company', acme);
    expect(await w.live('company', [acme])).toEqual([acme]);
  });

  it('costs the same number of statements to delete and restore a company with 1 or 100 people', async () => {
    const counts: Array<{ del: number; restore: number }> = [];
    for (const n of [1, 100]) {
      const w = await world();
      const acme = await w.create('company', { name: 'Acme' });
      const people = await w.records.createMany(w.s, 'person', Array.from({ length: n }, (_, i) => ({ name: `P${i}`, company: acme })));
      await w.records.createMany(w.s, 'note', people.map((p) => ({ body: 'n', parent: p.id })));
      await w.records.createMany(w.s, 'invoice', [{ number: 'unrelated' }]);
      const statements: string[] = [];
      const stop = engine.db.observe((text) => statements.push(text));
      try {
        await w.records.delete(w.s, 'company', acme);
        const del = statements.length;
        await w.records.restore(w.s, 'company', acme);
        counts.push({ del, restore: statements.length - del });
      } finally {
        stop();
      }
      expect(await w.live('person', people.map((p) => p.id))).toHaveLength(n);
    }
    expect(counts[0]).toEqual(counts[1]);
    // The company; its people, notes and tasks; the people's reports and notes; the RESTRICT check.
    expect(counts[0]?.del).toBe(7);
    expect(counts[0]?.restore).toBe(2);
  });

  it('destroys CASCADE dependents (deleted or not), clears SET_NULL links, and refuses a RESTRICT link in use', async () => {
    const w = await world();
    const acme = await w.create('company', { name: 'Acme' });
    const ann = await w.create('person', { name: 'Ann', company: acme });
    const bob = await w.create('person', { name: 'Bob', company: acme });
    const bobNote = await w.create('note', { body: 'n', parent: bob });
    const invoice = await w.create('invoice', { number: '1', person: ann, company: acme });
    await w.records.delete(w.s, 'person', bob);

    await expect(w.records.destroy(w.s, 'company', acme)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { relation: 'invoice.person', blockingCount: 1 },
    });
    expect(await w.live('person', [ann])).toEqual([ann]);

    await w.records.delete(w.s, 'invoice', invoice);
    expect(await w.records.destroy(w.s, 'company', acme)).toBe(true);
    const { rows } = await engine.db.sql.query<{ id: string }>('SELECT "id"::text AS "id" FROM "record" WHERE "id" = ANY($1::uuid[])', [
      [acme, ann, bob, bobNote, invoice],
    ]);
    // Bob was in the trash, still his company's: he goes too, with his note. The (deleted) invoice stays, unlinked.
    expect(rows.map((r) => r.id)).toEqual([invoice]);
    const kept = await w.records.restore(w.s, 'invoice', invoice);
    expect(kept.data).toEqual({ number: '1' });
  });

  it('keeps an exact outcome when a create naming a record races its delete', async () => {
    // On PostgreSQL the two really run at once; on PGlite they take turns. Either way the
    // person is created before the delete (and goes with it) or refused after it.
    const w = await world();
    const rounds = testEngine() === 'postgres' ? 20 : 5;
    for (let i = 0; i < rounds; i++) {
      const company = await w.create('company', { name: `C${i}` });
      const person = await w.create('person', { name: `P${i}` });
      const [created, , invoice, deletedPerson] = await Promise.allSettled([
        w.records.create(w.s, 'person', { name: `Q${i}`, company }),
        w.records.delete(w.s, 'company', company),
        w.records.create(w.s, 'invoice', { number: `I${i}`, person }),
        w.records.delete(w.s, 'person', person),
      ]);
      if (created.status === 'fulfilled') expect(await w.live('person', [created.value.id])).toEqual([]);
      else expect(created.reason).toMatchObject({ code: 'VALIDATION_FAILED' });
      // Exactly one of the invoice naming the person and the person's delete wins.
      expect([invoice.status, deletedPerson.status].sort()).toEqual(['fulfilled', 'rejected']);
      if (deletedPerson.status === 'rejected') expect(deletedPerson.reason).toMatchObject({ details: { relation: 'invoice.person' } });
    }
  });

  it('never touches another workspace', async () => {
    const a = await world();
    const b = await world();
    const acmeA = await a.create('company', { name: 'Acme' });
    const acmeB = await b.create('company', { name: 'Acme' });
    const annB = await b.create('person', { name: 'Ann', company: acmeB });
    await a.create('person', { name: 'Ann', company: acmeA });
    await a.records.delete(a.s, 'company', acmeA);
    expect(await b.live('person', [annB])).toEqual([annB]);
    await expect(a.records.delete(a.s, 'company', acmeB)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(a.records.restore(a.s, 'company', acmeB)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('onDelete with a stale metadata snapshot', () => {
  let engine: Engine;
  let actor: Actor;

  beforeAll(async () => {
    const t = await createTestEngine();
    engine = t.engine;
    actor = (await t.workspace()).actor;
    await engine.metadata.createObjectType(actor, { apiName: 'company', pluralApiName: 'companies' });
    await engine.metadata.createObjectType(actor, { apiName: 'person', pluralApiName: 'people' });
  });
  afterAll(() => engine.close());

  it('refuses a delete validated against metadata that changed meanwhile (a new RESTRICT relation), and changes nothing', async () => {
    const stale = { actor, metadata: await engine.metadata.snapshot(actor.workspaceId) };
    const company = await engine.records.create(stale, 'company', {});
    await engine.metadata.createField(actor, 'person', { apiName: 'company', type: 'RELATION', options: { target: 'company', onDelete: 'RESTRICT' } });
    const fresh = { actor, metadata: await engine.metadata.snapshot(actor.workspaceId) };
    await engine.records.create(fresh, 'person', { company: company.id });
    await expect(engine.records.delete(stale, 'company', company.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'METADATA_CHANGED' },
    });
    await expect(engine.records.delete(fresh, 'company', company.id)).rejects.toMatchObject({ details: { relation: 'person.company' } });
    expect(await engine.records.get(fresh, 'company', company.id)).not.toBeNull();
  });
});
