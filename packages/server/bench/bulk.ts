/**
 * The bulk-create scenario: 10,000 deals (all 12 fields) written in calls of
 * 1,000 (a) by hand-written SQL through a plain pg.Pool, (b) through
 * `engine.records.createMany`, (c) through GraphQL `createDeals` over HTTP; in
 * interleaved rounds, each way with inputs of its own. Before timing, one call
 * of each way is checked to store exactly the rows it was given. When `deal` has
 * a unique field, `upsertDeal` is timed too (otherwise the API has no upsert for
 * it, and the scenario says so).
 */
import { systemActor, type Engine, type FieldMeta, type RecordScope } from '@relata/core';
import type pg from 'pg';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import type { Clients } from './scenarios.ts';
import { dealData, prng, type Seeded } from './seed.ts';
import { measureInterleaved, summarize, type Summary } from './stats.ts';

/** Records per run of one way, and per call. */
export const BULK = { total: 10_000, batch: 1_000 } as const;

/** The spec's goal for bulk create, in records per second. */
export const BULK_GOAL_PER_SECOND = 5_000;

/** The baseline: 1,000 rows in one statement, returning them as the engine does. */
export const RAW_BULK_SQL = `INSERT INTO record (workspace_id, id, object_type_id, data)
SELECT $1, r.id, $2, r.data
FROM jsonb_to_recordset($3::jsonb) AS r(id uuid, data jsonb)
RETURNING id, data, version, created_at, updated_at`;

/** The fields every GraphQL scenario selects (as in scenarios.ts). */
const DEAL_SELECTION = `id name stage amount { amount currency } probability employees closeDate lastContactAt won email website rating notes`;

export const GQL_CREATE_MANY = `mutation CreateDeals($inputs: [DealCreateInput!]!) { createDeals(inputs: $inputs) { ${DEAL_SELECTION} } }`;

export const GQL_UPSERT = `mutation UpsertDeal($match: DealUniqueMatch!, $input: DealCreateInput!) { upsertDeal(match: $match, input: $input) { id version } }`;

export type BulkWayName = 'raw' | 'engine' | 'graphql';

export interface BulkWay {
  /** Records per second of each timed round (BULK.total records / the round's time). */
  rounds: number[];
  /** Median of `rounds`. */
  perSecond: number;
  /** Time of one call of BULK.batch records, over every call of every round (ms). */
  call: Summary;
}

export interface BulkUpsert {
  field: string;
  /** upsertDeal that creates (a new key) and that updates (a key that exists). */
  create: Summary;
  update: Summary;
}

export interface BulkResult {
  total: number;
  batch: number;
  rounds: number;
  ways: Record<BulkWayName, BulkWay>;
  /** Rows the verification read back and compared, per way. */
  verifiedRows: number;
  upsert: BulkUpsert | { skipped: string };
}

/** Deal inputs as a client sends them: all 12 fields, stage `lead` (so the benchmark's page never changes), distinct emails. */
function inputMaker(seed: number) {
  const rand = prng(seed);
  let n = 0;
  return (count: number) =>
    Array.from({ length: count }, () => {
      const data = dealData(rand, 5_000_000 + n++, 'lead');
      return {
        ...data,
        lastContactAt: data.lastContactAt ?? '2025-06-01T10:00:00.000Z',
        website: data.website ?? 'https://www.example.com/',
        notes: data.notes ?? 'Created by the bulk benchmark.',
      } as Record<string, unknown>;
    });
}

/** One call of each way: writes `inputs` and returns the ids, in input order. */
function bulkWays(engine: Engine, pool: pg.Pool, seeded: Seeded, clients: Clients, scope: RecordScope) {
  return {
    async raw(inputs: Array<Record<string, unknown>>) {
      const rows = inputs.map((data) => ({ id: uuidv7(), data }));
      const { rows: inserted } = await pool.query<{ id: string }>(RAW_BULK_SQL, [seeded.workspaceId, seeded.objectTypeId, JSON.stringify(rows)]);
      if (inserted.length !== inputs.length) throw new Error(`raw INSERT returned ${inserted.length} rows, expected ${inputs.length}`);
      return rows.map((r) => r.id);
    },
    async engine(inputs: Array<Record<string, unknown>>) {
      const rows = await engine.records.createMany(scope, 'deal', inputs);
      if (rows.length !== inputs.length) throw new Error(`createMany returned ${rows.length} rows, expected ${inputs.length}`);
      return rows.map((r) => r.id);
    },
    async graphql(inputs: Array<Record<string, unknown>>) {
      const data = await clients.gql<{ createDeals: Array<{ id: string }> }>(GQL_CREATE_MANY, { inputs });
      if (data.createDeals?.length !== inputs.length) throw new Error(`createDeals returned ${data.createDeals?.length} deals, expected ${inputs.length}`);
      return data.createDeals.map((d) => d.id);
    },
  } satisfies Record<BulkWayName, (inputs: Array<Record<string, unknown>>) => Promise<string[]>>;
}

const liveDeals = async (pool: pg.Pool, seeded: Seeded) =>
  Number(
    (await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM record WHERE workspace_id = $1 AND object_type_id = $2 AND deleted_at IS NULL', [
      seeded.workspaceId,
      seeded.objectTypeId,
    ])).rows[0]!.n,
  );

