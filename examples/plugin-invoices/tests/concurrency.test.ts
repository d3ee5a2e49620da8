/**
 * Concurrent writes on the database the test run selected (PostgreSQL in the
 * `postgres` pass of scripts/test.mjs, where transactions really overlap on a pool
 * of connections): the lock taken before reading the lines keeps every total exact.
 * Through the engine, since the testkit's server runs on PGlite only, where
 * transactions never overlap. Without `records.lock`, the first test loses lines
 * from the total on PostgreSQL.
 */
import { createEngine, type Engine } from '@relata/core';
import type { PluginRecords } from '@relata/core/plugin';
import { createTestDatabase } from '@relata/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import invoices from '../src/index.ts';

describe('invoice totals under concurrent writes', () => {
  let engine: Engine;
  let records: PluginRecords;
  beforeAll(async () => {
    engine = createEngine(await createTestDatabase(), { plugins: [invoices] });
    const created = await engine.workspaces.create({ name: 'Concurrency' });
    const { actor } = await engine.workspaces.authenticate(created.apiKey);
    await engine.plugins.install(actor, 'invoices');
    records = engine.plugins.recordsFor(actor);
  });
  afterAll(() => engine?.close());

  const total = async (id: string) => ((await records.get('invoice', id))?.data.total as { amount: string }).amount;
  const line = (invoice: string, amount: string) => records.create('lineItem', { description: amount, unitPrice: { amount, currency: 'EUR' }, invoice });

  it('counts every line added at once', async () => {
    const invoice = await records.create('invoice', { number: 'C-1', customerName: 'Acme' });
    await Promise.all(Array.from({ length: 12 }, (_, i) => line(invoice.id, `${i + 1}.01`)));
    expect(await total(invoice.id)).toBe('78.12');
  });

  it('keeps both totals when lines move between two invoices in both directions at once', async () => {
    const a = await records.create('invoice', { number: 'C-2', customerName: 'Acme' });
    const b = await records.create('invoice', { number: 'C-3', customerName: 'Acme' });
    const onA = await Promise.all(['1.00', '2.00', '3.00', '4.00'].map((p) => line(a.id, p)));
    const onB = await Promise.all(['10.00', '20.00', '30.00', '40.00'].map((p) => line(b.id, p)));
    // Invoices are locked in id order by every write, so opposite moves cannot deadlock.
    await Promise.all([
      ...onA.slice(0, 2).map((l) => records.update('lineItem', l.id, { invoice: b.id })),
      ...onB.slice(0, 2).map((l) => records.update('lineItem', l.id, { invoice: a.id })),
      records.update('lineItem', onA[3]!.id, { quantity: 2 }),
    ]);
    expect([await total(a.id), await total(b.id)]).toEqual(['41.00', '73.00']);
  });
});
