/**
 * Time in stage, from the change log: the `stage-periods` handler, run by the
 * engine's plugin workers, turns stage and status changes into stagePeriod
 * records; running an event twice writes nothing new.
 */
import { definePlugin, type PluginEvent, type PluginRecords } from '@relata/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crm from '../src/index.ts';
import { recordStagePeriod } from '../src/stage-periods.ts';
import { listAll, startHarness, type Harness } from './harness.ts';

/** Keeps the events of cases exactly as handlers get them. */
const seen: PluginEvent[] = [];
const spy = definePlugin({ name: 'spy', version: '1.0.0', handlers: { cases: { types: ['case'], handle: (event) => void seen.push(event) } } });

describe('time in stage', () => {
  let h: Harness;
  let records: PluginRecords;
  beforeAll(async () => {
    h = await startHarness([crm, spy]);
    ({ records } = await h.workspace(['crm', 'spy']));
  });
  afterAll(async () => h?.close());

  const periodsOf = (recordId: string) => listAll(records, 'stagePeriod', { recordId: { eq: recordId } }).then((rows) => rows.sort((a, b) => String(a.data.enteredAt).localeCompare(String(b.data.enteredAt)) || a.id.localeCompare(b.id)));

  it('records each status of a case with when it was entered and left', async () => {
    const c = await records.create('case', { subject: 'Slow invoices page' });
    await records.update('case', c.id, { status: 'open' });
    await records.update('case', c.id, { subject: 'Very slow invoices page' });
    await records.update('case', c.id, { status: 'resolved' });
    await h.settle();
    expect(h.problems).toEqual([]);

    const periods = await periodsOf(c.id);
    expect(periods.map((p) => [p.data.recordType, p.data.field, p.data.value])).toEqual([
      ['case', 'status', 'new'],
      ['case', 'status', 'open'],
      ['case', 'status', 'resolved'],
    ]);
    const [newP, openP, resolvedP] = periods.map((p) => p.data);
    expect(newP!.leftAt).toBe(openP!.enteredAt);
    expect(openP!.leftAt).toBe(resolvedP!.enteredAt);
    expect(resolvedP!.leftAt).toBeUndefined();
    expect(resolvedP!.durationSeconds).toBeUndefined();
    for (const p of [newP!, openP!]) {
      expect(p.durationSeconds).toBe(Math.round((Date.parse(String(p.leftAt)) - Date.parse(String(p.enteredAt))) / 1000));
    }
    // The case's own resolvedAt (a hook, same transaction) and the log agree to the second.
    const resolved = await records.get('case', c.id);
    expect(Math.abs(Date.parse(String(resolved!.data.resolvedAt)) - Date.parse(String(resolvedP!.enteredAt)))).toBeLessThan(1000);
  });

  it('times opportunity stages and lead statuses, not other fields', async () => {
    const o = await records.create('opportunity', { name: 'Timed' });
    await records.update('opportunity', o.id, { stage: 'proposal' });
    await records.update('opportunity', o.id, { amount: { amount: '10.00', currency: 'EUR' } });
    const lead = await records.create('lead', { lastName: 'Timed' });
    await records.update('lead', lead.id, { status: 'contacted' });
    await h.settle();
    expect(h.problems).toEqual([]);
    expect((await periodsOf(o.id)).map((p) => [p.data.field, p.data.value, p.data.leftAt === undefined])).toEqual([
      ['stage', 'prospecting', false],
      ['stage', 'proposal', true],
    ]);
    expect((await periodsOf(lead.id)).map((p) => [p.data.field, p.data.value])).toEqual([
      ['status', 'new'],
      ['status', 'contacted'],
    ]);
    // A report: how long leads stayed new.
    const leftNew = await listAll(records, 'stagePeriod', { recordType: { eq: 'lead' }, value: { eq: 'new' }, leftAt: { isNull: false } });
    expect(leftNew.map((p) => p.data.recordId)).toContain(lead.id);
  });

  it('writes nothing new when an event is handled again (at least once)', async () => {
    const c = await records.create('case', { subject: 'Twice' });
    await records.update('case', c.id, { status: 'open' });
    await h.settle();
    const before = await periodsOf(c.id);
    const events = seen.filter((e) => e.recordId === c.id);
    expect(events.map((e) => e.kind)).toEqual(['CREATED', 'UPDATED']);
    const asPlugin = h.engine.plugins.recordsAs(records.actor.workspaceId, 'crm');
    // Again, in order, as a runner that died before saving its position would.
    for (const event of events) await recordStagePeriod(event, asPlugin);
    // And the first one once more, after the second (a stale repeat).
    await recordStagePeriod(events[0]!, asPlugin);
    const after = await periodsOf(c.id);
    expect(after.map((p) => [p.id, p.data.value, p.data.leftAt])).toEqual(before.map((p) => [p.id, p.data.value, p.data.leftAt]));
  });
});
