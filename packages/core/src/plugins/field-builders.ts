/**
 * Field builders for plugin record types: `field.text({ required: true })`,
 * `field.currency()`, `field.relation('company')`. Each returns the field's
 * definition (what the metadata API would be given) and, as a phantom type, the
 * TypeScript type of its value, so a record type's data is inferred from its
 * fields and hooks are typed without restating anything.
 *
 * Values are typed in their stored form, the form hooks see and give:
 * money `{ amount: "12.50", currency: "EUR" }`, dates `"2026-12-01"`, datetimes
 * ISO-8601 strings, a to-one relation the related record's id.
 */
import type { FieldInput } from '../metadata/field-definition.ts';

/** Money as stored and given: the amount a decimal string. */
export interface Money {
  amount: string;
  currency: string;
}

/** The changes of a to-many relation in a write. */
export interface LinkChanges {
  connect?: string[];
  disconnect?: string[];
  set?: string[];
}

/** Flags every field may take. */
export interface FieldFlags<R extends boolean = boolean> {
  /** A value is needed on create and may not be cleared. */
  required?: R;
  label?: string;
  description?: string;
  /** No two live records share a value (a unique index). */
  unique?: boolean;
  /** Filters and orderings on the field use an index. */
  indexed?: boolean;
  /** The value's words are found by `search`. */
  searchable?: boolean;
}

/** Which part of a record a field's value lives in. */
export type FieldKind = 'value' | 'toOne' | 'toMany';

/**
 * A field of a plugin record type: its definition, and (as phantom types) its
 * value's type `V`, whether it is required `R`, and its kind `K`.
 */
export interface FieldSpec<V = unknown, R extends boolean = boolean, K extends FieldKind = FieldKind> {
  readonly definition: Omit<FieldInput, 'apiName'>;
  readonly kind: K;
  /** Phantom: never set; carries the value type. */
  readonly __value?: V;
  /** Phantom: never set; carries requiredness. */
  readonly __required?: R;
}

/** Any field spec. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFieldSpec = FieldSpec<any, boolean, FieldKind>;

type Req<O> = O extends { required: true } ? true : false;

function spec<V, R extends boolean, K extends FieldKind = 'value'>(
  type: string,
  flags: FieldFlags | undefined,
  options?: Record<string, unknown>,
  extra: { defaultValue?: unknown } = {},
  kind: K = 'value' as K,
): FieldSpec<V, R, K> {
  const { required, label, description, unique, indexed, searchable } = flags ?? {};
  const definition: Omit<FieldInput, 'apiName'> = { type };
  if (required) definition.required = true;
  if (label) definition.label = label;
  if (description) definition.description = description;
  if (unique) definition.unique = true;
  if (indexed) definition.indexed = true;
  if (searchable) definition.searchable = true;
  if (options) definition.options = options;
  if (extra.defaultValue !== undefined) definition.defaultValue = extra.defaultValue;
  return { definition, kind };
}

/** A select choice: its stored value, and optionally a label and color. */
export type ChoiceInput<C extends string> = C | { value: C; label?: string; color?: string };

function choices<C extends string>(list: readonly ChoiceInput<C>[]) {
  return list.map((c, position) => (typeof c === 'string' ? { value: c, position } : { ...c, position }));
}

/** Options of a relation field. */
export interface RelationOptions<R extends boolean, K extends 'MANY_TO_ONE' | 'ONE_TO_MANY' | 'MANY_TO_MANY'> extends FieldFlags<R> {
  /** MANY_TO_ONE (the default: a to-one id), ONE_TO_MANY or MANY_TO_MANY (links). */
  kind?: K;
  /** The field made on the target that leads back (`people` for `person.company`). */
  inverseApiName?: string;
  /** What deleting the target does to this record: SET_NULL (default), CASCADE or RESTRICT. */
  onDelete?: 'SET_NULL' | 'CASCADE' | 'RESTRICT';
}

