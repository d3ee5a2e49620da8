/**
 * client.records(...) without generated types: it discovers the type by
 * introspection and does everyday record work in one call each, with the
 * server's errors as typed exceptions and every write all or nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../server/tests/helpers.ts';
import { ConflictError, NotFoundError, ValidationError, type RelataClient } from '../src/index.ts';
import { createClient } from '../src/node.ts';

describe('client.records (untyped, discovered)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let client: RelataClient;
  beforeAll(async () => {
    server = await startTestServer();
    const { apiKey } = await server.workspace();
    client = createClient({ url: `${server.url}/graphql`, token: apiKey });
    await client.request(`mutation {
      c: createObjectType(input: { apiName: "customer", pluralApiName: "customers" }) { apiName }
      i: createObjectType(input: { apiName: "invoice", pluralApiName: "invoices" }) { apiName }
    }`);
    await client.request(`mutation {
      cn: createField(objectType: "customer", input: { apiName: "name", type: TEXT, required: true }) { apiName }
      n: createField(objectType: "invoice", input: { apiName: "number", type: TEXT, required: true, unique: true }) { apiName }
      t: createField(objectType: "invoice", input: { apiName: "total", type: CURRENCY, options: { defaultCurrency: "EUR" } }) { apiName }
      s: createField(objectType: "invoice", input: { apiName: "status", type: SELECT, options: { choices: [{ value: "draft" }, { value: "paid" }] } }) { apiName }
      q: createField(objectType: "invoice", input: { apiName: "seq", type: INTEGER }) { apiName }
      r: createField(objectType: "invoice", input: { apiName: "customer", type: RELATION, options: { target: "customer", kind: "MANY_TO_ONE", inverseApiName: "invoices" } }) { apiName }
    }`);
  });
  afterAll(() => server.close());

  it('creates, reads, updates with expectedVersion, upserts, deletes and restores', async () => {
    const invoices = client.records('invoice');
    const customer = await client.records('customer').create({ name: 'Acme' });
    const created = await invoices.create({ number: 'INV-1', total: { amount: '12.50', currency: 'EUR' }, status: 'draft', customerId: customer.id });
    expect(created).toMatchObject({ number: 'INV-1', total: { amount: '12.50', currency: 'EUR' }, status: 'draft', version: 1, customer: { id: customer.id } });
    // Discovery leaves out what is not a plain value: the to-many side and the history are pages of their own.
    expect(Object.keys(await client.records('customer').get(customer.id) ?? {})).not.toContain('invoices');

    expect(await invoices.get(created.id)).toEqual(created);
    const updated = await invoices.update(created.id, { status: 'paid' }, { expectedVersion: 1 });
    expect(updated).toMatchObject({ status: 'paid', version: 2 });
    const stale = await invoices.update(created.id, { status: 'draft' }, { expectedVersion: 1 }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale).toMatchObject({ code: 'CONFLICT' });

    const upserted = await invoices.upsert({ number: 'INV-1' }, { number: 'INV-1', seq: 7 });
    expect(upserted).toMatchObject({ id: created.id, seq: 7 });
    const inserted = await invoices.upsert({ number: 'INV-2' }, { number: 'INV-2' });
    expect(inserted.id).not.toBe(created.id);

    expect((await invoices.delete(inserted.id)).deletedAt).toEqual(expect.any(String));
    expect(await invoices.get(inserted.id)).toBeNull();
    expect((await invoices.restore(inserted.id)).deletedAt).toBeNull();
    expect(await invoices.get('01900000-0000-7000-8000-000000000000')).toBeNull();
    await expect(invoices.delete('01900000-0000-7000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a bulk create with one bad input as a whole, naming every failing field', async () => {
    const invoices = client.records('invoice');
    const before = (await invoices.list({ totalCount: true })).totalCount;
    const error = await invoices.createMany([{ number: 'B-1' }, { seq: 2 }, { status: 'paid' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.map((f) => f.field).sort()).toEqual(['inputs.1.number', 'inputs.2.number']);
    expect((await invoices.list({ totalCount: true })).totalCount).toBe(before);
    const made = await invoices.createMany([{ number: 'B-1' }, { number: 'B-2' }]);
    expect(made.map((r) => r.number)).toEqual(['B-1', 'B-2']);
  });

  it('lists a page with filter and order, and iterates every page', async () => {
    const invoices = client.records('invoice');
    await invoices.createMany(Array.from({ length: 450 }, (_, i) => ({ number: `P-${String(i).padStart(3, '0')}`, seq: i })));
    const page = await invoices.list({ filter: { number: { startsWith: 'P-' } }, orderBy: { seq: 'DESC' }, first: 3, totalCount: true });
    expect(page.records.map((r) => r.seq)).toEqual([449, 448, 447]);
    expect(page.totalCount).toBe(450);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, endCursor: expect.any(String) });
    const next = await invoices.list({ filter: { number: { startsWith: 'P-' } }, orderBy: { seq: 'DESC' }, first: 3, after: page.pageInfo.endCursor });
    expect(next.records.map((r) => r.seq)).toEqual([446, 445, 444]);

    const seen: unknown[] = [];
    for await (const invoice of invoices.iterate({ filter: { number: { startsWith: 'P-' } }, orderBy: [{ seq: 'ASC' }] })) seen.push(invoice.seq);
    expect(seen).toEqual(Array.from({ length: 450 }, (_, i) => i));
  });

  it('says NOT_FOUND for a type the workspace does not have', async () => {
    const error = await client.records('spaceship').list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('"spaceship"');
  });

  it("subscribes to a type's changes with its filter, records selected as everywhere else", async () => {
    const invoices = client.records('invoice');
    const events = invoices.events({ filter: { status: { eq: 'paid' } }, kinds: ['CREATED', 'UPDATED'] });
    const first = events.next();
    let delivered = false;
    void first.finally(() => (delivered = true));
    // Without `after`, a subscription sees what commits once it is open: write until it has seen one.
    const paid: string[] = [];
    for (let i = 0; !delivered && i < 100; i++) {
      await invoices.create({ number: `E-draft-${i}`, status: 'draft' });
      paid.push((await invoices.create({ number: `E-${i}`, status: 'paid', total: { amount: '5.00', currency: 'EUR' } })).id);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { value } = await first;
    expect(paid).toContain(value!.recordId);
    expect(value).toMatchObject({ kind: 'CREATED', type: 'invoice', record: { id: value!.recordId, status: 'paid', total: { amount: '5.00', currency: 'EUR' } } });
    expect(events.cursor).toBe(value!.cursor);
    await events.close();
    await client.close();
  });
});
