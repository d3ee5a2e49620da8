/**
 * Plugins' GraphQL (schema/plugin-graphql.ts), over HTTP: the helpdesk fixture's
 * mutation writes two records all or nothing, its queries and fields on record
 * types resolve like built-in ones (also compiled by graphql-jit), a role that
 * cannot read a type the extension names does not see those fields, a workspace
 * without the plugin gets the schema it always had, errors keep their codes, the
 * query limits measure plugin fields, and a field clashing with the workspace's
 * own is left out.
 */
import { createEngine, policyOf, systemActor, type Engine } from '@relata/core';
import { createTestDatabase } from '@relata/core/testing';
import { parse, printSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRequestContext } from '../src/context.ts';
import { createJitExecutor } from '../src/http/use-graphql-jit.ts';
import { buildSchema } from '../src/index.ts';
import { helpdesk, vip } from './fixtures/helpdesk-plugin.ts';
import { ok, startTestServer, type GraphQLResponse } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;
const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;

describe('plugin GraphQL', () => {
  let engine: Engine;
  let server: Server;
  let desk: Workspace;
  let bare: Workspace;
  let agent: (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse>;
  let viewer: typeof agent;

  beforeAll(async () => {
    engine = createEngine(await createTestDatabase(), { plugins: [helpdesk, vip] });
    server = await startTestServer({ engine });
    desk = await server.workspace('Desk');
    bare = await server.workspace('Bare');
    await engine.plugins.install(systemActor(desk.workspaceId), 'helpdesk');
    ok(await desk.gql('mutation { createRole(input: { name: "agent", rules: [{ type: "ticket", read: ALL, create: ALL, update: ALL }] }) { name } }'));
    const key = async (role: string) =>
      ok(await desk.gql<{ createApiKey: { key: string } }>('mutation($i: ApiKeyInput!) { createApiKey(input: $i) { key } }', { i: { name: role, role } })).createApiKey.key;
    const [agentKey, viewerKey] = [await key('agent'), await key('viewer')];
    agent = (query, variables) => server.request(agentKey, query, variables);
    viewer = (query, variables) => server.request(viewerKey, query, variables);
  });
  afterAll(async () => {
    await server?.close();
    await engine?.close();
  });

  const OPEN = 'mutation($input: OpenTicketsInput!) { openTickets(input: $input) { count tickets { __typename id title priority headline } } }';
  const ticketCount = async (gql: Workspace['gql'] = desk.gql) => ok(await gql<{ tickets: { totalCount: number } }>('{ tickets { totalCount } }')).tickets.totalCount;

  it('runs a plugin mutation writing two records at once, all or nothing, with an input type', async () => {
    const opened = ok(await desk.gql<{ openTickets: { count: number; tickets: Array<Record<string, unknown>> } }>(OPEN, { input: { titles: ['Printer jam', 'VPN down'], priority: 4 } }));
    expect(opened.openTickets.count).toBe(2);
    expect(opened.openTickets.tickets).toEqual([
      { __typename: 'Ticket', id: expect.any(String), title: 'Printer jam', priority: 4, headline: '[P4] Printer jam' },
      { __typename: 'Ticket', id: expect.any(String), title: 'VPN down', priority: 4, headline: '[P4] VPN down' },
    ]);
    const before = await ticketCount();
    const refused = await desk.gql(OPEN, { input: { titles: ['Fine', ''] } });
    expect(code(refused)).toBe('VALIDATION_FAILED');
    expect(refused.errors![0]!.extensions!.fields).toEqual([expect.objectContaining({ field: 'inputs.1.title' })]);
    expect(await ticketCount(), 'the valid one was not written either').toBe(before);
  });

  it('runs a plugin mutation writing records of two types in one transaction through ctx.records', async () => {
    const CUSTOMER_TICKET = 'mutation($input: CustomerTicketInput!) { openCustomerTicket(input: $input) { title customer { name } account { name } } }';
    const made = ok(await desk.gql(CUSTOMER_TICKET, { input: { customerName: 'Stark', title: 'Suit' } }));
    expect(made).toEqual({ openCustomerTicket: { title: 'Suit', customer: { name: 'Stark' }, account: { name: 'Stark' } } });
    const customers = async () => ok(await desk.gql<{ customers: { totalCount: number } }>('{ customers { totalCount } }')).customers.totalCount;
    const before = await customers();
    // The ticket fails validation: the customer created before it in the transaction is rolled back.
    const refused = await desk.gql(CUSTOMER_TICKET, { input: { customerName: 'Wayne', title: '' } });
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'input.title', code: 'REQUIRED', message: 'is required and cannot be empty' }] });
    expect(await customers()).toBe(before);
    // A unique clash on the first write: CONFLICT, as the built-in mutation says it.
    expect(code(await desk.gql(CUSTOMER_TICKET, { input: { customerName: 'Stark', title: 'Again' } }))).toBe('CONFLICT');
    expect(code(await desk.gql('mutation { createCustomer(input: { name: "Stark" }) { id } }'))).toBe('CONFLICT');
  });

  it('resolves plugin queries and fields on record types like built-in ones, again when compiled', async () => {
    ok(await desk.gql('mutation { createCustomer(input: { name: "Acme" }) { id } }'));
    const globex = ok(await desk.gql<{ createCustomer: { id: string } }>('mutation { createCustomer(input: { name: "Globex" }) { id } }')).createCustomer.id;
    const { openTickets } = ok(await desk.gql<{ openTickets: { tickets: Array<{ id: string }> } }>(OPEN, { input: { titles: ['Badge'], priority: 5 } }));
    const badge = openTickets.tickets[0]!.id;
    ok(await desk.gql(`mutation { assignTickets(customerId: "${globex}", ticketIds: ["${badge}"]) { name openTicketCount } }`));

    const query = `query($min: Int) {
      urgentTickets(minPriority: $min) { title headline account { __typename name openTicketCount vip } }
      recordById(type: "ticket", id: "${badge}") { __typename id ... on Ticket { title customer { name } } }
      tickets(filter: { title: { eq: "Badge" } }) { edges { node { headline account { name } } } }
      biggestCustomer { name }
    }`;
    const expected = {
      urgentTickets: [{ title: 'Badge', headline: '[P5] Badge', account: { __typename: 'Customer', name: 'Globex', openTicketCount: 1, vip: null } }],
      recordById: { __typename: 'Ticket', id: badge, title: 'Badge', customer: { name: 'Globex' } },
      tickets: { edges: [{ node: { headline: '[P5] Badge', account: { name: 'Globex' } } }] },
      biggestCustomer: { name: 'Acme' },
    };
    // `vip` is another plugin's field, not installed here.
    const withoutVip = query.replace(' vip }', ' }');
    delete (expected.urgentTickets[0]!.account as Record<string, unknown>).vip;
    // The third execution runs the operation graphql-jit compiled on the second.
    for (let i = 0; i < 3; i++) expect(ok(await desk.gql(withoutVip, { min: 5 }))).toEqual(expected);
    expect(code(await desk.gql(query, { min: 5 }))).toBe('BAD_REQUEST');
  });

  it("reads single records through the request's dataloaders, and compiles with graphql-jit", async () => {
    const ids: string[] = [];
    for (const name of ['Initech', 'Umbrella', 'Hooli']) {
      ids.push(ok(await desk.gql<{ createCustomer: { id: string } }>(`mutation { createCustomer(input: { name: "${name}" }) { id } }`)).createCustomer.id);
    }
    const { openTickets } = ok(await desk.gql<{ openTickets: { tickets: Array<{ id: string }> } }>(OPEN, { input: { titles: ['Batch 1', 'Batch 2', 'Batch 3'], priority: 2 } }));
    ok(await desk.gql('mutation($u: [TicketUpdateItem!]!) { updateTickets(updates: $u) { id } }', { u: openTickets.tickets.map((t, i) => ({ id: t.id, input: { customerId: ids[i] } })) }));
    const statements = async (query: string) => {
      let n = 0;
      const off = engine.db.observe(() => void n++);
      const data = ok(await desk.gql(query));
      off();
      return { n, data };
    };
    const viaPlugin = await statements('{ tickets(filter: { title: { startsWith: "Batch" } }) { edges { node { account { name } } } } }');
    const builtIn = await statements('{ tickets(filter: { title: { startsWith: "Batch" } }) { edges { node { customer { name } } } } }');
    expect(viaPlugin.n).toBe(builtIn.n);
    expect(JSON.stringify(viaPlugin.data).replaceAll('account', 'customer')).toBe(JSON.stringify(builtIn.data));

    // The extended schema compiles: graphql-jit runs a plugin query and mutation as the executor does.
    const metadata = await engine.metadata.snapshot(desk.workspaceId);
    const { actor } = await engine.workspaces.authenticate(desk.apiKey);
    const schema = server.http.schemas.get(metadata, actor);
    const jit = createJitExecutor({ compileAfter: 1 });
    for (const [text, variables] of [
      ['{ urgentTickets(minPriority: 2) { __typename title headline account { name openTicketCount } } }', {}],
      [OPEN, { input: { titles: ['Compiled'], priority: 1 } }],
    ] as const) {
      const document = parse(text);
      const run = jit.prepare({ schema, document });
      expect(run, text).not.toBeNull();
      const contextValue = { ...createRequestContext(engine, actor, metadata), workspaceSchema: schema };
      const compiled = await run!({ schema, document, contextValue, variableValues: variables });
      expect(compiled.errors, text).toBeUndefined();
      if (text !== OPEN) expect(compiled.data).toEqual(ok(await desk.gql(text)));
      else expect(compiled.data).toMatchObject({ openTickets: { count: 1, tickets: [{ __typename: 'Ticket', title: 'Compiled', headline: '[P1] Compiled' }] } });
    }
  });

  it('gives errors thrown by resolvers the codes of built-in fields', async () => {
    const { openTickets } = ok(await desk.gql<{ openTickets: { tickets: Array<{ id: string }> } }>(OPEN, { input: { titles: ['Top'], priority: 5 } }));
    const top = openTickets.tickets[0]!.id;
    const missing = await desk.gql('mutation { escalateTicket(id: "01a20000-0000-7000-8000-000000000000") { id } }');
    expect(missing.errors).toEqual([expect.objectContaining({ path: ['escalateTicket'], extensions: { code: 'NOT_FOUND', id: '01a20000-0000-7000-8000-000000000000' } })]);
    const atMax = await desk.gql(`mutation { escalateTicket(id: "${top}") { id } }`);
    expect(atMax.errors![0]!.extensions).toEqual({ code: 'VALIDATION_FAILED', fields: [{ field: 'id', code: 'MAX_PRIORITY', message: 'is at the highest priority already' }] });
    const broken = await desk.gql('{ brokenSummary }');
    expect(broken.errors![0]!.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) });
    expect(broken.errors![0]!.message).not.toContain('summary service');
    expect(server.loggedErrors.at(-1)).toEqual(new Error('the summary service is down'));
    // A viewer's schema has no createTicket, but has the plugin's mutation (the types it names are visible):
    // the write it makes through ctx.records is refused by core, as every write of a viewer is.
    expect(code(await viewer('mutation { createTicket(input: { title: "Nope" }) { id } }'))).toBe('BAD_REQUEST');
    const forbidden = await viewer(OPEN, { input: { titles: ['Nope'] } });
    expect(forbidden.errors).toEqual([expect.objectContaining({ path: ['openTickets'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
  });

  it('leaves out of a role the fields and types naming a record type it cannot read', async () => {
    const fieldsOf = async (gql: typeof agent, type: string) =>
      ((await gql(`{ __type(name: "${type}") { fields { name } } }`)).data as { __type: { fields: Array<{ name: string }> } | null }).__type?.fields.map((f) => f.name) ?? null;
    expect(await fieldsOf(desk.gql, 'Ticket')).toEqual(expect.arrayContaining(['headline', 'account', 'customer']));
    expect(await fieldsOf(agent, 'Ticket')).toEqual(expect.arrayContaining(['title', 'headline']));
    expect(await fieldsOf(agent, 'Ticket')).not.toContain('account');
    expect(await fieldsOf(agent, 'Customer')).toBeNull();
    expect(await fieldsOf(agent, 'Query')).toEqual(expect.arrayContaining(['urgentTickets', 'recordById']));
    expect(await fieldsOf(agent, 'Query')).not.toContain('biggestCustomer');
    expect(await fieldsOf(agent, 'Mutation')).toEqual(expect.arrayContaining(['openTickets', 'escalateTicket']));
    expect(await fieldsOf(agent, 'Mutation')).not.toContain('assignTickets');
    expect(code(await agent('{ biggestCustomer { name } }'))).toBe('BAD_REQUEST');
    // What the role sees works, with its rules: it reads tickets, not customers.
    const opened = ok(await agent(OPEN, { input: { titles: ['From an agent'], priority: 1 } })) as { openTickets: { tickets: Array<{ id: string; headline: string }> } };
    expect(opened.openTickets.tickets[0]!.headline).toBe('[P1] From an agent');
    const customerId = ok(await desk.gql<{ customers: { edges: Array<{ node: { id: string } }> } }>('{ customers(first: 1) { edges { node { id } } } }')).customers.edges[0]!.node.id;
    const hidden = await agent(`{ recordById(type: "customer", id: "${customerId}") { id } }`);
    expect(code(hidden)).toBe('NOT_FOUND');
  });

  it('gives a workspace without the plugin the schema it would have without plugins, until it installs it', async () => {
    const snapshot = async () => engine.metadata.snapshot(bare.workspaceId);
    const admin = systemActor(bare.workspaceId);
    const schema = () => snapshot().then((metadata) => server.http.schemas.get(metadata, { ...admin, kind: 'apiKey', id: bare.apiKeyId }));
    const plain = createEngine(engine.db);
    const withoutPlugins = buildSchema(plain, policyOf({ actor: { ...admin, kind: 'apiKey', id: bare.apiKeyId }, metadata: await snapshot() }));
    expect(printSchema(await schema())).toBe(printSchema(withoutPlugins));
    expect(code(await bare.gql('{ urgentTickets { id } }'))).toBe('BAD_REQUEST');

    await engine.plugins.install(admin, 'helpdesk');
    expect(printSchema(await schema())).toContain('openTickets(input: OpenTicketsInput!): OpenTicketsResult!');
    expect(ok(await bare.gql<{ urgentTickets: unknown[] }>('{ urgentTickets { id } }')).urgentTickets).toEqual([]);
    await engine.plugins.uninstall(admin, 'helpdesk', { force: true });
    expect(code(await bare.gql('{ urgentTickets { id } }'))).toBe('BAD_REQUEST');
  });

  it('measures plugin fields with the query limits', async () => {
    const deep = '{ urgentTickets { account { tickets { edges { node { account { tickets { edges { node { account { tickets { edges { node { account { id } } } } } } } } } } } } } } }';
    const tooDeep = await desk.gql(deep);
    expect(tooDeep.errors![0]!.extensions).toMatchObject({ code: 'BAD_REQUEST', maxDepth: 6 });
    const costly = await desk.gql('{ urgentTickets { account { tickets(first: 200) { edges { node { account { tickets(first: 200) { edges { node { id title } } } } } } } } } }');
    expect(costly.errors![0]!.extensions).toMatchObject({ code: 'BAD_REQUEST', maxCost: 50_000 });
  });

  it("leaves out a plugin field that clashes with one of the workspace's own, and keeps the rest", async () => {
    const clash = await server.workspace('Clash');
    await engine.plugins.install(systemActor(clash.workspaceId), 'helpdesk');
    ok(await clash.gql('mutation { createField(objectType: "ticket", input: { apiName: "headline", type: TEXT }) { apiName } }'));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const opened = ok(await clash.gql<{ openTickets: { tickets: Array<{ headline: string | null }> } }>('mutation { openTickets(input: { titles: ["Mine"] }) { tickets { headline } } }'));
      expect(opened.openTickets.tickets).toEqual([{ headline: null }]);
      expect(logged).toHaveBeenCalledWith('Plugin "helpdesk": left out of this schema, which has them already: Ticket.headline');
    } finally {
      logged.mockRestore();
    }
  });
});
