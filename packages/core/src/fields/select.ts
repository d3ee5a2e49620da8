/** SELECT: one value out of the field's choices. */
import { normalizeChoiceOptions, parseChoice } from './choices.ts';
import { equalityOperators, textExpr } from './operators.ts';
import type { FieldTypeModule } from './types.ts';

/** The SELECT field type. */
export const selectField: FieldTypeModule = {
  type: 'SELECT',
  description: 'One of a list of choices.',
  graphql: { value: { kind: 'choice' }, filterName: 'SelectFilter' },
  // Sorts by value text, not choice position: sqlExpr gets no options to map positions.
  sqlExpr: textExpr,
  sortable: true,
  indexable: true,
  uniqueable: true,
  searchable: false,
  operators: equalityOperators('text'),
  normalizeOptions: normalizeChoiceOptions,
  normalize: parseChoice,
};
