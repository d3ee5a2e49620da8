/**
 * What a filter or an ordering can name on a record type: its fields (a to-one
 * relation's id as `companyId`, the name GraphQL uses), and the system columns
 * `id`, `ownerId` (filter only), `createdAt` and `updatedAt`, each with the module that knows its
 * operators and the SQL expressions to filter and sort by.
 */
import { fieldType, storedFields, valueShapeOf } from '../../fields/index.ts';
import { referenceInputName } from '../../metadata/names.ts';
import { isUuid } from '../../ids.ts';
import { equalityOperators } from '../../fields/operators.ts';
import type { FieldMeta, FieldTypeModule } from '../../fields/types.ts';
import { fieldExpr, sqlLiteral } from '../../metadata/record-indexes.ts';
import type { ObjectTypeMeta } from '../../metadata/workspace-metadata.ts';

/** A name a filter or orderBy may use. */
export interface Filterable {
  name: string;
  module: FieldTypeModule;
  field: FieldMeta;
  /** Expression for filter operators. */
  filterExpr: string;
  /** Raw JSON of the value (for JSON-aware operators); same as filterExpr for columns. */
  jsonExpr: string;
  /** Expression to order by (a column's native type orders and compares fastest). */
  sortExpr: string;
  sortable: boolean;
}

export { isUuid };

/** The record id as a filterable: UUID equality only. */
const idModule: FieldTypeModule = {
  ...fieldType('TEXT'),
  // The same operators as IDFilter (shared with relation fields); isNull: true matches nothing.
  operators: equalityOperators('uuid'),
  normalize: (input) =>
    isUuid(input) ? { ok: true, value: input.toLowerCase() } : { ok: false, code: 'INVALID_FORMAT', message: 'must be a record id (UUID)' },
  parseOperand: undefined,
};

function systemField(apiName: string, type: FieldMeta['type']): FieldMeta {
  return {
    id: '', apiName, label: apiName, description: null, type, required: true, unique: false, indexed: false,
    searchable: false, defaultValue: null, options: {}, source: 'system', position: -1,
  };
}

// Timestamps filter on their canonical ISO text (what DATETIME fields store), and sort on the column.
const isoText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Every name a filter or ordering may use on `type`, by name. */
export function filterables(type: ObjectTypeMeta): Map<string, Filterable> {
  const map = new Map<string, Filterable>();
  map.set('id', {
    name: 'id', module: idModule, field: systemField('id', 'TEXT'),
    filterExpr: '"id"', jsonExpr: '"id"', sortExpr: '"id"', sortable: true,
  });
  // The owner (a member id, or none): `ownerId: { eq: <me> }` lists my records.
  map.set('ownerId', {
    name: 'ownerId', module: idModule, field: systemField('ownerId', 'TEXT'),
    filterExpr: '"owner_id"', jsonExpr: '"owner_id"', sortExpr: '"owner_id"', sortable: false,
  });
  for (const [name, column] of [['createdAt', '"created_at"'], ['updatedAt', '"updated_at"']] as const) {
    map.set(name, {
      name, module: fieldType('DATETIME'), field: systemField(name, 'DATETIME'),
      filterExpr: isoText(column), jsonExpr: column, sortExpr: column, sortable: true,
    });
  }
  for (const field of storedFields(type.fields)) {
    const module = fieldType(field.type);
    // The very expression of the field's index, so the planner can use it.
    const expr = fieldExpr(field);
    // A to-one relation's id is `companyId`, as in GraphQL; `company` filters through it.
    const name = valueShapeOf(field).kind === 'reference' ? referenceInputName(field.apiName) : field.apiName;
    map.set(name, {
      name, module, field,
      filterExpr: expr, jsonExpr: `(data->${sqlLiteral(field.apiName)})`, sortExpr: expr, sortable: module.sortable,
    });
  }
  return map;
}
