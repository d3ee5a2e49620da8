/**
 * JWTs signed with a shared secret (HS256): a valid token makes its user a
 * member of its workspace on first use and acts as that member, with the
 * token's role; every token that is forged, for someone else, or outside its
 * lifetime answers 401, and a forgery learns nothing from the answer.
 */
import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_JWT_CLAIMS, type JwtConfig } from '../src/config.ts';
import { ok, startTestServer, type GraphQLResponse } from './helpers.ts';

const SECRET = 'relata-test-secret-0123456789-abcdefghij';
const ISSUER = 'https://product.example';
const AUDIENCE = 'relata';
const JWT: JwtConfig = { secret: SECRET, issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 30, claims: DEFAULT_JWT_CLAIMS };

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;
interface MemberRow {
  id: string;
  userId: string;
  role: string;
}

const now = () => Math.floor(Date.now() / 1000);

/** A token as a product's backend would sign it; `claims` and `options` override the defaults. */
async function sign(
  claims: JWTPayload,
  options: { alg?: string; key?: Uint8Array | CryptoKey; iss?: string | null; aud?: string | null; exp?: number | null; nbf?: number } = {},
): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256' }).setIssuedAt();
  if (options.iss !== null) jwt.setIssuer(options.iss ?? ISSUER);
  if (options.aud !== null) jwt.setAudience(options.aud ?? AUDIENCE);
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? now() + 300);
  if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
  return jwt.sign(options.key ?? new TextEncoder().encode(SECRET));
}

const reason = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.reason;
const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;

