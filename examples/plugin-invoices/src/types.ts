/**
 * The plugin's record types. Self-contained: the customer is a name, not a
 * relation to the CRM's company, so the plugin installs without the CRM.
 *
 * A line item belongs to an invoice through `lineItem.invoice` (the many side
 * holds the relation); installing creates `invoice.lines` as its inverse. Deleting
 * an invoice deletes its lines (CASCADE); restoring it brings them back.
 */
import { defineRecordType, field, type RecordOf } from '@relata/core/plugin';

/** The currency of a new invoice that names none. */
export const DEFAULT_CURRENCY = 'EUR';

/** Statuses in which an invoice, and its lines, no longer change (except paid → void). */
export const LOCKED_STATUSES: readonly string[] = ['paid', 'void'];

export const invoice = defineRecordType({
  apiName: 'invoice',
  pluralApiName: 'invoices',
  label: 'Invoice',
  description: 'An invoice to a customer; its total is the sum of its line items, kept by the invoices plugin.',
  fields: {
    number: field.text({ required: true, unique: true, searchable: true, description: 'Upper-cased and trimmed, such as INV-2026-001' }),
    customerName: field.text({ required: true, searchable: true, label: 'Customer' }),
    status: field.select(
      [
        { value: 'draft', label: 'Draft' },
        { value: 'sent', label: 'Sent' },
        { value: 'paid', label: 'Paid' },
        { value: 'void', label: 'Void' },
      ],
      { required: true, default: 'draft', indexed: true },
    ),
    /** ISO 4217, upper case; every line item is in it. Changes only while the invoice has no lines. */
    currency: field.text({ required: true, default: DEFAULT_CURRENCY, description: 'ISO 4217 code of the invoice and all its lines' }),
    issuedOn: field.date({ label: 'Issued on' }),
    dueOn: field.date({ label: 'Due on', indexed: true }),
    /** Kept by the plugin: the sum of the lines' amounts. Callers may not set it. */
    total: field.currency({ description: 'Sum of the line items (kept by the plugin, read-only)' }),
  },
});

export const lineItem = defineRecordType({
  apiName: 'lineItem',
  pluralApiName: 'lineItems',
  label: 'Line item',
  fields: {
    description: field.text({ required: true }),
    quantity: field.integer({ required: true, default: 1, description: 'At least 1' }),
    /** In the invoice's currency; a missing currency is taken from the invoice. */
    unitPrice: field.currency({ required: true, label: 'Unit price' }),
    /** quantity × unitPrice, exact; set by the plugin, read-only. */
    amount: field.currency({ description: 'quantity × unitPrice (kept by the plugin, read-only)' }),
    invoice: field.relation('invoice', { required: true, inverseApiName: 'lines', onDelete: 'CASCADE' }),
  },
});

export type Invoice = RecordOf<typeof invoice>;
export type LineItem = RecordOf<typeof lineItem>;
