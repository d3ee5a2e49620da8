/**
 * Codegen output types client.records(...): with the `recordTypes` that
 * `relata codegen` wrote for a workspace (tests/fixtures/generated/relata.ts,
 * proven byte for byte to be codegen's output by codegen.test.ts), every
 * input, filter, order and record is the workspace's own, and a misspelt type,
 * field or choice does not compile. Without them, the client is untyped but
 * still usable.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { createClient, type Page, type RecordEvent } from '../src/index.ts';
import { recordTypes, type InvoiceRecord, type RelataRecordTypeMap } from './fixtures/generated/relata.ts';

const client = createClient({ url: 'http://localhost:4000/graphql', token: 'rk_x', recordTypes });

describe('client.records with codegen output', () => {
  it('infers the workspace map from recordTypes', () => {
    expectTypeOf(client.records('invoice').get).returns.resolves.toEqualTypeOf<InvoiceRecord | null>();
    expectTypeOf(client.records('invoice').list).returns.resolves.toEqualTypeOf<Page<InvoiceRecord>>();
    expectTypeOf<Parameters<typeof client.records>[0]>().toEqualTypeOf<keyof RelataRecordTypeMap & string>();
    // @ts-expect-error: no such record type in this workspace
    client.records('spaceship');
  });

  it('types records as the records API returns them', async () => {
    const invoice = await client.records('invoice').create({ number: 'INV-1', status: 'draft' });
    expectTypeOf(invoice.id).toEqualTypeOf<string>();
    expectTypeOf(invoice.version).toEqualTypeOf<number>();
    expectTypeOf(invoice.number).toEqualTypeOf<string>();
    expectTypeOf(invoice.status).toEqualTypeOf<'draft' | 'sent' | 'paid'>();
    expectTypeOf(invoice.total).toEqualTypeOf<{ amount: string; currency: string } | null>();
    expectTypeOf(invoice.customer).toEqualTypeOf<{ id: string } | null>();
    // @ts-expect-error: to-many relations are pages of their own, not in a record
    void invoice.lines;
    // @ts-expect-error: not a field of invoice
    void invoice.colour;
  });

  it('checks inputs, filters and orders against the fields', async () => {
    const invoices = client.records('invoice');
    await invoices.create({ number: 'INV-2', total: { amount: '10.00', currency: 'EUR' }, customerId: 'c1', tags: ['urgent'] });
    // @ts-expect-error: a choice the field does not have
    await invoices.create({ number: 'INV-3', status: 'cancelled' });
    // @ts-expect-error: not a field of invoice
    await invoices.create({ number: 'INV-4', colour: 'red' });
    await invoices.update('id', { status: 'paid' }, { expectedVersion: 2 });
    // @ts-expect-error: a number is not text
    await invoices.update('id', { number: 5 });
    await invoices.list({ filter: { status: { in: ['sent', 'paid'] }, dueOn: { lt: '2026-12-01' } }, orderBy: [{ dueOn: 'ASC' }] });
    // @ts-expect-error: no such filter operator for a SELECT
    await invoices.list({ filter: { status: { iContains: 'pa' } } });
    // @ts-expect-error: not a direction
    await invoices.list({ orderBy: { dueOn: 'UP' } });
    await invoices.upsert({ number: 'INV-1' }, { number: 'INV-1' });
    for await (const invoice of invoices.iterate({ filter: { paid: { eq: false } } })) expectTypeOf(invoice).toEqualTypeOf<InvoiceRecord>();
    const events = invoices.events({ kinds: ['CREATED'] });
    expectTypeOf(events.next).returns.resolves.toMatchTypeOf<IteratorResult<RecordEvent<InvoiceRecord>>>();
  });

  it('leaves a client without recordTypes untyped but usable', async () => {
    const loose = createClient({ url: 'http://localhost:4000/graphql' });
    const record = await loose.records('anything').create({ whatever: 1 });
    expectTypeOf(record.id).toEqualTypeOf<string>();
    expectTypeOf(record.whatever).toEqualTypeOf<unknown>();
  });
});
