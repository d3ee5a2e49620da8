/**
 * The roles admin API: built-in and custom roles, every problem of a role's
 * input reported at once, changes applying to their holders' very next request,
 * and only admins managing roles, metadata and keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { code, setUpAccess, tokenFor, type AccessFixture } from './access-fixture.ts';
import { ok, type GraphQLResponse } from './helpers.ts';

const fields = (res: GraphQLResponse) => (res.errors?.[0]?.extensions?.fields as Array<{ field: string; code: string }> | undefined)?.map((f) => [f.field, f.code]);
const ROLES = '{ roles { name builtIn admin rules { type read create update delete fields { field access } } } }';

describe('roles API', () => {
  let f: AccessFixture;
  beforeAll(async () => {
    f = await setUpAccess();
  });
  afterAll(() => f.close());

  it('lists the built-in roles, then the custom ones with their rules', async () => {
    type Role = { name: string; builtIn: boolean; admin: boolean; rules: Array<Record<string, unknown>> };
    const { roles } = ok(await f.clients.admin<{ roles: Role[] }>(ROLES));
    expect(roles.map((r) => [r.name, r.builtIn, r.admin])).toEqual([
      ['admin', true, true],
      ['member', true, false],
      ['viewer', true, false],
      ['sales', false, false],
    ]);
    expect(roles.find((r) => r.name === 'viewer')!.rules).toEqual([{ type: '*', read: 'ALL', create: 'NONE', update: 'NONE', delete: 'NONE', fields: [] }]);
    expect(roles.find((r) => r.name === 'sales')!.rules[0]).toEqual({
      type: 'company',
      read: 'ALL',
      create: 'ALL',
      update: 'OWN',
      delete: 'NONE',
      fields: [
        { field: 'rating', access: 'READ' },
        { field: 'revenue', access: 'HIDDEN' },
        { field: 'secretNotes', access: 'HIDDEN' },
      ],
    });
  });

  it('reports every problem of a role at once and creates nothing', async () => {
    const res = await f.clients.admin(`mutation { createRole(input: { name: "viewer", rules: [
      { type: "invoice", read: ALL },
      { type: "company", read: OWN, update: ALL, delete: ALL },
      { type: "company", read: ALL },
      { type: "person", create: OWN, fields: [{ field: "shoeSize", access: READ }, { field: "name", access: READ }, { field: "name", access: WRITE }] },
      { type: "*", read: ALL, fields: [{ field: "name", access: HIDDEN }] }
    ] }) { name } }`);
    expect(code(res)).toBe('VALIDATION_FAILED');
    expect(fields(res)).toEqual([
      ['input.name', 'RESERVED_NAME'],
      ['input.rules.0.type', 'UNKNOWN_TYPE'],
      ['input.rules.1.update', 'EXCEEDS_READ'],
      ['input.rules.1.delete', 'EXCEEDS_READ'],
      ['input.rules.2.type', 'DUPLICATE'],
      ['input.rules.3.create', 'NEEDS_READ'],
      ['input.rules.3.fields.0.field', 'UNKNOWN_FIELD'],
      ['input.rules.3.fields.2.field', 'DUPLICATE'],
      ['input.rules.4.fields.0.field', 'NEEDS_TYPE'],
    ]);
    expect(fields(await f.clients.admin('mutation { createRole(input: { name: "sales", rules: [] }) { name } }'))).toEqual([['input.name', 'ALREADY_EXISTS']]);
    expect(fields(await f.clients.admin('mutation { createRole(input: { name: "has space", rules: [] }) { name } }'))).toEqual([['input.name', 'INVALID_FORMAT']]);
    expect(ok(await f.clients.admin<{ roles: unknown[] }>('{ roles { name } }')).roles).toHaveLength(4);
  });

  it('applies a role change on the next request of its holders: their data and their schema', async () => {
    const ann = f.as(await tokenFor(f.ws.workspaceId, 'ann', ['sales']));
    ok(await f.clients.admin('mutation { createCompany(input: { name: "Initech", rating: 2 }) { id } }'));
    expect(ok(await ann('{ companies { edges { node { rating } } } }'))).toBeTruthy();
    ok(await f.clients.admin(`mutation { updateRole(name: "sales", input: { rules: [{ type: "company", read: ALL, fields: [{ field: "rating", access: HIDDEN }] }] }) { name } }`));
    expect(code(await ann('{ companies { edges { node { rating } } } }'))).toBe('BAD_REQUEST');
    expect(code(await ann('{ people { totalCount } }'))).toBe('BAD_REQUEST');
    ok(await ann('{ companies { edges { node { name } } } }'));
    // Built-in roles are Relata's, not the workspace's.
    const builtIn = await f.clients.admin('mutation { updateRole(name: "viewer", input: { rules: [] }) { name } }');
    expect(fields(builtIn)).toEqual([['name', 'BUILT_IN']]);
    expect(code(await f.clients.admin('mutation { updateRole(name: "ghost", input: { rules: [] }) { name } }'))).toBe('NOT_FOUND');
  });

  it('deletes a custom role once no active key acts with it; its tokens then name no known role', async () => {
    ok(await f.clients.admin('mutation { createRole(input: { name: "temp", rules: [{ type: "*", read: ALL }] }) { name } }'));
    const { createApiKey } = ok(
      await f.clients.admin<{ createApiKey: { key: string; apiKey: { id: string } } }>('mutation { createApiKey(input: { name: "t", role: "temp" }) { key apiKey { id } } }'),
    );
    const held = await f.clients.admin('mutation { deleteRole(name: "temp") }');
    expect(code(held)).toBe('CONFLICT');
    expect(held.errors?.[0]?.extensions).toMatchObject({ reason: 'ROLE_IN_USE', apiKeys: 1 });
    ok(await f.server.request(createApiKey.key, '{ companies { totalCount } }'));
    ok(await f.clients.admin(`mutation { revokeApiKey(id: "${createApiKey.apiKey.id}") }`));
    expect(ok(await f.clients.admin('mutation { deleteRole(name: "temp") }'))).toEqual({ deleteRole: true });
    const orphan = await f.server.request(await tokenFor(f.ws.workspaceId, 'tim', ['temp']), '{ __typename }');
    expect(orphan.status).toBe(401);
    expect(orphan.errors?.[0]?.extensions?.reason).toBe('INVALID');
  });

  it('lets only admins manage roles, record types, keys and members: every other credential gets FORBIDDEN', async () => {
    const member = ok(await f.clients.admin<{ createApiKey: { key: string } }>('mutation { createApiKey(input: { name: "m", role: "member" }) { key } }')).createApiKey.key;
    const operations = [
      ROLES,
      'mutation { createRole(input: { name: "mine", rules: [{ type: "*", read: ALL, create: ALL, update: ALL, delete: ALL }] }) { name } }',
      'mutation { updateRole(name: "sales", input: { rules: [{ type: "*", read: ALL }] }) { name } }',
      'mutation { deleteRole(name: "sales") }',
      'mutation { createObjectType(input: { apiName: "spy", pluralApiName: "spies" }) { apiName } }',
      'mutation { createApiKey(input: { name: "escalate", role: "admin" }) { key } }',
      '{ apiKeys { id } }',
      '{ members { id } }',
    ];
    const credentials = [member, f.tokens.viewerKey, f.tokens.viewerJwt, f.tokens.salesKey, await tokenFor(f.ws.workspaceId, 'ann', ['sales', 'member'])];
    for (const token of credentials) {
      for (const operation of operations) expect(code(await f.server.request(token, operation)), operation).toBe('FORBIDDEN');
    }
    expect(ok(await f.clients.admin<{ roles: Array<{ name: string }> }>('{ roles { name } }')).roles.map((r) => r.name)).not.toContain('mine');
  });

  it('refuses a record type whose GraphQL names would take the roles API’s', async () => {
    const res = await f.clients.admin('mutation { createObjectType(input: { apiName: "roleRule", pluralApiName: "roleRules" }) { apiName } }');
    expect(code(res)).toBe('VALIDATION_FAILED');
  });
});
