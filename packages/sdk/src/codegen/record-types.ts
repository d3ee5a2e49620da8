/**
 * Finds a schema's record types, as the records API sees them: each object type
 * implementing `Record` that has a list query (`invoices(filter: ...):
 * InvoiceConnection!`), with its selection (the one `recordSelection()` builds,
 * so a typed client asks for the same fields as an untyped one) and the inputs
 * the token's role may use (no `createInvoice` mutation: nothing to create with).
 */
import { introspectionFromSchema, lexicographicSortSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { namedType, recordSelection, selectedFields, type SelectedField, type TypeInfo, type TypeRef } from '../records/selection.ts';

/** One record type of a schema. */
export interface RecordTypeInfo {
  /** `invoice` */
  apiName: string;
  /** `invoices`: the list query. */
  pluralApiName: string;
  /** `Invoice` */
  typeName: string;
  /** The GraphQL type's description. */
  description: string | null;
  /** The selection of a record (recordSelection). */
  selection: string;
  /** The selected fields, to type the record with. */
  fields: SelectedField[];
  /** The GraphQL input types the records API sends; null when the role may not use the operation. */
  inputs: {
    create: string | null;
    update: string | null;
    filter: string;
    orderBy: string;
    /** `<Type>UniqueMatch`, for upsert; null without a unique field (or without upsert). */
    match: string | null;
  };
}

/** The schema as introspection JSON, plus its types by name. */
export interface SchemaTypes {
  introspection: IntrospectionQuery;
  lookup(name: string): (TypeInfo & { description?: string | null; interfaces?: readonly TypeRef[] | null }) | undefined;
}

/** The introspection JSON of `schema` (what recordSelection reads), and a lookup over its types. */
export function schemaTypes(schema: GraphQLSchema): SchemaTypes {
  const introspection = introspectionFromSchema(schema, { descriptions: true });
  const byName = new Map<string, TypeInfo>(introspection.__schema.types.map((t) => [t.name, t as unknown as TypeInfo]));
  return { introspection, lookup: (name) => byName.get(name) };
}

/** `Invoice` -> `invoice` (the type is its apiName's PascalCase, API.md). */
export function apiNameOf(typeName: string): string {
  return typeName.charAt(0).toLowerCase() + typeName.slice(1);
}

/**
 * The record types of `schema`, read from it sorted by name (so the same schema
 * gives the same selections, whatever order the server lists its fields in),
 * sorted by apiName (code unit order).
 */
export function findRecordTypes(schema: GraphQLSchema): RecordTypeInfo[] {
  const { introspection, lookup } = schemaTypes(lexicographicSortSchema(schema));
  const recordInterface = lookup('Record');
  if (recordInterface?.kind !== 'INTERFACE') return [];
  const rootFields = (name: string | undefined) => (name ? (lookup(name)?.fields ?? []) : []);
  const queries = rootFields(introspection.__schema.queryType?.name);
  const mutations = new Set(rootFields(introspection.__schema.mutationType?.name).map((f) => f.name));
  const inputExists = (name: string) => lookup(name)?.kind === 'INPUT_OBJECT';

  const found: RecordTypeInfo[] = [];
  for (const type of introspection.__schema.types) {
    if (type.kind !== 'OBJECT' || !type.interfaces.some((i) => i.name === 'Record')) continue;
    const typeName = type.name;
    const list = queries.find(
      (f) =>
        f.type.kind === 'NON_NULL' &&
        namedType(f.type).name === `${typeName}Connection` &&
        f.args.some((a) => (a as { name: string }).name === 'filter'),
    );
    if (!list) continue;
    const info = type as unknown as TypeInfo;
    const operationInput = (mutation: string, input: string) => (mutations.has(mutation) && inputExists(input) ? input : null);
    found.push({
      apiName: apiNameOf(typeName),
      pluralApiName: list.name,
      typeName,
      description: type.description ?? null,
      selection: recordSelection(info, lookup),
      fields: selectedFields(info, lookup),
      inputs: {
        create: operationInput(`create${typeName}`, `${typeName}CreateInput`),
        update: operationInput(`update${typeName}`, `${typeName}UpdateInput`),
        filter: `${typeName}Filter`,
        orderBy: `${typeName}OrderBy`,
        match: operationInput(`upsert${typeName}`, `${typeName}UniqueMatch`),
      },
    });
  }
  return found.sort((a, b) => (a.apiName < b.apiName ? -1 : a.apiName > b.apiName ? 1 : 0));
}
