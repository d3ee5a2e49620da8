/**
 * Relata's record benchmark: seeds a PostgreSQL database, then times a page read
 * and a create by hand-written SQL, through the engine, and through GraphQL over
 * HTTP; prints the query plans, a breakdown of a GraphQL request, times a bulk
 * create of 10,000 records the same three ways, then a 3-level nested query over
 * relations (nested.ts, in a workspace of its own), and writes docs/benchmarks.md.
 * Before the bulk create, full-text search over the deals (search.ts).
 *
 *   npm run bench [-- --records 100000 --iterations 300 --warmup 30 --seconds 5 --bulk-rounds 3 --out docs/benchmarks.md]
 *   npm run bench -- --only nested    (only the nested query; prints its results, writes no report)
 *   npm run bench -- --only plugins   (only the plugin-hooks scenario)
 *
 * Run through scripts/bench.mjs, which starts a throwaway PostgreSQL and passes
 * its URL in RELATA_BENCH_DATABASE_URL.
 */
import { startEngine, type Engine } from '@relata/core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createHttpServer, type HttpServer } from '../src/index.ts';
import { BULK, BULK_GOAL_PER_SECOND, benchBulk } from './bulk.ts';
import { benchEvents, benchWebhooks, EVENTS_GOAL_P99_MS, seedEventWorkspaces } from './events.ts';
import { benchNested, NESTED_GOAL_RATIO } from './nested.ts';
import { NESTED, seedNested } from './nested-seed.ts';
import { explainPage } from './plan.ts';
import { profileGraphqlPage } from './profile.ts';
import { NESTED_WAYS } from './report-nested.ts';
import { eventsGoal, type EventsResults } from './report-events.ts';
import { bulkGoal, goal, nestedGoal, renderMarkdown, type Machine, type Results } from './report.ts';
import { createClients, verifySamePage } from './scenarios.ts';
import { benchSearch, SEARCH_GOAL_P95_MS, searchGoal } from './search.ts';
import { seed } from './seed.ts';
import { benchPlugins } from './plugins.ts';
import { fmtMs, fmtRatio, measureInterleaved, throughput, type Summary } from './stats.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    iterations: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '30' },
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '10' },
    'bulk-rounds': { type: 'string', default: '3' },
    out: { type: 'string', default: path.join(root, 'docs', 'benchmarks.md') },
    only: { type: 'string' },
  },
});

/** Scenarios `--only` can pick; the report needs them all, so a partial run writes none. */
const ONLY = ['nested', 'events', 'plugins'] as const;

function readConfig() {
  const num = (name: Exclude<keyof typeof args, 'out' | 'only'>) => {
    const n = Number(args[name]);
    if (!Number.isInteger(n) || n < (name === 'warmup' ? 0 : 1)) throw new Error(`--${name} must be a positive integer (got ${args[name]})`);
    return n;
  };
  return {
    records: num('records'),
    iterations: num('iterations'),
    warmup: num('warmup'),
    seconds: num('seconds'),
    concurrency: num('concurrency'),
    bulkRounds: num('bulk-rounds'),
    only: only(),
  };
}

function only(): (typeof ONLY)[number] | null {
  if (args.only === undefined) return null;
  const found = ONLY.find((o) => o === args.only);
  if (!found) throw new Error(`--only must be one of ${ONLY.join(', ')} (got ${args.only})`);
  return found;
}

const log = (line = '') => console.log(line);
const line = (name: string, s: Summary, base?: Summary) =>
  log(`  ${name.padEnd(34)} median ${fmtMs(s.median).padStart(7)} ms   p95 ${fmtMs(s.p95).padStart(7)} ms` +
    (base ? `   ${fmtRatio(s.median / base.median).padStart(6)} of raw SQL` : ''));

async function machine(pool: pg.Pool): Promise<Machine> {
  let cpu = os.cpus()[0]?.model?.trim() ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1]!.trim();
  } catch {
    // not Linux
  }
  const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
  return {
    cpu,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    postgres: rows[0]?.server_version ?? 'unknown',
  };
}

/** The subscriptions scenario: 1,000 subscribers over 100 workspaces, 200 writes/s for 10 s (events.ts). */
const EVENTS_BENCH = { subscribers: 1000, workspaces: 100, writesPerSecond: 200, seconds: 10 };
/** Events the webhook scenario delivers. */
const WEBHOOK_EVENTS = 10_000;

