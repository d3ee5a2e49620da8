/**
 * `@relata/example-plugin-invoices`: invoices and their line items as a
 * third-party Relata plugin, written only against `@relata/core/plugin`.
 *
 * - types.ts: Invoice (number, customerName, status, currency, issuedOn, dueOn,
 *   total) and LineItem (description, quantity, unitPrice, amount, invoice);
 * - invoice-hooks.ts, line-item-hooks.ts: validation, derived amounts, the rules
 *   of paid and void invoices;
 * - totals.ts: the invoice total kept exact under concurrent writes (lock first);
 * - money.ts: exact decimal money math (BigInt minor units, no floats).
 *
 * List it in relata.config.ts and install it into a workspace (README.md).
 */
import { definePlugin } from '@relata/core/plugin';
import { invoiceHooks, PLUGIN_NAME } from './invoice-hooks.ts';
import { lineItemHooks } from './line-item-hooks.ts';
import { invoice, lineItem } from './types.ts';

export { invoice, lineItem, DEFAULT_CURRENCY, LOCKED_STATUSES, type Invoice, type LineItem } from './types.ts';
export { PLUGIN_NAME } from './invoice-hooks.ts';

const invoices = definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  description: 'Invoices with line items: exact totals kept by the plugin, paid and void invoices locked.',
  recordTypes: [invoice, lineItem],
  hooks: {
    invoice: invoiceHooks,
    lineItem: lineItemHooks,
  },
});

export default invoices;
