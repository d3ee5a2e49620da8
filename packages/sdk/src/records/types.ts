/**
 * The types that join codegen to the records API. Codegen (`relata codegen`)
 * writes, for a workspace, a `RecordTypeMap` (the TypeScript types of each
 * record type) and a `RecordTypes` value (what the client needs at run time to
 * build its queries), so that `client.records('invoice')` takes and returns that
 * workspace's own fields. Without codegen the client discovers a type on first
 * use and works untyped.
 */

/** The record fields every type has (API.md, `interface Record`), plus its owner. */
export interface BaseRecord {
  id: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  deletedAt?: string | null;
  ownerId?: string | null;
}

/** What codegen states about one record type: types only. */
export interface RecordTypeShape {
  /** The record as the records API returns it: scalars, money as `{ amount, currency }`, to-one relations as `{ id }`. */
  record: object;
  /** `<Type>CreateInput`. */
  create: object;
  /** `<Type>UpdateInput`. */
  update: object;
  /** `<Type>Filter`. */
  filter: object;
  /** `<Type>OrderBy`. */
  orderBy: object;
  /** `<Type>UniqueMatch` (`never` when the type has no unique field). */
  match: object;
}

/** Record types by apiName. */
export type RecordTypeMap = { [apiName: string]: RecordTypeShape };

/** A record type as the records API sees it when nothing is generated. */
export interface UntypedShape {
  record: BaseRecord & { [field: string]: unknown };
  create: { [field: string]: unknown };
  update: { [field: string]: unknown };
  filter: { [field: string]: unknown };
  orderBy: { [field: string]: unknown };
  match: { [field: string]: unknown };
}

/** Any apiName, untyped: what a client made without generated record types uses. */
export type UntypedRecordTypes = { [apiName: string]: UntypedShape };

/** What the client must know at run time about a record type to query it. */
export interface RecordTypeDescriptor {
  /** `lineItem` */
  apiName: string;
  /** `lineItems`: names the list query. */
  pluralApiName: string;
  /** `LineItem`: the GraphQL type (and `createLineItem`, `LineItemFilter`, ...). */
  typeName: string;
  /** The selection set of a record, without braces: `id createdAt ... price { amount currency } company { id }`. */
  selection: string;
}

/** Generated record types: descriptors by apiName, carrying the map of their TypeScript types. */
export interface RecordTypes<TMap extends RecordTypeMap = RecordTypeMap> {
  readonly descriptors: { readonly [K in keyof TMap & string]: RecordTypeDescriptor };
  /** Type only, never set: carries `TMap` to createClient. */
  readonly types?: TMap;
}

/** Wraps generated descriptors with their types (codegen writes the call). */
export function defineRecordTypes<TMap extends RecordTypeMap>(descriptors: {
  readonly [K in keyof TMap & string]: RecordTypeDescriptor;
}): RecordTypes<TMap> {
  return { descriptors };
}
