/**
 * JWTs signed by an identity provider (RS256 and ES256), verified against its
 * JSON Web Key Set served by a real HTTP server on 127.0.0.1: keys are fetched
 * once and cached, a token naming an unknown `kid` makes the server fetch the
 * set again (at most once per cooldown), and an unreachable provider is the
 * server's error (500, logged), not the caller's.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_JWT_CLAIMS } from '../src/config.ts';
import { ok, startTestServer, type GraphQLResponse } from './helpers.ts';

const ISSUER = 'https://idp.example/';
const AUDIENCE = 'https://crm.example';
// Short, so that the test can wait it out; the default is 30 s.
const COOLDOWN_MS = 1_500;

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;
type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** A JWKS endpoint: serves `keys`, counts fetches. */
async function startJwksServer() {
  const state = { keys: [] as JWK[], fetches: 0 };
  const server = http.createServer((req, res) => {
    state.fetches++;
    const body = JSON.stringify({ keys: state.keys });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    state,
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function keyPair(alg: 'RS256' | 'ES256', kid: string): Promise<{ pair: KeyPair; jwk: JWK }> {
  const pair = await generateKeyPair(alg, { extractable: true });
  return { pair, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('JWT (JWKS: RS256, ES256)', () => {
  let jwks: Awaited<ReturnType<typeof startJwksServer>>;
  let server: Server;
  let ws: Workspace;
  let rsa: Awaited<ReturnType<typeof keyPair>>;
  let ec: Awaited<ReturnType<typeof keyPair>>;

  async function sign(alg: 'RS256' | 'ES256' | 'HS256', key: CryptoKey | Uint8Array, kid: string | undefined, userId = 'idp-user', roles = ['member']) {
    return new SignJWT({ workspaceId: ws.workspaceId, roles })
      .setProtectedHeader({ alg, ...(kid ? { kid } : {}) })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
  }
  const call = (token: string) => server.request(token, '{ __typename }');

  beforeAll(async () => {
    jwks = await startJwksServer();
    rsa = await keyPair('RS256', 'rsa-1');
    ec = await keyPair('ES256', 'ec-1');
    jwks.state.keys = [rsa.jwk, ec.jwk];
    server = await startTestServer({
      auth: {
        jwt: { jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 30, claims: DEFAULT_JWT_CLAIMS, jwksCooldownMs: COOLDOWN_MS },
      },
    });
    ws = await server.workspace('IdP');
  });
  afterAll(async () => {
    await server.close();
    await jwks.close();
  });

  it('accepts RS256 and ES256 tokens, fetching the key set once', async () => {
    expect(jwks.state.fetches).toBe(0);
    ok(await call(await sign('RS256', rsa.pair.privateKey, 'rsa-1', 'idp-rsa')));
    ok(await call(await sign('ES256', ec.pair.privateKey, 'ec-1', 'idp-ec')));
    ok(await call(await sign('RS256', rsa.pair.privateKey, 'rsa-1', 'idp-rsa')));
    expect(jwks.state.fetches).toBe(1);
    const members = ok(await ws.gql<{ members: Array<{ userId: string; role: string }> }>('{ members { userId role } }')).members;
    expect(members).toEqual([
      { userId: 'idp-rsa', role: 'member' },
      { userId: 'idp-ec', role: 'member' },
    ]);
  });

  it('fetches the key set again when a token names a new kid (key rotation), at most once per cooldown', async () => {
    await sleep(COOLDOWN_MS + 100);
    const rotated = await keyPair('RS256', 'rsa-2');
    jwks.state.keys = [rsa.jwk, ec.jwk, rotated.jwk];
    const before = jwks.state.fetches;
    ok(await call(await sign('RS256', rotated.pair.privateKey, 'rsa-2')));
    expect(jwks.state.fetches).toBe(before + 1);
    // Known kids are served from the refreshed cache.
    ok(await call(await sign('RS256', rotated.pair.privateKey, 'rsa-2')));
    ok(await call(await sign('ES256', ec.pair.privateKey, 'ec-1')));
    expect(jwks.state.fetches).toBe(before + 1);

    // A kid the provider has not published: refused, and within the cooldown no new fetch.
    const unpublished = await keyPair('ES256', 'ec-unpublished');
    for (let i = 0; i < 3; i++) {
      const res = await call(await sign('ES256', unpublished.pair.privateKey, 'ec-unpublished'));
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'INVALID' });
    }
    expect(jwks.state.fetches).toBe(before + 1);
  });

  it('refuses tokens signed by a key outside the set, and algorithm confusion', async () => {
    const stranger = await keyPair('RS256', 'rsa-1');
    const publicPem = await exportSPKI(rsa.pair.publicKey);
    const cases: Record<string, string> = {
      'a foreign key claiming a published kid': await sign('RS256', stranger.pair.privateKey, 'rsa-1'),
      'HS256 signed with the public key as secret': await sign('HS256', new TextEncoder().encode(publicPem), 'rsa-1'),
      'HS256 signed with the public JWK as secret': await sign('HS256', new TextEncoder().encode(JSON.stringify(rsa.jwk)), undefined),
      'an RS256 key used as ES256 kid': await sign('ES256', ec.pair.privateKey, 'rsa-1'),
    };
    for (const [name, token] of Object.entries(cases)) {
      const res: GraphQLResponse = await call(token);
      expect(res.status, name).toBe(401);
      expect(res.errors?.[0], name).toEqual({ message: 'Invalid credentials', extensions: { code: 'UNAUTHENTICATED', reason: 'INVALID' } });
    }
  });

  it('answers 500 and logs when the provider cannot be reached; cached keys keep working', async () => {
    await jwks.close();
    await sleep(COOLDOWN_MS + 100);
    const newer = await keyPair('ES256', 'ec-2');
    const logged = server.loggedErrors.length;
    const res = await call(await sign('ES256', newer.pair.privateKey, 'ec-2'));
    expect(res.status).toBe(500);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) });
    expect(server.loggedErrors.length).toBe(logged + 1);
    ok(await call(await sign('RS256', rsa.pair.privateKey, 'rsa-1')));
  });
});
