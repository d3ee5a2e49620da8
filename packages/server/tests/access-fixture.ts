/**
 * The workspace the access tests share: a server accepting JWTs, record types
 * with fields some roles may not see or change, a custom role `sales`, and a
 * client per credential (admin key, JWT members Ann and Bob with `sales`, an API
 * key with `sales`, a viewer key and a viewer JWT).
 *
 * sales, by type:
 * - company: read all, create all, update own, delete none; `revenue` and
 *   `secretNotes` (searchable) hidden, `rating` read-only;
 * - person: read own, create own, update own, delete own; `salary` read-only;
 * - contract: not named (and no `*` rule): invisible.
 */
import { SignJWT } from 'jose';
import { DEFAULT_JWT_CLAIMS, type JwtConfig } from '../src/config.ts';
import { ok, startTestServer, type GraphQLResponse } from './helpers.ts';

const SECRET = 'relata-access-secret-0123456789-abcdefgh';
export const ACCESS_JWT: JwtConfig = { secret: SECRET, clockToleranceSeconds: 30, claims: DEFAULT_JWT_CLAIMS };

/** An HS256 token for `userId` in `workspaceId` with `roles`. */
export function tokenFor(workspaceId: string, userId: string, roles: unknown): Promise<string> {
  return new SignJWT({ sub: userId, workspaceId, roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

export const SALES_RULES = `[
  { type: "company", read: ALL, create: ALL, update: OWN, fields: [{ field: "revenue", access: HIDDEN }, { field: "secretNotes", access: HIDDEN }, { field: "rating", access: READ }] },
  { type: "person", read: OWN, create: OWN, update: OWN, delete: OWN, fields: [{ field: "salary", access: READ }] }
]`;

/** The first error's code. */
export const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;

/** Starts the server and builds the workspace; `close` when done. */
export async function setUpAccess() {
  const server = await startTestServer({ auth: { jwt: ACCESS_JWT } });
  const ws = await server.workspace('Access');
  const admin = ws.gql;
  const schema = [
    'createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName }',
    'createField(objectType: "company", input: { apiName: "name", type: TEXT, required: true, unique: true, searchable: true }) { apiName }',
    'createField(objectType: "company", input: { apiName: "revenue", type: NUMBER }) { apiName }',
    'createField(objectType: "company", input: { apiName: "rating", type: INTEGER }) { apiName }',
    'createField(objectType: "company", input: { apiName: "secretNotes", type: LONG_TEXT, searchable: true }) { apiName }',
    'createObjectType(input: { apiName: "person", pluralApiName: "people" }) { apiName }',
    'createField(objectType: "person", input: { apiName: "name", type: TEXT, required: true, searchable: true }) { apiName }',
    'createField(objectType: "person", input: { apiName: "salary", type: NUMBER }) { apiName }',
    'createField(objectType: "person", input: { apiName: "company", type: RELATION, options: { target: "company", inverseApiName: "people" } }) { apiName }',
    'createObjectType(input: { apiName: "contract", pluralApiName: "contracts" }) { apiName }',
    'createField(objectType: "contract", input: { apiName: "title", type: TEXT, searchable: true }) { apiName }',
    'createField(objectType: "contract", input: { apiName: "company", type: RELATION, options: { target: "company", inverseApiName: "contracts" } }) { apiName }',
  ];
  for (const mutation of schema) ok(await admin(`mutation { ${mutation} }`));
  ok(await admin(`mutation { createRole(input: { name: "sales", description: "Sales reps", rules: ${SALES_RULES} }) { name } }`));

  const key = async (name: string, role: string) =>
    ok(await admin<{ createApiKey: { key: string } }>('mutation($i: ApiKeyInput!) { createApiKey(input: $i) { key } }', { i: { name, role } }))
      .createApiKey.key;
  const tokens = {
    admin: ws.apiKey,
    ann: await tokenFor(ws.workspaceId, 'ann', ['sales']),
    bob: await tokenFor(ws.workspaceId, 'bob', ['sales']),
    salesKey: await key('sales integration', 'sales'),
    viewerKey: await key('dashboard', 'viewer'),
    viewerJwt: await tokenFor(ws.workspaceId, 'vera', ['viewer']),
  };
  const as =
    (token: string) =>
    <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) =>
      server.request<T>(token, query, variables);
  const clients = Object.fromEntries(Object.entries(tokens).map(([name, token]) => [name, as(token)])) as Record<keyof typeof tokens, ReturnType<typeof as>>;
  // Every JWT user becomes a member on its first request: make them all members now.
  for (const token of [tokens.ann, tokens.bob, tokens.viewerJwt]) ok(await server.request(token, '{ __typename }'));
  const { members } = ok(await admin<{ members: Array<{ id: string; userId: string }> }>('{ members { id userId } }'));
  const memberId = (userId: string) => members.find((m) => m.userId === userId)!.id;
  return { server, ws, tokens, clients, as, memberId, close: () => server.close() };
}

export type AccessFixture = Awaited<ReturnType<typeof setUpAccess>>;
