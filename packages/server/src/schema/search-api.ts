/**
 * `search(query, types, first, after)`: records of every type, ranked, as a
 * Relay connection of SearchHit { score type record } (API.md). The record is the
 * `Record` interface, so clients pick fields with `... on Company { name }`.
 * The resolver is a thin call into core's search service.
 */
import { SEARCH_DEFAULT_PAGE_SIZE, SEARCH_MAX_PAGE_SIZE, type SearchHit, type SearchPage } from '@relata/core';
import type { Builder } from './builder.ts';
import type { SharedTypes } from './shared-types.ts';

/** Adds SearchHit, SearchEdge, SearchConnection and the `search` query. */
export function addSearchApi(builder: Builder, shared: SharedTypes): void {
  const Hit = builder.objectRef<SearchHit>('SearchHit').implement({
    description: 'A record that matched a search, and how well.',
    fields: (t) => ({
      score: t.exposeFloat('score', { description: 'Higher is better; compare scores within one search only.' }),
      type: t.exposeString('type', { description: "The record's type (apiName)." }),
      record: t.field({ type: shared.RecordInterface, resolve: (hit) => hit.record }),
    }),
  });
  const Edge = builder.objectRef<SearchPage['edges'][number]>('SearchEdge').implement({
    fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: Hit, resolve: (e) => e.node }) }),
  });
  const Connection = builder.objectRef<SearchPage>('SearchConnection').implement({
    fields: (t) => ({
      edges: t.field({ type: [Edge], resolve: (p) => p.edges }),
      pageInfo: t.field({ type: shared.PageInfo, resolve: (p) => p.pageInfo }),
    }),
  });

  builder.queryFields((t) => ({
    search: t.field({
      type: Connection,
      description:
        'Live records whose searchable fields contain every word of the query (as word prefixes: "acm" finds "Acme"), ' +
        'best first; typo-tolerant where the database has pg_trgm. ' +
        `Across all record types, or only types (apiNames). Default ${SEARCH_DEFAULT_PAGE_SIZE} hits, at most ${SEARCH_MAX_PAGE_SIZE}.`,
      args: {
        query: t.arg.string({ required: true }),
        types: t.arg.stringList({ description: 'Record type apiNames to search (default: all).' }),
        first: t.arg.int(),
        after: t.arg.string(),
      },
      resolve: (_root, args, ctx) =>
        ctx.engine.search.search(ctx.scope, { query: args.query, types: args.types, first: args.first, after: args.after }),
    }),
  }));
}
