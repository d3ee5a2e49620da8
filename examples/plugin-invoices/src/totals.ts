/**
 * Keeping an invoice's total: the exact sum of its live line items' amounts.
 *
 * Two writes at once (two lines added to one invoice by two requests) each read
 * the lines and write the total; without care the second would overwrite the
 * first's total with a sum that misses the first's line. So the invoice is locked
 * (`records.lock`, SELECT ... FOR UPDATE, held until the write's transaction ends)
 * BEFORE its lines are read: the second write waits for the first to commit, and
 * then reads its line too. Several invoices are locked in id order, so two
 * writes moving lines between the same invoices cannot deadlock.
 */
import type { Money, PluginRecords, RecordRow } from '@relata/core/plugin';
import { sum, sameMoney } from './money.ts';
import { DEFAULT_CURRENCY } from './types.ts';

const PAGE = 200;

/** Locks the invoices among `ids` (in id order) and returns those that exist, live. */
export async function lockInvoices(records: PluginRecords, ids: ReadonlyArray<string | null | undefined>): Promise<Map<string, RecordRow>> {
  const unique = [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''))].sort();
  const locked = new Map<string, RecordRow>();
  for (const id of unique) {
    const row = await records.lock('invoice', id);
    if (row) locked.set(id, row);
  }
  return locked;
}

/** Every live line item of an invoice. */
export async function linesOf(records: PluginRecords, invoiceId: string): Promise<RecordRow[]> {
  const lines: RecordRow[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await records.list('lineItem', { filter: { invoiceId: { eq: invoiceId } }, first: PAGE, after });
    lines.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return lines;
    after = page.pageInfo.endCursor;
  }
}

/** The currency of an invoice record. */
export function currencyOf(row: RecordRow | null | undefined): string {
  return typeof row?.data.currency === 'string' ? row.data.currency : DEFAULT_CURRENCY;
}

/**
 * Recomputes the totals of the invoices among `ids`, locking them first. Writes
 * only a total that changed, so an untouched invoice keeps its version.
 */
export async function refreshTotals(records: PluginRecords, ids: ReadonlyArray<string | null | undefined>): Promise<void> {
  const invoices = await lockInvoices(records, ids);
  for (const [id, row] of invoices) {
    const currency = currencyOf(row);
    const lines = await linesOf(records, id);
    const total = sum(lines.map((l) => (l.data.amount as Money | undefined)?.amount ?? '0'), currency);
    if (!sameMoney(total, row.data.total as Money | undefined)) await records.update('invoice', id, { total });
  }
}
