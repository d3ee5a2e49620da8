/**
 * Invoice rules, in the write's transaction (docs/plugins.md has the hook order):
 *
 * - the number is trimmed and upper-cased, the currency upper-cased (EUR when none);
 * - dueOn may not be before issuedOn; the currency must be an ISO 4217 code, and
 *   changes only while the invoice has no line items;
 * - `total` is the plugin's: callers may not set it (READ_ONLY); a new invoice
 *   starts at zero in its currency;
 * - lines are moved with a line item's `invoiceId`, not with the invoice's `lines`;
 * - a paid invoice may only become void; a void one does not change at all;
 * - a sent or paid invoice cannot be deleted (void it instead).
 */
import { ConflictError, type Actor, type HooksOf } from '@relata/core/plugin';
import { isCurrencyCode, zero } from './money.ts';
import { DEFAULT_CURRENCY, LOCKED_STATUSES, type invoice } from './types.ts';

/** The plugin's name: also the id of the actor its own writes are made by. */
export const PLUGIN_NAME = 'invoices';

/** True when the plugin itself writes (its hooks keeping totals and amounts). */
export function isThisPlugin(actor: Actor): boolean {
  return actor.kind === 'system' && actor.id === PLUGIN_NAME;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The value a write leaves a field with: the input's when given (null clears it), else the stored one. */
export function after<T>(given: T | null | undefined, stored: T | undefined): T | null | undefined {
  return given !== undefined ? given : stored;
}

export const invoiceHooks: HooksOf<typeof invoice> = {
  beforeValidate({ operation, data }) {
    const next = { ...data };
    if (typeof data.number === 'string') next.number = data.number.trim().toUpperCase();
    if (typeof data.currency === 'string') next.currency = data.currency.trim().toUpperCase();
    else if (operation === 'create' && data.currency == null) next.currency = DEFAULT_CURRENCY;
    return next;
  },

  async validate({ operation, data, original, actor, errors, records }) {
    if (data.total !== undefined && !isThisPlugin(actor)) errors.add('total', 'READ_ONLY', 'is the sum of the line items, kept by the plugin');
    if ((data as { lines?: unknown }).lines !== undefined) {
      errors.add('lines', 'UNSUPPORTED', "move a line item by changing its invoiceId, so that both invoices' totals follow");
    }
    if (typeof data.currency === 'string' && !isCurrencyCode(data.currency)) {
      errors.add('currency', 'INVALID_FORMAT', 'must be an ISO 4217 currency code such as "EUR"');
    }

    const issued = after(data.issuedOn, original?.data.issuedOn);
    const due = after(data.dueOn, original?.data.dueOn);
    if (typeof issued === 'string' && typeof due === 'string' && ISO_DATE.test(issued) && ISO_DATE.test(due) && due < issued) {
      // Name the field the caller changed: the one they can fix.
      if (data.dueOn !== undefined) errors.add('dueOn', 'BEFORE_ISSUE', `must not be before issuedOn (${issued})`);
      else errors.add('issuedOn', 'AFTER_DUE', `must not be after dueOn (${due})`);
    }

    if (operation !== 'update' || !original) return;
    const from = original.data.status;
    if (LOCKED_STATUSES.includes(from)) {
      for (const [key, value] of Object.entries(data)) {
        if (value === undefined || key === 'ownerId') continue;
        if (key !== 'status') errors.add(key, 'LOCKED', `cannot change: the invoice is ${from}`);
        else if (value !== from && !(from === 'paid' && value === 'void')) {
          errors.add('status', 'LOCKED', from === 'paid' ? 'a paid invoice can only become void' : 'a void invoice cannot change');
        }
      }
    }
    if (typeof data.currency === 'string' && data.currency !== original.data.currency) {
      const lines = await records.list('lineItem', { filter: { invoiceId: { eq: original.id } }, first: 1 });
      if (lines.edges.length > 0) errors.add('currency', 'IN_USE', `the invoice has line items in ${original.data.currency}: remove them first`);
    }
  },

  beforeChange({ operation, data, original }) {
    // The total starts at zero in the invoice's currency, and follows a change of currency (allowed without lines).
    if (operation === 'create') return { ...data, total: zero(data.currency ?? DEFAULT_CURRENCY) };
    if (typeof data.currency === 'string' && data.currency !== original?.data.currency) return { ...data, total: zero(data.currency) };
  },

  beforeDelete({ record }) {
    const { status, number } = record.data;
    if (status === 'sent' || status === 'paid') {
      throw new ConflictError(`Invoice ${number} is ${status}: void it instead of deleting it`, { reason: 'INVOICE_ISSUED' });
    }
  },
};
