/**
 * Other plugins type their hooks on the CRM's record types with its named exports.
 */
import { definePlugin, hooksFor, type InputOf, type RecordOf } from '@relata/core/plugin';
import { describe, expectTypeOf, it } from 'vitest';
import { lead, opportunity, supportCase } from '../src/index.ts';

describe('the CRM record types, for other plugins', () => {
  it('types records and hooks on lead, opportunity and case', () => {
    expectTypeOf<RecordOf<typeof lead>['status']>().toEqualTypeOf<'new' | 'contacted' | 'qualified' | 'unqualified' | 'converted'>();
    expectTypeOf<RecordOf<typeof lead>['score']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<InputOf<typeof opportunity>['contacts']>().toEqualTypeOf<{ connect?: string[]; disconnect?: string[]; set?: string[] } | undefined>();
    definePlugin({
      name: 'lead-routing',
      version: '1.0.0',
      hooks: {
        ...hooksFor(lead, {
          beforeChange({ data }) {
            expectTypeOf(data.source).toEqualTypeOf<
              'web' | 'coldCall' | 'email' | 'social' | 'event' | 'referral' | 'partner' | 'advertising' | 'purchase' | 'other' | null | undefined
            >();
            return { ...data, status: 'contacted' as const };
          },
        }),
        ...hooksFor(supportCase, {
          afterChange({ record }) {
            expectTypeOf(record.data.escalationCount).toEqualTypeOf<number | undefined>();
          },
        }),
      },
    });
  });
});
