/**
 * Verifies JWTs with jose and reads who they are for. The signature is checked
 * first (HS256 with the configured secret, RS256/ES256 with the identity
 * provider's JWKS), then `iss`, `aud`, `exp` and `nbf`; only then are the
 * claims read. Failures become UnauthenticatedError: `EXPIRED` and
 * `NOT_YET_VALID` for a correctly signed token outside its lifetime, `INVALID`
 * for everything else, so a forger learns nothing about what was wrong.
 */
import { UnauthenticatedError, type VerifiedIdentity } from '@relata/core';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtConfig } from '../config.ts';

/** Algorithms verified against RELATA_JWKS_URL's keys. */
export const JWKS_ALGORITHMS = ['RS256', 'ES256'] as const;

/** Algorithm verified against RELATA_JWT_SECRET. */
export const SECRET_ALGORITHM = 'HS256';

/** jose errors that say the token is bad; any other error (the JWKS cannot be fetched...) is the server's problem. */
const TOKEN_ERRORS = new Set([
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JWK_INVALID',
]);

/** The role names of a roles claim: an array of names, or one name. */
function readRoles(claim: unknown): string[] {
  const names = typeof claim === 'string' ? [claim] : Array.isArray(claim) ? claim : [];
  return names.filter((name): name is string => typeof name === 'string');
}

function readUserId(claim: unknown): string | undefined {
  if (typeof claim === 'string' && claim !== '') return claim;
  // Some products number their users; a number names the same user as its decimal string.
  if (typeof claim === 'number' && Number.isSafeInteger(claim)) return String(claim);
  return undefined;
}

/** Creates a verifier for `config`. One per server: it holds the JWKS cache. */
export function createJwtVerifier(config: JwtConfig) {
  const secret = config.secret === undefined ? undefined : new TextEncoder().encode(config.secret);
  const jwks =
    config.jwksUrl === undefined
      ? undefined
      : createRemoteJWKSet(new URL(config.jwksUrl), {
          cooldownDuration: config.jwksCooldownMs,
          cacheMaxAge: config.jwksCacheMaxAgeMs,
          timeoutDuration: config.jwksTimeoutMs,
        });
  const algorithms = [...(secret ? [SECRET_ALGORITHM] : []), ...(jwks ? JWKS_ALGORITHMS : [])];
  // jose checks `alg` against `algorithms` before asking for the key, so a token can
  // never have the secret used as a public key or the other way round.
  const key: JWTVerifyGetKey = (header, token) => (header.alg === SECRET_ALGORITHM ? secret! : jwks!(header, token));

  async function verified(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms,
        issuer: config.issuer,
        audience: config.audience,
        clockTolerance: config.clockToleranceSeconds,
        // A token without an expiry would be a password that can never be taken back.
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new UnauthenticatedError('EXPIRED');
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf' && error.reason === 'check_failed') {
        throw new UnauthenticatedError('NOT_YET_VALID');
      }
      if (error instanceof errors.JOSEError && TOKEN_ERRORS.has(error.code)) throw new UnauthenticatedError('INVALID');
      throw error;
    }
  }

  return {
    /**
     * Verifies `token` and returns who it is for, with the role names it carries
     * and the configured default role. Which of them the workspace knows is
     * decided with the workspace (member-service.ts): a token naming none, with
     * no default role, is refused there.
     */
    async verify(token: string): Promise<VerifiedIdentity> {
      const payload = await verified(token);
      const userId = readUserId(payload[config.claims.user]);
      const workspaceId = payload[config.claims.workspace];
      if (userId === undefined || typeof workspaceId !== 'string') {
        throw new UnauthenticatedError('INVALID', `The token has no "${userId === undefined ? config.claims.user : config.claims.workspace}" claim Relata can read`);
      }
      const roles = readRoles(payload[config.claims.roles]);
      return { userId, workspaceId: workspaceId.toLowerCase(), roles, ...(config.defaultRole === undefined ? {} : { defaultRole: config.defaultRole }) };
    },
  };
}

/** A JWT verifier. */
export type JwtVerifier = ReturnType<typeof createJwtVerifier>;
