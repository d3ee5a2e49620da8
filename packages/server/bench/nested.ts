/**
 * The nested-read scenario, on the graph nested-seed.ts makes (companies ← people
 * ← notes): a 3-level query at page size 50 timed through GraphQL over HTTP against
 * hand-written SQL that returns the same tree, both ways a developer who cares about
 * speed would write it (one LATERAL statement per level, and one statement building
 * the tree with json_agg). All ways are checked to return the same tree; the GraphQL
 * request's statements are counted with `engine.db.observe` and explained.
 */
import type { Engine, RecordPage, RecordScope } from '@relata/core';
import { parse, validate } from 'graphql';
import type pg from 'pg';
import { isDeepStrictEqual } from 'node:util';
import { createRequestContext } from '../src/context.ts';
import { createJitExecutor } from '../src/http/use-graphql-jit.ts';
import { createHttpServer, type HttpServer } from '../src/index.ts';
import { NESTED, type NestedSeeded } from './nested-seed.ts';
import { GQL_NESTED, RAW_NESTED_JSON_SQL, RAW_NESTED_LEVELS_SQL } from './nested-queries.ts';
import { measureInterleaved, type Summary } from './stats.ts';

/** The spec's goal: the nested query within 3x of raw SQL. */
export const NESTED_GOAL_RATIO = 3;

/** The cost limit of the server this scenario runs (the default, 50,000, refuses the query). */
export const NESTED_MAX_COST = 10_000_000;

/** The tree every way returns, in the query's order. */
type Tree = Array<{
  id: string;
  name: string | null;
  people: Array<{ id: string; firstName: string | null; lastName: string | null; notes: Array<{ id: string; body: string | null }> }>;
}>;

export interface NestedPlan {
  label: string;
  sql: string;
  plan: string[];
  executionMs: number | null;
}

export type NestedWayName = 'rawLevels' | 'rawJson' | 'engineSql' | 'engine' | 'execute' | 'graphql';

export interface NestedResult {
  seeded: NestedSeeded;
  iterations: number;
  warmup: number;
  /** Records in the tree: companies, people, notes; and the GraphQL response's size. */
  tree: { companies: number; people: number; notes: number; responseBytes: number };
  latency: Record<NestedWayName, Summary>;
  /** The faster raw SQL way (by median): the baseline of the ratio. */
  baseline: 'rawLevels' | 'rawJson';
  ratio: number;
  /** What the default cost limit (50,000) says to the query. */
  defaultLimit: { maxCost: number; cost: number | null; message: string };
  /** Every statement one GraphQL request ran (engine.db.observe), and those on `record`. */
  statements: { all: string[]; onRecord: number };
  plans: NestedPlan[];
}

type GqlNode<T> = { edges: Array<{ node: T }> };
type GqlTree = {
  companies: GqlNode<{ id: string; name: string | null; people: GqlNode<{ id: string; firstName: string | null; lastName: string | null; notes: GqlNode<{ id: string; body: string | null }> }> }>;
};

function fromGraphql(data: GqlTree): Tree {
  return data.companies.edges.map(({ node: c }) => ({
    id: c.id,
    name: c.name,
    people: c.people.edges.map(({ node: p }) => ({
      id: p.id,
      firstName: p.firstName,
      lastName: p.lastName,
      notes: p.notes.edges.map(({ node: n }) => ({ id: n.id, body: n.body })),
    })),
  }));
}

