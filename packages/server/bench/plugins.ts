/**
 * The plugin-hooks scenario: what a hook that keeps a derived value costs a
 * write. A plugin's `lineItem.afterChange` locks the line's invoice, sums its
 * lines and writes the total, in the write's transaction (as
 * examples/plugin-invoices does). Measured, interleaved, on PostgreSQL:
 * (k) hand-written SQL doing the same in one transaction (insert, lock, sum,
 * update), (l) engine.records.create of a type no plugin hooks, and (m)
 * engine.records.create of a line item, hooks and all.
 */
import { createEngine, definePlugin, defineRecordType, field, openDatabase, systemActor, type Engine, type RecordScope } from '@relata/core';
import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { measureInterleaved, type Summary } from './stats.ts';

/** Invoices the lines are spread over (a line goes to the next invoice in turn). */
const INVOICES = 50;

const invoice = defineRecordType({ apiName: 'invoice', pluralApiName: 'invoices', fields: { number: field.text({ required: true }), total: field.currency() } });
const lineItem = defineRecordType({
  apiName: 'lineItem',
  pluralApiName: 'lineItems',
  fields: { amount: field.currency({ required: true }), invoice: field.relation('invoice', { inverseApiName: 'lines', onDelete: 'CASCADE' }) },
});

/** The plugin measured: its afterChange keeps the invoice total, locking the invoice first. */
export const benchInvoices = definePlugin({
  name: 'bench-invoices',
  version: '1.0.0',
  recordTypes: [invoice, lineItem],
  hooks: {
    lineItem: {
      async afterChange({ record, records }) {
        const id = record.data.invoice;
        if (!id) return;
        await records.lock('invoice', id);
        const lines = (await records.listRelated('invoice', 'lines', [id], { first: 200 })).get(id)?.edges ?? [];
        const cents = lines.reduce((sum, e) => sum + BigInt(Math.round(Number((e.node.data.amount as { amount: string }).amount) * 100)), 0n);
        await records.update('invoice', id, { total: { amount: `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`, currency: 'EUR' } });
      },
    },
  },
});

/** The same work in hand-written SQL, one transaction. */
export const RAW_HOOKED_SQL = [
  `INSERT INTO record (workspace_id, id, object_type_id, data) VALUES ($1, $2, $3, $4)`,
  `SELECT 1 FROM record WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
  `SELECT COALESCE(sum((data->'amount'->>'amount')::numeric), 0)::text AS total FROM record
   WHERE workspace_id = $1 AND object_type_id = $2 AND deleted_at IS NULL AND data->>'invoice' = $3`,
  `UPDATE record SET data = jsonb_set(data, '{total}', jsonb_build_object('amount', $3::text, 'currency', 'EUR')),
   version = version + 1, updated_at = now() WHERE workspace_id = $1 AND id = $2`,
];

export interface PluginsBenchResult {
  iterations: number;
  raw: Summary;
  plain: Summary;
  hooked: Summary;
  /** SQL statements of one hooked create, BEGIN/COMMIT and savepoints included. */
  statements: number;
}

/** Runs the scenario on its own engine (the plugin installed in a workspace of its own). */
export async function benchPlugins(url: string, pool: pg.Pool, rounds: { iterations: number; warmup: number }): Promise<PluginsBenchResult> {
  const engine: Engine = createEngine(await openDatabase({ url }), { plugins: [benchInvoices] });
  try {
    const { workspaceId } = await engine.workspaces.create({ name: 'bench plugins' });
    const admin = systemActor(workspaceId);
    await engine.plugins.install(admin, 'bench-invoices');
    await engine.metadata.createObjectType(admin, { apiName: 'note', pluralApiName: 'notes' });
    await engine.metadata.createField(admin, 'note', { apiName: 'amount', type: 'CURRENCY' });
    const scope: RecordScope = { actor: admin, metadata: await engine.metadata.snapshot(workspaceId) };
    const make = async () => (await engine.records.createMany(scope, 'invoice', Array.from({ length: INVOICES }, (_, i) => ({ number: `INV-${i}` })))).map((r) => r.id);
    const hookedInvoices = await make();
    const rawInvoices = await make();
    const lineType = scope.metadata.get('lineItem').id;
    const amount = { amount: '12.50', currency: 'EUR' };

    let n = 0;
    const raw = async () => {
      const invoiceId = rawInvoices[n++ % INVOICES]!;
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(RAW_HOOKED_SQL[0]!, [workspaceId, uuidv7(), lineType, JSON.stringify({ amount, invoice: invoiceId })]);
        await client.query(RAW_HOOKED_SQL[1]!, [workspaceId, invoiceId]);
        const { rows } = await client.query<{ total: string }>(RAW_HOOKED_SQL[2]!, [workspaceId, lineType, invoiceId]);
        await client.query(RAW_HOOKED_SQL[3]!, [workspaceId, invoiceId, Number(rows[0]!.total).toFixed(2)]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    };
    let m = 0;
    const hooked = () => engine.records.create(scope, 'lineItem', { amount, invoice: hookedInvoices[m++ % INVOICES]! });
    const plain = () => engine.records.create(scope, 'note', { amount });

    const statements: string[] = [];
    const stop = engine.db.observe((text) => statements.push(text));
    await hooked();
    stop();
    const check = await engine.records.get(scope, 'invoice', hookedInvoices[0]!);
    if ((check?.data.total as { amount: string } | undefined)?.amount !== '12.50') throw new Error(`the hook kept no total: ${JSON.stringify(check?.data)}`);

    const runs = await measureInterleaved({ raw, plain, hooked }, rounds);
    return { iterations: rounds.iterations, raw: runs.raw!, plain: runs.plain!, hooked: runs.hooked!, statements: statements.length };
  } finally {
    await engine.close();
  }
}
