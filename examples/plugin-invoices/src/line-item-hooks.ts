/**
 * Line item rules and the invoice total, in the write's transaction:
 *
 * - beforeValidate locks the invoice(s) the write touches (the line's invoice, and
 *   the one it moves to), so that their status and currency cannot change until
 *   this write commits, and fills a unit price's missing currency from the invoice;
 * - validate: quantity ≥ 1, unit price not negative and in the invoice's
 *   currency, `amount` is the plugin's (READ_ONLY), and a paid or void invoice's
 *   lines are not added, changed, moved or deleted;
 * - beforeChange derives `amount = quantity × unitPrice`, exactly (money.ts);
 * - afterChange (create, update, restore) and afterDelete recompute the total of
 *   every invoice involved (both, when a line moves), the invoice locked first.
 */
import { ConflictError, type HookErrors, type HooksOf, type Money, type PluginRecords, type RecordRow } from '@relata/core/plugin';
import { after, isThisPlugin } from './invoice-hooks.ts';
import { integerDigits, multiply, parseDecimal, toMoney } from './money.ts';
import { currencyOf, lockInvoices, refreshTotals } from './totals.ts';
import { LOCKED_STATUSES, type lineItem } from './types.ts';

/** Relata's amounts have at most 15 digits before the point. */
const MAX_INTEGER_DIGITS = 15;

const isMoneyInput = (value: unknown): value is { amount: unknown; currency?: unknown } =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && 'amount' in value;

/** Adds INVOICE_LOCKED when `invoice` is paid or void. */
function checkOpen(invoice: RecordRow | null, errors: HookErrors, what: string): void {
  const status = invoice?.data.status;
  if (typeof status === 'string' && LOCKED_STATUSES.includes(status)) {
    errors.add('invoice', 'INVOICE_LOCKED', `invoice ${String(invoice!.data.number)} is ${status}: ${what}`);
  }
}

async function invoiceOf(records: PluginRecords, id: unknown): Promise<RecordRow | null> {
  return typeof id === 'string' && id !== '' ? records.get('invoice', id) : null;
}

export const lineItemHooks: HooksOf<typeof lineItem> = {
  async beforeValidate({ data, original, records }) {
    const locked = await lockInvoices(records, [typeof data.invoice === 'string' ? data.invoice.toLowerCase() : null, original?.data.invoice]);
    const target = locked.get(String(after(data.invoice, original?.data.invoice) ?? '').toLowerCase());
    if (target && isMoneyInput(data.unitPrice) && data.unitPrice.currency == null) {
      return { ...data, unitPrice: { ...data.unitPrice, currency: currencyOf(target) } };
    }
  },

  async validate({ data, original, actor, errors, records }) {
    if (data.amount !== undefined && !isThisPlugin(actor)) errors.add('amount', 'READ_ONLY', 'is quantity × unitPrice, kept by the plugin');
    if (typeof data.quantity === 'number' && data.quantity < 1) errors.add('quantity', 'OUT_OF_RANGE', 'must be at least 1');

    const targetId = after(data.invoice, original?.data.invoice);
    const target = await invoiceOf(records, targetId);
    checkOpen(target, errors, original ? 'its line items cannot change' : 'no line items can be added');
    if (original && original.data.invoice !== targetId?.toLowerCase()) {
      checkOpen(await invoiceOf(records, original.data.invoice), errors, 'its line items cannot move');
    }

    const price = after(data.unitPrice, original?.data.unitPrice);
    if (!isMoneyInput(price) || typeof price.amount !== 'string') return; // missing or malformed: the engine says so
    const unit = parseDecimal(price.amount);
    if (unit && unit.units < 0n) errors.add('unitPrice', 'OUT_OF_RANGE', 'must not be negative');
    const currency = typeof price.currency === 'string' ? price.currency.trim().toUpperCase() : null;
    if (target && currency && currency !== currencyOf(target)) {
      errors.add(data.unitPrice !== undefined ? 'unitPrice' : 'invoice', 'CURRENCY_MISMATCH', `must be in the invoice's currency, ${currencyOf(target)}, not ${currency}`);
    }
    const quantity = after(data.quantity, original?.data.quantity) ?? 1;
    if (unit && Number.isSafeInteger(quantity) && integerDigits(multiply(unit, quantity)) > MAX_INTEGER_DIGITS) {
      errors.add('quantity', 'OUT_OF_RANGE', `quantity × unitPrice must have at most ${MAX_INTEGER_DIGITS} digits before the point`);
    }
  },

  beforeChange({ operation, data, original }) {
    if (operation === 'update' && data.quantity === undefined && data.unitPrice === undefined) return;
    // Validated by now: the price is a decimal amount with a currency (beforeValidate filled a missing one).
    const price = (data.unitPrice ?? original?.data.unitPrice) as Partial<Money> | undefined;
    const unit = typeof price?.amount === 'string' ? parseDecimal(price.amount) : null;
    if (!unit || typeof price?.currency !== 'string') return;
    const quantity = data.quantity ?? original?.data.quantity ?? 1;
    return { ...data, amount: toMoney(multiply(unit, quantity), price.currency.trim().toUpperCase()) };
  },

  async afterChange({ operation, record, previous, records }) {
    if (operation === 'restore') {
      // Restoring adds the line back to its invoice: refused, like an add, when the invoice is paid or void.
      const [invoice] = (await lockInvoices(records, [record.data.invoice])).values();
      const status = invoice?.data.status;
      if (typeof status === 'string' && LOCKED_STATUSES.includes(status)) {
        throw new ConflictError(`Invoice ${String(invoice!.data.number)} is ${status}: its line items cannot be restored`, { reason: 'INVOICE_LOCKED' });
      }
    }
    await refreshTotals(records, [record.data.invoice, previous?.data.invoice]);
  },

  async beforeDelete({ record, records }) {
    const [invoice] = (await lockInvoices(records, [record.data.invoice])).values();
    const status = invoice?.data.status;
    if (typeof status === 'string' && LOCKED_STATUSES.includes(status)) {
      throw new ConflictError(`Invoice ${String(invoice!.data.number)} is ${status}: its line items cannot be deleted`, { reason: 'INVOICE_LOCKED' });
    }
  },

  async afterDelete({ record, records }) {
    await refreshTotals(records, [record.data.invoice]);
  },
};
