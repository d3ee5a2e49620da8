/**
 * The operations the benchmark times, each as a function that does one request:
 * the hand-written SQL baselines (a plain pg.Pool), the engine's record service
 * called directly, and GraphQL over HTTP (fetch with keep-alive to a loopback
 * server). Also the check that all three return the same page.
 */
import { systemActor, type Engine, type RecordScope } from '@relata/core';
import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
// The SDK as an app uses it. The bench is repository tooling, not part of the server package, and
// @relata/sdk depends on @relata/server (its testkit): a relative import keeps the packages' graph acyclic.
import { createClient } from '../../sdk/src/node.ts';
import { dealData, prng, type Seeded } from './seed.ts';

/** The page every read scenario asks for. */
export const PAGE = { stage: 'negotiation', size: 50 } as const;

/** The baseline: the query a developer would write by hand for the page. */
export const RAW_PAGE_SQL = `SELECT id, data, created_at, updated_at
FROM record
WHERE workspace_id = $1 AND object_type_id = $2 AND deleted_at IS NULL
  AND data->>'stage' = $3
ORDER BY (data->'amount'->>'amount')::numeric DESC, id
LIMIT 50`;

/** The baseline of a create: one INSERT ... RETURNING. */
export const RAW_INSERT_SQL = `INSERT INTO record (workspace_id, id, object_type_id, data)
VALUES ($1, $2, $3, $4)
RETURNING id, data, version, created_at, updated_at`;

const DEAL_SELECTION = `id name stage amount { amount currency } probability employees closeDate lastContactAt won email website rating notes`;

export const GQL_PAGE = `query DealPage($filter: DealFilter, $orderBy: [DealOrderBy!], $first: Int) {
  deals(filter: $filter, orderBy: $orderBy, first: $first) { edges { node { ${DEAL_SELECTION} } } }
}`;
export const GQL_PAGE_VARIABLES = {
  filter: { stage: { eq: PAGE.stage } },
  orderBy: [{ amount: 'DESC' }],
  first: PAGE.size,
};

export const GQL_CREATE = `mutation CreateDeal($input: DealCreateInput!) { createDeal(input: $input) { ${DEAL_SELECTION} } }`;

type GqlBody<T> = { data?: T | null; errors?: Array<{ message: string; extensions?: unknown }> };
type PageData = { deals: { edges: Array<{ node: { id: string } & Record<string, unknown> }> } };

/** The clients of one benchmark run. */
export async function createClients(engine: Engine, pool: pg.Pool, seeded: Seeded, baseUrl: string) {
  const scope: RecordScope = { actor: systemActor(seeded.workspaceId), metadata: await engine.metadata.snapshot(seeded.workspaceId) };
  const rand = prng(7);
  let created = 0;
  /** Input of a new deal, as a client sends it (all 12 fields). Stage `lead`, so the page never changes. */
  const nextDeal = () => {
    const data = dealData(rand, 1_000_000 + created++, 'lead');
    return {
      ...data,
      lastContactAt: data.lastContactAt ?? '2025-06-01T10:00:00.000Z',
      website: data.website ?? 'https://www.example.com/',
      notes: data.notes ?? 'Created by the benchmark.',
    };
  };

  async function gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const res = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${seeded.apiKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GqlBody<T>;
    if (res.status !== 200 || body.errors?.length || !body.data) {
      throw new Error(`GraphQL request failed (HTTP ${res.status}): ${JSON.stringify(body.errors ?? body)}`);
    }
    return body.data;
  }

  // What the SDK's records API selects for a deal is every field, as DEAL_SELECTION: the same response.
  const sdk = createClient({ url: `${baseUrl}/graphql`, token: seeded.apiKey, retry: false }).records('deal');

  return {
    scope,
    /** (a) raw SQL page. */
    async rawPage() {
      const { rows } = await pool.query<{ id: string }>(RAW_PAGE_SQL, [seeded.workspaceId, seeded.objectTypeId, PAGE.stage]);
      return rows.map((r) => r.id);
    },
    /** (b) the engine's record service, called directly. */
    async enginePage() {
      const page = await engine.records.list(scope, 'deal', {
        filter: { stage: { eq: PAGE.stage } },
        orderBy: [{ amount: 'DESC' }],
        first: PAGE.size,
      });
      return page.edges.map((e) => e.node.id);
    },
    /** (c) GraphQL over HTTP. */
    async gqlPage() {
      const data = await gql<PageData>(GQL_PAGE, GQL_PAGE_VARIABLES);
      return data.deals.edges.map((e) => e.node.id);
    },
    /** (c') the SDK's records API over HTTP: `client.records('deal').list(...)`. */
    async sdkPage() {
      const page = await sdk.list({ filter: { stage: { eq: PAGE.stage } }, orderBy: [{ amount: 'DESC' }], first: PAGE.size });
      return page.records.map((r) => r.id);
    },
    /** (d) raw SQL create. */
    async rawCreate() {
      const { rows } = await pool.query(RAW_INSERT_SQL, [seeded.workspaceId, uuidv7(), seeded.objectTypeId, JSON.stringify(nextDeal())]);
      if (rows.length !== 1) throw new Error('raw INSERT returned no row');
    },
    /** (d) GraphQL create. */
    async gqlCreate() {
      const data = await gql<{ createDeal: { id: string } }>(GQL_CREATE, { input: nextDeal() });
      if (!data.createDeal?.id) throw new Error('createDeal returned no id');
    },
    /** (d') SDK create. */
    async sdkCreate() {
      const record = await sdk.create(nextDeal());
      if (!record.id) throw new Error('client.records(deal).create returned no id');
    },
    /** A request the server answers without GraphQL or the database (404): the HTTP floor. */
    async httpFloor() {
      const res = await fetch(`${baseUrl}/nothing`, { method: 'POST', headers: { authorization: `Bearer ${seeded.apiKey}` }, body: '{}' });
      await res.json();
      if (res.status !== 404) throw new Error(`expected 404, got ${res.status}`);
    },
    gql,
  };
}

export type Clients = Awaited<ReturnType<typeof createClients>>;

/** Fails loudly unless (a), (b), (c) and (c') return the same ids in the same order. */
export async function verifySamePage(clients: Clients): Promise<string[]> {
  const [raw, direct, viaGraphql, viaSdk] = [await clients.rawPage(), await clients.enginePage(), await clients.gqlPage(), await clients.sdkPage()];
  const problems: string[] = [];
  if (raw.length !== PAGE.size) problems.push(`raw SQL returned ${raw.length} rows, expected ${PAGE.size}`);
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((id, i) => id === b[i]);
  if (!same(raw, direct)) problems.push('engine.records.list ids differ from the raw SQL ids');
  if (!same(raw, viaGraphql)) problems.push('GraphQL ids differ from the raw SQL ids');
  if (!same(raw, viaSdk)) problems.push('SDK ids differ from the raw SQL ids');
  if (problems.length > 0) {
    const show = (ids: string[]) => ids.slice(0, 5).join(', ') + (ids.length > 5 ? ', ...' : '');
    throw new Error(
      `The four ways of reading the page disagree:\n  - ${problems.join('\n  - ')}\n` +
        `  raw:     ${show(raw)}\n  engine:  ${show(direct)}\n  graphql: ${show(viaGraphql)}`,
    );
  }
  return raw;
}
