/**
 * The workspace the field type tests run in: one record type (`specimen`) with
 * one field of each type of CASES (and a `key` TEXT field that names each test
 * row), created with the metadata API; companies A, B and C for the relation;
 * and the test rows of every case, one group per field type.
 */
import { afterAll, beforeAll } from 'vitest';
import { ok, startTestServer, type GraphQLResponse } from '../helpers.ts';
import { CASES, keyOf, rowKey, selection, type FieldCase } from './cases.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;

/** Introspected input fields of one input type: name → named type. */
export interface InputFieldInfo {
  name: string;
  type: { kind: string; name: string | null; ofType: { kind: string; name: string | null; ofType: { name: string | null } | null } | null };
}
export const namedType = (f: InputFieldInfo) => f.type.name ?? f.type.ofType?.name ?? f.type.ofType?.ofType?.name ?? null;

export type ListResult = { specimens: { totalCount: number; edges: Array<{ node: { id: string; key: string } }> } };

/** Starts the server and fills the workspace before the tests of the calling suite; the helpers talk to it. */
export function useSpecimens() {
  let server: Server;
  let ws: Workspace;
  /** Placeholder → value (company ids). */
  const refs = new Map<string, string>();
  /** Row key → record id. */
  const rowIds = new Map<string, string>();

  function gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) {
    return ws.gql<T>(query, variables);
  }

  /** Replaces relation placeholders ('@A', '@A!', ...) anywhere in `value`. */
  function resolve(value: unknown): unknown {
    if (typeof value === 'string' && value.startsWith('@')) {
      const upper = value.endsWith('!');
      const id = refs.get(upper ? value.slice(0, -1) : value);
      if (id === undefined) throw new Error(`unknown placeholder ${value}`);
      return upper ? id.toUpperCase() : id;
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  }

  async function count(): Promise<number> {
    return ok(await ws.gql<{ specimens: { totalCount: number } }>('{ specimens(includeDeleted: true) { totalCount } }')).specimens.totalCount;
  }

  function create(c: FieldCase, input: Record<string, unknown>) {
    return ws.gql<{ createSpecimen: Record<string, unknown> & { id: string } }>(
      `mutation($input: SpecimenCreateInput!) { createSpecimen(input: $input) { id key ${selection(c)} } }`,
      { input },
    );
  }

  function list(filter: unknown, orderBy?: unknown) {
    return ws.gql<ListResult>(
      `query($filter: SpecimenFilter, $orderBy: [SpecimenOrderBy!]) {
        specimens(filter: $filter, orderBy: $orderBy, first: 200) { totalCount edges { node { id key } } } }`,
      { filter, orderBy },
    );
  }

  async function inputFields(typeName: string): Promise<InputFieldInfo[]> {
    const data = ok(
      await ws.gql<{ __type: { inputFields: InputFieldInfo[] } | null }>(
        `query($name: String!) { __type(name: $name) { inputFields { name type { kind name ofType { kind name ofType { name } } } } } }`,
        { name: typeName },
      ),
    );
    if (!data.__type) throw new Error(`no input type ${typeName}`);
    return data.__type.inputFields;
  }

  function fieldsOf(res: GraphQLResponse): Array<{ field: string; code: string; message: string }> {
    return (res.errors?.[0]?.extensions?.fields ?? []) as Array<{ field: string; code: string; message: string }>;
  }

  beforeAll(async () => {
    server = await startTestServer();
    ws = await server.workspace('Field types');
    ok(await ws.gql(`mutation { createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName } }`));
    ok(await ws.gql(`mutation { createField(objectType: "company", input: { apiName: "name", type: TEXT }) { apiName } }`));
    ok(await ws.gql(`mutation { createObjectType(input: { apiName: "specimen", pluralApiName: "specimens" }) { apiName } }`));
    ok(await ws.gql(`mutation { createField(objectType: "specimen", input: { apiName: "key", type: TEXT }) { apiName } }`));
    for (const c of CASES) {
      ok(
        await ws.gql(`mutation($input: FieldInput!) { createField(objectType: "specimen", input: $input) { apiName type } }`, {
          input: { apiName: c.field, type: c.type, options: c.options },
        }),
      );
    }
    for (const name of ['A', 'B', 'C']) {
      const { createCompany } = ok(
        await ws.gql<{ createCompany: { id: string } }>(`mutation($name: String) { createCompany(input: { name: $name }) { id } }`, { name }),
      );
      refs.set(`@${name}`, createCompany.id);
    }
    refs.set('@MISSING', '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
    const other = ok(await ws.gql<{ createSpecimen: { id: string } }>(`mutation { createSpecimen(input: { key: "OTHER" }) { id } }`));
    refs.set('@SPECIMEN', other.createSpecimen.id);

    // The rows every filter and order case runs on, one group per field type.
    for (const c of CASES) {
      for (const [n, value] of Object.entries(c.rows)) {
        const input: Record<string, unknown> = { key: rowKey(c, n) };
        if (value !== undefined) input[keyOf(c)] = resolve(value);
        const { createSpecimen } = ok(await create(c, input));
        rowIds.set(rowKey(c, n), createSpecimen.id);
      }
    }
  });
  afterAll(() => server.close());

  return { gql, refs, rowIds, resolve, count, create, list, inputFields, fieldsOf };
}
