/** The plugin-hooks section of the benchmark report (report.ts renders the rest). */
import type { PluginsBenchResult } from './plugins.ts';
import { row } from './report-markdown.ts';
import { fmtMs, fmtRatio } from './stats.ts';

/** The plugin-hooks section. */
export function pluginsSection(r: PluginsBenchResult): string[] {
  const ways: Array<[string, PluginsBenchResult['raw']]> = [
    ['(k) raw SQL: insert the line, lock the invoice, sum its lines, update its total (one transaction)', r.raw],
    ['(l) engine.records.create, a type no plugin hooks', r.plain],
    ['(m) engine.records.create of a line item, its plugin\'s afterChange keeping the invoice total', r.hooked],
  ];
  return [
    '## Plugin hooks',
    '',
    'What a hook that keeps a derived value costs a write. A plugin\'s `lineItem.afterChange` locks the line\'s invoice (`records.lock`), ' +
      'reads its lines (`records.listRelated`) and writes the total (`records.update`, which runs the invoice\'s hooks and logs its event), in the write\'s transaction; ' +
      `the lines go to ${50} invoices in turn. Against (k), the same work in hand-written SQL, and (l), a plain create without hooks. ` +
      `${r.iterations} interleaved rounds, engine calls in the bench's process on PostgreSQL. ` +
      `A hooked create ran ${r.statements} statements (savepoints included, BEGIN/COMMIT not).`,
    '',
    row(['Scenario', 'median (ms)', 'p95 (ms)', 'ratio to raw SQL (median)']),
    row(['---', '---:', '---:', '---:']),
    ...ways.map(([name, s]) => row([name, fmtMs(s.median), fmtMs(s.p95), fmtRatio(s.median / r.raw.median)])),
    '',
  ];
}
