/**
 * Search across record types: the live records of a workspace whose searchable
 * fields match every word of a query, best first. One statement per search, and
 * a second for the typo-tolerant match when the first finds nothing (and, once
 * per process, a look in pg_extension for pg_trgm).
 *
 * - Matching is full text on the `search` vector (search-vector.ts, `simple`
 *   configuration) with prefix matching on every word: `acm` finds `Acme`. The
 *   tsquery is built here from the words of the user's text, each quoted and
 *   escaped; user text never reaches `to_tsquery` as syntax.
 * - Ranking is `ts_rank` of the prefix query plus `ts_rank` of the same words as
 *   whole words, so more occurrences rank higher and `Ann` ranks above `Annabel`
 *   for "ann". Ties are broken by id; the cursor is (score, id).
 * - Typo tolerance, where the pg_trgm extension is installed: when the full-text
 *   match finds nothing at all, a second statement matches by trigram word
 *   similarity of every word against the record's searchable words ("acmee" finds
 *   "Acme"), ranked by similarity. A page's cursor remembers which of the two
 *   matched, so later pages continue the same result.
 * - Access: only types the actor may read are searched, only records they may
 *   read are found, and words of fields hidden from them neither match nor rank
 *   (actorVectors).
 * - The trigram match ranks at most SEARCH_TYPO_CANDIDATES records: the first that
 *   the trigram index finds, in table order (TRIGRAM_PLAN). Each candidate costs a
 *   heap fetch and three similarity computations over its words, and a typo of a
 *   word shared by a tenth of the records would otherwise score all of them.
 */
import type { Database } from '../db/database.ts';
import type { Queryable } from '../db/sql-client.ts';
import { sqlState } from '../db/pg-errors.ts';
import { BadRequestError, FieldErrorCollector } from '../errors.ts';
import type { ObjectTypeMeta } from '../metadata/workspace-metadata.ts';
import { SqlParams } from './query/params.ts';
import type { RecordScope } from './record-service.ts';
import { RECORD_COLUMNS, toRecordRow, type RawRecord, type RecordRow } from './record-row.ts';
import { searchableFields, searchVectorSql } from './search-vector.ts';
import { compileSearchQuery, decodeCursor, encodeCursor, searchFingerprint, type CompiledSearchQuery, type Mode } from './search-query.ts';

export { compileSearchQuery, type CompiledSearchQuery } from './search-query.ts';
import { accessCondition, policyOf } from '../access/policy.ts';
import { forwardPageInfo } from '../util/forward-page.ts';

/** Hits per page when `first` is not given. */
export const SEARCH_DEFAULT_PAGE_SIZE = 20;
/** Most hits one page may ask for. */
export const SEARCH_MAX_PAGE_SIZE = 100;
/** Longest query, in characters. */
export const SEARCH_MAX_QUERY_LENGTH = 200;
/** Most distinct words in one query (each costs an index lookup). */
export const SEARCH_MAX_WORDS = 16;
/**
 * Most records the typo-tolerant (trigram) match ranks: the first found, in table
 * order. Below it the ranking is exact; above it a page is the best of these.
 */
export const SEARCH_TYPO_CANDIDATES = 500;

/** Arguments of a search. */
export interface SearchArgs {
  query: string;
  /** Record type apiNames to search; all types with searchable fields when null or omitted. */
  types?: readonly string[] | null;
  first?: number | null;
  after?: string | null;
  /** Also count every hit (one more statement). */
  totalCount?: boolean;
}

/** One hit: the record, its type's apiName, and how well it matched (higher is better). */
export interface SearchHit {
  score: number;
  type: string;
  record: RecordRow;
}

/** One page of hits, as a Relay connection needs it. */
export interface SearchPage {
  edges: Array<{ cursor: string; node: SearchHit }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number | null;
}

/**
 * Planner settings of the trigram statement (its transaction only). Its
 * candidates are the first SEARCH_TYPO_CANDIDATES matches a scan meets, so the
 * scan must be the trigram index's bitmap scan: it meets rows in table order, the
 * same ones at every call, so pages continue the same candidates, and it stops
 * after the last candidate. A sequential scan (the planner's choice when many
 * records match) may start anywhere in the table (synchronized scans), and an
 * index scan in id order computes the similarity of every record it passes.
 */