/** The field builders. */
export const field = {
  text: <O extends FieldFlags & { default?: string }>(flags?: O) => spec<string, Req<O>>('TEXT', flags, undefined, { defaultValue: flags?.default }),
  longText: <O extends FieldFlags & { default?: string }>(flags?: O) => spec<string, Req<O>>('LONG_TEXT', flags, undefined, { defaultValue: flags?.default }),
  email: <O extends FieldFlags>(flags?: O) => spec<string, Req<O>>('EMAIL', flags),
  phone: <O extends FieldFlags>(flags?: O) => spec<string, Req<O>>('PHONE', flags),
  url: <O extends FieldFlags>(flags?: O) => spec<string, Req<O>>('URL', flags),
  number: <O extends FieldFlags & { default?: number }>(flags?: O) => spec<number, Req<O>>('NUMBER', flags, undefined, { defaultValue: flags?.default }),
  integer: <O extends FieldFlags & { default?: number }>(flags?: O) => spec<number, Req<O>>('INTEGER', flags, undefined, { defaultValue: flags?.default }),
  /** An amount of money; `defaultCurrency` fills a missing currency. */
  currency: <O extends FieldFlags & { defaultCurrency?: string }>(flags?: O) =>
    spec<Money, Req<O>>('CURRENCY', flags, flags?.defaultCurrency ? { defaultCurrency: flags.defaultCurrency } : undefined),
  boolean: <O extends FieldFlags & { default?: boolean }>(flags?: O) => spec<boolean, Req<O>>('BOOLEAN', flags, undefined, { defaultValue: flags?.default }),
  /** A calendar date, `"2026-12-01"`. */
  date: <O extends FieldFlags>(flags?: O) => spec<string, Req<O>>('DATE', flags),
  /** An instant, an ISO-8601 string (returned in UTC). */
  datetime: <O extends FieldFlags>(flags?: O) => spec<string, Req<O>>('DATETIME', flags),
  /** One of `choices`; its value type is the union of their values. */
  select: <const C extends string, O extends FieldFlags & { default?: NoInfer<C> }>(list: readonly ChoiceInput<C>[], flags?: O) =>
    spec<C, Req<O>>('SELECT', flags, { choices: choices(list) }, { defaultValue: flags?.default }),
  /** Any number of `choices`. */
  multiSelect: <const C extends string, O extends FieldFlags>(list: readonly ChoiceInput<C>[], flags?: O) =>
    spec<C[], Req<O>>('MULTI_SELECT', flags, { choices: choices(list) }),
  /** A whole number from 1 to `max` (default 5). */
  rating: <O extends FieldFlags & { max?: number }>(flags?: O) => spec<number, Req<O>>('RATING', flags, flags?.max ? { max: flags.max } : undefined),
  /** Any JSON value; give its TypeScript type: `field.json<Address>()`. */
  json: <T = unknown, O extends FieldFlags = FieldFlags>(flags?: O) => spec<T, Req<O>>('JSON', flags),
  /**
   * A relation to records of `target` (an apiName, or several for a polymorphic
   * to-one). MANY_TO_ONE (default) holds the related id; ONE_TO_MANY and
   * MANY_TO_MANY hold links, written as `{ connect, disconnect, set }`.
   */
  relation: <
    K extends 'MANY_TO_ONE' | 'ONE_TO_MANY' | 'MANY_TO_MANY' = 'MANY_TO_ONE',
    O extends RelationOptions<boolean, K> = RelationOptions<false, K>,
  >(
    target: string | readonly string[],
    flags?: O & { kind?: K },
  ) => {
    const { kind, inverseApiName, onDelete } = flags ?? {};
    const options: Record<string, unknown> = typeof target === 'string' ? { target } : { targets: [...target] };
    if (kind) options.kind = kind;
    if (inverseApiName) options.inverseApiName = inverseApiName;
    if (onDelete) options.onDelete = onDelete;
    const toMany = kind === 'ONE_TO_MANY' || kind === 'MANY_TO_MANY';
    return spec<string, Req<O>, K extends 'MANY_TO_ONE' ? 'toOne' : 'toMany'>(
      'RELATION',
      flags,
      options,
      {},
      (toMany ? 'toMany' : 'toOne') as K extends 'MANY_TO_ONE' ? 'toOne' : 'toMany',
    );
  },
};

/** The fields of a record type, by apiName. */
export type FieldSpecs = Record<string, AnyFieldSpec>;

type ValueOf<S> = S extends FieldSpec<infer V, boolean, FieldKind> ? V : never;
type IsRequired<S> = S extends FieldSpec<unknown, true, FieldKind> ? true : false;
type DataKeys<F extends FieldSpecs> = { [K in keyof F]: F[K]['kind'] extends 'toMany' ? never : K }[keyof F];
type ToManyKeys<F extends FieldSpecs> = { [K in keyof F]: F[K]['kind'] extends 'toMany' ? K : never }[keyof F];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * A record's field values as stored and read (`record.data` in hooks): required
 * fields are always there; others may be absent. To-many relations are not in
 * `data` (read them with `records.list`).
 */
export type RecordData<F extends FieldSpecs> = Simplify<
  { [K in DataKeys<F> as IsRequired<F[K]> extends true ? K : never]: ValueOf<F[K]> } & {
    [K in DataKeys<F> as IsRequired<F[K]> extends true ? never : K]?: ValueOf<F[K]>;
  }
>;

/**
 * A write's input: any subset of fields (null clears an optional one), to-one
 * relations as the related id, to-many ones as link changes.
 */
export type RecordInputOf<F extends FieldSpecs> = Simplify<
  { [K in DataKeys<F>]?: ValueOf<F[K]> | (IsRequired<F[K]> extends true ? never : null) } & { [K in ToManyKeys<F>]?: LinkChanges } & {
    ownerId?: string | null;
  }
>;
