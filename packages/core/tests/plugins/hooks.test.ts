/**
 * Record hooks of plugins: run in the documented order inside the write's
 * transaction, can change the input, add field errors, write other records, and
 * refuse a write; a hook that throws leaves nothing written and no event logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.ts';
import { createEngine, type Engine } from '../../src/engine.ts';
import { ForbiddenError } from '../../src/errors.ts';
import { definePlugin, defineRecordType, hooksFor, type RecordHooks } from '../../src/plugins/define.ts';
import { field } from '../../src/plugins/field-builders.ts';
import { MAX_HOOK_DEPTH } from '../../src/plugins/hook-runner.ts';
import type { PluginRecords } from '../../src/plugins/plugin-records.ts';
import { createTestDatabase } from '../../src/testing/index.ts';

const calls: string[] = [];
const logged = (plugin: string): RecordHooks =>
  Object.fromEntries(
    (['beforeValidate', 'validate', 'beforeChange', 'afterChange', 'beforeDelete', 'afterDelete'] as const).map((name) => [
      name,
      (ctx: { operation: string }) => void calls.push(`${plugin}:${name}:${ctx.operation}`),
    ]),
  );

const invoice = defineRecordType({
  apiName: 'invoice',
  pluralApiName: 'invoices',
  fields: {
    number: field.text({ required: true, unique: true }),
    customer: field.text(),
    status: field.select(['draft', 'sent', 'paid', 'void'], { default: 'draft' }),
    total: field.currency({ defaultCurrency: 'EUR' }),
  },
});
const lineItem = defineRecordType({
  apiName: 'lineItem',
  pluralApiName: 'lineItems',
  fields: {
    description: field.text({ required: true }),
    amount: field.currency({ required: true }),
    // The many side holds the relation; `invoice.lines` is made as its inverse.
    invoice: field.relation('invoice', { inverseApiName: 'lines', onDelete: 'CASCADE' }),
  },
});

/** Sums the live lines of an invoice into its total, under a lock on the invoice. */
async function recompute(records: PluginRecords, invoiceId: string | undefined) {
  if (!invoiceId) return;
  await records.lock('invoice', invoiceId);
  const lines = await records.listRelated('invoice', 'lines', [invoiceId], { first: 200 });
  const cents = (lines.get(invoiceId)?.edges ?? []).reduce((sum, e) => sum + Math.round(Number((e.node.data.amount as { amount: string }).amount) * 100), 0);
  await records.update('invoice', invoiceId, { total: { amount: (cents / 100).toFixed(2), currency: 'EUR' } });
}

const invoices = definePlugin({
  name: 'invoices',
  version: '1.0.0',
  recordTypes: [invoice, lineItem],
  hooks: {
    invoice: {
      beforeValidate: ({ data }) => (typeof data.number === 'string' ? { ...data, number: data.number.trim().toUpperCase() } : undefined),
      validate({ data, errors, original }) {
        if (data.number !== undefined && !/^INV-\d+$/.test(data.number)) errors.add('number', 'FORMAT', 'must look like INV-123');
        if (original?.data.status === 'paid' && data.status && data.status !== 'paid') errors.add('status', 'PAID', 'a paid invoice stays paid');
      },
      beforeChange: ({ data, operation }) => (operation === 'create' && data.customer ? { ...data, customer: data.customer.trim() } : undefined),
      beforeDelete({ record }) {
        if (record.data.status === 'paid') throw new ForbiddenError('a paid invoice cannot be deleted');
      },
    },
    lineItem: {
      async afterChange({ record, previous, records }) {
        await recompute(records, record.data.invoice);
        if (previous?.data.invoice !== record.data.invoice) await recompute(records, previous?.data.invoice);
      },
      async afterDelete({ record, records }) {
        await recompute(records, record.data.invoice);
      },
    },
  },
});

const tracer = definePlugin({ name: 'tracer', version: '1.0.0', hooks: { ...hooksFor('note', logged('tracer')) } });
const second = definePlugin({ name: 'second', version: '1.0.0', hooks: { ...hooksFor('note', logged('second')) } });
const looping = definePlugin({
  name: 'looping',
  version: '1.0.0',
  hooks: {
    ...hooksFor('counter', {
      async afterChange({ record, records }) {
        await records.update('counter', record.id, { n: Number(record.data.n ?? 0) + 1 });
      },
    }),
  },
});

