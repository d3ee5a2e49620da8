import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;

describe('records over GraphQL', () => {
  let server: Server;
  let ws: Workspace;

  beforeAll(async () => {
    server = await startTestServer();
    ws = await server.workspace('Acme');
    ok(await ws.gql(`mutation {
      createObjectType(input: { apiName: "invoice", pluralApiName: "invoices", label: "Invoice" }) { apiName }
    }`));
    const fields = [
      '{ apiName: "number", type: TEXT, required: true, unique: true }',
      '{ apiName: "amount", type: CURRENCY, options: { defaultCurrency: "EUR" } }',
      '{ apiName: "status", type: SELECT, indexed: true, options: { choices: [{ value: "draft" }, { value: "sent" }, { value: "paid" }] } }',
      '{ apiName: "dueOn", type: DATE }',
    ];
    for (const input of fields) ok(await ws.gql(`mutation { createField(objectType: "invoice", input: ${input}) { apiName type } }`));
  });
  afterAll(() => server.close());

  it('creates and reads a record with the names of the contract', async () => {
    const created = ok(
      await ws.gql<{ createInvoice: { id: string; number: string; amount: { amount: string; currency: string }; status: string; version: number } }>(
        `mutation { createInvoice(input: { number: "INV-1", amount: { amount: "12.50" }, status: draft, dueOn: "2026-12-01" }) {
          id number amount { amount currency } status dueOn version createdAt updatedAt deletedAt } }`,
      ),
    ).createInvoice;
    expect(created).toMatchObject({ number: 'INV-1', amount: { amount: '12.50', currency: 'EUR' }, status: 'draft', version: 1 });
    const read = ok(await ws.gql<{ invoice: { number: string } }>(`query($id: ID!) { invoice(id: $id) { number } }`, { id: created.id }));
    expect(read.invoice.number).toBe('INV-1');
  });

  it('lists with filter, order, pagination and totalCount', async () => {
    for (const [n, status] of [['INV-2', 'sent'], ['INV-3', 'paid'], ['INV-4', 'sent']] as const) {
      ok(await ws.gql(`mutation { createInvoice(input: { number: "${n}", status: ${status} }) { id } }`));
    }
    const page = ok(
      await ws.gql<{ invoices: { totalCount: number; edges: Array<{ node: { number: string } }>; pageInfo: { hasNextPage: boolean } } }>(
        `{ invoices(filter: { status: { in: [sent, paid] } }, orderBy: [{ number: DESC }], first: 2) {
          totalCount edges { cursor node { number } } pageInfo { hasNextPage endCursor } } }`,
      ),
    ).invoices;
    expect(page.totalCount).toBe(3);
    expect(page.edges.map((e) => e.node.number)).toEqual(['INV-4', 'INV-3']);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it('answers bad input with VALIDATION_FAILED listing every field, and writes nothing', async () => {
    const res = await ws.gql(`mutation { createInvoice(input: { amount: { amount: "abc" }, dueOn: "2026-02-30" }) { id } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    const fields = (res.errors?.[0]?.extensions?.fields as Array<{ field: string }>).map((f) => f.field).sort();
    expect(fields).toEqual(['input.amount', 'input.dueOn', 'input.number']);
  });

  it('refuses a stale version with CONFLICT', async () => {
    const { createInvoice } = ok(await ws.gql<{ createInvoice: { id: string } }>(`mutation { createInvoice(input: { number: "V-1" }) { id } }`));
    ok(await ws.gql(`mutation($id: ID!) { updateInvoice(id: $id, input: { number: "V-2" }, expectedVersion: 1) { version } }`, { id: createInvoice.id }));
    const stale = await ws.gql(`mutation($id: ID!) { updateInvoice(id: $id, input: { number: "V-3" }, expectedVersion: 1) { version } }`, {
      id: createInvoice.id,
    });
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const read = ok(await ws.gql<{ invoice: { number: string; version: number } }>(`query($id: ID!) { invoice(id: $id) { number version } }`, { id: createInvoice.id }));
    expect(read.invoice).toEqual({ number: 'V-2', version: 2 });
  });

  it('answers 401 without, or with a wrong, key', async () => {
    expect((await server.request(undefined, '{ __typename }')).status).toBe(401);
    const wrong = await server.request('rk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '{ __typename }');
    expect(wrong.status).toBe(401);
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('sees a new field on the very next request', async () => {
    ok(await ws.gql(`mutation { createField(objectType: "invoice", input: { apiName: "notes", type: LONG_TEXT }) { apiName } }`));
    const res = ok(await ws.gql<{ createInvoice: { notes: string } }>(`mutation { createInvoice(input: { number: "N-1", notes: "hi" }) { notes } }`));
    expect(res.createInvoice.notes).toBe('hi');
  });
});
