/** BOOLEAN: true or false. */
import { equalityOperators, pickOperators } from './operators.ts';
import { noOptions } from './options.ts';
import type { FieldTypeModule } from './types.ts';

/** The BOOLEAN field type. */
export const booleanField: FieldTypeModule = {
  type: 'BOOLEAN',
  description: 'True or false.',
  graphql: { value: { kind: 'scalar', scalar: 'Boolean' }, filterName: 'BooleanFilter' },
  sqlExpr: (key) => `((data->>${key})::boolean)`,
  sortable: true,
  indexable: true,
  // Two values cannot be unique across more than two records.
  uniqueable: false,
  searchable: false,
  operators: pickOperators(equalityOperators('boolean'), 'eq', 'neq', 'isNull'),
  normalizeOptions: noOptions,
  normalize(input) {
    if (typeof input !== 'boolean') return { ok: false, code: 'INVALID_TYPE', message: 'must be true or false' };
    return { ok: true, value: input };
  },
};
