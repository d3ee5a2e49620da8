/**
 * Bad filter input, for every operator of every field type: the engine refuses
 * it with VALIDATION_FAILED naming `filter.<field>.<operator>`, before any SQL.
 */
import { describe, expect, it } from 'vitest';
import { fieldTypes } from '../src/fields/index.ts';
import type { FieldMeta } from '../src/fields/types.ts';
import type { ObjectTypeMeta } from '../src/metadata/workspace-metadata.ts';
import { compileFilter } from '../src/records/query/filter.ts';
import { filterables } from '../src/records/query/filterable.ts';
import { SqlParams } from '../src/records/query/params.ts';

const field = (type: FieldMeta['type']): FieldMeta => ({
  id: '01900000-0000-7000-8000-000000000001', apiName: 'f', label: 'F', description: null, type, required: false,
  unique: false, indexed: false, searchable: false, defaultValue: null, source: 'custom', position: 0,
  options: type === 'SELECT' || type === 'MULTI_SELECT' ? { choices: [{ value: 'a', label: 'a', position: 0 }] } : type === 'RELATION' ? { target: 't' } : type === 'RATING' ? { max: 5 } : {},
});

/** An operand of the wrong shape for each operand kind. */
const BAD_OPERAND = { value: { not: 'a value' }, values: 'not a list', string: 42, boolean: 'yes' } as const;

function errorsOf(type: FieldMeta['type'], filter: unknown) {
  const objectType: ObjectTypeMeta = { id: '01900000-0000-7000-8000-000000000002', apiName: 't', pluralApiName: 'ts', label: 'T', description: null, source: 'custom', fields: [field(type)] };
  try {
    compileFilter(filter as Record<string, unknown>, filterables(objectType), new SqlParams());
    return null;
  } catch (error) {
    return error as { code: string; fields?: Array<{ field: string }> };
  }
}

describe('filter input', () => {
  for (const module of fieldTypes) {
    for (const [op, def] of Object.entries(module.operators)) {
      // JSON's value operands accept any JSON, so only a wrong list or string can be bad there.
      if (module.type === 'JSON' && def.operand === 'value') continue;
      it(`${module.type}.${op} refuses a ${def.operand} operand of the wrong shape`, () => {
        // A to-one relation is filtered by id under `fId`, as in GraphQL.
        const key = module.type === 'RELATION' ? 'fId' : 'f';
        const error = errorsOf(module.type, { [key]: { [op]: BAD_OPERAND[def.operand] } });
        expect(error?.code).toBe('VALIDATION_FAILED');
        expect(error?.fields?.[0]?.field).toMatch(new RegExp(`^filter\\.${key}\\.${op}(\\.\\d+)?$`));
      });
    }
  }

  it('refuses unknown fields and operators, null operands, and bad nesting, all at once', () => {
    const error = errorsOf('TEXT', { nope: { eq: 'x' }, f: { like: 'x', eq: null }, and: {}, or: [{ f: { isNull: 'no' } }] });
    expect(error?.fields?.map((f) => f.field)).toEqual(['filter.nope', 'filter.f.like', 'filter.f.eq', 'filter.and', 'filter.or.0.f.isNull']);
  });

  it('limits nesting depth', () => {
    let deep: Record<string, unknown> = { f: { eq: 'x' } };
    for (let i = 0; i < 10; i++) deep = { not: deep };
    expect(errorsOf('TEXT', deep)?.code).toBe('BAD_REQUEST');
  });
});
