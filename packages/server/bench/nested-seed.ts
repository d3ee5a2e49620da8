/**
 * Seeding of the nested-read scenario (nested.ts): a workspace of its own with the
 * record types company, person and note (10,000 companies, 100,000 people, 300,000
 * notes), their RELATION fields created through the metadata service (so the
 * relation indexes and the inverses `company.people` and `person.notes` are real),
 * and the graph's rows inserted with SQL in batches.
 */
import { systemActor, type Engine, type FieldInput } from '@relata/core';
import type pg from 'pg';
import { performance } from 'node:perf_hooks';
import { v7 as uuidv7 } from 'uuid';
import { assertStoredForm, prng } from './seed.ts';

/** Sizes of the graph, the page size at every level, and rows per INSERT. */
export const NESTED = { companies: 10_000, people: 100_000, notes: 300_000, page: 50, batch: 5_000 } as const;

const TYPES: Array<{ apiName: string; pluralApiName: string; fields: FieldInput[] }> = [
  { apiName: 'company', pluralApiName: 'companies', fields: [{ apiName: 'name', type: 'TEXT' }] },
  {
    apiName: 'person',
    pluralApiName: 'people',
    fields: [
      { apiName: 'firstName', type: 'TEXT' },
      { apiName: 'lastName', type: 'TEXT' },
      { apiName: 'company', type: 'RELATION', options: { target: 'company' } },
    ],
  },
  {
    apiName: 'note',
    pluralApiName: 'notes',
    fields: [
      { apiName: 'body', type: 'TEXT' },
      { apiName: 'person', type: 'RELATION', options: { target: 'person' } },
    ],
  },
];

export interface NestedSeeded {
  workspaceId: string;
  apiKey: string;
  typeIds: { company: string; person: string; note: string };
  /** Fields per type as the metadata service made them (the inverses included), and the indexed ones. */
  fields: Record<string, string[]>;
  indexed: string[];
  counts: { companies: number; people: number; notes: number };
  insertMs: number;
  analyzeMs: number;
}

const COMPANY_WORDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent', 'Wonka', 'Vandelay', 'Massive', 'Dynamic', 'Pied', 'Aperture'];
const COMPANY_KINDS = ['Labs', 'Systems', 'Industries', 'Holdings', 'Partners', 'Logistics', 'Software', 'Foods'];
const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Barbara', 'Ken', 'Dennis', 'Margaret', 'Edsger', 'Donald', 'Frances', 'John', 'Radia', 'Leslie', 'Tony', 'Sophie'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Liskov', 'Thompson', 'Ritchie', 'Hamilton', 'Dijkstra', 'Knuth', 'Allen', 'Backus', 'Perlman', 'Lamport', 'Hoare', 'Wilson'];
const WORDS = ['called', 'about', 'renewal', 'pilot', 'budget', 'security', 'review', 'legal', 'pricing', 'integration', 'next', 'week', 'sent', 'proposal', 'follow', 'up'];

const INSERT_BATCH =
  'INSERT INTO "record" ("workspace_id", "id", "object_type_id", "data", "created_at", "updated_at") ' +
  'SELECT $1::uuid, r."id", $2::uuid, r."data", r."created_at", r."updated_at" ' +
  'FROM jsonb_to_recordset($3::jsonb) AS r("id" uuid, "data" jsonb, "created_at" timestamptz, "updated_at" timestamptz)';

/** Creates the workspace, the three types and their fields, and inserts the graph. */
export async function seedNested(
  engine: Engine,
  pool: pg.Pool,
  sizes: { companies: number; people: number; notes: number } = NESTED,
  log: (line: string) => void = () => {},
): Promise<NestedSeeded> {
  const { workspaceId, apiKey } = await engine.workspaces.create({ name: 'Bench nested' });
  const actor = systemActor(workspaceId);
  const typeIds: Record<string, string> = {};
  for (const t of TYPES) {
    typeIds[t.apiName] = (await engine.metadata.createObjectType(actor, { apiName: t.apiName, pluralApiName: t.pluralApiName, label: t.apiName })).id;
    for (const f of t.fields) await engine.metadata.createField(actor, t.apiName, f);
  }
  const metadata = await engine.metadata.snapshot(workspaceId);
  const fields = Object.fromEntries(TYPES.map((t) => [t.apiName, metadata.get(t.apiName).fields.map((f) => `${f.apiName} (${f.type}${f.options.kind ? ` ${String(f.options.kind)}` : ''})`)]));
  const indexed = TYPES.flatMap((t) => metadata.get(t.apiName).fields.filter((f) => f.indexed).map((f) => `${t.apiName}.${f.apiName}`));
  for (const [parent, child, inverse] of [['company', 'person', 'people'], ['person', 'note', 'notes']] as const) {
    const field = metadata.get(parent).fields.find((f) => f.apiName === inverse);
    if (field?.options.kind !== 'ONE_TO_MANY' || field.options.target !== child) {
      throw new Error(`expected the inverse ${parent}.${inverse} (ONE_TO_MANY of ${child}), found ${JSON.stringify(field)}`);
    }
  }
  for (const link of ['person.company', 'note.person']) {
    if (!indexed.includes(link)) throw new Error(`${link} is not indexed (indexed: ${indexed.join(', ')})`);
  }
  log(`  workspace ${workspaceId}; ${Object.entries(fields).map(([t, f]) => `${t}: ${f.join(', ')}`).join('; ')}; indexed: ${indexed.join(', ')}`);

  const rand = prng(2024);
  const start = Date.UTC(2024, 0, 1);
  const t0 = performance.now();
  // Ids are v7 of a creation time spread over two years (each type in its own order), as in seed.ts.
  async function insert(type: string, count: number, data: (i: number) => Record<string, unknown>): Promise<string[]> {
    const step = Math.floor((2 * 365 * 86_400_000) / Math.max(1, count));
    const ids: string[] = [];
    const fieldsOf = metadata.get(type).fields;
    for (let from = 0; from < count; from += NESTED.batch) {
      const rows = [];
      for (let i = from; i < Math.min(count, from + NESTED.batch); i++) {
        const ms = start + i * step + rand.int(0, step - 1);
        const d = data(i);
        if (i < 200) assertStoredForm(fieldsOf, d);
        const at = new Date(ms).toISOString();
        const id = uuidv7({ msecs: ms });
        ids.push(id);
        rows.push({ id, data: d, created_at: at, updated_at: at });
      }
      await pool.query(INSERT_BATCH, [workspaceId, typeIds[type], JSON.stringify(rows)]);
    }
    return ids;
  }
  const companyIds = await insert('company', sizes.companies, (i) => ({ name: `${rand.pick(COMPANY_WORDS)} ${rand.pick(COMPANY_KINDS)} ${i}` }));
  const personIds = await insert('person', sizes.people, () => ({
    firstName: rand.pick(FIRST),
    lastName: rand.pick(LAST),
    company: rand.pick(companyIds),
  }));
  await insert('note', sizes.notes, () => ({
    body: Array.from({ length: rand.int(4, 12) }, () => rand.pick(WORDS)).join(' ') + '.',
    person: rand.pick(personIds),
  }));
  const insertMs = performance.now() - t0;
  const t1 = performance.now();
  await pool.query('VACUUM (ANALYZE) "record"');
  const analyzeMs = performance.now() - t1;
  return {
    workspaceId,
    apiKey,
    typeIds: { company: typeIds.company!, person: typeIds.person!, note: typeIds.note! },
    fields,
    indexed,
    counts: { ...sizes },
    insertMs,
    analyzeMs,
  };
}
