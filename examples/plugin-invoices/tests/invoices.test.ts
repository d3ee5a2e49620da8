/**
 * The invoices plugin through GraphQL, as clients use it: a real server from the
 * testkit, on a fresh database, with the plugin installed in a workspace.
 */
import { createTestServer } from '@relata/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import invoices from '../src/index.ts';

type Server = Awaited<ReturnType<typeof createTestServer>>;
interface Money {
  amount: string;
  currency: string;
}
interface FieldError {
  field: string;
  code: string;
}
interface GraphQLError {
  message: string;
  extensions?: { code?: string; reason?: string; fields?: FieldError[] };
}

describe('invoices plugin', () => {
  let server: Server;
  beforeAll(async () => {
    server = await createTestServer({ plugins: [invoices] });
  });
  afterAll(() => server?.close());

  /** The data of a request that must succeed. */
  async function data<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const res = (await server.gql(query, variables)) as { data?: T; errors?: GraphQLError[] };
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!;
  }
  /** The error of a request that must fail. */
  async function failure(query: string, variables?: Record<string, unknown>): Promise<GraphQLError> {
    const res = (await server.gql(query, variables)) as { errors?: GraphQLError[] };
    expect(res.errors, 'the request should fail').toHaveLength(1);
    return res.errors![0]!;
  }
  const fieldsOf = (error: GraphQLError) => (error.extensions?.fields ?? []).map((f) => [f.field, f.code]).sort();

  let numbers = 0;
  async function newInvoice(input: Record<string, unknown> = {}): Promise<string> {
    const created = await data<{ createInvoice: { id: string } }>('mutation($input: InvoiceCreateInput!) { createInvoice(input: $input) { id } }', {
      input: { number: `inv-${++numbers}`, customerName: 'Acme', ...input },
    });
    return created.createInvoice.id;
  }
  async function addLine(invoiceId: string, quantity: number, amount: string): Promise<{ id: string; amount: Money }> {
    const created = await data<{ createLineItem: { id: string; amount: Money } }>(
      'mutation($input: LineItemCreateInput!) { createLineItem(input: $input) { id amount { amount currency } } }',
      { input: { description: `${quantity} × ${amount}`, quantity, unitPrice: { amount }, invoiceId } },
    );
    return created.createLineItem;
  }
  async function invoice(id: string) {
    const res = await data<{ invoice: { number: string; status: string; version: number; total: Money; lines: { totalCount: number } } | null }>(
      'query($id: ID!) { invoice(id: $id) { number status version total { amount currency } lines { totalCount } } }',
      { id },
    );
    return res.invoice!;
  }
  const total = async (id: string) => (await invoice(id)).total.amount;

  it('keeps the total exact as lines are created, changed, moved, deleted and restored', async () => {
    const a = await newInvoice({ number: ' inv-a ', issuedOn: '2026-03-01', dueOn: '2026-03-31' });
    expect(await invoice(a)).toMatchObject({ number: 'INV-A', status: 'draft', total: { amount: '0.00', currency: 'EUR' } });

    const made = await data<{ createLineItems: Array<{ id: string; amount: Money }> }>(
      'mutation($inputs: [LineItemCreateInput!]!) { createLineItems(inputs: $inputs) { id amount { amount currency } } }',
      {
        inputs: [
          { description: 'Design', quantity: 3, unitPrice: { amount: '19.99' }, invoiceId: a },
          { description: 'Hosting', unitPrice: { amount: '0.10', currency: 'eur' }, invoiceId: a },
        ],
      },
    );
    const [design, hosting] = made.createLineItems;
    expect(design!.amount).toEqual({ amount: '59.97', currency: 'EUR' });
    expect(await total(a)).toBe('60.07');

    await data('mutation($id: ID!) { updateLineItem(id: $id, input: { quantity: 2 }) { id } }', { id: design!.id });
    expect(await total(a)).toBe('40.08');
    // 3 × 0.101 is 0.30300000000000005 in floats; here it is 0.303, and the total keeps the scale of 3.
    await data('mutation($id: ID!) { updateLineItem(id: $id, input: { quantity: 3, unitPrice: { amount: "0.101" } }) { id } }', { id: hosting!.id });
    expect(await total(a)).toBe('40.283');

    const b = await newInvoice();
    await data('mutation($id: ID!, $to: ID!) { updateLineItem(id: $id, input: { invoiceId: $to }) { id } }', { id: hosting!.id, to: b });
    expect([await total(a), await total(b)]).toEqual(['39.98', '0.303']);

    await data('mutation($id: ID!) { deleteLineItem(id: $id) { id } }', { id: design!.id });
    expect(await total(a)).toBe('0.00');
    await data('mutation($id: ID!) { restoreLineItem(id: $id) { id } }', { id: design!.id });
    expect(await total(a)).toBe('39.98');
  });

  it('reports every validation error at once, as VALIDATION_FAILED with field paths, and writes nothing', async () => {
    const refused = await failure(
      'mutation { createInvoice(input: { number: "inv-bad", customerName: "Acme", currency: "EURO", issuedOn: "2026-03-10", dueOn: "2026-03-01", total: { amount: "5", currency: "EUR" } }) { id } }',
    );
    expect(refused.extensions?.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(refused)).toEqual([
      ['input.currency', 'INVALID_FORMAT'],
      ['input.dueOn', 'BEFORE_ISSUE'],
      ['input.total', 'READ_ONLY'],
    ]);
    expect((await data<{ invoices: { totalCount: number } }>('{ invoices(filter: { number: { eq: "INV-BAD" } }) { totalCount } }')).invoices.totalCount).toBe(0);

    const id = await newInvoice();
    await addLine(id, 1, '10.00');
    const before = await invoice(id);
    const line = await failure(
      'mutation($id: ID!) { createLineItem(input: { description: "x", quantity: 0, unitPrice: { amount: "1.00", currency: "USD" }, amount: { amount: "0", currency: "EUR" }, invoiceId: $id }) { id } }',
      { id },
    );
    expect(line.extensions?.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(line)).toEqual([
      ['input.amount', 'READ_ONLY'],
      ['input.quantity', 'OUT_OF_RANGE'],
      ['input.unitPrice', 'CURRENCY_MISMATCH'],
    ]);
    expect(await invoice(id)).toEqual(before);
  });

  it('locks a paid invoice and its lines; it may only become void', async () => {
    const id = await newInvoice();
    const line = await addLine(id, 2, '5.00');
    await data('mutation($id: ID!) { updateInvoice(id: $id, input: { status: paid }) { id } }', { id });

    const changed = await failure('mutation($id: ID!) { updateInvoice(id: $id, input: { customerName: "Other", status: draft }) { id } }', { id });
    expect(fieldsOf(changed)).toEqual([
      ['input.customerName', 'LOCKED'],
      ['input.status', 'LOCKED'],
    ]);
    const added = await failure('mutation($id: ID!) { createLineItem(input: { description: "late", unitPrice: { amount: "1.00" }, invoiceId: $id }) { id } }', { id });
    expect(fieldsOf(added)).toEqual([['input.invoiceId', 'INVOICE_LOCKED']]);
    const edited = await failure('mutation($id: ID!) { updateLineItem(id: $id, input: { quantity: 9 }) { id } }', { id: line.id });
    expect(fieldsOf(edited)).toEqual([['input.invoiceId', 'INVOICE_LOCKED']]);
    expect((await failure('mutation($id: ID!) { deleteLineItem(id: $id) { id } }', { id: line.id })).extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVOICE_LOCKED' });
    expect((await failure('mutation($id: ID!) { deleteInvoice(id: $id) { id } }', { id })).extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVOICE_ISSUED' });

    await data('mutation($id: ID!) { updateInvoice(id: $id, input: { status: void }) { id } }', { id });
    expect(await invoice(id)).toMatchObject({ status: 'void', total: { amount: '10.00' }, lines: { totalCount: 1 } });
  });

  it('writes nothing when a hook fails after the write: the restore of a line of a paid invoice', async () => {
    const id = await newInvoice();
    await addLine(id, 1, '10.00');
    const extra = await addLine(id, 1, '5.00');
    await data('mutation($id: ID!) { deleteLineItem(id: $id) { id } }', { id: extra.id });
    await data('mutation($id: ID!) { updateInvoice(id: $id, input: { status: paid }) { id } }', { id });
    const before = await invoice(id);

    // The restore is written, then afterChange refuses it: the whole transaction rolls back.
    const refused = await failure('mutation($id: ID!) { restoreLineItem(id: $id) { id } }', { id: extra.id });
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVOICE_LOCKED' });
    expect((await data<{ lineItem: unknown }>('query($id: ID!) { lineItem(id: $id) { id } }', { id: extra.id })).lineItem).toBeNull();
    expect(await invoice(id)).toEqual(before);
  });

  // The testkit's server runs on PGlite, where transactions take turns; tests/concurrency.test.ts
  // runs the same race on PostgreSQL in its pass, where transactions overlap.
  it('counts every line of concurrent writes to one invoice (the invoice is locked first)', async () => {
    const id = await newInvoice({ currency: 'jpy' });
    await Promise.all([addLine(id, 1, '100'), addLine(id, 2, '250')]);
    expect(await invoice(id)).toMatchObject({ total: { amount: '600', currency: 'JPY' }, lines: { totalCount: 2 } });

    const prices = ['1', '2', '3', '4', '5', '6', '7', '8'];
    await Promise.all(prices.map((p) => addLine(id, 1, p)));
    expect(await invoice(id)).toMatchObject({ total: { amount: '636', currency: 'JPY' }, lines: { totalCount: 10 } });
  });
});