const TRIGRAM_PLAN =
  "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true), " +
  "set_config('max_parallel_workers_per_gather', '0', true), set_config('synchronize_seqscans', 'off', true)";

/**
 * Creates the search service over `db`. `trigram: false` turns typo tolerance off,
 * `typoCandidates` changes SEARCH_TYPO_CANDIDATES (tests).
 */
export function createSearchService(db: Pick<Database, 'sql'>, options: { trigram?: boolean; typoCandidates?: number } = {}) {
  const sql = db.sql;
  const typoCandidates = options.typoCandidates ?? SEARCH_TYPO_CANDIDATES;

  // The schema pg_trgm is installed in, or null; looked up once, at the first search.
  let trigramLookup: Promise<string | null> | undefined;
  function trigramSchema(): Promise<string | null> {
    if (options.trigram === false) return Promise.resolve(null);
    trigramLookup ??= sql
      .query<{ schema: string }>(
        `SELECT n."nspname" AS "schema" FROM "pg_extension" e JOIN "pg_namespace" n ON n."oid" = e."extnamespace" WHERE e."extname" = 'pg_trgm'`,
      )
      .then(
        ({ rows }) => rows[0]?.schema ?? null,
        (error: unknown) => {
          trigramLookup = undefined;
          throw error;
        },
      );
    return trigramLookup;
  }

  function validate(scope: RecordScope, args: SearchArgs) {
    const errors = new FieldErrorCollector();
    const text = typeof args.query === 'string' ? args.query : '';
    let compiled: CompiledSearchQuery | null = null;
    if (text.trim() === '') {
      errors.add('query', 'REQUIRED', 'must contain something to search for');
    } else if (text.length > SEARCH_MAX_QUERY_LENGTH) {
      errors.add('query', 'TOO_LONG', `must be at most ${SEARCH_MAX_QUERY_LENGTH} characters`);
    } else {
      compiled = compileSearchQuery(text);
      if (compiled && Math.max(compiled.words.length, compiled.terms) > SEARCH_MAX_WORDS) {
        errors.add('query', 'TOO_MANY_WORDS', `must have at most ${SEARCH_MAX_WORDS} words`);
      }
    }
    // The types as the actor sees them: one they may not read is unknown to them.
    const view = policyOf(scope).view;
    let types: ObjectTypeMeta[];
    if (args.types == null) {
      types = [...view.objectTypes];
    } else {
      types = [];
      args.types.forEach((name, i) => {
        const type = view.find(name);
        if (!type) errors.add(`types.${i}`, 'UNKNOWN_TYPE', `"${name}" is not a record type`);
        else if (!types.includes(type)) types.push(type);
      });
    }
    errors.throwIfAny();

    const size = args.first ?? SEARCH_DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 0) throw new BadRequestError('first must be a non-negative integer', { argument: 'first' });
    if (size > SEARCH_MAX_PAGE_SIZE) {
      throw new BadRequestError(`first must be at most ${SEARCH_MAX_PAGE_SIZE} (asked for ${size}); page through with after`, {
        argument: 'first',
      });
    }
    // Types without searchable fields have no search vector: nothing of theirs can match.
    const searched = types.filter((t) => searchableFields(t).length > 0);
    return { compiled, searched, size };
  }

  /**
   * The matches of one mode, scored: a subquery of the record columns,
   * `object_type_id` and `score`, over the live records of the searched types in
   * the workspace (`workspace_id` first) whose search vector matches. `trgm` is the
   * quoted schema of pg_trgm, needed by the trigram mode. `columns` is what the
   * subquery selects besides the score (a count needs none).
   */
  function modeMatches(
    mode: Mode,
    trgm: string | null,
    compiled: CompiledSearchQuery,
    scope: RecordScope,
    types: readonly ObjectTypeMeta[],
    params: SqlParams,
    columns = `${RECORD_COLUMNS}, "object_type_id"`,
  ): string {
    const where = [
      `"workspace_id" = ${params.add(scope.metadata.workspaceId)}`,
      `"object_type_id" = ANY(${params.add(types.map((t) => t.id))}::uuid[])`,
      '"deleted_at" IS NULL',
    ];
    // Each parameter only in the mode that uses it: an unused one has no type to infer.
    const words = mode === 'trigram' ? compiled.words.map((w) => params.add(w)) : [];
    const prefix = mode === 'text' ? `lower(${params.add(compiled.prefix)})::tsquery` : '';
    // The index matches on the stored vector of every searchable field; the actor's
    // own vector (actorVectors) decides what matches and how it ranks.
    const trigramText = (vector: string) => `(strip(${vector})::text)`;
    const { vector, limits } = actorVectors(scope, types, params, (own) =>
      mode === 'text' ? `${own} @@ ${prefix}` : words.map((w) => `${w} OPERATOR(${trgm}.<%) ${trigramText(own)}`).join(' AND '),
    );
    if (limits) where.push(limits);
    if (mode === 'text') {
      where.push(`"search" @@ ${prefix}`);
      const score = `(ts_rank(${vector}, ${prefix}) + ts_rank(${vector}, lower(${params.add(compiled.exact)})::tsquery))`;
      return `SELECT ${columns}, ${score}::real AS "score" FROM "record" WHERE ${where.join(' AND ')}`;
    }
    // The very expression of the trigram index (migration 20261123000000_record_search).
    const text = trigramText('"search"');
    for (const w of words) where.push(`${w} OPERATOR(${trgm}.<%) ${text}`);
    // Word similarity finds the word inside longer ones; strict word similarity
    // (whole words only) then ranks "Acme" above "Acmeville" for "acmee".
    const each = words.map((w) => `${trgm}.word_similarity(${w}, "words") + ${trgm}.strict_word_similarity(${w}, "words")`);
    // Candidates first, then the score of each: the LIMIT stops the trigram index's
    // heap scan at the cap, and the candidates' words are made once for both scores.
    return (
      `SELECT ${columns}, ((${each.join(' + ')}) / ${2 * words.length})::real AS "score" FROM (` +
      `SELECT ${columns}, ${vector === '"search"' ? text : trigramText(vector)} AS "words" FROM "record" WHERE ${where.join(' AND ')} LIMIT ${typoCandidates}` +
      ') AS "c"'
    );
  }

  /**
   * What the actor's access changes in a search over `types` (as they see them):
   * `limits`, the condition keeping only records they may read, and for types with
   * searchable fields hidden from them, a match on a vector of the visible fields
   * only (`recheck` of it); `vector`, the vector to rank by (the stored one, or per
   * type the visible one). Hidden words then neither find a record nor rank it.
   */
  function actorVectors(scope: RecordScope, types: readonly ObjectTypeMeta[], params: SqlParams, recheck: (vector: string) => string) {
    const open: string[] = [];
    const clauses: string[] = [];
    const narrowed: Array<[string, string]> = [];
    for (const type of types) {
      const full = scope.metadata.findById(type.id)!;
      const conditions = [accessCondition(scope, type, 'read', params)].filter((c): c is string => c !== null);
      if (searchableFields(full).length !== searchableFields(type).length) {
        const own = searchVectorSql(type, '"data"');
        narrowed.push([type.id, own]);
        conditions.push(recheck(own));
      }
      if (conditions.length === 0) open.push(type.id);
      else clauses.push(`("object_type_id" = ${params.add(type.id)} AND ${conditions.join(' AND ')})`);
    }
    const limits =
      clauses.length === 0 ? null : `(${[...(open.length ? [`"object_type_id" = ANY(${params.add(open)}::uuid[])`] : []), ...clauses].join(' OR ')})`;
    const vector =
      narrowed.length === 0
        ? '"search"'
        : `(CASE "object_type_id" ${narrowed.map(([id, own]) => `WHEN ${params.add(id)}::uuid THEN ${own}`).join(' ')} ELSE "search" END)`;
    return { limits, vector };
  }

  /** One page of a mode: matches scored, after the cursor, best first, one more than `size`. */
  function pageSelect(
    mode: Mode,
    trgm: string | null,
    compiled: CompiledSearchQuery,
    scope: RecordScope,
    types: readonly ObjectTypeMeta[],
    params: SqlParams,
    cursor: { score: number; id: string } | null,
    size: number,
  ): string {
    const matches = modeMatches(mode, trgm, compiled, scope, types, params);
    let after = '';
    if (cursor) {
      const s = `${params.add(cursor.score)}::real`;
      after = ` WHERE ("score" < ${s} OR ("score" = ${s} AND "id" > ${params.add(cursor.id)}::uuid))`;
    }
    return `SELECT * FROM (${matches}) AS "m"${after} ORDER BY "score" DESC, "id" LIMIT ${size + 1}`;
  }

  const empty = (after: string | null | undefined, totalCount: boolean | undefined): SearchPage => ({
    edges: [],
    pageInfo: { hasNextPage: false, hasPreviousPage: after != null, startCursor: null, endCursor: null },
    totalCount: totalCount ? 0 : null,
  });

  async function run(scope: RecordScope, args: SearchArgs, trgmSchema: string | null): Promise<SearchPage> {
    const { compiled, searched, size } = validate(scope, args);
    const typeIds = searched.map((t) => t.id);
    const fingerprint = compiled ? searchFingerprint(compiled, typeIds) : '';
    const cursor = args.after != null ? decodeCursor(args.after, fingerprint) : null;
    if (!compiled || typeIds.length === 0) return empty(args.after, args.totalCount);
    const trgm = trgmSchema === null ? null : `"${trgmSchema.replace(/"/g, '""')}"`;
    if (cursor?.mode === 'trigram' && !trgm) {
      throw new BadRequestError('after is not valid anymore: typo-tolerant matching is not available', { argument: 'after' });
    }

    type Row = RawRecord & { object_type_id: string; score: number };
    const count = async (q: Queryable, m: Mode) => {
      // Every hit the pages reach: for the trigram mode, its candidates.
      const params = new SqlParams();
      const matches = modeMatches(m, trgm, compiled, scope, searched, params, '"id"');
      const { rows } = await q.query<{ n: number }>(`SELECT count(*)::int AS "n" FROM (${matches}) AS "m"`, params.values);
      return Number(rows[0]?.n ?? 0);
    };

    let mode: Mode = cursor?.mode ?? 'text';
    let rows: Row[] = [];
    let totalCount: number | null = null;
    if (mode === 'text') {
      const params = new SqlParams();
      ({ rows } = await sql.query<Row>(pageSelect('text', trgm, compiled, scope, searched, params, cursor, size), params.values));
      // Trigram matching only when full text finds nothing at all.
      if (rows.length === 0 && !cursor && trgm) mode = 'trigram';
      else if (args.totalCount) totalCount = await count(sql, 'text');
    }
    if (mode === 'trigram') {
      ({ rows, totalCount } = await sql.transaction(async (tx) => {
        await tx.query(TRIGRAM_PLAN);
        const params = new SqlParams();
        const page = await tx.query<Row>(pageSelect('trigram', trgm, compiled, scope, searched, params, cursor, size), params.values);
        return { rows: page.rows, totalCount: args.totalCount ? await count(tx, 'trigram') : null };
      }));
    }

    const page = rows.slice(0, size);
    const edges: SearchPage['edges'] = [];
    for (const raw of page) {
      const type = searched.find((t) => t.id === raw.object_type_id);
      if (!type) continue;
      const score = Number(raw.score);
      edges.push({
        cursor: encodeCursor(fingerprint, mode, score, raw.id),
        node: { score, type: type.apiName, record: toRecordRow(type, raw) },
      });
    }

    return {
      edges,
      pageInfo: forwardPageInfo(edges, rows.length, size, args.after),
      totalCount,
    };
  }

  return {
    /**
     * Live records of the workspace matching every word of `query` (as prefixes),
     * across all record types with searchable fields or only `types`, best first.
     * VALIDATION_FAILED for an empty or too long query or an unknown type
     * (`types.N`); BAD_REQUEST for a page larger than 100 or a bad cursor.
     */
    async search(scope: RecordScope, args: SearchArgs): Promise<SearchPage> {
      const trgm = await trigramSchema();
      try {
        return await run(scope, args, trgm);
      } catch (error) {
        // pg_trgm dropped while running (undefined function or operator): carry on without it.
        if (trgm !== null && sqlState(error) === '42883') {
          trigramLookup = Promise.resolve(null);
          return run(scope, args, null);
        }
        throw error;
      }
    },

    /** True when typo-tolerant matching is available (pg_trgm is installed). */
    async typoTolerant(): Promise<boolean> {
      return (await trigramSchema()) !== null;
    },
  };
}

/** The search service. */
export type SearchService = ReturnType<typeof createSearchService>;
