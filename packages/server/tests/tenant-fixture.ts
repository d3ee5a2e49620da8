/**
 * The fixture of tenant-isolation.test.ts: the schema both workspaces get, the
 * records each is seeded with (and those only B holds), and helpers to read
 * answers.
 */
import { DEFAULT_JWT_CLAIMS, type JwtConfig } from '../src/config.ts';
import { ok, type GraphQLResponse, type startTestServer } from './helpers.ts';

export type Server = Awaited<ReturnType<typeof startTestServer>>;
export type Workspace = Awaited<ReturnType<Server['workspace']>>;
export type Vars = Record<string, unknown>;
export type Ids = Awaited<ReturnType<typeof seed>>;

export const JWT: JwtConfig = {
  secret: 'tenant-isolation-secret-0123456789-abcdef',
  issuer: 'https://product.example',
  audience: 'relata',
  clockToleranceSeconds: 30,
  claims: DEFAULT_JWT_CLAIMS,
};

export const SCHEMA = [
  'createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { id }',
  'createField(objectType: "company", input: { apiName: "name", type: TEXT, unique: true, indexed: true, searchable: true }) { id }',
  'createField(objectType: "company", input: { apiName: "tagline", type: TEXT, searchable: true }) { id }',
  'createObjectType(input: { apiName: "person", pluralApiName: "people" }) { id }',
  'createField(objectType: "person", input: { apiName: "name", type: TEXT, searchable: true }) { id }',
  'createField(objectType: "person", input: { apiName: "company", type: RELATION, options: { target: "company", inverseApiName: "people" } }) { id }',
  'createObjectType(input: { apiName: "opportunity", pluralApiName: "opportunities" }) { id }',
  'createField(objectType: "opportunity", input: { apiName: "title", type: TEXT }) { id }',
  'createField(objectType: "opportunity", input: { apiName: "contacts", type: RELATION, options: { target: "person", kind: "MANY_TO_MANY", inverseApiName: "opportunities" } }) { id }',
  'createObjectType(input: { apiName: "note", pluralApiName: "notes" }) { id }',
  'createField(objectType: "note", input: { apiName: "body", type: TEXT }) { id }',
  'createField(objectType: "note", input: { apiName: "parent", type: RELATION, options: { targets: ["company", "person"], inverseApiName: "notes" } }) { id }',
];

/** Words only B's records hold. */
export const B_ONLY_WORDS = ['Zorblax', 'Zedekiah', 'hyperdrive'];

/** Everything of a workspace a write could touch: values, versions, deletions, links. */
export const STATE = `{
  companies(includeDeleted: true) { edges { node { id name tagline version deletedAt } } }
  people(includeDeleted: true) { edges { node { id name version deletedAt company { id } opportunities(first: 10) { edges { node { id } } } } } }
  opportunities(includeDeleted: true) { edges { node { id title version deletedAt contacts(first: 10) { edges { node { id } } } } } }
  notes(includeDeleted: true) { edges { node { id body version deletedAt parent { ... on Company { id } ... on Person { id } } } } }
}`;

/** The ids of the records a create mutation (its first field) returns. */
export async function created(ws: Workspace, mutation: string, variables: Vars = {}): Promise<string[]> {
  const data = ok(await ws.gql<Record<string, Array<{ id: string }>>>(mutation, variables));
  return Object.values(data)[0]!.map((r) => r.id);
}

/** The types and records both workspaces have: ids by record. */
export async function seed(ws: Workspace) {
  for (const m of SCHEMA) ok(await ws.gql(`mutation { ${m} }`));
  const [acme, globex, gone] = await created(ws, 'mutation { createCompanies(inputs: [{ name: "Acme", tagline: "rockets" }, { name: "Globex" }, { name: "Gone" }]) { id } }');
  const [ann, bob] = await created(ws, 'mutation($a: ID, $g: ID) { createPeople(inputs: [{ name: "Ann", companyId: $a }, { name: "Bob", companyId: $g }]) { id } }', { a: acme, g: globex });
  const [renewal] = await created(ws, 'mutation($c: [ID!]) { createOpportunities(inputs: [{ title: "Renewal", contacts: { connect: $c } }]) { id } }', { c: [ann, bob] });
  const [note] = await created(ws, 'mutation($p: ID) { createNotes(inputs: [{ body: "Call back", parentId: $p }]) { id } }', { p: acme });
  ok(await ws.gql('mutation($id: ID!) { deleteCompany(id: $id) { id } }', { id: gone }));
  const ids = { acme, globex, gone, ann, bob, renewal, note };
  return ids as Record<keyof typeof ids, string>;
}

/** B's own extras: a company and person with B-only words, and unique names that A later uses for itself. */
export async function seedOnlyB(b: Workspace) {
  const [zorblax] = await created(b, `mutation { createCompanies(inputs: [{ name: "Zorblax", tagline: "hyperdrive" },
    { name: "Quasar Ltd", tagline: "theirs" }, { name: "Nimbus" }, { name: "Cirrus" }, { name: "Stratus" }, { name: "Gone" }]) { id } }`);
  const [zedekiah] = await created(b, 'mutation($c: ID) { createPeople(inputs: [{ name: "Zedekiah", companyId: $c }]) { id } }', { c: zorblax });
  const [zNote] = await created(b, 'mutation($p: ID) { createNotes(inputs: [{ body: "Zedekiah called", parentId: $p }]) { id } }', { p: zedekiah });
  return { zorblax: zorblax!, zedekiah: zedekiah!, zNote: zNote! };
}

export const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
export const uuidsIn = (value: unknown): string[] => JSON.stringify(value ?? null).match(UUIDS) ?? [];
export const codeOf = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;
export const nodeIds = (connection: { edges: Array<{ node: { id: string } }> }) => connection.edges.map((e) => e.node.id);
export type Connection = { totalCount: number; edges: Array<{ node: { id: string } }> };
