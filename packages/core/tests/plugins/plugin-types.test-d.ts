/**
 * The plugin API's types: a record type's data and input are inferred from its
 * field builders, and hooks on a plugin's own types are typed by them.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { definePlugin, defineRecordType, hooksFor, type InputOf, type RecordOf } from '../../src/plugins/define.ts';
import { field, type LinkChanges, type Money } from '../../src/plugins/field-builders.ts';

const invoice = defineRecordType({
  apiName: 'invoice',
  pluralApiName: 'invoices',
  fields: {
    number: field.text({ required: true, unique: true }),
    status: field.select(['draft', 'sent', 'paid'], { required: true, default: 'draft' }),
    total: field.currency(),
    issuedOn: field.date(),
    tags: field.multiSelect(['rush', 'export']),
    meta: field.json<{ po: string }>(),
    customer: field.relation('company'),
    lines: field.relation('lineItem', { kind: 'ONE_TO_MANY', inverseApiName: 'invoice' }),
  },
});

describe('plugin types', () => {
  it('infers record data from the field builders', () => {
    type Invoice = RecordOf<typeof invoice>;
    expectTypeOf<Invoice['number']>().toEqualTypeOf<string>();
    expectTypeOf<Invoice['status']>().toEqualTypeOf<'draft' | 'sent' | 'paid'>();
    expectTypeOf<Invoice['total']>().toEqualTypeOf<Money | undefined>();
    expectTypeOf<Invoice['tags']>().toEqualTypeOf<Array<'rush' | 'export'> | undefined>();
    expectTypeOf<Invoice['meta']>().toEqualTypeOf<{ po: string } | undefined>();
    expectTypeOf<Invoice['customer']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Invoice>().not.toHaveProperty('lines');
  });

  it('types a write input: optional fields clear with null, to-many relations take link changes', () => {
    type Input = InputOf<typeof invoice>;
    expectTypeOf<Input['total']>().toEqualTypeOf<Money | null | undefined>();
    expectTypeOf<Input['number']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Input['lines']>().toEqualTypeOf<LinkChanges | undefined>();
  });

  it('types hooks on the plugin\'s own types, and on others\' through hooksFor', () => {
    definePlugin({
      name: 'invoices',
      version: '1.0.0',
      recordTypes: [invoice],
      hooks: {
        invoice: {
          validate({ data, errors, original }) {
            expectTypeOf(data.status).toEqualTypeOf<'draft' | 'sent' | 'paid' | undefined>();
            expectTypeOf(original!.data.number).toEqualTypeOf<string>();
            if (data.number === '') errors.add('number', 'EMPTY', 'must not be empty');
          },
          beforeChange({ data }) {
            return { ...data, status: 'sent' as const };
          },
          afterChange({ record }) {
            expectTypeOf(record.data.total).toEqualTypeOf<Money | undefined>();
          },
        },
        ...hooksFor('lead', {
          afterChange({ record }) {
            expectTypeOf(record.data).toEqualTypeOf<Record<string, unknown>>();
          },
        }),
      },
    });
  });

  it('rejects a value of the wrong type from a hook', () => {
    definePlugin({
      name: 'bad',
      version: '1.0.0',
      recordTypes: [invoice],
      hooks: {
        invoice: {
          // @ts-expect-error: 'void' is not one of the status choices
          beforeChange: ({ data }) => ({ ...data, status: 'void' }),
        },
      },
    });
  });
});
