/**
 * How JWTs are verified, from the `RELATA_JWT_*` and `RELATA_JWKS_URL` variables
 * (docs/security.md#connecting-an-identity-provider).
 */
import { BUILT_IN_ROLES, isBuiltInRole } from '@relata/core';
import { ConfigError, read } from './env.ts';

/** Which claims of a JWT carry the user id, the workspace and the roles. */
export interface JwtClaimNames {
  /** Claim of the identity provider's user id, from `RELATA_JWT_CLAIM_USER`. @default 'sub' */
  user: string;
  /** Claim of the workspace id, from `RELATA_JWT_CLAIM_WORKSPACE`. @default 'workspaceId' */
  workspace: string;
  /** Claim of the role names (an array, or one string), from `RELATA_JWT_CLAIM_ROLES`. @default 'roles' */
  roles: string;
}

/**
 * How JWTs are verified. Set `secret` (HS256), `jwksUrl` (RS256 and ES256), or
 * both: a token's `alg` picks the key, and only these three algorithms are accepted.
 */
export interface JwtConfig {
  /**
   * Shared secret of HS256 tokens, from `RELATA_JWT_SECRET`; at least 32 bytes.
   * @example 'b1f0c7...a random string of 32 characters or more'
   */
  secret?: string;
  /**
   * URL of the identity provider's JSON Web Key Set, from `RELATA_JWKS_URL`:
   * https, or http on a loopback address. Fetched on first use, cached, and
   * fetched again when a token names an unknown `kid`.
   * @example 'https://example.eu.auth0.com/.well-known/jwks.json'
   */
  jwksUrl?: string;
  /** Required `iss`, from `RELATA_JWT_ISSUER`; required with `jwksUrl`. @default unchecked */
  issuer?: string;
  /** Required `aud` (one of the token's audiences), from `RELATA_JWT_AUDIENCE`; required with `jwksUrl`. @default unchecked */
  audience?: string;
  /** Seconds of clock skew allowed on `exp` and `nbf`, from `RELATA_JWT_CLOCK_TOLERANCE`. @default 30 */
  clockToleranceSeconds: number;
  /** Which claims carry the user id, workspace and roles. */
  claims: JwtClaimNames;
  /**
   * Role of a token that names no known role, from `RELATA_JWT_DEFAULT_ROLE`
   * (`admin`, `member` or `viewer`). Unset: such a token is refused.
   * @default unset
   */
  defaultRole?: string;
  /** Minimum milliseconds between two JWKS fetches (jose's cooldownDuration). @default 30000 */
  jwksCooldownMs?: number;
  /** Milliseconds a fetched JWKS is used before it is fetched again (jose's cacheMaxAge). @default 600000 */
  jwksCacheMaxAgeMs?: number;
  /** Milliseconds a JWKS fetch may take (jose's timeoutDuration). @default 5000 */
  jwksTimeoutMs?: number;
}

/** The claim names used when none are configured. */
export const DEFAULT_JWT_CLAIMS: JwtClaimNames = { user: 'sub', workspace: 'workspaceId', roles: 'roles' };

/** The clock skew allowed on `exp` and `nbf` when RELATA_JWT_CLOCK_TOLERANCE is unset. */
export const DEFAULT_JWT_CLOCK_TOLERANCE_SECONDS = 30;

// HS256 with a short secret can be brute-forced offline from any one token.
const MIN_JWT_SECRET_BYTES = 32;

const JWT_TUNING = [
  'RELATA_JWT_ISSUER',
  'RELATA_JWT_AUDIENCE',
  'RELATA_JWT_CLOCK_TOLERANCE',
  'RELATA_JWT_CLAIM_USER',
  'RELATA_JWT_CLAIM_WORKSPACE',
  'RELATA_JWT_CLAIM_ROLES',
  'RELATA_JWT_DEFAULT_ROLE',
];

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

export function parseJwt(env: NodeJS.ProcessEnv): JwtConfig | undefined {
  const secret = read(env, 'RELATA_JWT_SECRET');
  const jwksUrl = read(env, 'RELATA_JWKS_URL');
  if (secret === undefined && jwksUrl === undefined) {
    // A half-configured identity provider would otherwise fail silently, with every token refused.
    const stray = JWT_TUNING.filter((name) => read(env, name) !== undefined);
    if (stray.length > 0) {
      throw new ConfigError(`${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set, but JWTs are off: set RELATA_JWT_SECRET or RELATA_JWKS_URL.`);
    }
    return undefined;
  }
  if (secret !== undefined && Buffer.byteLength(secret) < MIN_JWT_SECRET_BYTES) {
    throw new ConfigError(`RELATA_JWT_SECRET must be at least ${MIN_JWT_SECRET_BYTES} bytes long (got ${Buffer.byteLength(secret)}); use a random string.`);
  }
  if (jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new ConfigError(`RELATA_JWKS_URL is not a valid URL (got ${JSON.stringify(jwksUrl)}).`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      throw new ConfigError(`RELATA_JWKS_URL must be an https:// URL (http:// only on a loopback address), got ${JSON.stringify(jwksUrl)}.`);
    }
  }
  const issuer = read(env, 'RELATA_JWT_ISSUER');
  const audience = read(env, 'RELATA_JWT_AUDIENCE');
  if (jwksUrl !== undefined && (issuer === undefined || audience === undefined)) {
    // An identity provider's keys sign tokens for every application it serves.
    throw new ConfigError('RELATA_JWKS_URL needs RELATA_JWT_ISSUER and RELATA_JWT_AUDIENCE: the provider signs tokens for other applications too.');
  }
  const toleranceRaw = read(env, 'RELATA_JWT_CLOCK_TOLERANCE');
  let clockToleranceSeconds = DEFAULT_JWT_CLOCK_TOLERANCE_SECONDS;
  if (toleranceRaw !== undefined) {
    clockToleranceSeconds = /^\d{1,3}$/.test(toleranceRaw) ? Number(toleranceRaw) : NaN;
    if (!(clockToleranceSeconds <= 300)) {
      throw new ConfigError(`RELATA_JWT_CLOCK_TOLERANCE must be a whole number of seconds from 0 to 300 (got ${JSON.stringify(toleranceRaw)}).`);
    }
  }
  const defaultRole = read(env, 'RELATA_JWT_DEFAULT_ROLE');
  if (defaultRole !== undefined && !isBuiltInRole(defaultRole)) {
    throw new ConfigError(`RELATA_JWT_DEFAULT_ROLE must be one of ${BUILT_IN_ROLES.join(', ')} (got ${JSON.stringify(defaultRole)}).`);
  }
  return {
    secret,
    jwksUrl,
    issuer,
    audience,
    clockToleranceSeconds,
    claims: {
      user: read(env, 'RELATA_JWT_CLAIM_USER') ?? DEFAULT_JWT_CLAIMS.user,
      workspace: read(env, 'RELATA_JWT_CLAIM_WORKSPACE') ?? DEFAULT_JWT_CLAIMS.workspace,
      roles: read(env, 'RELATA_JWT_CLAIM_ROLES') ?? DEFAULT_JWT_CLAIMS.roles,
    },
    defaultRole,
  };
}
