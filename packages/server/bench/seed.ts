/**
 * Seeds the benchmark database: one workspace, a `deal` record type with 12
 * fields of mixed types (created through the metadata service, so their partial
 * expression indexes are real), then N records inserted directly with SQL in
 * batches, in exactly the stored forms the field modules produce, with the
 * `search` vector of the searchable fields (`name`) computed in the same INSERT,
 * as the engine writes it (search.ts checks it against the engine's own).
 */
import { fieldType, systemActor, type Engine, type FieldMeta, type FieldInput } from '@relata/core';
import type pg from 'pg';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { v7 as uuidv7 } from 'uuid';

/** Stage choices and how often each occurs (weights sum to 100). */
export const STAGES = [
  ['lead', 25],
  ['qualified', 20],
  ['proposal', 15],
  ['negotiation', 10],
  ['won', 15],
  ['lost', 15],
] as const;

/** The 12 fields of `deal`. */
export const DEAL_FIELDS: FieldInput[] = [
  { apiName: 'name', type: 'TEXT', required: true, searchable: true },
  { apiName: 'stage', type: 'SELECT', indexed: true, options: { choices: STAGES.map(([value]) => ({ value })) } },
  { apiName: 'amount', type: 'CURRENCY', options: { defaultCurrency: 'EUR' } },
  { apiName: 'probability', type: 'NUMBER' },
  { apiName: 'employees', type: 'INTEGER' },
  { apiName: 'closeDate', type: 'DATE', indexed: true },
  { apiName: 'lastContactAt', type: 'DATETIME' },
  { apiName: 'won', type: 'BOOLEAN' },
  { apiName: 'email', type: 'EMAIL', indexed: true },
  { apiName: 'website', type: 'URL' },
  { apiName: 'rating', type: 'RATING', options: { max: 5 } },
  { apiName: 'notes', type: 'LONG_TEXT' },
];

export interface Seeded {
  workspaceId: string;
  apiKey: string;
  objectTypeId: string;
  /** Field ids by apiName. */
  fieldIds: Record<string, string>;
  fields: FieldMeta[];
  records: number;
  /** Wall time of the record inserts, and of VACUUM ANALYZE, in ms. */
  insertMs: number;
  analyzeMs: number;
  tableBytes: number;
}

/** A small deterministic PRNG (mulberry32), so every run seeds the same data. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return { next, int, pick };
}

const COMPANIES = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'tyrell', 'cyberdyne', 'soylent', 'wonka', 'vandelay'];
const FIRST = ['ada', 'grace', 'alan', 'linus', 'barbara', 'ken', 'dennis', 'margaret', 'edsger', 'donald', 'frances', 'john'];
const LAST = ['lovelace', 'hopper', 'turing', 'torvalds', 'liskov', 'thompson', 'ritchie', 'hamilton', 'dijkstra', 'knuth', 'allen', 'backus'];
const WORDS = ['renewal', 'pilot', 'expansion', 'budget', 'security', 'review', 'legal', 'procurement', 'champion', 'timeline', 'pricing', 'integration'];
const CURRENCIES = ['EUR', 'EUR', 'EUR', 'USD', 'USD', 'GBP'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** One record's `data`, in stored form; `i` makes values distinct. */
export function dealData(rand: ReturnType<typeof prng>, i: number, stage?: string): Record<string, unknown> {
  let roll = rand.int(1, 100);
  const chosen = stage ?? STAGES.find(([, w]) => (roll -= w) <= 0)![0];
  const company = rand.pick(COMPANIES);
  const first = rand.pick(FIRST);
  const last = rand.pick(LAST);
  const data: Record<string, unknown> = {
    name: `${company[0]!.toUpperCase()}${company.slice(1)} ${rand.pick(WORDS)} #${i}`,
    stage: chosen,
    amount: { amount: `${rand.int(100, 499_999)}.${pad(rand.int(0, 99))}`, currency: rand.pick(CURRENCIES) },
    probability: rand.int(0, 100) / 100,
    employees: rand.int(1, 50_000),
    closeDate: `${rand.int(2024, 2027)}-${pad(rand.int(1, 12))}-${pad(rand.int(1, 28))}`,
    won: chosen === 'won',
    email: `${first}.${last}${i}@${company}.com`,
    rating: rand.int(1, 5),
  };
  if (rand.next() < 0.9) data.lastContactAt = new Date(Date.UTC(2025, 0, 1) + rand.int(0, 500 * 86_400) * 1000).toISOString();
  if (rand.next() < 0.7) data.website = new URL(`https://www.${company}${rand.int(1, 999)}.com/`).href;
  if (rand.next() < 0.6) {
    data.notes = Array.from({ length: rand.int(3, 12) }, () => `${rand.pick(WORDS)} ${rand.pick(WORDS)}`).join('. ') + '.';
  }
  return data;
}

