/**
 * Finds what the records API needs about a record type when no generated
 * record types were given to createClient: its list query's name and the
 * selection of a record, read by introspection (two small requests, once per
 * type and client). A server with introspection off cannot be discovered:
 * the error says to pass codegen's `recordTypes` instead.
 */
import { apiError, RelataApiError } from '../errors.ts';
import { namedType, recordSelection, type TypeInfo } from './selection.ts';
import type { RecordTypeDescriptor } from './types.ts';

/** Sends an introspection query and returns its data. */
export type IntrospectionRequest = (query: string, variables: Record<string, unknown>) => Promise<Record<string, unknown>>;

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name } } }';
const FIELDS = `name kind fields { name args { name } type { ${TYPE_REF} } }`;

/** `lineItem` -> `LineItem` (API.md: the GraphQL type is the apiName's PascalCase). */
export function typeNameOf(apiName: string): string {
  return apiName.charAt(0).toUpperCase() + apiName.slice(1);
}

function notFound(apiName: string): RelataApiError {
  return apiError([{ message: `No record type "${apiName}" in this workspace that your credential may read.`, extensions: { code: 'NOT_FOUND' } }], 200);
}

/** Discovers the descriptor of `apiName` through `introspect`. */
export async function discoverRecordType(apiName: string, introspect: IntrospectionRequest): Promise<RecordTypeDescriptor> {
  const typeName = typeNameOf(apiName);
  let data: Record<string, unknown>;
  try {
    data = await introspect(`query RelataRecordType($name: String!) { type: __type(name: $name) { ${FIELDS} } schema: __schema { queryType { fields { name args { name } type { ${TYPE_REF} } } } } }`, {
      name: typeName,
    });
  } catch (error) {
    if (error instanceof RelataApiError && /introspection/i.test(error.message)) {
      throw apiError(
        [{ message: `Cannot discover record type "${apiName}": introspection is off on this server. Pass the recordTypes that \`relata codegen\` writes to createClient.`, extensions: { code: 'BAD_REQUEST' } }],
        error.status,
      );
    }
    throw error;
  }
  const type = data.type as TypeInfo | null;
  const queries = ((data.schema as { queryType: TypeInfo }).queryType.fields ?? []);
  const list = queries.find((f) => namedType(f.type).name === `${typeName}Connection` && f.args.some((a) => (a as { name: string }).name === 'filter'));
  if (!type || type.kind !== 'OBJECT' || !list) throw notFound(apiName);

  // The object types its fields name (to-one targets, Money): one more request for all of them.
  const objects = [...new Set((type.fields ?? []).filter((f) => f.args.length === 0 && namedType(f.type).kind === 'OBJECT').map((f) => namedType(f.type).name!))];
  const others = new Map<string, TypeInfo>();
  if (objects.length > 0) {
    const query = `query RelataRecordTypeObjects { ${objects.map((name, i) => `t${i}: __type(name: ${JSON.stringify(name)}) { ${FIELDS} }`).join(' ')} }`;
    const found = await introspect(query, {});
    for (const value of Object.values(found)) if (value) others.set((value as TypeInfo).name, value as TypeInfo);
  }
  return { apiName, pluralApiName: list.name, typeName, selection: recordSelection(type, (name) => others.get(name)) };
}
