/** The search section of the benchmark report (report.ts renders the rest). */
import { rate, row } from './report-markdown.ts';
import { GQL_SEARCH, SEARCH_GOAL_P95_MS, SEARCH_PAGE, searchGoal, type SearchResult } from './search.ts';
import { fmtMs } from './stats.ts';

/** The search section. */
export function searchSection(s: SearchResult, records: number): string[] {
  const g = searchGoal(s);
  return [
    '## Search',
    '',
    `Full-text search over the ${rate(records)} deals, whose \`name\` (\`<Company> <word> #<n>\`, e.g. \`Acme renewal #123\`) is the searchable field: ` +
      'the seed computes each record\'s `search` vector in its INSERT the way the engine does (checked against the vectors the engine wrote for ' +
      `${rate(s.vectorCheck.engineRows)} deals created through GraphQL above), before \`VACUUM (ANALYZE)\`. ` +
      `A page of ${SEARCH_PAGE} hits, across all types (only \`deal\` is searchable), (i) through \`engine.search.search\` and (j) through GraphQL \`search\` over HTTP; ` +
      `the two are checked to return the same hits. ${s.iterations} rounds after ${s.warmup} warm-up per query, the two ways in rotating order. ` +
      `pg_trgm (typo tolerance): ${s.trigram ? 'installed' : 'not installed'}.`,
    '',
    row(['Query', 'What', 'hits (page / all)', 'first hits', '(i) engine median (ms)', 'p95 (ms)', '(j) GraphQL median (ms)', 'p95 (ms)', `p95 < ${SEARCH_GOAL_P95_MS} ms`]),
    row(['---', '---', '---:', '---', '---:', '---:', '---:', '---:', '---']),
    ...s.queries.map((q) =>
      row([
        `\`${q.query}\``,
        q.what + (q.trigram ? ' (answered by trigram)' : ''),
        `${q.pageHits} / ${rate(q.totalHits)}`,
        q.firstNames.map((n) => `\`${n}\``).join(', '),
        fmtMs(q.engine.median),
        fmtMs(q.engine.p95),
        `**${fmtMs(q.graphql.median)}**`,
        `**${fmtMs(q.graphql.p95)}**`,
        Math.max(q.engine.p95, q.graphql.p95) < SEARCH_GOAL_P95_MS ? 'PASS' : 'MISS',
      ]),
    ),
    '',
    ...s.queries.flatMap((q) =>
      q.uncapped
        ? [
            `\`${q.query}\`: ${rate(q.uncapped.totalHits)} deals match it; the typo-tolerant match ranks the first ${rate(q.totalHits)} the trigram index finds (docs/search.md, Typo tolerance). ` +
              `Its first page is ${q.uncapped.samePage ? 'the same as' : 'not the same as'} when every match is ranked.`,
            '',
          ]
        : [],
    ),
    `Worst p95: engine ${fmtMs(s.worstP95.engine)} ms, GraphQL ${fmtMs(s.worstP95.graphql)} ms → ${g.pass ? 'PASS' : 'MISS'}.`,
    '',
    '```graphql',
    GQL_SEARCH,
    '```',
    '',
  ];
}