/** Fails unless the rows of `ids` hold exactly `inputs` (in order): every way stores the same rows. */
async function verifyStored(pool: pg.Pool, way: string, ids: string[], inputs: Array<Record<string, unknown>>) {
  const { rows } = await pool.query<{ id: string; data: Record<string, unknown> }>('SELECT id, data FROM record WHERE id = ANY($1::uuid[])', [ids]);
  const byId = new Map(rows.map((r) => [r.id, r.data]));
  const bad = ids.findIndex((id, i) => !isDeepStrictEqual(byId.get(id), inputs[i]));
  if (rows.length !== inputs.length || bad >= 0) {
    throw new Error(
      `${way} did not store the rows it was given (${rows.length}/${inputs.length} found` +
        (bad >= 0 ? `; item ${bad}: stored ${JSON.stringify(byId.get(ids[bad]!))}, sent ${JSON.stringify(inputs[bad])}` : '') + ')',
    );
  }
}

/** Times upsertDeal over GraphQL by the type's first unique field, or says why not. */
async function timeUpsert(
  clients: Clients,
  fields: FieldMeta[],
  rounds: { iterations: number; warmup: number },
): Promise<BulkUpsert | { skipped: string }> {
  const field = fields.find((f) => f.unique);
  if (!field) {
    return { skipped: `\`deal\` has no unique field (${fields.filter((f) => f.indexed).map((f) => `\`${f.apiName}\``).join(', ')} are indexed, not unique), so the API has no \`upsertDeal\` to time.` };
  }
  const key = field.apiName;
  const next = inputMaker(11);
  const existing: Array<Record<string, unknown>> = [];
  const upsert = async (value: unknown, input: Record<string, unknown>) => {
    const data = await clients.gql<{ upsertDeal: { id: string } }>(GQL_UPSERT, { match: { [key]: value }, input });
    if (!data.upsertDeal?.id) throw new Error('upsertDeal returned no id');
  };
  // The create path uses a new key; the update path the key of a deal an earlier create-path call made.
  const create = async () => {
    const [input] = next(1);
    await upsert(input![key], input!);
    existing.push(input!);
  };
  // The input is validated as a create (required fields included): send the whole deal again, one field changed.
  const update = async () => {
    if (existing.length === 0) await create();
    const input = existing[Math.floor(existing.length / 2)]!;
    await upsert(input[key], { ...input, notes: `Upserted at ${performance.now()}` });
  };
  const runs = await measureInterleaved({ create, update }, rounds);
  return { field: key, create: runs.create!, update: runs.update! };
}

/**
 * Runs the scenario: one verified call of each way, then `rounds` rounds in which
 * each way (in rotating order) writes BULK.total deals in calls of BULK.batch.
 */
export async function benchBulk(
  engine: Engine,
  pool: pg.Pool,
  seeded: Seeded,
  clients: Clients,
  options: { rounds: number; upsert: { iterations: number; warmup: number } },
  log: (line: string) => void = () => {},
): Promise<BulkResult> {
  const scope: RecordScope = { actor: systemActor(seeded.workspaceId), metadata: await engine.metadata.snapshot(seeded.workspaceId) };
  const ways = bulkWays(engine, pool, seeded, clients, scope);
  const names = Object.keys(ways) as BulkWayName[];
  const next = inputMaker(99);
  const before = await liveDeals(pool, seeded);

  // Warm-up and check: one call of each way, read back and compared with what was sent.
  for (const name of names) {
    const inputs = next(BULK.batch);
    await verifyStored(pool, name, await ways[name](inputs), inputs);
  }

  const perSecond: Record<BulkWayName, number[]> = { raw: [], engine: [], graphql: [] };
  const calls: Record<BulkWayName, number[]> = { raw: [], engine: [], graphql: [] };
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]!;
      const batches = Array.from({ length: Math.ceil(BULK.total / BULK.batch) }, (_, b) => next(Math.min(BULK.batch, BULK.total - b * BULK.batch)));
      const t0 = performance.now();
      for (const inputs of batches) {
        const c0 = performance.now();
        await ways[name](inputs);
        calls[name].push(performance.now() - c0);
      }
      perSecond[name].push(BULK.total / ((performance.now() - t0) / 1000));
    }
    log(`  round ${round + 1}/${options.rounds}: ` + names.map((n) => `${n} ${Math.round(perSecond[n].at(-1)!).toLocaleString('en-US')}/s`).join(', '));
  }

  const expected = before + names.length * (BULK.batch + options.rounds * BULK.total);
  const after = await liveDeals(pool, seeded);
  if (after !== expected) throw new Error(`bulk create left ${after} deals, expected ${expected}`);

  const upsert = await timeUpsert(clients, scope.metadata.get('deal').fields, options.upsert);
  const way = (name: BulkWayName): BulkWay => ({ rounds: perSecond[name], perSecond: summarize(perSecond[name]).median, call: summarize(calls[name]) });
  return {
    total: BULK.total,
    batch: BULK.batch,
    rounds: options.rounds,
    ways: { raw: way('raw'), engine: way('engine'), graphql: way('graphql') },
    verifiedRows: BULK.batch,
    upsert,
  };
}