/** Runs the change-events scenarios (events.ts); logs their results. */
async function runEvents(engine: Engine, url: string): Promise<EventsResults> {
  log(`\nChange events: ${EVENTS_BENCH.subscribers} graphql-ws subscribers over ${EVENTS_BENCH.workspaces} workspaces, ${EVENTS_BENCH.writesPerSecond} writes/s for ${EVENTS_BENCH.seconds} s...`);
  const keys = await seedEventWorkspaces(engine, EVENTS_BENCH.workspaces);
  const subscriptions = await benchEvents(url, keys, EVENTS_BENCH, log);
  log(`  commit-to-delivery p50 ${subscriptions.p50Ms} ms, p99 ${subscriptions.p99Ms} ms, max ${subscriptions.maxMs} ms; ${subscriptions.lost} lost`);
  log(`Webhooks: ${WEBHOOK_EVENTS.toLocaleString('en-US')} events to a local receiver...`);
  const webhooks = await benchWebhooks(engine, WEBHOOK_EVENTS, log);
  log(`  ${webhooks.eventsPerSecond.toLocaleString('en-US')} events/s; ${webhooks.lost} lost; ${webhooks.inOrder ? 'in order' : 'OUT OF ORDER'}`);
  return { subscriptions, webhooks };
}

/** Seeds the nested scenario's graph and times it (nested.ts); logs each way. */
async function runNested(engine: Engine, pool: pg.Pool, config: ReturnType<typeof readConfig>, baseUrl: string) {
  const n = NESTED;
  const nestedStart = performance.now();
  log(`\nNested query: seeding ${n.companies.toLocaleString('en-US')} companies, ${n.people.toLocaleString('en-US')} people, ${n.notes.toLocaleString('en-US')} notes in another workspace...`);
  const nestedSeeded = await seedNested(engine, pool, n, log);
  log(`  inserted in ${(nestedSeeded.insertMs / 1000).toFixed(1)} s, VACUUM ANALYZE ${(nestedSeeded.analyzeMs / 1000).toFixed(1)} s`);
  const nestedRounds = { iterations: Math.max(1, Math.round(config.iterations / 3)), warmup: Math.min(config.warmup, 10) };
  log(`companies(first: ${n.page}) → people(first: ${n.page}) → notes(first: ${n.page}) (${nestedRounds.iterations} rounds after ${nestedRounds.warmup} warm-up)...`);
  const nested = await benchNested(engine, pool, nestedSeeded, { ...nestedRounds, defaultLimitsUrl: baseUrl }, log);
  const nestedBase = nested.latency[nested.baseline];
  log(`  (the nested scenario took ${((performance.now() - nestedStart) / 1000).toFixed(0)} s, seeding included)`);
  for (const [key, name] of NESTED_WAYS) {
    const s = nested.latency[key];
    log(`  ${`(h) ${name}`.padEnd(46)} median ${fmtMs(s.median).padStart(7)} ms   p95 ${fmtMs(s.p95).padStart(7)} ms   ${fmtRatio(s.median / nestedBase.median).padStart(6)} of raw SQL`);
  }
  return nested;
}