describe('JWT (HS256)', () => {
  let server: Server;
  let ws: Workspace;
  /** The answer to a key that does not exist: what every forgery must get too. */
  let unknownKeyAnswer: GraphQLResponse;

  const claimsFor = (userId: string, roles: unknown = ['member']) => ({ sub: userId, workspaceId: ws.workspaceId, roles });
  const members = async () => ok(await ws.gql<{ members: MemberRow[] }>('{ members { id userId role } }')).members;

  beforeAll(async () => {
    server = await startTestServer({ auth: { jwt: JWT } });
    ws = await server.workspace('Product');
    ok(await ws.gql(`mutation { createObjectType(input: { apiName: "note", pluralApiName: "notes" }) { apiName } }`));
    ok(await ws.gql(`mutation { createField(objectType: "note", input: { apiName: "body", type: TEXT }) { apiName } }`));
    unknownKeyAnswer = await server.request(`rk_${'0'.repeat(32)}`, '{ __typename }');
  });
  afterAll(() => server.close());

  it('makes the user a member on first use, acts as that member, and reuses it afterwards', async () => {
    const token = await sign(claimsFor('user-ann', ['member']));
    const created = ok(await server.request<{ createNote: { id: string } }>(token, 'mutation { createNote(input: { body: "hi" }) { id } }', {})).createNote;
    const ann = (await members()).filter((m) => m.userId === 'user-ann');
    expect(ann).toEqual([{ id: expect.any(String), userId: 'user-ann', role: 'member' }]);
    // The actor was that member: the record is owned by it.
    const { rows } = await server.engine.db.sql.query<{ owner_id: string }>('SELECT "owner_id" FROM "record" WHERE "workspace_id" = $1 AND "id" = $2', [ws.workspaceId, created.id]);
    expect(rows[0]?.owner_id).toBe(ann[0]!.id);

    // A later token of the same user is the same member.
    ok(await server.request(await sign(claimsFor('user-ann', ['member'])), '{ notes { totalCount } }'));
    expect((await members()).filter((m) => m.userId === 'user-ann')).toEqual(ann);
  });

  it('acts with every role of the token the workspace knows, and shows them in members', async () => {
    const viewer = await sign(claimsFor('user-bob', ['editor', 'viewer']));
    expect(ok(await server.request<{ notes: { totalCount: number } }>(viewer, '{ notes { totalCount } }')).notes.totalCount).toBeGreaterThanOrEqual(1);
    const forbidden = await server.request(viewer, '{ members { id } }');
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(code(await server.request(viewer, 'mutation { createNote(input: { body: "x" }) { id } }'))).toBe('BAD_REQUEST');
    expect((await members()).find((m) => m.userId === 'user-bob')?.role).toBe('viewer');

    // Roles add up: viewer and member may write; a custom role of the workspace counts once it exists.
    const both = await sign(claimsFor('user-bob', ['viewer', 'member']));
    ok(await server.request(both, 'mutation { createNote(input: { body: "by both" }) { id } }'));
    ok(await ws.gql('mutation { createRole(input: { name: "editor", rules: [{ type: "note", read: ALL, create: ALL }] }) { name } }'));
    ok(await server.request(viewer, 'mutation { createNote(input: { body: "by an editor" }) { id } }'));
    const roles = ok(await ws.gql<{ members: Array<{ userId: string; roles: string[] }> }>('{ members { userId roles } }'));
    expect(roles.members.find((m) => m.userId === 'user-bob')?.roles).toEqual(['editor', 'viewer']);

    // One role as a plain string counts too; an admin token may use the admin API.
    const admin = await sign(claimsFor('user-bob', 'admin'));
    expect(ok(await server.request<{ members: MemberRow[] }>(admin, '{ members { userId role } }')).members).toContainEqual({ userId: 'user-bob', role: 'admin' });
  });

  it('refuses a token that names no role the workspace knows, and adds no member for it', async () => {
    for (const roles of [['stranger'], [], 'Admin', 42, undefined]) {
      const claims = { sub: 'user-nobody', workspaceId: ws.workspaceId, ...(roles === undefined ? {} : { roles }) };
      const res = await server.request(await sign(claims), '{ __typename }');
      expect(res.status, JSON.stringify(roles)).toBe(401);
      expect(reason(res)).toBe('INVALID');
      expect(res.errors?.[0]?.message).toMatch(/no role this workspace knows/);
    }
    expect((await members()).map((m) => m.userId)).not.toContain('user-nobody');
  });

  it('makes one member of many concurrent first requests', async () => {
    const tokens = await Promise.all(Array.from({ length: 12 }, () => sign(claimsFor('user-race'))));
    const answers = await Promise.all(tokens.map((t) => server.request(t, '{ __typename }')));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect((await members()).filter((m) => m.userId === 'user-race')).toHaveLength(1);
  });

  it("sees the workspace's metadata as of the request, like an API key", async () => {
    const admin = await sign(claimsFor('user-admin', ['admin']));
    ok(await server.request(admin, `mutation { createObjectType(input: { apiName: "task", pluralApiName: "tasks" }) { apiName } }`));
    expect(ok(await server.request<{ tasks: { totalCount: number } }>(admin, '{ tasks { totalCount } }')).tasks.totalCount).toBe(0);
  });

  it('accepts exp and nbf within the clock tolerance (30 s)', async () => {
    ok(await server.request(await sign(claimsFor('user-skew'), { exp: now() - 10 }), '{ __typename }'));
    ok(await server.request(await sign(claimsFor('user-skew'), { nbf: now() + 10 }), '{ __typename }'));
  });

  it('answers EXPIRED and NOT_YET_VALID for a correctly signed token outside its lifetime', async () => {
    const expired = await server.request(await sign(claimsFor('user-late'), { exp: now() - 60 }), '{ __typename }');
    expect(expired.status).toBe(401);
    expect(expired.errors).toEqual([{ message: 'The credentials have expired', extensions: { code: 'UNAUTHENTICATED', reason: 'EXPIRED' } }]);
    const early = await server.request(await sign(claimsFor('user-early'), { nbf: now() + 120 }), '{ __typename }');
    expect(early.status).toBe(401);
    expect(reason(early)).toBe('NOT_YET_VALID');
  });

  it('answers every forged or misdirected token exactly like an unknown API key', async () => {
    const good = await sign(claimsFor('user-eve', ['member']));
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const escalated = Buffer.from(JSON.stringify({ ...claimsFor('user-eve', ['admin']), iss: ISSUER, aud: AUDIENCE, exp: now() + 300 })).toString('base64url');
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    const rsa = await generateKeyPair('RS256');

    const forgeries: Record<string, string> = {
      'a tampered signature': `${header}.${payload}.${flipped}`,
      'a tampered payload (roles raised to admin)': `${header}.${escalated}.${signature}`,
      'no signature': `${header}.${payload}.`,
      'another secret': await sign(claimsFor('user-eve'), { key: new TextEncoder().encode('another-secret-of-32-bytes-or-more!!') }),
      'the wrong audience': await sign(claimsFor('user-eve'), { aud: 'another-app' }),
      'no audience': await sign(claimsFor('user-eve'), { aud: null }),
      'the wrong issuer': await sign(claimsFor('user-eve'), { iss: 'https://evil.example' }),
      'no expiry': await sign(claimsFor('user-eve'), { exp: null }),
      'alg none': new UnsecuredJWT({ ...claimsFor('user-eve', ['admin']), iss: ISSUER, aud: AUDIENCE, exp: now() + 300 }).encode(),
      'HS512 with the right secret': await sign(claimsFor('user-eve'), { alg: 'HS512' }),
      'RS256, not configured': await sign(claimsFor('user-eve'), { alg: 'RS256', key: rsa.privateKey }),
      'garbage in JWT form': 'abc.def.ghi',
    };
    for (const [name, token] of Object.entries(forgeries)) {
      const res = await server.request(token, '{ __typename }');
      expect(res, name).toEqual(unknownKeyAnswer);
    }
    expect(unknownKeyAnswer).toMatchObject({ status: 401, errors: [{ extensions: { code: 'UNAUTHENTICATED', reason: 'INVALID' } }] });
    expect((await members()).map((m) => m.userId)).not.toContain('user-eve');
  });

  it('serves an app embedded on another origin: the preflight needs no token, and a 401 is readable there', async () => {
    const origin = 'https://app.product.example';
    const preflight = await fetch(`${server.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, content-type');

    const post = (token: string) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    const accepted = await post(await sign(claimsFor('user-embedded')));
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('access-control-allow-origin')).toBe(origin);
    const expired = await post(await sign(claimsFor('user-embedded'), { exp: now() - 60 }));
    expect(expired.status).toBe(401);
    expect(expired.headers.get('access-control-allow-origin')).toBe(origin);
    expect(((await expired.json()) as GraphQLResponse).errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'EXPIRED' });
  });

  it('refuses a correctly signed token for a workspace that does not exist, or without a user', async () => {
    for (const claims of [
      { sub: 'user-x', workspaceId: randomUUID(), roles: ['admin'] },
      { sub: 'user-x', workspaceId: 'not-a-uuid', roles: ['admin'] },
      { sub: 'user-x', roles: ['admin'] },
      { workspaceId: ws.workspaceId, roles: ['admin'] },
      { sub: '', workspaceId: ws.workspaceId, roles: ['admin'] },
      { sub: 'u'.repeat(256), workspaceId: ws.workspaceId, roles: ['admin'] },
    ]) {
      const res = await server.request(await sign(claims), '{ __typename }');
      expect(res.status, JSON.stringify(claims)).toBe(401);
      expect(reason(res), JSON.stringify(claims)).toBe('INVALID');
    }
    expect((await members()).map((m) => m.userId)).not.toContain('user-x');
  });
});
