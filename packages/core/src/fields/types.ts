/**
 * The contract every field type module fulfils. A module states, in one place,
 * its stored form, how input is validated and normalised, its filter operators
 * and their SQL, how it sorts, and its GraphQL shapes (as data the server maps
 * to GraphQL). Adding a field type is adding a module; nothing switches on names.
 */
import type { FieldError } from '../errors.ts';

/** The field types of the API contract (`enum FieldType`). */
export type FieldTypeName =
  | 'TEXT'
  | 'LONG_TEXT'
  | 'NUMBER'
  | 'INTEGER'
  | 'CURRENCY'
  | 'BOOLEAN'
  | 'DATE'
  | 'DATETIME'
  | 'SELECT'
  | 'MULTI_SELECT'
  | 'EMAIL'
  | 'PHONE'
  | 'URL'
  | 'RATING'
  | 'JSON'
  | 'RELATION';

/** A field as the engine sees it (a `field_def` row, normalised). */
export interface FieldMeta {
  id: string;
  apiName: string;
  label: string;
  description: string | null;
  type: FieldTypeName;
  required: boolean;
  unique: boolean;
  indexed: boolean;
  searchable: boolean;
  /** Stored form of the default, already normalised; null for none. */
  defaultValue: unknown;
  /** Normalised options (see each module's `normalizeOptions`). */
  options: Record<string, unknown>;
  source: string;
  position: number;
}

/** Scalars the server knows how to map to GraphQL. */
export type ScalarName = 'String' | 'Int' | 'Float' | 'Boolean' | 'ID' | 'Date' | 'DateTime' | 'JSON';

/**
 * A value's GraphQL shape, as data:
 * - `scalar`: one of the known scalars;
 * - `choice`: one of the field's select choices (the server makes an enum per field);
 * - `money`: `{ amount: String!, currency: String! }` (input: currency optional);
 * - `reference`: the id of another record; output as that record (`company: Company`),
 *   input and filter as its id under `<apiName>Id` (`companyId: ID`);
 * - `connection`: records of another type linked to this one (a to-many relation;
 *   nothing in `data`): output as that type's connection with filter, orderBy and
 *   paging, input as `{ connect, disconnect, set }` lists of ids.
 */
export type ValueShape =
  | { kind: 'scalar'; scalar: ScalarName }
  | { kind: 'choice' }
  | { kind: 'money' }
  | { kind: 'reference' }
  | { kind: 'connection' };

/**
 * What a filter operator takes:
 * - `value`: one value comparable with the field (parsed by `parseOperand`);
 * - `values`: a list of such values;
 * - `string`: a plain string (substring and case-insensitive matches);
 * - `boolean`: true or false (`isNull`).
 */
export type OperandKind = 'value' | 'values' | 'string' | 'boolean';

/** What an operator's SQL builder gets. */
export interface OperatorSqlContext {
  /** The field's typed SQL expression, e.g. `((data->>'amount')::numeric)`. */
  expr: string;
  /** The raw JSON value of the field, e.g. `(data->'amount')`. */
  json: string;
  /** Adds a parameter and returns its placeholder (`$3`). */
  param(value: unknown): string;
  field: FieldMeta;
}

/** One filter operator of a field type. */
export interface OperatorDef {
  operand: OperandKind;
  /** A one-line description, shown in the GraphQL schema. */
  description: string;
  /** SQL that is true for matching rows. `operand` is already parsed. */
  sql(ctx: OperatorSqlContext, operand: unknown): string;
}

/** The outcome of normalising one value. */
export type NormalizeResult = { ok: true; value: unknown } | { ok: false; code: string; message: string };

/** Context for validating options: other types in the workspace. */
export interface OptionsContext {
  /** True when a record type with this apiName exists (or is being created) in the workspace. */
  hasObjectType(apiName: string): boolean;
}

/** A field type module. `Stored` is the JSON form kept in `record.data`. */
export interface FieldTypeModule {
  readonly type: FieldTypeName;
  /** A one-line description for docs and the schema. */
  readonly description: string;

  /** GraphQL shapes of this type's values, as data. */
  readonly graphql: {
    /** Shape of the value in output and input. */
    value: ValueShape;
    /** True when the value is a list of `value` (MULTI_SELECT). */
    list?: boolean;
    /** Name of the shared filter input (`TextFilter`); choice types get one per field instead. */
    filterName: string;
    /** Shape of a `value`/`values` operand, when it differs from `value` (e.g. money compares amounts). */
    operand?: ValueShape;
  };

  /** Typed SQL expression over `data` for filters, sorting and indexes. `key` is a safe SQL string literal. */
  sqlExpr(key: string): string;
  /** Whether records can be ordered by this field. */
  readonly sortable: boolean;
  /** Whether `indexed` may be set (a partial expression index on `sqlExpr`). */
  readonly indexable: boolean;
  /** Whether `unique` may be set (enforced by a unique partial index on `sqlExpr`). */
  readonly uniqueable: boolean;
  /** Whether `searchable` may be set (its text goes into the search vector). */
  readonly searchable: boolean;
  /**
   * The text a searchable value contributes to the search vector, as SQL over the
   * value's text (`text`); defaults to the text itself. EMAIL adds its parts, so
   * "acme" finds "ann@acme.com".
   */
  searchText?(text: string): string;

  /** Filter operators by name (`eq`, `gt`, `contains`, ...). */
  readonly operators: Readonly<Record<string, OperatorDef>>;

  /**
   * Validates and normalises options; returns the normalised options or errors
   * whose `field` is a path inside options (`choices.1.value`).
   */
  normalizeOptions(options: unknown, ctx: OptionsContext): { options: Record<string, unknown>; errors: FieldError[] };

  /** Validates and normalises one input value (never null: required/null is handled by the engine). */
  normalize(input: unknown, field: FieldMeta): NormalizeResult;

  /** Parses a `value`/`values` operand; defaults to `normalize`. */
  parseOperand?(input: unknown, field: FieldMeta): NormalizeResult;

  /** Turns the stored form into the output form; defaults to identity. */
  toOutput?(stored: unknown, field: FieldMeta): unknown;

  /** The shape of this field's value when it depends on its options (a relation's kind). */
  valueShape?(field: FieldMeta): ValueShape;

  /**
   * For the inverse side of a relation (created and deleted with the side that owns the
   * links): the record type and field that own them (`person.company` for `company.people`).
   */
  derivedFrom?(field: FieldMeta): { type: string; field: string } | undefined;

  /**
   * When values are ids of other records (a to-one relation): the record type(s) they must belong to.
   * The engine checks every such id exists in the workspace, in one query per write.
   */
  references?(field: FieldMeta): string[];
}