async function main() {
  const config = readConfig();
  const url = process.env.RELATA_BENCH_DATABASE_URL;
  if (!url) throw new Error('RELATA_BENCH_DATABASE_URL is not set; run `npm run bench` (scripts/bench.mjs) instead.');

  let engine: Engine | undefined;
  let http: HttpServer | undefined;
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {});
  try {
    // The webhook scenario delivers to a receiver on loopback (private addresses are refused in production).
    engine = await startEngine({ url }, { webhooks: { allowPrivateAddresses: true } });
    const m = await machine(pool);
    log(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB; Node ${m.node}; PostgreSQL ${m.postgres}`);

    if (config.only === 'events') {
      const events = await runEvents(engine, url);
      const eg = eventsGoal(events);
      log(`\nGoal: subscriptions p99 under ${EVENTS_GOAL_P99_MS} ms, no event lost: ${events.subscriptions.p99Ms} ms → ${eg.pass ? 'PASS' : 'MISS'}`);
      log('(--only: no report written)');
      return;
    }

    if (config.only === 'plugins') {
      const plugins = await benchPlugins(url, pool, { iterations: config.iterations, warmup: config.warmup });
      for (const [name, s] of [['(k) raw SQL', plugins.raw], ['(l) create, no hooks', plugins.plain], ['(m) create, hooked', plugins.hooked]] as const) line(name, s, plugins.raw);
      log(`  statements of a hooked create: ${plugins.statements}`);
      log('(--only: no report written)');
      return;
    }

    if (config.only === 'nested') {
      http = createHttpServer({ engine, graphiql: false, logError: (message, error) => console.error(message, error) });
      const { url: baseUrl } = await http.listen(0, '127.0.0.1');
      const nested = await runNested(engine, pool, config, baseUrl);
      log(`\nGoal: nested query over GraphQL within ${NESTED_GOAL_RATIO}x of raw SQL: GraphQL/raw = ${fmtRatio(nested.ratio)} → ${nested.ratio <= NESTED_GOAL_RATIO ? 'PASS' : 'MISS'}`);
      log('(--only: no report written)');
      return;
    }

    log(`\nSeeding ${config.records.toLocaleString('en-US')} deals...`);
    const seeded = await seed(engine, pool, config.records, log);
    log(`  inserted in ${(seeded.insertMs / 1000).toFixed(1)} s, VACUUM ANALYZE ${(seeded.analyzeMs / 1000).toFixed(1)} s, ` +
      `${(seeded.tableBytes / 1024 / 1024).toFixed(0)} MB`);

    http = createHttpServer({ engine, graphiql: false, logError: (message, error) => console.error(message, error) });
    const { url: baseUrl } = await http.listen(0, '127.0.0.1');
    const clients = await createClients(engine, pool, seeded, baseUrl);

    const ids = await verifySamePage(clients);
    log(`\nSame page from raw SQL, engine and GraphQL: ${ids.length} ids, in the same order.`);

    const rounds = { iterations: config.iterations, warmup: config.warmup };
    log(`\nPage of 50 (${config.iterations} rounds after ${config.warmup} warm-up)...`);
    const pageRuns = await measureInterleaved({ raw: clients.rawPage, engine: clients.enginePage, graphql: clients.gqlPage, sdk: clients.sdkPage }, rounds);
    const page = { raw: pageRuns.raw!, engine: pageRuns.engine!, graphql: pageRuns.graphql!, sdk: pageRuns.sdk! };
    line('(a) raw SQL', page.raw, page.raw);
    line('(b) engine.records.list', page.engine, page.raw);
    line('(c) GraphQL over HTTP', page.graphql, page.raw);
    line("(c') SDK records.list over HTTP", page.sdk, page.raw);

    log(`\nCreate one deal...`);
    const createRuns = await measureInterleaved({ raw: clients.rawCreate, graphql: clients.gqlCreate, sdk: clients.sdkCreate }, rounds);
    const create = { raw: createRuns.raw!, graphql: createRuns.graphql!, sdk: createRuns.sdk! };
    line('(d) raw SQL INSERT', create.raw, create.raw);
    line('(d) GraphQL createDeal', create.graphql, create.raw);
    line("(d') SDK records.create", create.sdk, create.raw);

    log(`\nThroughput, ${config.concurrency} concurrent, ${config.seconds} s each...`);
    const tpOpts = { concurrency: config.concurrency, seconds: config.seconds };
    const tpGraphql = await throughput(clients.gqlPage, tpOpts);
    log(`  (e) GraphQL page: ${tpGraphql.perSecond.toFixed(0)} req/s (${tpGraphql.requests} requests, median ${fmtMs(tpGraphql.latency.median)} ms)`);
    const tpRaw = await throughput(clients.rawPage, tpOpts);
    log(`  raw SQL page:     ${tpRaw.perSecond.toFixed(0)} req/s (${tpRaw.requests} requests, median ${fmtMs(tpRaw.latency.median)} ms)`);

    log('\nQuery plans...');
    const plans = await explainPage(engine, pool, seeded, clients);
    for (const p of plans) {
      log(`\n  ${p.label}: uses index: ${p.usesFieldIndex ? 'yes' : 'no'}` +
        (p.fieldIndexesUsed.length ? ` (${p.fieldIndexesUsed.join(', ')})` : ''));
      for (const l of p.plan) log(`    ${l}`);
    }

    log('\nWhere a GraphQL page request spends its time...');
    const profile = await profileGraphqlPage(engine, http, seeded, clients, {
      iterations: Math.max(1, Math.round(config.iterations / 2)),
      warmup: config.warmup,
    });
    for (const s of profile.steps) line(s.step, s.summary);
    line('full request', profile.full);
    log(`  ${'remainder (yoga pipeline)'.padEnd(34)} median ${fmtMs(profile.unexplainedMs).padStart(7)} ms`);
    log(`  statements per request: ${profile.statementsPerRequest.length}; response ${(profile.responseBytes / 1024).toFixed(1)} KiB`);

    const searchRounds = { iterations: Math.max(1, Math.round(config.iterations / 2)), warmup: Math.min(config.warmup, 10) };
    log(`\nSearch deals by name (${searchRounds.iterations} rounds after ${searchRounds.warmup} warm-up per query)...`);
    const search = await benchSearch(engine, pool, seeded, clients, searchRounds, log);
    for (const q of search.queries) {
      log(`  "${q.query}" (${q.pageHits}/${q.totalHits} hits${q.trigram ? ', trigram' : ''})`);
      line('(i) engine.search.search', q.engine);
      line('(j) GraphQL search over HTTP', q.graphql);
    }

    // Last, so the records it adds change nothing above.
    log(`\nBulk create of ${BULK.total.toLocaleString('en-US')} deals in calls of ${BULK.batch.toLocaleString('en-US')} (${config.bulkRounds} rounds after one checked call of each)...`);
    const bulk = await benchBulk(engine, pool, seeded, clients, {
      rounds: config.bulkRounds,
      upsert: { iterations: Math.max(1, Math.round(config.iterations / 3)), warmup: Math.min(config.warmup, 10) },
    }, log);
    const perSecond = (name: string, w: (typeof bulk.ways)['raw']) =>
      log(`  ${name.padEnd(34)} ${Math.round(w.perSecond).toLocaleString('en-US').padStart(7)} records/s   call of ${BULK.batch}: median ${fmtMs(w.call.median)} ms, p95 ${fmtMs(w.call.p95)} ms` +
        (w === bulk.ways.raw ? '' : `   ${fmtRatio(bulk.ways.raw.perSecond / w.perSecond)} the time of raw SQL`));
    perSecond('(f) raw SQL (pg.Pool)', bulk.ways.raw);
    perSecond('(f) engine.records.createMany', bulk.ways.engine);
    perSecond('(f) GraphQL createDeals over HTTP', bulk.ways.graphql);
    if ('skipped' in bulk.upsert) log(`  upsert: skipped: ${bulk.upsert.skipped.replaceAll('`', '')}`);
    else {
      line(`(g) upsertDeal by ${bulk.upsert.field}, creates`, bulk.upsert.create);
      line(`(g) upsertDeal by ${bulk.upsert.field}, updates`, bulk.upsert.update);
    }

    // Last, like bulk: its 410,000 records (another workspace) would otherwise share the table and indexes with the deals above.
    const nested = await runNested(engine, pool, config, baseUrl);
    // Last: a server process of its own, and workspaces of their own.
    await http.close();
    http = undefined;
    const events = await runEvents(engine, url);
    log(`\nPlugin hooks: a create whose afterChange keeps an invoice total (${config.iterations} rounds after ${config.warmup} warm-up)...`);
    const plugins = await benchPlugins(url, pool, { iterations: config.iterations, warmup: config.warmup });
    line('(k) raw SQL', plugins.raw, plugins.raw);
    line('(l) create, no hooks', plugins.plain, plugins.raw);
    line('(m) create, hooked', plugins.hooked, plugins.raw);

    const results: Results = {
      date: new Date().toISOString(),
      machine: m,
      config,
      seeded,
      page,
      create,
      throughput: { graphql: tpGraphql, raw: tpRaw },
      plans,
      profile,
      search,
      bulk,
      nested,
      events,
      plugins,
    };
    const g = goal(results);
    log(`\nGoal: GraphQL page latency within 3x of the raw SQL query; the query plan uses the field's index`);
    log(`  GraphQL/raw = ${fmtRatio(g.ratio)} (${g.latencyOk ? 'ok' : 'over'}); uses index: ${g.indexOk ? 'yes' : 'no'} → ${g.pass ? 'PASS' : 'MISS'}`);
    const bg = bulkGoal(results);
    log(`Goal: bulk create at least ${BULK_GOAL_PER_SECOND.toLocaleString('en-US')} records/s on PostgreSQL (GraphQL createDeals, calls of ${BULK.batch.toLocaleString('en-US')})`);
    log(`  ${Math.round(bg.perSecond).toLocaleString('en-US')} records/s → ${bg.pass ? 'PASS' : 'MISS'}`);
    const ng = nestedGoal(results);
    log(`Goal: nested query (companies → people → notes, ${NESTED.page} per level) over GraphQL within ${NESTED_GOAL_RATIO}x of raw SQL`);
    log(`  GraphQL/raw = ${fmtRatio(ng.ratio)} (against the faster raw way; ${nested.statements.all.length} statements per request) → ${ng.pass ? 'PASS' : 'MISS'}`);
    const sg = searchGoal(search);
    log(`Goal: search p95 under ${SEARCH_GOAL_P95_MS} ms (${search.queries.length} queries, engine and GraphQL over HTTP)`);
    log(`  worst p95 = ${fmtMs(sg.worst)} ms → ${sg.pass ? 'PASS' : 'MISS'}`);
    const eg = eventsGoal(events);
    log(`Goal: subscriptions p99 under ${EVENTS_GOAL_P99_MS} ms for ${EVENTS_BENCH.subscribers} subscribers at ${EVENTS_BENCH.writesPerSecond} writes/s, nothing lost`);
    log(`  p99 = ${events.subscriptions.p99Ms} ms; ${eg.complete ? 'none lost' : 'LOST'} → ${eg.pass ? 'PASS' : 'MISS'}`);

    fs.mkdirSync(path.dirname(args.out!), { recursive: true });
    fs.writeFileSync(args.out!, renderMarkdown(results));
    const shown = path.relative(process.cwd(), args.out!);
    log(`\nWrote ${shown.startsWith('..') || path.isAbsolute(shown) ? args.out : shown}`);
  } finally {
    await http?.close();
    await engine?.close();
    await pool.end();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`\nBenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