/** Fails unless every value of `data` is already in the normal form its field module stores. */
export function assertStoredForm(fields: FieldMeta[], data: Record<string, unknown>): void {
  for (const field of fields) {
    const value = data[field.apiName];
    if (value === undefined) continue;
    const result = fieldType(field.type).normalize(value, field);
    if (!result.ok || !isDeepStrictEqual(result.value, value)) {
      throw new Error(`seed value of ${field.apiName} is not in stored form: ${JSON.stringify(value)} → ${JSON.stringify(result)}`);
    }
  }
}

/**
 * The search vector of a record from its `data` (an SQL expression), the way the
 * engine computes it (core's records/search-vector.ts, not exported): the
 * searchable fields' text, through their module's `searchText`, in one
 * `simple` tsvector.
 */
export function benchSearchVectorSql(fields: readonly FieldMeta[], data: string): string {
  const parts = fields
    .filter((f) => f.searchable && fieldType(f.type).searchable)
    .map((f) => {
      const text = `(${data}->>'${f.apiName.replace(/'/g, "''")}')`;
      return fieldType(f.type).searchText?.(text) ?? text;
    });
  return parts.length === 0 ? 'NULL' : `to_tsvector('simple', concat_ws(' ', ${parts.join(', ')}))`;
}

const insertBatchSql = (fields: readonly FieldMeta[]) =>
  'INSERT INTO "record" ("workspace_id", "id", "object_type_id", "data", "search", "created_at", "updated_at") ' +
  `SELECT $1::uuid, r."id", $2::uuid, r."data", ${benchSearchVectorSql(fields, 'r."data"')}, r."created_at", r."updated_at" ` +
  'FROM jsonb_to_recordset($3::jsonb) AS r("id" uuid, "data" jsonb, "created_at" timestamptz, "updated_at" timestamptz)';

/** Creates the workspace, the type and its fields, then `count` records. */
export async function seed(engine: Engine, pool: pg.Pool, count: number, log: (line: string) => void): Promise<Seeded> {
  const { workspaceId, apiKey } = await engine.workspaces.create({ name: 'Bench' });
  const actor = systemActor(workspaceId);
  const type = await engine.metadata.createObjectType(actor, { apiName: 'deal', pluralApiName: 'deals', label: 'Deal' });
  const fieldIds: Record<string, string> = {};
  for (const input of DEAL_FIELDS) fieldIds[input.apiName] = (await engine.metadata.createField(actor, 'deal', input)).id;
  const fields = (await engine.metadata.snapshot(workspaceId)).get('deal').fields;
  log(`  workspace ${workspaceId}, type deal (${fields.length} fields; indexed: ${fields.filter((f) => f.indexed).map((f) => f.apiName).join(', ')})`);

  const rand = prng(42);
  const batchSize = 5000;
  const insertBatch = insertBatchSql(fields);
  // Records were created over the last two years, oldest first; ids are v7 of their creation time.
  const start = Date.UTC(2024, 0, 1);
  const step = Math.floor((2 * 365 * 86_400_000) / Math.max(1, count));
  const t0 = performance.now();
  for (let from = 0; from < count; from += batchSize) {
    const rows = [];
    for (let i = from; i < Math.min(count, from + batchSize); i++) {
      const ms = start + i * step + rand.int(0, step - 1);
      const data = dealData(rand, i);
      if (i < 1000) assertStoredForm(fields, data);
      const at = new Date(ms).toISOString();
      rows.push({ id: uuidv7({ msecs: ms }), data, created_at: at, updated_at: at });
    }
    await pool.query(insertBatch, [workspaceId, type.id, JSON.stringify(rows)]);
  }
  const insertMs = performance.now() - t0;
  const t1 = performance.now();
  await pool.query('VACUUM (ANALYZE) "record"');
  const analyzeMs = performance.now() - t1;
  const { rows } = await pool.query<{ bytes: string }>(`SELECT pg_total_relation_size('"record"')::text AS "bytes"`);
  return {
    workspaceId,
    apiKey,
    objectTypeId: type.id,
    fieldIds,
    fields,
    records: count,
    insertMs,
    analyzeMs,
    tableBytes: Number(rows[0]?.bytes ?? 0),
  };
}