/** The ways of reading the tree, each one request. */
function nestedWays(engine: Engine, pool: pg.Pool, seeded: NestedSeeded, scope: RecordScope, baseUrl: string) {
  const { workspaceId: ws, typeIds } = seeded;
  const list = { first: NESTED.page };
  async function gql(url: string): Promise<{ body: { data?: GqlTree | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }; status: number; bytes: number }> {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${seeded.apiKey}` },
      body: JSON.stringify({ query: GQL_NESTED }),
    });
    const text = await res.text();
    return { body: JSON.parse(text), status: res.status, bytes: Buffer.byteLength(text) };
  }
  return {
    gql,
    /** (a) hand-written SQL, one LATERAL statement per level, the tree assembled in JS. */
    async rawLevels(): Promise<Tree> {
      const [q1, q2, q3] = RAW_NESTED_LEVELS_SQL;
      const { rows: companies } = await pool.query<{ id: string; name: string | null }>(q1, [ws, typeIds.company]);
      const { rows: people } = await pool.query<{ parent: string; id: string; first_name: string | null; last_name: string | null }>(q2, [
        ws,
        typeIds.person,
        companies.map((c) => c.id),
      ]);
      const { rows: notes } = await pool.query<{ parent: string; id: string; body: string | null }>(q3, [ws, typeIds.note, people.map((p) => p.id)]);
      const notesOf = new Map<string, Array<{ id: string; body: string | null }>>();
      for (const n of notes) {
        let l = notesOf.get(n.parent);
        if (!l) notesOf.set(n.parent, (l = []));
        l.push({ id: n.id, body: n.body });
      }
      const peopleOf = new Map<string, Tree[number]['people']>();
      for (const p of people) {
        let l = peopleOf.get(p.parent);
        if (!l) peopleOf.set(p.parent, (l = []));
        l.push({ id: p.id, firstName: p.first_name, lastName: p.last_name, notes: notesOf.get(p.id) ?? [] });
      }
      return companies.map((c) => ({ id: c.id, name: c.name, people: peopleOf.get(c.id) ?? [] }));
    },
    /** (a') hand-written SQL, the tree built by PostgreSQL as JSON in one statement. */
    async rawJson(): Promise<Tree> {
      const { rows } = await pool.query<{ tree: Tree }>(RAW_NESTED_JSON_SQL, [ws, typeIds.company, typeIds.person, typeIds.note]);
      return rows[0]!.tree;
    },
    /** (b) the engine's calls the resolvers make: the root list, then one listRelated per level. */
    async engine(): Promise<Tree> {
      const companies = await engine.records.list(scope, 'company', { orderBy: [{ name: 'ASC' }], first: NESTED.page });
      const companyIds = companies.edges.map((e) => e.node.id);
      const people = await engine.records.listRelated(scope, 'company', 'people', companyIds, list);
      const personIds = [...people.values()].flatMap((p) => p.edges.map((e) => e.node.id));
      const notes = await engine.records.listRelated(scope, 'person', 'notes', personIds, list);
      const nodes = (p: RecordPage | undefined) => p?.edges.map((e) => e.node) ?? [];
      return companies.edges.map(({ node: c }) => ({
        id: c.id,
        name: (c.data.name as string) ?? null,
        people: nodes(people.get(c.id)).map((p) => ({
          id: p.id,
          firstName: (p.data.firstName as string) ?? null,
          lastName: (p.data.lastName as string) ?? null,
          notes: nodes(notes.get(p.id)).map((n) => ({ id: n.id, body: (n.data.body as string) ?? null })),
        })),
      }));
    },
    /** (c) GraphQL over HTTP. */
    async graphql(): Promise<Tree> {
      const { body, status } = await gql(baseUrl);
      if (status !== 200 || body.errors?.length || !body.data) throw new Error(`GraphQL request failed (HTTP ${status}): ${JSON.stringify(body.errors ?? body)}`);
      return fromGraphql(body.data);
    },
  };
}

function describeDifference(name: string, expected: Tree, actual: Tree): string | null {
  if (isDeepStrictEqual(expected, actual)) return null;
  const ids = (t: Tree) => t.map((c) => c.id).join();
  if (ids(expected) !== ids(actual)) return `${name}: other companies (or order): ${actual.length} vs ${expected.length}`;
  for (const [i, c] of expected.entries()) {
    const a = actual[i]!;
    if (c.people.map((p) => p.id).join() !== a.people.map((p) => p.id).join()) {
      return `${name}: other people of company ${c.id}: [${a.people.map((p) => p.id).join(', ')}] vs [${c.people.map((p) => p.id).join(', ')}]`;
    }
    for (const [j, p] of c.people.entries()) {
      const b = a.people[j]!;
      if (p.notes.map((n) => n.id).join() !== b.notes.map((n) => n.id).join()) return `${name}: other notes of person ${p.id}`;
    }
  }
  return `${name}: same ids, other field values`;
}

/** Captures the statements one call runs. */
async function observed<T>(engine: Engine, fn: () => Promise<T>): Promise<{ value: T; statements: string[] }> {
  const statements: string[] = [];
  const stop = engine.db.observe((text) => statements.push(text));
  try {
    return { value: await fn(), statements };
  } finally {
    stop();
  }
}

async function explain(pool: pg.Pool, label: string, sql: string, params: unknown[]): Promise<NestedPlan> {
  for (let i = 0; i < 3; i++) await pool.query(sql, params);
  const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  const plan = rows.map((r) => r['QUERY PLAN']);
  const exec = /Execution Time: ([\d.]+) ms/.exec(plan.join('\n'));
  return { label, sql, plan, executionMs: exec ? Number(exec[1]) : null };
}

/** The engine's three statements of the request, as captured by `engine.db.observe`. */
interface EngineStatements {
  root: string;
  people: string;
  notes: string;
}

function engineStatements(statements: string[]): EngineStatements {
  const onRecord = statements.filter((s) => /^SELECT\b/i.test(s) && s.includes('FROM "record"'));
  const find = (what: string, test: (s: string) => boolean, params: number) => {
    const found = onRecord.filter(test);
    if (found.length !== 1) throw new Error(`expected one statement for ${what}, saw ${found.length} (statements: ${JSON.stringify(onRecord)})`);
    const placeholders = new Set(found[0]!.match(/\$\d+/g) ?? []);
    if (placeholders.size !== params) throw new Error(`the statement for ${what} has ${placeholders.size} parameters, expected ${params}: ${found[0]}`);
    return found[0]!;
  };
  return {
    root: find('the companies', (s) => !s.includes('LATERAL'), 2),
    people: find('the people', (s) => s.includes('LATERAL') && s.includes(`'company'`), 3),
    notes: find('the notes', (s) => s.includes('LATERAL') && s.includes(`'person'`), 3),
  };
}

type EngineRow = { id: string; data: Record<string, unknown>; __parent?: string };

/** The first `page` rows of each parent, in order (a LATERAL page holds one more row when there is a next page). */
function pagesByParent(rows: EngineRow[]): Map<string, EngineRow[]> {
  const byParent = new Map<string, EngineRow[]>();
  for (const row of rows) {
    let l = byParent.get(row.__parent!);
    if (!l) byParent.set(row.__parent!, (l = []));
    if (l.length < NESTED.page) l.push(row);
  }
  return byParent;
}

/**
 * (a'') The engine's own statements (captured text, parameters reconstructed:
 * workspace, type, the parent ids of the level above) through the plain pg.Pool:
 * the engine's SQL and columns without its row mapping, paging and cursors.
 */
async function engineSqlTree(pool: pg.Pool, seeded: NestedSeeded, sql: EngineStatements): Promise<Tree> {
  const { workspaceId: ws, typeIds } = seeded;
  const companies = (await pool.query<EngineRow>(sql.root, [ws, typeIds.company])).rows.slice(0, NESTED.page);
  const people = pagesByParent((await pool.query<EngineRow>(sql.people, [ws, typeIds.person, companies.map((c) => c.id)])).rows);
  const personIds = [...people.values()].flatMap((l) => l.map((p) => p.id));
  const notes = pagesByParent((await pool.query<EngineRow>(sql.notes, [ws, typeIds.note, personIds])).rows);
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return companies.map((c) => ({
    id: c.id,
    name: text(c.data.name),
    people: (people.get(c.id) ?? []).map((p) => ({
      id: p.id,
      firstName: text(p.data.firstName),
      lastName: text(p.data.lastName),
      notes: (notes.get(p.id) ?? []).map((n) => ({ id: n.id, body: text(n.data.body) })),
    })),
  }));
}

/** EXPLAIN (ANALYZE, BUFFERS) of the engine's three statements, with the parameters of the tree, and of the JSON baseline. */
async function explainNested(pool: pg.Pool, seeded: NestedSeeded, sql: EngineStatements, tree: Tree): Promise<NestedPlan[]> {
  const { workspaceId: ws, typeIds } = seeded;
  const companyIds = tree.map((c) => c.id);
  const personIds = tree.flatMap((c) => c.people.map((p) => p.id));
  return [
    await explain(pool, 'engine: root list (companies)', sql.root, [ws, typeIds.company]),
    await explain(pool, `engine: people of the ${companyIds.length} companies (LATERAL)`, sql.people, [ws, typeIds.person, companyIds]),
    await explain(pool, `engine: notes of those ${personIds.length} people (LATERAL)`, sql.notes, [ws, typeIds.note, personIds]),
    await explain(pool, 'raw SQL, one statement (json_agg)', RAW_NESTED_JSON_SQL, [ws, typeIds.company, typeIds.person, typeIds.note]),
  ];
}

/**
 * Runs the scenario on a seeded graph: checks that every way returns the same tree,
 * counts the GraphQL request's statements, times the ways interleaved, explains.
 * `defaultLimitsUrl` is a server with the default query limits, asked once to show
 * what they say to this query.
 */
export async function benchNested(
  engine: Engine,
  pool: pg.Pool,
  seeded: NestedSeeded,
  opts: { iterations: number; warmup: number; defaultLimitsUrl: string },
  log: (line: string) => void = () => {},
): Promise<NestedResult> {
  let http: HttpServer | undefined;
  try {
    http = createHttpServer({ engine, graphiql: false, queryLimits: { maxCost: NESTED_MAX_COST }, logError: (message, error) => console.error(message, error) });
    const { url } = await http.listen(0, '127.0.0.1');
    const { actor, metadataVersion } = await engine.workspaces.authenticate(seeded.apiKey);
    const metadata = await engine.metadata.snapshot(actor.workspaceId, metadataVersion);
    const scope: RecordScope = { actor, metadata };
    const ways = nestedWays(engine, pool, seeded, scope, url);

    // What the default limits say.
    const refused = await ways.gql(opts.defaultLimitsUrl);
    const err = refused.body.errors?.[0];
    const defaultLimit = { maxCost: Number(err?.extensions?.maxCost ?? 50_000), cost: err?.extensions?.cost != null ? Number(err.extensions.cost) : null, message: err?.message ?? 'accepted' };
    log(`  default query limits: ${defaultLimit.message}`);

    // In-process GraphQL execution (no HTTP): the same schema, context and executor (graphql-jit) as the server's.
    const schema = http.schemas.get(metadata, actor);
    const document = parse(GQL_NESTED);
    const invalid = validate(schema, document);
    if (invalid.length) throw new Error(`nested query does not validate: ${invalid.map((e) => e.message).join('; ')}`);
    const jit = createJitExecutor({ compileAfter: 1 }).prepare({ schema, document });
    if (!jit) throw new Error('graphql-jit did not compile the nested query');
    const executeTree = async (): Promise<Tree> => {
      const result = await jit({ schema, document, contextValue: { ...createRequestContext(engine, actor, metadata), workspaceSchema: schema } });
      if (result.errors?.length || !result.data) throw new Error(`execute failed: ${result.errors?.[0]?.message}`);
      return fromGraphql(result.data as GqlTree);
    };

    // Same tree every way. The statements are those of a warm request (the workspace's schema built, as in the timed rounds).
    await ways.graphql();
    const { value: viaGraphql, statements } = await observed(engine, () => ways.graphql());
    const captured = engineStatements(statements);
    const engineSql = () => engineSqlTree(pool, seeded, captured);
    const others: Record<string, Tree> = {
      rawLevels: await ways.rawLevels(),
      rawJson: await ways.rawJson(),
      engineSql: await engineSql(),
      engine: await ways.engine(),
      execute: await executeTree(),
    };
    const problems = Object.entries(others).map(([name, tree]) => describeDifference(name, viaGraphql, tree)).filter((p): p is string => p !== null);
    if (problems.length) throw new Error(`The ways of reading the nested tree disagree with GraphQL:\n  - ${problems.join('\n  - ')}`);
    const people = viaGraphql.reduce((s, c) => s + c.people.length, 0);
    const notes = viaGraphql.reduce((s, c) => s + c.people.reduce((t, p) => t + p.notes.length, 0), 0);
    if (viaGraphql.length !== NESTED.page || people === 0 || notes === 0) throw new Error(`unexpected tree: ${viaGraphql.length} companies, ${people} people, ${notes} notes`);
    const responseBytes = (await ways.gql(url)).bytes;
    const onRecord = statements.filter((s) => s.includes('"record"')).length;
    log(`  same tree from GraphQL (HTTP and in-process), the engine, its statements replayed, both raw SQL ways: ${viaGraphql.length} companies, ${people} people, ${notes} notes (same ids in the same order at every level)`);
    log(`  statements per GraphQL request: ${statements.length} (${onRecord} on "record")`);

    const runs = await measureInterleaved(
      { rawLevels: ways.rawLevels, rawJson: ways.rawJson, engineSql, engine: ways.engine, execute: executeTree, graphql: ways.graphql },
      { iterations: opts.iterations, warmup: opts.warmup },
    );
    const latency = runs as Record<NestedWayName, Summary>;
    const baseline = latency.rawLevels.median <= latency.rawJson.median ? 'rawLevels' : 'rawJson';
    const plans = await explainNested(pool, seeded, captured, viaGraphql);
    return {
      seeded,
      iterations: opts.iterations,
      warmup: opts.warmup,
      tree: { companies: viaGraphql.length, people, notes, responseBytes },
      latency,
      baseline,
      ratio: latency.graphql.median / latency[baseline].median,
      defaultLimit,
      statements: { all: statements, onRecord },
      plans,
    };
  } finally {
    await http?.close();
  }
}
