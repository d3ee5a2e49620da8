/**
 * createEmbedToken, round trip: a token minted the way a product's backend
 * would mint it is accepted by a real Relata server, makes the user a member,
 * and carries the lifetime asked for. Secrets (HS256) and private keys
 * (RS256, ES256) published in a JWKS served on 127.0.0.1.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_JWT_CLAIMS } from '../../server/src/config.ts';
import { ok, startTestServer } from '../../server/tests/helpers.ts';
import { createClient, createEmbedToken, DEFAULT_EMBED_TOKEN_TTL } from '../src/index.ts';

const SECRET = 'product-backend-secret-0123456789abcdef';
const ISSUER = 'https://app.product.example';
const AUDIENCE = 'relata';

type Server = Awaited<ReturnType<typeof startTestServer>>;

async function serveJwks(keys: JWK[]) {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('createEmbedToken', () => {
  let server: Server;
  let workspaceId: string;
  let adminKey: string;
  let jwks: Awaited<ReturnType<typeof serveJwks>>;
  let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
  let ec: Awaited<ReturnType<typeof generateKeyPair>>;

  const members = async () =>
    ok(await server.request<{ members: Array<{ id: string; userId: string; role: string }> }>(adminKey, '{ members { id userId role } }')).members;

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256', { extractable: true });
    ec = await generateKeyPair('ES256', { extractable: true });
    jwks = await serveJwks([
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-2026', alg: 'RS256' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-2026', alg: 'ES256' },
    ]);
    server = await startTestServer({
      auth: { jwt: { secret: SECRET, jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 30, claims: DEFAULT_JWT_CLAIMS } },
    });
    ({ workspaceId, apiKey: adminKey } = await server.workspace('Embedded'));
  });
  afterAll(async () => {
    await server.close();
    await jwks.close();
  });

  it('mints an HS256 token the server accepts: the user becomes a member, with no second login', async () => {
    // What the product's backend does for the signed-in user, and what its frontend does with the token.
    const mint = () => createEmbedToken({ secret: SECRET, userId: 'customer-42', workspaceId, roles: ['member'], ttl: 600, issuer: ISSUER, audience: AUDIENCE });
    const client = createClient({ url: `${server.url}/graphql`, getToken: mint });
    expect(await client.request('{ __typename }')).toEqual({ __typename: 'Query' });
    expect(await client.request('{ __typename }')).toEqual({ __typename: 'Query' });
    expect((await members()).filter((m) => m.userId === 'customer-42')).toEqual([{ id: expect.any(String), userId: 'customer-42', role: 'member' }]);

    const claims = decodeJwt(await mint());
    expect(claims).toMatchObject({ sub: 'customer-42', workspaceId, roles: ['member'], iss: ISSUER, aud: AUDIENCE });
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(decodeProtectedHeader(await mint())).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('lasts 5 minutes by default', async () => {
    const claims = decodeJwt(await createEmbedToken({ secret: SECRET, userId: 'u', workspaceId, roles: ['viewer'] }));
    expect(DEFAULT_EMBED_TOKEN_TTL).toBe(300);
    expect(claims.exp! - claims.iat!).toBe(300);
  });

  it('signs RS256 with a PKCS#8 PEM and ES256 with a JWK or a CryptoKey, naming the kid', async () => {
    const base = { workspaceId, roles: ['viewer'], issuer: ISSUER, audience: AUDIENCE };
    const tokens = {
      'customer-rsa': await createEmbedToken({ ...base, userId: 'customer-rsa', privateKey: await exportPKCS8(rsa.privateKey), kid: 'rsa-2026' }),
      'customer-ec-jwk': await createEmbedToken({ ...base, userId: 'customer-ec-jwk', privateKey: await exportJWK(ec.privateKey), kid: 'ec-2026' }),
      'customer-ec-key': await createEmbedToken({ ...base, userId: 'customer-ec-key', privateKey: ec.privateKey, kid: 'ec-2026' }),
    };
    expect(decodeProtectedHeader(tokens['customer-rsa'])).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'rsa-2026' });
    expect(decodeProtectedHeader(tokens['customer-ec-jwk'])).toMatchObject({ alg: 'ES256', kid: 'ec-2026' });
    for (const [userId, token] of Object.entries(tokens)) {
      const res = await server.request(token, '{ __typename }');
      expect(res.status, userId).toBe(200);
    }
    const roles = Object.fromEntries((await members()).map((m) => [m.userId, m.role]));
    expect(roles).toMatchObject({ 'customer-rsa': 'viewer', 'customer-ec-jwk': 'viewer', 'customer-ec-key': 'viewer' });
  });

  it('a token for another audience, or signed with another secret, is refused', async () => {
    const wrongAudience = await createEmbedToken({ secret: SECRET, userId: 'x', workspaceId, roles: ['admin'], issuer: ISSUER, audience: 'other' });
    const wrongSecret = await createEmbedToken({ secret: `${SECRET}-rotated`, userId: 'x', workspaceId, roles: ['admin'], issuer: ISSUER, audience: AUDIENCE });
    for (const token of [wrongAudience, wrongSecret]) {
      const res = await server.request(token, '{ __typename }');
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'INVALID' });
    }
  });

  it('refuses a short secret, no key, no roles and a non-positive ttl before signing anything', async () => {
    const base = { userId: 'u', workspaceId, roles: ['member'] };
    await expect(createEmbedToken({ ...base, secret: 'too-short' })).rejects.toThrow(/at least 32 bytes/);
    await expect(createEmbedToken({ ...base, secret: SECRET, roles: [] })).rejects.toThrow(/roles/);
    await expect(createEmbedToken({ ...base, secret: SECRET, ttl: 0 })).rejects.toThrow(/ttl/);
    await expect(createEmbedToken({ ...base, secret: SECRET, userId: '' })).rejects.toThrow(/userId/);
    await expect(createEmbedToken({ ...base, privateKey: 'not a pem' })).rejects.toThrow(/PKCS#8/);
    // @ts-expect-error neither a secret nor a private key: the types refuse it, and so does a JavaScript call.
    await expect(createEmbedToken(base)).rejects.toThrow(/secret.*privateKey/);
  });
});

describe('createEmbedToken with the server configured for other claim names', () => {
  it('writes the claims the server reads', async () => {
    const claims = { user: 'uid', workspace: 'tenant', roles: 'https://product.example/roles' };
    const server = await startTestServer({ auth: { jwt: { secret: SECRET, clockToleranceSeconds: 30, claims } } });
    try {
      const { workspaceId, apiKey } = await server.workspace('Claims');
      const token = await createEmbedToken({ secret: SECRET, userId: 'customer-7', workspaceId, roles: ['member'], claimNames: claims });
      expect(decodeJwt(token)).toMatchObject({ uid: 'customer-7', tenant: workspaceId, 'https://product.example/roles': ['member'] });
      ok(await server.request(token, '{ __typename }'));
      const members = ok(await server.request<{ members: Array<{ userId: string }> }>(apiKey, '{ members { userId } }')).members;
      expect(members.map((m) => m.userId)).toEqual(['customer-7']);
    } finally {
      await server.close();
    }
  });
});