describe('plugin hooks', () => {
  let engine: Engine;
  let admin: Actor;
  let other: Actor;
  let as: PluginRecords;
  const recordEvents = async () => {
    await engine.events.settled();
    return (await engine.events.tail({ txid: '0', seq: '0' }, 10_000)).filter((e) => e.subject === 'record' && e.workspace_id === admin.workspaceId);
  };

  beforeAll(async () => {
    engine = createEngine(await createTestDatabase(), { plugins: [invoices, tracer, second, looping] });
    const made = async () => (await engine.workspaces.authenticate((await engine.workspaces.create({ name: 'w' })).apiKey)).actor;
    admin = await made();
    other = await made();
    for (const name of ['invoices', 'tracer', 'second', 'looping']) await engine.plugins.install(admin, name);
    await engine.plugins.install(other, 'invoices');
    await engine.metadata.createObjectType(admin, { apiName: 'note', pluralApiName: 'notes' });
    await engine.metadata.createField(admin, 'note', { apiName: 'title', type: 'TEXT' });
    await engine.metadata.createObjectType(admin, { apiName: 'counter', pluralApiName: 'counters' });
    await engine.metadata.createField(admin, 'counter', { apiName: 'n', type: 'INTEGER' });
    as = engine.plugins.recordsFor(admin);
  });
  afterAll(() => engine.close());

  it('runs every hook in the documented order, plugins in config order', async () => {
    calls.length = 0;
    const note = await as.create('note', { title: 'a' });
    await as.update('note', note.id, { title: 'b' });
    await as.delete('note', note.id);
    await as.restore('note', note.id);
    await engine.records.destroy({ actor: admin, metadata: await as.metadata() }, 'note', note.id);
    const order = (op: string) => ['beforeValidate', 'validate', 'beforeChange', 'afterChange'].flatMap((h) => [`tracer:${h}:${op}`, `second:${h}:${op}`]);
    expect(calls).toEqual([
      ...order('create'),
      ...order('update'),
      'tracer:beforeDelete:delete',
      'second:beforeDelete:delete',
      'tracer:afterDelete:delete',
      'second:afterDelete:delete',
      'tracer:afterChange:restore',
      'second:afterChange:restore',
      'tracer:beforeDelete:destroy',
      'second:beforeDelete:destroy',
      'tracer:afterDelete:destroy',
      'second:afterDelete:destroy',
    ]);
  });

  it('lets beforeValidate and beforeChange change the input', async () => {
    const created = await as.create('invoice', { number: ' inv-1 ', customer: '  Acme  ' });
    expect(created.data).toMatchObject({ number: 'INV-1', customer: 'Acme', status: 'draft' });
  });

  it('reports hook errors with the engine\'s own, all at once, and writes nothing', async () => {
    const before = (await recordEvents()).length;
    const failure = await as.create('invoice', { number: 'nope', status: 'lost' as 'draft' }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((failure as { fields: Array<{ field: string; code: string }> }).fields.map((f) => [f.field, f.code]).sort()).toEqual([
      ['input.number', 'FORMAT'],
      ['input.status', 'NOT_A_CHOICE'],
    ]);
    expect((await as.list('invoice', { filter: { number: { eq: 'NOPE' } } })).edges).toEqual([]);
    expect((await recordEvents()).length).toBe(before);
  });

  it('gives update hooks the record as it was', async () => {
    const paid = await as.create('invoice', { number: 'INV-2', status: 'paid' });
    await expect(as.update('invoice', paid.id, { status: 'draft' })).rejects.toMatchObject({
      fields: [{ field: 'input.status', code: 'PAID', message: 'a paid invoice stays paid' }],
    });
    await expect(as.delete('invoice', paid.id)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await as.get('invoice', paid.id))?.data.status).toBe('paid');
  });

  it('lets afterChange write other records in the same transaction, and rolls everything back when a hook fails', async () => {
    const inv = await as.create('invoice', { number: 'INV-3' });
    const one = await as.create('lineItem', { description: 'Work', amount: { amount: '100.50', currency: 'EUR' }, invoice: inv.id });
    await as.create('lineItem', { description: 'More', amount: { amount: '20.25', currency: 'EUR' }, invoice: inv.id });
    expect((await as.get('invoice', inv.id))?.data.total).toEqual({ amount: '120.75', currency: 'EUR' });
    await as.update('lineItem', one.id, { amount: { amount: '0.50', currency: 'EUR' } });
    expect((await as.get('invoice', inv.id))?.data.total).toEqual({ amount: '20.75', currency: 'EUR' });
    await as.delete('lineItem', one.id);
    expect((await as.get('invoice', inv.id))?.data.total).toEqual({ amount: '20.25', currency: 'EUR' });

    // The invoice's own hooks refuse the total (a paid invoice stays paid... here: the format check on a voided one).
    const voided = await as.create('invoice', { number: 'INV-4', status: 'paid' });
    const before = (await recordEvents()).length;
    const failure = await as
      .createMany('lineItem', [
        { description: 'x', amount: { amount: '1.00', currency: 'EUR' }, invoice: voided.id },
        { description: '', amount: { amount: '1.00', currency: 'EUR' } },
      ])
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'inputs.1.description' }] });
    expect((await recordEvents()).length).toBe(before);
  });

  it('rolls back the write and its events when afterChange throws', async () => {
    const thrower = definePlugin({
      name: 'thrower',
      version: '1.0.0',
      hooks: { ...hooksFor('note', { afterChange: () => Promise.reject(new Error('downstream refused')) }) },
    });
    const strict = createEngine(engine.db, { plugins: [thrower] });
    const s = { actor: admin, metadata: await engine.metadata.snapshot(admin.workspaceId) };
    // Not installed in the workspace: no hook runs.
    const free = await strict.records.create(s, 'note', { title: 'free' });
    await strict.plugins.install(admin, 'thrower');
    const before = (await recordEvents()).length;
    const s2 = { actor: admin, metadata: await strict.metadata.snapshot(admin.workspaceId) };
    await expect(strict.records.create(s2, 'note', { title: 'kept out' })).rejects.toThrow('downstream refused');
    await expect(strict.records.update(s2, 'note', free.id, { title: 'changed' })).rejects.toThrow('downstream refused');
    expect((await as.get('note', free.id))?.data.title).toBe('free');
    expect((await as.list('note', { filter: { title: { eq: 'kept out' } } })).edges).toEqual([]);
    expect((await recordEvents()).length).toBe(before);
    await strict.plugins.uninstall(admin, 'thrower');
  });

  it('runs hooks only in workspaces that installed the plugin', async () => {
    calls.length = 0;
    await engine.metadata.createObjectType(other, { apiName: 'note', pluralApiName: 'notes' });
    const s = { actor: other, metadata: await engine.metadata.snapshot(other.workspaceId) };
    await engine.records.create(s, 'note', {});
    expect(calls).toEqual([]);
  });

  it('runs hooks of bulk writes and upserts for each record', async () => {
    calls.length = 0;
    const notes = await as.createMany('note', [{ title: 'a' }, { title: 'b' }]);
    expect(calls.filter((c) => c === 'tracer:afterChange:create')).toHaveLength(2);
    calls.length = 0;
    await as.updateMany('note', notes.map((n) => ({ id: n.id, input: { title: `${n.data.title}!` } })));
    expect(calls.filter((c) => c.startsWith('tracer:'))).toEqual([
      'tracer:beforeValidate:update',
      'tracer:validate:update',
      'tracer:beforeValidate:update',
      'tracer:validate:update',
      'tracer:beforeChange:update',
      'tracer:beforeChange:update',
      'tracer:afterChange:update',
      'tracer:afterChange:update',
    ]);
    const first = await as.upsert('invoice', { number: 'INV-9' }, { customer: ' Beta ' });
    const again = await as.upsert('invoice', { number: 'INV-9' }, { status: 'sent' });
    expect([first.created, again.created, again.record.id]).toEqual([true, false, first.record.id]);
    expect(again.record.data).toMatchObject({ number: 'INV-9', customer: 'Beta', status: 'sent' });
  });

  it('stops a hook that keeps triggering itself, and writes nothing', async () => {
    const before = (await recordEvents()).length;
    await expect(as.create('counter', { n: 0 })).rejects.toThrow(`${MAX_HOOK_DEPTH} levels deep`);
    expect((await as.list('counter')).edges).toEqual([]);
    expect((await recordEvents()).length).toBe(before);
  });

  it('runs several writes of plugin code in one transaction: all or nothing', async () => {
    const failed = as.transaction(async (tx) => {
      await tx.create('note', { title: 'first of two' });
      await tx.create('invoice', { number: 'bad number' });
    });
    await expect(failed).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await as.list('note', { filter: { title: { eq: 'first of two' } } })).edges).toEqual([]);
    const [note, inv] = await as.transaction(async (tx) => [await tx.create('note', { title: 'both' }), await tx.create('invoice', { number: 'INV-77' })]);
    expect((await as.get('note', note.id))?.data.title).toBe('both');
    expect((await as.get('invoice', inv.id))?.data.number).toBe('INV-77');
  });

  it('keeps a write to a type no plugin hooks to one statement', async () => {
    await engine.metadata.createObjectType(admin, { apiName: 'plain', pluralApiName: 'plains' });
    const s = { actor: admin, metadata: await engine.metadata.snapshot(admin.workspaceId) };
    const statements: string[] = [];
    const stop = engine.db.observe((text) => statements.push(text));
    await engine.records.create(s, 'plain', {});
    stop();
    expect(statements).toHaveLength(1);
  });
});
