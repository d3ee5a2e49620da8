/**
 * How an operator connects an identity provider: the RELATA_JWT_* variables,
 * their defaults and the mistakes they refuse, and what the configured claim
 * names and default role do to a verified token.
 */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createJwtVerifier } from '../src/auth/jwt-verifier.ts';
import { resolveConfig } from '../src/config.ts';

const SECRET = 'x'.repeat(32);

describe('JWT configuration (RELATA_JWT_*)', () => {
  it('is off without a secret or a JWKS URL', () => {
    expect(resolveConfig({}).jwt).toBeUndefined();
  });

  it('reads a secret with the default claims and a 30 s clock tolerance', () => {
    expect(resolveConfig({ RELATA_JWT_SECRET: SECRET }).jwt).toEqual({
      secret: SECRET,
      jwksUrl: undefined,
      issuer: undefined,
      audience: undefined,
      clockToleranceSeconds: 30,
      claims: { user: 'sub', workspace: 'workspaceId', roles: 'roles' },
      defaultRole: undefined,
    });
  });

  it('reads a JWKS URL, issuer, audience, tolerance, claim names and default role', () => {
    const jwt = resolveConfig({
      RELATA_JWKS_URL: 'https://tenant.example/.well-known/jwks.json',
      RELATA_JWT_ISSUER: 'https://tenant.example/',
      RELATA_JWT_AUDIENCE: 'relata',
      RELATA_JWT_CLOCK_TOLERANCE: '5',
      RELATA_JWT_CLAIM_USER: 'uid',
      RELATA_JWT_CLAIM_WORKSPACE: 'https://relata.example/workspace',
      RELATA_JWT_CLAIM_ROLES: 'https://relata.example/roles',
      RELATA_JWT_DEFAULT_ROLE: 'viewer',
    }).jwt;
    expect(jwt).toMatchObject({
      jwksUrl: 'https://tenant.example/.well-known/jwks.json',
      issuer: 'https://tenant.example/',
      audience: 'relata',
      clockToleranceSeconds: 5,
      claims: { user: 'uid', workspace: 'https://relata.example/workspace', roles: 'https://relata.example/roles' },
      defaultRole: 'viewer',
    });
    // http is fine on a loopback address (a local provider in development).
    expect(resolveConfig({ RELATA_JWKS_URL: 'http://127.0.0.1:9000/jwks', RELATA_JWT_ISSUER: 'i', RELATA_JWT_AUDIENCE: 'a' }).jwt?.jwksUrl).toBe('http://127.0.0.1:9000/jwks');
  });

  it('refuses mistakes, naming the variable', () => {
    const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
      [{ RELATA_JWT_SECRET: 'short' }, /RELATA_JWT_SECRET must be at least 32 bytes/],
      [{ RELATA_JWKS_URL: 'http://idp.example/jwks', RELATA_JWT_ISSUER: 'i', RELATA_JWT_AUDIENCE: 'a' }, /RELATA_JWKS_URL must be an https:\/\/ URL/],
      [{ RELATA_JWKS_URL: 'not a url' }, /RELATA_JWKS_URL is not a valid URL/],
      [{ RELATA_JWKS_URL: 'https://idp.example/jwks', RELATA_JWT_ISSUER: 'i' }, /RELATA_JWKS_URL needs RELATA_JWT_ISSUER and RELATA_JWT_AUDIENCE/],
      [{ RELATA_JWT_SECRET: SECRET, RELATA_JWT_CLOCK_TOLERANCE: '1m' }, /RELATA_JWT_CLOCK_TOLERANCE must be a whole number of seconds/],
      [{ RELATA_JWT_SECRET: SECRET, RELATA_JWT_CLOCK_TOLERANCE: '301' }, /RELATA_JWT_CLOCK_TOLERANCE/],
      [{ RELATA_JWT_SECRET: SECRET, RELATA_JWT_DEFAULT_ROLE: 'owner' }, /RELATA_JWT_DEFAULT_ROLE must be one of admin, member, viewer/],
      [{ RELATA_JWT_AUDIENCE: 'relata' }, /RELATA_JWT_AUDIENCE is set, but JWTs are off/],
    ];
    for (const [env, message] of cases) expect(() => resolveConfig(env), JSON.stringify(env)).toThrow(message);
    expect(() => resolveConfig({ RELATA_JWT_SECRET: 'short-secret' })).not.toThrow(/short-secret/);
  });
});

describe('claim names and the default role', () => {
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1m').sign(new TextEncoder().encode(SECRET));
  const workspaceId = '01a2055c-2338-741d-887c-86a3d4075bc2';

  it('reads the user, workspace and roles from the configured claims', async () => {
    const { jwt } = resolveConfig({
      RELATA_JWT_SECRET: SECRET,
      RELATA_JWT_CLAIM_USER: 'uid',
      RELATA_JWT_CLAIM_WORKSPACE: 'https://relata.example/workspace',
      RELATA_JWT_CLAIM_ROLES: 'https://relata.example/roles',
    });
    const verifier = createJwtVerifier(jwt!);
    const token = await sign({ sub: 'ignored', uid: 4711, 'https://relata.example/workspace': workspaceId.toUpperCase(), 'https://relata.example/roles': ['billing', 'admin'] });
    // The workspace decides which names it knows (a custom role may be called "billing").
    expect(await verifier.verify(token)).toEqual({ userId: '4711', workspaceId, roles: ['billing', 'admin'] });
  });

  it('passes RELATA_JWT_DEFAULT_ROLE along, for tokens naming no role the workspace knows', async () => {
    const strict = createJwtVerifier(resolveConfig({ RELATA_JWT_SECRET: SECRET }).jwt!);
    const lenient = createJwtVerifier(resolveConfig({ RELATA_JWT_SECRET: SECRET, RELATA_JWT_DEFAULT_ROLE: 'viewer' }).jwt!);
    const noRole = await sign({ sub: 'u1', workspaceId });
    expect(await strict.verify(noRole)).toEqual({ userId: 'u1', workspaceId, roles: [] });
    expect(await lenient.verify(noRole)).toEqual({ userId: 'u1', workspaceId, roles: [], defaultRole: 'viewer' });
    // A single role may be a string; anything but strings is ignored.
    expect(await lenient.verify(await sign({ sub: 'u1', workspaceId, roles: 'member' }))).toMatchObject({ roles: ['member'] });
    expect(await strict.verify(await sign({ sub: 'u1', workspaceId, roles: [42, 'viewer', null] }))).toMatchObject({ roles: ['viewer'] });
  });
});
