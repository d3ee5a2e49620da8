/**
 * MULTI_SELECT: a set of the field's choices, stored as a JSON array of values in
 * choice position order, without duplicates. An empty list means "no value".
 */
import { fieldChoices, normalizeChoiceOptions, parseChoice } from './choices.ts';
import type { FieldTypeModule, OperatorDef } from './types.ts';

/** `isNull: true` matches a missing value and an empty list alike. */
const isEmptyOperator: OperatorDef = {
  operand: 'boolean',
  description: 'True: no choice selected. False: at least one.',
  sql: (c, v) =>
    v ? `(${c.expr} IS NULL OR ${c.expr} = '[]'::jsonb)` : `(${c.expr} IS NOT NULL AND ${c.expr} <> '[]'::jsonb)`,
};

/** The MULTI_SELECT field type. */
export const multiSelectField: FieldTypeModule = {
  type: 'MULTI_SELECT',
  description: 'Any number of a list of choices.',
  graphql: { value: { kind: 'choice' }, list: true, filterName: 'MultiSelectFilter' },
  sqlExpr: (key) => `(data->${key})`,
  sortable: false,
  // A GIN index would serve `?|`/`?&`, but `indexed` means a btree on sqlExpr.
  indexable: false,
  uniqueable: false,
  searchable: false,
  operators: {
    containsAny: {
      operand: 'values',
      description: 'Has at least one of the values.',
      sql: (c, v) => `${c.expr} ?| ${c.param(v)}::text[]`,
    },
    containsAll: {
      operand: 'values',
      description: 'Has all of the values.',
      sql: (c, v) => `${c.expr} ?& ${c.param(v)}::text[]`,
    },
    eq: {
      operand: 'values',
      description: 'Has exactly these values, in any order.',
      // Containment both ways ignores order and duplicates, so it holds even for
      // arrays stored before the choices were reordered. `[]` means "no value".
      sql: (c, v) => {
        const values = v as string[];
        if (values.length === 0) return isEmptyOperator.sql(c, true);
        const p = c.param(JSON.stringify(values));
        return `(${c.expr} @> ${p}::jsonb AND ${c.expr} <@ ${p}::jsonb)`;
      },
    },
    isNull: isEmptyOperator,
  },
  normalizeOptions: normalizeChoiceOptions,
  normalize(input, field) {
    if (!Array.isArray(input)) return { ok: false, code: 'INVALID_TYPE', message: 'must be a list of choice values' };
    const selected = new Set<string>();
    for (const item of input) {
      const parsed = parseChoice(item, field);
      if (!parsed.ok) return parsed;
      selected.add(parsed.value as string);
    }
    return { ok: true, value: fieldChoices(field).map((c) => c.value).filter((v) => selected.has(v)) };
  },
  // Operands are lists the engine parses element by element: each must be a choice.
  parseOperand: parseChoice,
};
