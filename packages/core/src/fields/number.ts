/** NUMBER: a finite floating-point number. */
import { equalityOperators, rangeOperators } from './operators.ts';
import { noOptions } from './options.ts';
import type { FieldTypeModule } from './types.ts';

/** The NUMBER field type. */
export const numberField: FieldTypeModule = {
  type: 'NUMBER',
  description: 'A number (double precision).',
  graphql: { value: { kind: 'scalar', scalar: 'Float' }, filterName: 'NumberFilter' },
  sqlExpr: (key) => `((data->>${key})::double precision)`,
  sortable: true,
  indexable: true,
  uniqueable: true,
  searchable: false,
  operators: { ...equalityOperators('double precision'), ...rangeOperators() },
  normalizeOptions: noOptions,
  normalize(input) {
    if (typeof input !== 'number' || !Number.isFinite(input)) {
      return { ok: false, code: 'INVALID_TYPE', message: 'must be a finite number' };
    }
    return { ok: true, value: input };
  },
};
