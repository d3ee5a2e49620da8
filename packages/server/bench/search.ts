/**
 * The search scenario: full-text search over the seeded deals (their `name` is
 * searchable, seed.ts), (i) through `engine.search.search` called directly and
 * (j) through GraphQL `search` over HTTP, for a few queries a user would type in
 * a search box: a whole word, a prefix, two words, a rare term and a typo (which
 * falls back to trigram matching where pg_trgm is installed).
 */
import { createSearchService, SEARCH_TYPO_CANDIDATES, type Engine } from '@relata/core';
import type pg from 'pg';
import type { Clients } from './scenarios.ts';
import { benchSearchVectorSql, type Seeded } from './seed.ts';
import { measureInterleaved, type Summary } from './stats.ts';

/** The spec's goal: search p95 under this many ms. */
export const SEARCH_GOAL_P95_MS = 50;
/** Hits per page (the engine's default). */
export const SEARCH_PAGE = 20;

/** The queries, with what each stands for. Deal names are `<Company> <word> #<n>` (seed.ts). */
export const SEARCH_QUERIES: Array<{ key: string; what: string; query: string }> = [
  { key: 'word', what: 'a whole word (a company, ~1 in 12 deals)', query: 'acme' },
  { key: 'prefix', what: 'a prefix: the first 3 letters of a company', query: 'glo' },
  { key: 'twoWords', what: 'two words (company and deal word, ~1 in 144 deals)', query: 'umbrella renewal' },
  { key: 'rare', what: 'a rare term: a deal number (as a prefix)', query: '4242' },
  { key: 'typo', what: `a typo: no full-text hit, so trigram fallback (at most ${SEARCH_TYPO_CANDIDATES} candidates ranked)`, query: 'acmee' },
];

export const GQL_SEARCH = `query Search($query: String!, $first: Int) {
  search(query: $query, first: $first) { edges { node { score type record { id ... on Deal { name } } } } }
}`;

type SearchData = { search: { edges: Array<{ node: { score: number; type: string; record: { id: string; name?: string } } }> } };

export interface SearchQueryResult {
  key: string;
  what: string;
  query: string;
  /** Hits on the first page, all hits (totalCount), and whether the trigram fallback answered. */
  pageHits: number;
  totalHits: number;
  trigram: boolean;
  /**
   * Trigram answers only: the matches the typo-tolerant match would have ranked
   * without its cap of SEARCH_TYPO_CANDIDATES, and whether the first page is the
   * same as when it ranks them all.
   */
  uncapped?: { totalHits: number; samePage: boolean };
  firstNames: string[];
  engine: Summary;
  graphql: Summary;
}

export interface SearchResult {
  iterations: number;
  warmup: number;
  /** Whether the database has pg_trgm (typo tolerance). */
  trigram: boolean;
  /** Engine-written deals (GraphQL creates) whose search vector was compared with the seed's. */
  vectorCheck: { engineRows: number; mismatched: number };
  queries: SearchQueryResult[];
  /** Over all queries' samples: the worst p95 of each way. */
  worstP95: { engine: number; graphql: number };
}

/** The goal: every query's p95 under SEARCH_GOAL_P95_MS, through the engine and over GraphQL. */
export function searchGoal(r: SearchResult) {
  const worst = Math.max(r.worstP95.engine, r.worstP95.graphql);
  return { worst, pass: worst < SEARCH_GOAL_P95_MS };
}

export async function benchSearch(
  engine: Engine,
  pool: pg.Pool,
  seeded: Seeded,
  clients: Clients,
  rounds: { iterations: number; warmup: number },
  log: (line: string) => void,
): Promise<SearchResult> {
  // The seed computes vectors itself: check them against those the engine wrote for the deals created through GraphQL.
  const { rows: checked } = await pool.query<{ n: number; bad: number }>(
    `SELECT count(*)::int AS "n", count(*) FILTER (WHERE "search" IS DISTINCT FROM ${benchSearchVectorSql(seeded.fields, '"data"')})::int AS "bad" ` +
      'FROM "record" WHERE "workspace_id" = $1 AND "object_type_id" = $2 AND "search" IS NOT NULL AND "created_at" > now() - interval \'1 day\'',
    [seeded.workspaceId, seeded.objectTypeId],
  );
  const vectorCheck = { engineRows: checked[0]?.n ?? 0, mismatched: checked[0]?.bad ?? 0 };
  if (vectorCheck.mismatched > 0) {
    throw new Error(`${vectorCheck.mismatched} of ${vectorCheck.engineRows} engine-written search vectors differ from the seed's (seed.ts benchSearchVectorSql)`);
  }
  const { rows: ext } = await pool.query(`SELECT 1 FROM "pg_extension" WHERE "extname" = 'pg_trgm'`);
  const trigram = ext.length > 0;
  log(`  pg_trgm: ${trigram ? 'yes' : 'no (no typo tolerance)'}; search vectors of ${vectorCheck.engineRows} engine-created deals equal the seed's`);

  // The typo-tolerant match as it was before its cap: every match ranked.
  const uncappedSearch = createSearchService(engine.db, { typoCandidates: Number.MAX_SAFE_INTEGER });
  const queries: SearchQueryResult[] = [];
  for (const q of SEARCH_QUERIES) {
    const args = { query: q.query, first: SEARCH_PAGE };
    const enginePage = await engine.search.search(clients.scope, { ...args, totalCount: true });
    const gqlPage = await clients.gql<SearchData>(GQL_SEARCH, args);
    const engineIds = enginePage.edges.map((e) => e.node.record.id);
    const gqlIds = gqlPage.search.edges.map((e) => e.node.record.id);
    if (engineIds.length === 0) throw new Error(`search "${q.query}" found nothing`);
    if (engineIds.join() !== gqlIds.join()) throw new Error(`search "${q.query}": engine and GraphQL return different hits`);
    const mode = (JSON.parse(Buffer.from(enginePage.edges[0]!.cursor, 'base64url').toString('utf8')) as unknown[])[1];
    let uncapped: SearchQueryResult['uncapped'];
    if (mode === 'g') {
      const all = await uncappedSearch.search(clients.scope, { ...args, totalCount: true });
      uncapped = { totalHits: all.totalCount ?? 0, samePage: all.edges.map((e) => e.node.record.id).join() === engineIds.join() };
    }
    const runs = await measureInterleaved(
      {
        engine: () => engine.search.search(clients.scope, args),
        graphql: () => clients.gql<SearchData>(GQL_SEARCH, args),
      },
      rounds,
    );
    const r: SearchQueryResult = {
      ...q,
      pageHits: engineIds.length,
      totalHits: enginePage.totalCount ?? 0,
      trigram: mode === 'g',
      ...(uncapped ? { uncapped } : {}),
      firstNames: gqlPage.search.edges.slice(0, 3).map((e) => e.node.record.name ?? ''),
      engine: runs.engine!,
      graphql: runs.graphql!,
    };
    queries.push(r);
  }
  return {
    ...rounds,
    trigram,
    vectorCheck,
    queries,
    worstP95: {
      engine: Math.max(...queries.map((q) => q.engine.p95)),
      graphql: Math.max(...queries.map((q) => q.graphql.p95)),
    },
  };
}
