/** The nested-query section of the benchmark report (report.ts renders the rest). */
import { NESTED_MAX_COST, type NestedResult, type NestedWayName } from './nested.ts';
import { GQL_NESTED, RAW_NESTED_JSON_SQL, RAW_NESTED_LEVELS_SQL } from './nested-queries.ts';
import { NESTED } from './nested-seed.ts';
import { planBlock, rate, row } from './report-markdown.ts';
import { fmtMs, fmtRatio } from './stats.ts';

/** The ways of the nested scenario, in the order they add layers. */
export const NESTED_WAYS: Array<[NestedWayName, string]> = [
  ['rawLevels', 'raw SQL, one LATERAL statement per level'],
  ['rawJson', 'raw SQL, one statement (json_agg)'],
  ['engineSql', "engine's 3 statements through pg.Pool"],
  ['engine', 'engine: list + 2 × listRelated'],
  ['execute', 'GraphQL execute (graphql-jit), in-process'],
  ['graphql', 'GraphQL over HTTP'],
];

/** The nested-query section. */
export function nestedSection(n: NestedResult): string[] {
  const lat = n.latency;
  const base = lat[n.baseline];
  const sd = n.seeded;
  const ms = (x: number) => `${fmtMs(x)} ms`;
  const sum = sd.counts.companies + sd.counts.people + sd.counts.notes;
  const labelOf = (k: NestedWayName) => NESTED_WAYS.find(([key]) => key === k)![1];
  const dbMs = (labels: string[]) => n.plans.filter((p) => labels.some((l) => p.label.startsWith(l))).reduce((s, p) => s + (p.executionMs ?? 0), 0);
  const engineDb = dbMs(['engine:']);
  const rawDb = dbMs(['raw SQL']);
  const over = lat.graphql.median - base.median;
  const steps: Array<[string, string, number]> = [
    ["engine's SQL and columns", `\`${labelOf('engineSql')}\` − the faster raw way: every record column (\`data\` as jsonb, created/updated/deleted timestamps, owner, version) plus the parent id and the sort keys other than the id, instead of the 1–3 values asked for, sent and parsed by \`pg\``, lat.engineSql.median - base.median],
    ['engine row mapping and paging', '`engine` − `engineSql`: `toRecordRow`, an edge per record (its cursor encoded only when read), pages per parent', lat.engine.median - lat.engineSql.median],
    ['GraphQL execution', '`execute` − `engine`: the query compiled by graphql-jit (as the server runs it) calling the resolvers of every edge, node and field, and the loaders per parent', lat.execute.median - lat.engine.median],
    ['HTTP', "`graphql` − `execute`: credentials query, yoga's pipeline (parse and validation caches, query limits, the compiled query's cache), serializing the response and the client parsing it", lat.graphql.median - lat.execute.median],
  ];
  const list = (sql: string) => sql.replace(/\s+/g, ' ').split(' ').slice(0, 8).join(' ');
  return [
    `## Nested query: companies → people → notes, ${NESTED.page} per level`,
    '',
    `A workspace of its own: \`company\` (name TEXT), \`person\` (firstName, lastName TEXT; \`company\` RELATION to company), \`note\` (body TEXT; \`person\` RELATION to person), made with \`engine.metadata.createObjectType/createField\`; the inverses \`company.people\` and \`person.notes\` (ONE_TO_MANY) were created with them, and the relation fields indexed (${sd.indexed.map((f) => `\`${f}\``).join(', ')}). ` +
      `${rate(sd.counts.companies)} companies, ${rate(sd.counts.people)} people (a random company each) and ${rate(sd.counts.notes)} notes (a random person each) inserted with \`INSERT ... SELECT FROM jsonb_to_recordset\` in batches of ${rate(NESTED.batch)} in ${(sd.insertMs / 1000).toFixed(1)} s ` +
      `(${rate(sum / (sd.insertMs / 1000))} records/s), then \`VACUUM (ANALYZE)\` in ${(sd.analyzeMs / 1000).toFixed(1)} s. The tree of the query: ${n.tree.companies} companies, ${rate(n.tree.people)} people, ${rate(n.tree.notes)} notes; the GraphQL response is ${(n.tree.responseBytes / 1024).toFixed(0)} KiB of JSON.`,
    '',
    `**Query limits:** at ${NESTED.page} per level the query asks for up to ${rate(NESTED.page ** 3)} notes, and the server's default cost limit refuses it ` +
      `(${n.defaultLimit.cost != null ? `cost ${rate(n.defaultLimit.cost)}, limit ${rate(n.defaultLimit.maxCost)}: "${n.defaultLimit.message}"` : `the default server said: ${n.defaultLimit.message}`}). ` +
      `This scenario runs its own server with \`createHttpServer({ engine, queryLimits: { maxCost: ${rate(NESTED_MAX_COST).replace(/,/g, '_')} } })\`.`,
    '',
    row(['Scenario', 'median (ms)', 'p95 (ms)', `ratio to ${n.baseline === 'rawJson' ? 'json_agg' : 'LATERAL per level'} raw SQL (median)`, 'ratio (p95)', 'overhead vs raw (median, ms)']),
    row(['---', '---:', '---:', '---:', '---:', '---:']),
    ...NESTED_WAYS.map(([key, name]) => {
      const s = lat[key];
      return row([
        `(h) ${name}${key === n.baseline ? ' (baseline)' : ''}`,
        key === 'graphql' ? `**${fmtMs(s.median)}**` : fmtMs(s.median),
        fmtMs(s.p95),
        key === 'graphql' ? `**${fmtRatio(s.median / base.median)}**` : fmtRatio(s.median / base.median),
        fmtRatio(s.p95 / base.p95),
        s === base ? '–' : `${s.median >= base.median ? '+' : '−'}${fmtMs(Math.abs(s.median - base.median))}`,
      ]);
    }),
    '',
    `All six return the same tree (the same company ids in order, the same people ids per company and note ids per person, in order, and the same field values), checked before timing. ` +
      `The ratio of the goal is against the faster of the two hand-written ways. The rows between the raw ways and GraphQL over HTTP add one layer each: the engine's own statements run through \`pg\` (its SQL and columns, no mapping), the engine's calls the resolvers make, and GraphQL executed in-process with the server's schema, context and executor (the query compiled by graphql-jit, http/use-graphql-jit.ts).`,
    '',
    `**Statements per GraphQL request:** ${n.statements.all.length}, ${n.statements.onRecord} of them on \`record\` (one per level, whatever the page sizes) — ` +
      n.statements.all.map((s) => `\`${list(s)} ...\``).join(', ') + '.',
    '',
    '### Where the time goes',
    '',
    `GraphQL over HTTP takes ${ms(over)} more than the baseline (median). Differences of medians, layer by layer:`,
    '',
    row(['Layer', 'What', 'median (ms)', 'share of the overhead']),
    row(['---', '---', '---:', '---:']),
    ...steps.map(([layer, what, x]) => row([layer, what, fmtMs(x), over > 0 ? `${((100 * x) / over).toFixed(0)}%` : '–'])),
    '',
    `In PostgreSQL (EXPLAIN ANALYZE below, warm cache) the engine's three statements execute in ${ms(engineDb)} together and the json_agg baseline in ${ms(rawDb)}: ` +
      `both use the relation indexes, one index scan per parent, and both sort all ${rate(sd.counts.companies)} companies by name for the first page (\`name\` is not indexed). ` +
      `The rest of every way's time is on the Node side: \`pg\` parsing the rows, then the engine and GraphQL building objects for ${rate(n.tree.companies + n.tree.people + n.tree.notes)} records.`,
    '',
    '<details><summary>Query plans of the engine\'s statements and of the json_agg baseline</summary>',
    '',
    ...n.plans.flatMap((p) => [`**${p.label}**${p.executionMs != null ? ` (execution ${ms(p.executionMs)})` : ''}`, ...planBlock(p.sql, p.plan)]),
    '</details>',
    '',
    '<details><summary>The queries</summary>',
    '',
    '```graphql',
    GQL_NESTED,
    '```',
    '',
    'Raw SQL, one statement per level (the tree assembled in JavaScript):',
    '',
    '```sql',
    RAW_NESTED_LEVELS_SQL.join(';\n\n') + ';',
    '```',
    '',
    'Raw SQL, one statement:',
    '',
    '```sql',
    RAW_NESTED_JSON_SQL,
    '```',
    '',
    '</details>',
    '',
  ];
}
