/**
 * Query plans: EXPLAIN (ANALYZE, BUFFERS) of the hand-written baseline and of
 * the statement the engine actually runs for the page. The engine's text is
 * captured with `engine.db.observe`; its parameters are not exposed, so they are
 * reconstructed (workspace id, type id, filter value) and checked by running the
 * captured statement with them and comparing its ids with the engine's page.
 */
import type { Engine } from '@relata/core';
import type pg from 'pg';
import { PAGE, RAW_PAGE_SQL, type Clients } from './scenarios.ts';
import type { Seeded } from './seed.ts';

export interface PlanResult {
  label: string;
  sql: string;
  params: unknown[];
  plan: string[];
  /** The stage field's own partial index appears in the plan. */
  usesFieldIndex: boolean;
  /** Any field index (record_f_*) appears in the plan. */
  fieldIndexesUsed: string[];
  executionMs: number | null;
  /** Planner's row estimate and the actual rows of the stage index scan, when the plan has one. */
  indexRows: { estimated: number; actual: number } | null;
}

/** The index name of a field (see core's metadata/record-indexes.ts). */
export function fieldIndexName(fieldId: string): string {
  return `record_f_${fieldId.replace(/-/g, '')}`;
}

async function explain(pool: pg.Pool, label: string, sql: string, params: unknown[], indexName: string): Promise<PlanResult> {
  // Run it a few times first so the plan reflects a warm cache, like the timed runs.
  for (let i = 0; i < 3; i++) await pool.query(sql, params);
  const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  const plan = rows.map((r) => r['QUERY PLAN']);
  const text = plan.join('\n');
  const used = [...new Set(text.match(/record_f_[0-9a-f]{32}/g) ?? [])];
  const exec = /Execution Time: ([\d.]+) ms/.exec(text);
  const scan = plan.find((l) => l.includes(indexName));
  const estimate = scan && /rows=(\d+) width=\d+\) \(actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(scan);
  return {
    label,
    sql,
    params,
    plan,
    usesFieldIndex: used.includes(indexName),
    fieldIndexesUsed: used,
    executionMs: exec ? Number(exec[1]) : null,
    indexRows: estimate ? { estimated: Number(estimate[1]), actual: Number(estimate[2]) } : null,
  };
}

/** Captures the engine's page statement and explains it and the baseline. */
export async function explainPage(engine: Engine, pool: pg.Pool, seeded: Seeded, clients: Clients): Promise<PlanResult[]> {
  const statements: string[] = [];
  const stop = engine.db.observe((text) => statements.push(text));
  let engineIds: string[];
  try {
    engineIds = await clients.enginePage();
  } finally {
    stop();
  }
  const listSql = statements.find((s) => /^SELECT\b/i.test(s) && s.includes('FROM "record"'));
  if (!listSql) throw new Error(`did not see the engine's list statement (saw: ${JSON.stringify(statements)})`);

  const params = [seeded.workspaceId, seeded.objectTypeId, PAGE.stage];
  const placeholders = new Set(listSql.match(/\$\d+/g) ?? []);
  if (placeholders.size !== params.length) {
    throw new Error(`the engine's statement has ${placeholders.size} parameters, expected ${params.length}: ${listSql}`);
  }
  const { rows } = await pool.query<{ id: string }>(listSql, params);
  const replayed = rows.slice(0, PAGE.size).map((r) => r.id);
  if (replayed.join() !== engineIds.join()) {
    throw new Error('replaying the captured engine statement with the reconstructed parameters gave other rows');
  }

  const indexName = fieldIndexName(seeded.fieldIds.stage!);
  return [
    await explain(pool, 'raw SQL (hand-written)', RAW_PAGE_SQL, params, indexName),
    await explain(pool, 'engine (records.list)', listSql, params, indexName),
  ];
}
